"""The Telegram front end: relays messages between Telegram users and the Rasa server."""
