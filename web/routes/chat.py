"""The web chat: the page, the QR landing and the JSON endpoint it talks to."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session

from carecareers.campaigns.service import channel_links, normalise_code, record_landing
from carecareers.campaigns.widget import count, site_of, widget_campaign
from carecareers.catalogue import for_language, text
from carecareers.conversation.payloads import BOOKINGS_PAUSED
from carecareers.conversation.rasa_client import MAX_MESSAGE_CHARS, clean_user_text
from carecareers.conversation.relay import UNAVAILABLE, Relay, Turn
from carecareers.settings import Settings
from carecareers.threads.replies import thread_buttons
from carecareers.threads.web import has_unseen, take_unseen
from web.deps import get_clock, get_session, get_settings
from web.ratelimit import AddressLimiter, ChatLimiter
from web.security import EMBEDDABLE_POLICY
from web.session import (
    ButtonSigner,
    ChatSession,
    client_address,
    conversation_tag,
    new_session,
    read_session,
    seal_session,
    write_session,
)

logger = logging.getLogger(__name__)
router = APIRouter()

CHANNEL = "web"
WIDGET_CHANNEL = "widget"  # how a visit counted from a website's widget is marked
MAX_BODY_BYTES = 16 * 1024
# Opening the page asks Rasa for its greeting; the server, not the visitor, picks the intent,
# and it is not counted as a conversation until the visitor says or taps something.
GREETING_PAYLOAD = "/greet"


class BodyTooLarge(Exception):
    """The request body is bigger than MAX_BODY_BYTES."""


class ChatRequest(BaseModel):
    """Typed text, a button the server offered to this session, or the page's greeting."""

    model_config = ConfigDict(extra="forbid")

    message: str | None = Field(default=None, min_length=1, max_length=MAX_MESSAGE_CHARS)
    button: str | None = Field(default=None, min_length=1, max_length=2000)
    start: bool = False

    def asks_one_thing(self) -> bool:
        return [self.message is not None, self.button is not None, self.start].count(True) == 1


class ChatReply(BaseModel):
    messages: list[dict[str, Any]]


def trusts_proxy(settings: Settings) -> bool:
    """Whether X-Forwarded-Proto/-For come from a proxy we trust (TRUST_PROXY_HEADERS)."""
    return settings.trust_proxy_headers


def _page(request: Request, settings: Settings, chat: ChatSession,
          embedded: bool = False) -> HTMLResponse:
    """The chat page; `embedded`: inside the widget's frame on another website, where the
    session is held by the page (no cookie) and links open in a new tab."""
    templates = request.app.state.templates
    response = templates.TemplateResponse(request, "chat.html", {
        "elsewhere": channel_links(settings, chat.campaign),
        "conversation": conversation_tag(settings.secret_key, chat.sender_id),
        "script_texts": for_language().section("web.chat.script"),
        "session_token": seal_session(chat, settings.secret_key) if embedded else None,
    })
    response.headers["Cache-Control"] = "no-store"
    if embedded:
        response.headers["Content-Security-Policy"] = EMBEDDABLE_POLICY
    else:
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
    chat = read_session(request, settings.secret_key) or new_session()
    limiter: ChatLimiter = request.app.state.chat_limiter
    request.state.address = client_address(request, trusts_proxy(settings))
    # A request without a valid session gets a new, unseen id: it counts against the
    # address as well as against its new session.
    wait = limiter.check(chat.sender_id, request.state.address)
    response = _refused(wait) if wait else await _answer(request, settings, chat)
    if getattr(request.state, "conversation_erased", False):
        chat = new_session(chat.campaign)  # the next message starts an empty conversation
    elif getattr(request.state, "answered", False):
        chat = chat.next_turn()  # only the buttons of this answer can answer its question
    if getattr(request.state, "person_wrote", False) and chat.site and not chat.messaged:
        await run_in_threadpool(_count_started, request, chat)
        chat = replace(chat, messaged=True)
    write_session(response, request, chat, settings.secret_key, trusts_proxy(settings))
    return response


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
        return _error(415, "web.chat_api.not_json")
    try:
        body = AdviserMessagesRequest.model_validate_json(await _read_body(request) or b"{}")
    except (BodyTooLarge, ValidationError):
        return _error(422, "web.chat_api.not_valid")
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


async def _answer(request: Request, settings: Settings, chat: ChatSession) -> JSONResponse:
    if "json" not in request.headers.get("content-type", "").lower():
        return _error(415, "web.chat_api.not_json")
    try:
        body = ChatRequest.model_validate_json(await _read_body(request))
    except BodyTooLarge:
        return _too_large()
    except ValidationError as exc:
        return _invalid(exc)
    if not body.asks_one_thing():
        return _error(422, "web.chat_api.one_thing")
    if body.start:
        return await _ask_rasa(request, settings, chat, GREETING_PAYLOAD, from_visitor=False)
    said = (clean_user_text(body.message) if body.message is not None
            else ButtonSigner(settings.secret_key, chat.sender_id, chat.turn).open(
                body.button or ""))
    if not said:
        return _error(422, "web.chat_api.empty_or_expired")
    return await _ask_rasa(request, settings, chat, said, typed=body.message)


async def _ask_rasa(request: Request, settings: Settings, chat: ChatSession, said: str,
                    from_visitor: bool = True, typed: str | None = None) -> JSONResponse:
    """Take the turn through the relay (`typed`: the visitor's typed text, as typed)."""
    relay: Relay = request.app.state.relay
    bookings: AddressLimiter = request.app.state.booking_limiter
    address = request.state.address
    # The actions never see addresses: an address that booked its day's places says so.
    paused = {} if bookings.has_room(address) else {BOOKINGS_PAUSED: True}
    result = await relay.take(Turn(chat.sender_id, said, CHANNEL, chat.campaign,
                                   from_person=from_visitor, said=typed,
                                   address=chat.sender_id, extra_metadata=paused))
    if result.booked:
        bookings.attempt(address)
    if not result.answered:
        unavailable = text(UNAVAILABLE)
        return JSONResponse(
            status_code=503, headers={"Retry-After": "30"},
            content={"detail": unavailable, "messages": [{"text": unavailable}]})
    request.state.conversation_erased = result.erased
    request.state.answered = result.moved_on
    request.state.person_wrote = from_visitor
    turn = chat.turn + 1 if result.moved_on else chat.turn
    buttons = ButtonSigner(settings.secret_key, chat.sender_id, turn)
    return JSONResponse({"messages": [buttons.seal(r.as_dict()) for r in result.replies]})


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


def _refused(wait_seconds: int) -> JSONResponse:
    return JSONResponse(
        status_code=429, headers={"Retry-After": str(wait_seconds)},
        content={"detail": text("web.chat_api.too_fast", seconds=wait_seconds)})


def _too_large(status: int = 413) -> JSONResponse:
    return _error(status, "web.chat_api.too_large", max_chars=MAX_MESSAGE_CHARS)


def _invalid(exc: ValidationError) -> JSONResponse:
    fields = sorted({".".join(str(p) for p in e["loc"]) or "body" for e in exc.errors()})
    if fields == ["message"] and any(e["type"] == "string_too_long" for e in exc.errors()):
        return _too_large(422)
    return JSONResponse(status_code=422, content={
        "detail": text("web.chat_api.invalid", fields=", ".join(fields)), "fields": fields})


def _error(status: int, text_id: str, **values: object) -> JSONResponse:
    """An answer the chat page shows as it is: the catalogue's text `text_id`."""
    return JSONResponse(status_code=status, content={"detail": text(text_id, **values)})
