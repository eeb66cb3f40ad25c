"""The web chat: the page, the QR landing, the JSON endpoint its script talks to, and the same
turn as a plain form post, for a page whose script has not loaded yet (or never will).

The page arrives with the assistant's greeting already in it (Rasa's own response, read by
carecareers.conversation.greeting), its buttons sealed for this session: nothing is asked of
Rasa, and nothing is counted as a conversation, until the person writes or taps.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session

from carecareers.campaigns.service import channel_links, normalise_code, record_landing
from carecareers.campaigns.widget import count, site_of, widget_campaign
from carecareers.catalogue import for_language, text
from carecareers.conversation.greeting import greeting
from carecareers.conversation.payloads import BOOKINGS_PAUSED
from carecareers.conversation.rasa_client import MAX_MESSAGE_CHARS, clean_user_text
from carecareers.conversation.relay import UNAVAILABLE, Relay, Turn
from carecareers.settings import Settings
from carecareers.threads.replies import thread_buttons
from carecareers.threads.web import has_unseen, take_unseen
from web.deps import get_clock, get_session, get_settings
from web.fingerprints import csp_source
from web.ratelimit import AddressLimiter, ChatLimiter
from web.security import CONTENT_SECURITY_POLICY, EMBEDDABLE_POLICY, allowing_style
from web.session import (
    ButtonSigner,
    ChatSession,
    client_address,
    conversation_tag,
    new_session,
    open_session,
    read_session,
    seal_session,
    write_session,
)

logger = logging.getLogger(__name__)
router = APIRouter()

CHANNEL = "web"
WIDGET_CHANNEL = "widget"  # how a visit counted from a website's widget is marked
MAX_BODY_BYTES = 16 * 1024
FORM_TYPE = "application/x-www-form-urlencoded"
INLINE_STYLE = "site.css"  # the chat pages inline it: nothing but the HTML before the first paint
UNAVAILABLE_RETRY_SECONDS = 30


class BodyTooLarge(Exception):
    """The request body is bigger than MAX_BODY_BYTES."""


class ChatRequest(BaseModel):
    """Typed text, or a button the server offered to this session."""

    model_config = ConfigDict(extra="forbid")

    message: str | None = Field(default=None, min_length=1, max_length=MAX_MESSAGE_CHARS)
    button: str | None = Field(default=None, min_length=1, max_length=2000)

    def asks_one_thing(self) -> bool:
        return (self.message is None) != (self.button is None)


class EmbeddedChatForm(ChatRequest):
    """The form of the chat in the widget's frame: it carries the page's session (no cookie)."""

    session: str | None = Field(default=None, max_length=2000)


class ChatReply(BaseModel):
    messages: list[dict[str, Any]]


@dataclass(frozen=True)
class Answer:
    """What one request to take a turn gets: for the script as JSON, for the form as a page."""

    status: int = 200
    messages: list[dict[str, Any]] = field(default_factory=list)
    detail: str | None = None  # what went wrong, in the catalogue's words
    fields: list[str] | None = None  # the fields of a request that is not valid
    retry_after: int | None = None
    said: str | None = None  # what the person said, as the page shows it (a button's title)
    typed: str | None = None  # what they typed, as typed: kept in the box if not taken
    erased: bool = False  # the conversation was erased: the next message starts a new one
    moved_on: bool = False  # Rasa took the turn: only the buttons of this answer answer it
    person_wrote: bool = False

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)} if self.retry_after else {}

    def as_json(self) -> JSONResponse:
        content: dict[str, Any] = {}
        if self.detail is not None:
            content["detail"] = self.detail
        if self.fields is not None:
            content["fields"] = self.fields
        if self.status in (200, 503):
            content["messages"] = self.messages
        return JSONResponse(content, status_code=self.status, headers=self.headers())


def trusts_proxy(settings: Settings) -> bool:
    """Whether X-Forwarded-Proto/-For come from a proxy we trust (TRUST_PROXY_HEADERS)."""
    return settings.trust_proxy_headers


def _page(request: Request, settings: Settings, chat: ChatSession, embedded: bool = False,
          answer: Answer | None = None) -> HTMLResponse:
    """The chat page, showing the greeting or, after a form post, the turn it took.

    `embedded`: inside the widget's frame on another website, where the session is held by
    the page (no cookie) and links open in a new tab. `answer`: what a form post got (its
    status is the page's; a refusal shows its words with the greeting, and what the person
    typed stays in the box).
    """
    if answer is not None and answer.status == 200:
        said = [{"from": "user", "text": answer.said}] if answer.said else []
        entries, shown = said + [{"from": "bot", **m} for m in answer.messages], "turn"
    else:
        signer = ButtonSigner(settings.secret_key, chat.sender_id, chat.turn)
        entries, shown = [{"from": "bot", **signer.seal(greeting().as_dict())}], "greeting"
    templates = request.app.state.templates
    response = templates.TemplateResponse(request, "chat.html", {
        "elsewhere": channel_links(settings, chat.campaign),
        "conversation": conversation_tag(settings.secret_key, chat.sender_id),
        "script_texts": for_language().section("web.chat.script"),
        "session_token": seal_session(chat, settings.secret_key) if embedded else None,
        "post_to": "/embed/chat" if embedded else "/chat",
        "entries": entries,
        "shown": shown,
        "status": answer.detail if answer and answer.status != 200 else "",
        "draft": answer.typed if answer and answer.status != 200 else None,
    }, status_code=answer.status if answer else 200, headers=answer.headers() if answer else None)
    response.headers["Cache-Control"] = "no-store"
    policy = EMBEDDABLE_POLICY if embedded else CONTENT_SECURITY_POLICY
    response.headers["Content-Security-Policy"] = allowing_style(policy, csp_source(INLINE_STYLE))
    if not embedded:
        write_session(response, request, chat, settings.secret_key, trusts_proxy(settings))
    return response


@router.get("/chat", response_class=HTMLResponse)
def chat_page(request: Request, settings: Settings = Depends(get_settings)) -> HTMLResponse:
    chat = read_session(request, settings.secret_key) or new_session()
    return _page(request, settings, chat)


@router.get("/c/{code}", response_class=HTMLResponse)
def campaign_landing(code: str, request: Request, settings: Settings = Depends(get_settings),
                     session: Session = Depends(get_session)) -> HTMLResponse:
    """Count the visit, tag a new chat with the campaign, and show the chat.

    An unknown code still shows the chat, untagged. A chat already under way keeps the
    campaign that started it (first-touch attribution).
    """
    current = read_session(request, settings.secret_key)
    counted = current.visited if current else None
    if request.query_params.get("via") == "story":
        counted = normalise_code(code)  # the story page it came from counted the visit
    campaign = record_landing(session, code, counted, now=get_clock(request).now())
    tag = campaign.code if campaign else None
    if current is None:
        chat = ChatSession(new_session().sender_id, tag, tag)
    else:
        chat = ChatSession(current.sender_id, current.campaign or tag, tag or current.visited)
    return _page(request, settings, chat)


@router.get("/embed/chat", response_class=HTMLResponse)
def embedded_chat(request: Request, c: str | None = None,
                  settings: Settings = Depends(get_settings),
                  session: Session = Depends(get_session)) -> HTMLResponse:
    """The chat opened from the widget on another website (in a frame, in place).

    Always a new conversation, tagged with the widget's campaign: the visit is counted
    (channel "widget") with the chat opened from the website the frame is on. The session
    is in the page, not in a cookie.
    """
    clock = get_clock(request)
    campaign = widget_campaign(session, c[:64] if c else None)
    site = site_of(request.headers.get("referer"))
    ours = site == settings.public_base_url.rstrip("/").lower()  # the dashboard's preview
    if campaign is not None and not ours:
        record_landing(session, campaign.code, None, WIDGET_CHANNEL, now=clock.now())
        count(session, campaign, site, "chats_opened", clock.today())
    tag = campaign.code if campaign and not ours else None
    chat = ChatSession(new_session().sender_id, tag, tag, site=None if ours else site)
    return _page(request, settings, chat, embedded=True)


@router.post("/api/chat", response_model=ChatReply)
async def chat_api(request: Request, settings: Settings = Depends(get_settings)) -> JSONResponse:
    """A turn from the page's script: JSON in, JSON out."""
    chat = read_session(request, settings.secret_key) or new_session()
    body = await _read(request, _json_body)
    answer, chat = await _take_turn(request, settings, chat, body)
    response = answer.as_json()
    write_session(response, request, chat, settings.secret_key, trusts_proxy(settings))
    return response


