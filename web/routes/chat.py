"""The web chat: the page, the QR landing and the JSON endpoint it talks to."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from carecareers.campaigns import record_message, record_visit
from carecareers.leads.erasure import (
    ErasureFailed,
    asks_to_erase_conversation,
    erase_conversation_events,
)
from carecareers.rasa_client import MAX_MESSAGE_CHARS, RasaUnavailable, clean_user_text
from carecareers.settings import Settings
from web.deps import get_session, get_settings
from web.session import (
    ButtonSigner,
    ChatSession,
    new_session,
    read_session,
    write_session,
)

logger = logging.getLogger(__name__)
router = APIRouter()

UNAVAILABLE_TEXT = (
    "Sorry, I can't answer right now. Please try again in a minute."
)


class ChatRequest(BaseModel):
    """Either typed text, or a button the server offered to this session."""

    message: str | None = Field(default=None, min_length=1, max_length=MAX_MESSAGE_CHARS)
    button: str | None = Field(default=None, min_length=1, max_length=2000)


class ChatReply(BaseModel):
    messages: list[dict[str, Any]]


def _page(request: Request, settings: Settings, campaign: str | None) -> HTMLResponse:
    templates = request.app.state.templates
    telegram_link = None
    if settings.telegram_bot_username:
        start = f"?start={campaign}" if campaign else ""
        telegram_link = f"https://t.me/{settings.telegram_bot_username}{start}"
    return templates.TemplateResponse(
        request, "chat.html", {"telegram_link": telegram_link, "campaign": campaign}
    )


@router.get("/chat", response_class=HTMLResponse)
def chat_page(request: Request, settings: Settings = Depends(get_settings)) -> HTMLResponse:
    current = read_session(request, settings.secret_key)
    chat = current or new_session()
    response = _page(request, settings, chat.campaign)
    write_session(response, request, chat, settings.secret_key)
    return response


@router.get("/c/{code}", response_class=HTMLResponse)
def campaign_landing(code: str, request: Request, settings: Settings = Depends(get_settings),
                     session: Session = Depends(get_session)) -> HTMLResponse:
    campaign = record_visit(session, code, channel="web")
    tag = campaign.code if campaign else None
    current = read_session(request, settings.secret_key)
    chat = ChatSession(current.sender_id, tag) if current else new_session(tag)
    response = _page(request, settings, tag)
    write_session(response, request, chat, settings.secret_key)
    return response


@router.post("/api/chat", response_model=ChatReply)
async def chat_api(body: ChatRequest, request: Request,
                   settings: Settings = Depends(get_settings)) -> JSONResponse:
    chat = read_session(request, settings.secret_key) or new_session()
    buttons = ButtonSigner(settings.secret_key, chat.sender_id)
    if (body.message is None) == (body.button is None):
        return _invalid("Send either a message or a button.")
    text = clean_user_text(body.message) if body.message is not None else buttons.open(
        body.button or "")
    if not text:
        return _invalid("The message is empty, or the button has expired.")
    _note_message(request, chat)
    try:
        replies = await request.app.state.rasa.send(
            chat.sender_id, text, {"channel": "web", "campaign": chat.campaign}
        )
    except RasaUnavailable:
        response = JSONResponse(
            status_code=503,
            content={"detail": UNAVAILABLE_TEXT, "messages": [{"text": UNAVAILABLE_TEXT}]},
            headers={"Retry-After": "30"},
        )
    else:
        shown = [r for r in replies if not asks_to_erase_conversation([r.custom])]
        response = JSONResponse({"messages": [buttons.seal(r.as_dict()) for r in shown]})
        if len(shown) != len(replies):
            await _erase_conversation(settings, chat)
            chat = new_session(chat.campaign)
    write_session(response, request, chat, settings.secret_key)
    return response


async def _erase_conversation(settings: Settings, chat: ChatSession) -> None:
    """Delete the conversation's events now that Rasa has saved its last turn."""
    try:
        await run_in_threadpool(erase_conversation_events, settings.tracker_store_url,
                                chat.sender_id)
    except ErasureFailed:
        logger.exception("could not erase a conversation's events")


def _invalid(detail: str) -> JSONResponse:
    return JSONResponse(status_code=422, content={"detail": detail})


def _note_message(request: Request, chat: ChatSession) -> None:
    factory = request.app.state.session_factory
    try:
        with factory() as session, session.begin():
            record_message(session, chat.sender_id, "web", chat.campaign)
    except Exception:  # attribution must never stop a conversation
        logger.exception("could not record the conversation for attribution")
