"""The web app: QR landing, web chat, adviser dashboard and JSON API."""