@router.post("/chat", response_class=HTMLResponse)
async def chat_form(request: Request, settings: Settings = Depends(get_settings)) -> HTMLResponse:
    """A turn from the page's own form, before its script has loaded or where it never will.

    The same turn as /api/chat (limits, checks, session cookie), answered with the page. The
    session cookie is SameSite=Lax, so a form posted to here from another website arrives
    without it: that post starts a new conversation, and sees nothing of this browser's.
    """
    chat = read_session(request, settings.secret_key) or new_session()
    body = await _read(request, _form_body)
    answer, chat = await _take_turn(request, settings, chat, body)
    return _page(request, settings, chat, answer=answer)


@router.post("/embed/chat", response_class=HTMLResponse)
async def embedded_chat_form(request: Request,
                             settings: Settings = Depends(get_settings)) -> HTMLResponse:
    """The form post of the chat in the widget's frame: its session comes in a hidden field
    (there is no cookie there), and goes back in the page."""
    body = await _read(request, _embedded_form_body)
    sealed = body.session if isinstance(body, EmbeddedChatForm) else None
    chat = (open_session(sealed, settings.secret_key) if sealed else None) or new_session()
    answer, chat = await _take_turn(request, settings, chat, body)
    return _page(request, settings, chat, embedded=True, answer=answer)


