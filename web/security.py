"""Security headers on every response, unless the route already set its own."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Only our own scripts and styles, never inline (the adviser dashboard and the printable
# poster set their own policies, which this leaves alone).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
# The chat opened from the widget on another website: the same policy, but any site may
# frame it (it holds no account and no cookie; see web/routes/chat.py embedded_chat).
EMBEDDABLE_POLICY = CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", "frame-ancestors *")


def allowing_style(policy: str, source: str) -> str:
    """The policy with one more style source: the `'sha256-…'` of a page's inline style sheet
    (the chat pages inline theirs, so that nothing but the HTML stands before the first paint)."""
    return policy.replace("style-src 'self'", f"style-src 'self' {source}", 1)


PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
SECURITY_HEADERS: Mapping[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}
# Sent on every response when HTTPS_ONLY says the site is served over HTTPS (behind a TLS
# proxy the app itself sees plain HTTP), and on any request that did arrive over HTTPS.
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def secure_cookies(request: Request) -> bool:
    """Whether cookies get the Secure flag: HTTPS_ONLY, or this request came over HTTPS."""
    return bool(request.app.state.settings.https_only) or request.url.scheme == "https"


class SecurityHeaders:
    """ASGI middleware: add SECURITY_HEADERS to each response that does not set them itself."""

    def __init__(self, app: ASGIApp, headers: Mapping[str, str] = SECURITY_HEADERS,
                 https_only: bool = False) -> None:
        self.app = app
        self.headers = dict(headers)
        self.https_only = https_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = self.https_only or scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                headers = MutableHeaders(scope=message)
                framable = "frame-ancestors *" in headers.get("content-security-policy", "")
                for name, value in self.headers.items():
                    if not (framable and name == "X-Frame-Options"):
                        headers.setdefault(name, value)
                if https:
                    headers.setdefault(*HSTS)
            await send(message)

        await self.app(scope, receive, send_with_headers)
