"""The web chat's session: a signed value naming a pseudonymous sender and a campaign.

On our own pages it is a cookie. In the chat opened from the widget on another website
(an iframe, where browsers block or partition cookies) it travels in the SESSION_HEADER
of each request instead: the page holds it in memory, and no cookie is ever set.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, replace
from typing import Any

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

from carecareers.conversation.buttons import safe_link, still_answers
from carecareers.conversation.senders import new_web_sender
from web.security import secure_cookies

COOKIE_NAME = "cc_chat"
SESSION_HEADER = "X-Chat-Session"
COOKIE_MAX_AGE = 60 * 60 * 24 * 30
BUTTON_MAX_AGE = 60 * 60  # seconds a button stays usable


@dataclass(frozen=True)
class ChatSession:
    """Who is chatting (a random id, nothing personal) and which campaign brought them.

    `visited` is the campaign whose visit this browser last counted, so that a reload
    of the landing page is not counted again.
    """

    sender_id: str
    campaign: str | None = None
    visited: str | None = None
    turn: int = 0  # how many answers this conversation has had: buttons belong to one
    site: str | None = None  # the website whose widget opened this chat (header sessions)
    messaged: bool = False  # whether the person has written yet (a widget chat "started")

    def next_turn(self) -> ChatSession:
        return replace(self, turn=self.turn + 1)


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt="web-chat-session")


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def uses_header(request: Request) -> bool:
    """Whether this request keeps its session in SESSION_HEADER rather than the cookie."""
    return SESSION_HEADER in request.headers


def read_session(request: Request, secret_key: str) -> ChatSession | None:
    raw = request.headers.get(SESSION_HEADER) if uses_header(request) else \
        request.cookies.get(COOKIE_NAME)
    return open_session(raw, secret_key) if raw else None


def open_session(raw: str, secret_key: str) -> ChatSession | None:
    """The session a signed value holds, or None when it is forged or malformed."""
    try:
        data = _serializer(secret_key).loads(raw)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("s"), str):
        return None
    turn = data.get("t")
    return ChatSession(sender_id=data["s"], campaign=_text_or_none(data.get("c")),
                       visited=_text_or_none(data.get("v")),
                       turn=turn if isinstance(turn, int) and turn >= 0 else 0,
                       site=_text_or_none(data.get("w")), messaged=data.get("m") is True)


def seal_session(session: ChatSession, secret_key: str) -> str:
    """The signed value that carries the session (in the cookie or the header)."""
    data: dict[str, Any] = {"s": session.sender_id, "c": session.campaign,
                            "v": session.visited, "t": session.turn}
    if session.site is not None:
        data.update(w=session.site, m=session.messaged)
    return str(_serializer(secret_key).dumps(data))


def new_session(campaign: str | None = None) -> ChatSession:
    return ChatSession(sender_id=new_web_sender(), campaign=campaign)


def request_is_https(request: Request, trust_proxy_headers: bool = False) -> bool:
    """True when the browser reached us over HTTPS.

    Behind a proxy that ends TLS, the proxy's X-Forwarded-Proto says so; it is believed
    only when the deployment says the proxy can be trusted (anyone can send the header).
    Uvicorn itself already applies it for the addresses in FORWARDED_ALLOW_IPS.
    """
    if request.url.scheme == "https":
        return True
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return trust_proxy_headers and forwarded == "https"


def client_address(request: Request, trust_proxy_headers: bool = False) -> str:
    """The address to rate-limit: the peer, or (behind a trusted proxy) the client it saw.

    The last X-Forwarded-For entry is the one the trusted proxy added itself; entries
    before it come from the client and could be made up.
    """
    if trust_proxy_headers:
        forwarded = request.headers.get("x-forwarded-for", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.client.host if request.client else "unknown"


def write_session(response: Response, request: Request, session: ChatSession,
                  secret_key: str, trust_proxy_headers: bool = False) -> None:
    """Give the session back the way it came: in SESSION_HEADER, or as the cookie."""
    value = seal_session(session, secret_key)
    if uses_header(request):
        response.headers[SESSION_HEADER] = value
        return
    response.set_cookie(
        COOKIE_NAME, value, max_age=COOKIE_MAX_AGE, httponly=True, samesite="lax",
        secure=secure_cookies(request) or request_is_https(request, trust_proxy_headers),
        path="/",
    )


def conversation_tag(secret_key: str, sender_id: str) -> str:
    """A short, non-reversible name for the conversation, safe to put in the page.

    The page keeps its transcript under this name, so a new conversation (a new
    cookie) never shows an old one's messages.
    """
    digest = hmac.new(secret_key.encode(), sender_id.encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


class ButtonSigner:
    """Seal button payloads so that a press can send only what the server offered, when it did.

    Typed text never reaches Rasa as an intent payload (`clean_user_text` strips the
    `/intent{...}` syntax); a button carries a payload signed for this conversation and the
    turn that offered it, and expires after BUTTON_MAX_AGE seconds. A button that answers a
    form's question (`/inform...`: a form answer, or the consent answer) is accepted only while
    its turn is the conversation's latest, so an old "Looks right" cannot answer a later
    question. A button whose payload is a web link is passed as `url`, for the page to open.
    The seal carries the button's title too, so that a page posted by its form (without its
    script) can show what was pressed.
    """

    def __init__(self, secret_key: str, sender_id: str, turn: int = 0) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="web-chat-button")
        self._sender_id = sender_id
        self._turn = turn

    def seal(self, message: dict[str, Any]) -> dict[str, Any]:
        buttons = [self._seal_button(b) for b in message.get("buttons") or [] if b.get("title")]
        return {**message, "buttons": buttons}

    def _seal_button(self, button: dict[str, str]) -> dict[str, str]:
        url = safe_link(button.get("payload", ""))
        if url:
            return {"title": button["title"], "url": url}
        return {"title": button["title"],
                "payload": self._sign(button.get("payload") or button["title"], button["title"])}

    def _sign(self, payload: str, title: str) -> str:
        return str(self._serializer.dumps([self._sender_id, self._turn, payload, title]))

    def open(self, token: str) -> str | None:
        """The payload of a pressed button, or None if it is forged, foreign, stale or expired."""
        pressed = self.press(token)
        return pressed.payload if pressed else None

    def press(self, token: str) -> PressedButton | None:
        """The pressed button (its payload, and its title for a page to show), or None if it
        is forged, foreign, stale or expired."""
        try:
            sender_id, turn, payload, *rest = self._serializer.loads(
                token, max_age=BUTTON_MAX_AGE)
        except (BadSignature, ValueError, TypeError):
            return None
        if sender_id != self._sender_id or not isinstance(payload, str) or not payload:
            return None
        if not still_answers(payload, turn, self._turn):
            return None
        title = rest[0] if len(rest) == 1 and isinstance(rest[0], str) else None
        return PressedButton(payload, title)


@dataclass(frozen=True)
class PressedButton:
    payload: str
    title: str | None  # None in a button sealed before titles were (an hour at most)