class AdviserMessagesRequest(BaseModel):
    """How the page opening the chat asks for adviser messages."""

    model_config = ConfigDict(extra="forbid")

    in_this_tab: bool = False  # this tab holds the conversation's transcript: same person
    show: bool = False  # asked, the person says the waiting messages are theirs
    not_me: bool = False  # asked, the person says they are someone else


@router.post("/api/chat/adviser-messages", response_model=ChatReply)
async def adviser_messages(request: Request, settings: Settings = Depends(get_settings),
                           session: Session = Depends(get_session)) -> JSONResponse:
    """Messages advisers wrote to this browser's visitor since they last opened the chat.

    The chat page asks once on each load; each message is shown once (then marked seen), the
    last with the two buttons that end the adviser chat. A request without a valid chat
    cookie gets nothing, and no new cookie.

    The cookie lasts 30 days, so that a person who comes back finds their messages; on a
    shared browser (a school's, a food bank's) the next person may open the chat. So unless
    the page says this tab holds the conversation (the person never left), a waiting
    message is not shown: the answer is `ask`, and the page asks whether the last person
    to chat here is them. Yes (`show`) shows it; no (`not_me`) starts a new conversation
    for them and leaves the message waiting for its person.
    """
    if "json" not in request.headers.get("content-type", "").lower():
        return _error(415, "web.chat_api.not_json").as_json()
    try:
        body = AdviserMessagesRequest.model_validate_json(await _read_body(request) or b"{}")
    except (BodyTooLarge, ValidationError):
        return _error(422, "web.chat_api.not_valid").as_json()
    chat = read_session(request, settings.secret_key)
    content: dict[str, Any] = {"messages": []}
    if chat is not None and body.not_me:
        content["restart"] = True
    elif chat is not None and (body.in_this_tab or body.show):
        shown = [m.as_dict() for m in await run_in_threadpool(
            take_unseen, session, chat.sender_id, get_clock(request).now())]
        if shown:
            shown[-1] = ButtonSigner(settings.secret_key, chat.sender_id, chat.turn).seal(
                {**shown[-1], "buttons": thread_buttons()})
        content["messages"] = shown
    elif chat is not None and await run_in_threadpool(has_unseen, session, chat.sender_id):
        content["ask"] = True
    response = JSONResponse(content)
    response.headers["Cache-Control"] = "no-store"
    if chat is not None and body.not_me:
        write_session(response, request, new_session(chat.campaign), settings.secret_key,
                      trusts_proxy(settings))
    return response


def _count_started(request: Request, chat: ChatSession) -> None:
    """Count a chat from a website's widget as started: its person wrote for the first time."""
    clock = get_clock(request)
    with request.app.state.session_factory() as session, session.begin():
        campaign = widget_campaign(session, chat.campaign)
        if campaign is not None and chat.site:
            count(session, campaign, chat.site, "chats_started", clock.today())


async def _take_turn(request: Request, settings: Settings, chat: ChatSession,
                     body: ChatRequest | Answer) -> tuple[Answer, ChatSession]:
    """Take one turn (or refuse it) and return the answer with the session to give back.

    `body` is what was asked, or already the answer to a request that could not be read.
    """
    limiter: ChatLimiter = request.app.state.chat_limiter
    address = client_address(request, trusts_proxy(settings))
    # A request without a valid session gets a new, unseen id: it counts against the
    # address as well as against its new session. The same look says whether the address
    # may book more places at events today.
    wait, may_book = limiter.admit(chat.sender_id, address, request.app.state.booking_limiter)
    if wait:
        answer = _refused(wait)
    elif isinstance(body, Answer):
        answer = body
    else:
        answer = await _answer(request, settings, chat, address, body, may_book)
    if isinstance(body, ChatRequest) and body.message is not None:
        answer = replace(answer, typed=body.message)
    if answer.erased:
        chat = new_session(chat.campaign)  # the next message starts an empty conversation
    elif answer.moved_on:
        chat = chat.next_turn()  # only the buttons of this answer can answer its question
    if answer.person_wrote and chat.site and not chat.messaged:
        await run_in_threadpool(_count_started, request, chat)
        chat = replace(chat, messaged=True)
    return answer, chat


async def _answer(request: Request, settings: Settings, chat: ChatSession, address: str,
                  body: ChatRequest, may_book: bool) -> Answer:
    if not body.asks_one_thing():
        return _error(422, "web.chat_api.one_thing")
    if body.message is not None:
        said, shown = clean_user_text(body.message), body.message
    else:
        pressed = ButtonSigner(settings.secret_key, chat.sender_id, chat.turn).press(
            body.button or "")
        said, shown = (pressed.payload, pressed.title) if pressed else ("", None)
    if not said:
        return _error(422, "web.chat_api.empty_or_expired")
    return await _ask_rasa(request, settings, chat, address, said, shown, typed=body.message,
                           may_book=may_book)


async def _ask_rasa(request: Request, settings: Settings, chat: ChatSession, address: str,
                    said: str, shown: str | None, typed: str | None, may_book: bool) -> Answer:
    """Take the turn through the relay (`typed`: the visitor's typed text, as typed; `shown`:
    what the page shows of what they said; `may_book`: the address has places left to book
    today)."""
    relay: Relay = request.app.state.relay
    bookings: AddressLimiter = request.app.state.booking_limiter
    # The actions never see addresses: an address that booked its day's places says so.
    paused = {} if may_book else {BOOKINGS_PAUSED: True}
    result = await relay.take(Turn(chat.sender_id, said, CHANNEL, chat.campaign, said=typed,
                                   address=chat.sender_id, extra_metadata=paused))
    if result.booked:
        bookings.attempt(address)
    if not result.answered:
        unavailable = text(UNAVAILABLE)
        return Answer(503, [{"text": unavailable}], detail=unavailable,
                      retry_after=UNAVAILABLE_RETRY_SECONDS, said=shown)
    turn = chat.turn + 1 if result.moved_on else chat.turn
    buttons = ButtonSigner(settings.secret_key, chat.sender_id, turn)
    return Answer(messages=[buttons.seal(r.as_dict()) for r in result.replies], said=shown,
                  erased=result.erased, moved_on=result.moved_on, person_wrote=True)


# -- reading what was sent -------------------------------------------------------------------


class Unreadable(Exception):
    """A body the chat does not read (wrong type, not a form): it carries the answer."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(answer.detail)
        self.answer = answer


async def _read(request: Request,
                reader: Callable[[Request], Awaitable[ChatRequest]]) -> ChatRequest | Answer:
    """What the request asks, or the answer to give when it cannot be read."""
    try:
        return await reader(request)
    except Unreadable as exc:
        return exc.answer
    except BodyTooLarge:
        return _too_large()
    except ValidationError as exc:
        return _invalid(exc)


async def _json_body(request: Request) -> ChatRequest:
    if "json" not in request.headers.get("content-type", "").lower():
        raise Unreadable(_error(415, "web.chat_api.not_json"))
    return ChatRequest.model_validate_json(await _read_body(request))


async def _form_body(request: Request, model: type[ChatRequest] = ChatRequest) -> ChatRequest:
    """The page's form, read here (not with request.form()) to keep to MAX_BODY_BYTES."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != FORM_TYPE:
        raise Unreadable(_error(415, "web.chat_api.not_form"))
    try:
        fields = parse_qsl((await _read_body(request)).decode("utf-8"), keep_blank_values=True,
                           max_num_fields=len(model.model_fields))
    except (UnicodeDecodeError, ValueError):
        raise Unreadable(_error(422, "web.chat_api.not_valid")) from None
    values = dict(fields)
    if len(values) != len(fields):
        raise Unreadable(_error(422, "web.chat_api.one_thing"))
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise Unreadable(replace(_invalid(exc), typed=values.get("message"))) from None


async def _embedded_form_body(request: Request) -> ChatRequest:
    return await _form_body(request, EmbeddedChatForm)


async def _read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """Read the body, giving up as soon as it is larger than `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BodyTooLarge
    return bytes(body)


def _refused(wait_seconds: int) -> Answer:
    return Answer(429, detail=text("web.chat_api.too_fast", seconds=wait_seconds),
                  retry_after=wait_seconds)


def _too_large(status: int = 413) -> Answer:
    return _error(status, "web.chat_api.too_large", max_chars=MAX_MESSAGE_CHARS)


def _invalid(exc: ValidationError) -> Answer:
    fields = sorted({".".join(str(p) for p in e["loc"]) or "body" for e in exc.errors()})
    if fields == ["message"] and any(e["type"] == "string_too_long" for e in exc.errors()):
        return _too_large(422)
    if fields == ["message"] and any(e["type"] == "string_too_short" for e in exc.errors()):
        return _error(422, "web.chat_api.empty_or_expired")
    return Answer(422, detail=text("web.chat_api.invalid", fields=", ".join(fields)),
                  fields=fields)


def _error(status: int, text_id: str, **values: object) -> Answer:
    """An answer the chat page shows as it is: the catalogue's text `text_id`."""
    return Answer(status, detail=text(text_id, **values))
