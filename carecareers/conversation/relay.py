"""One chat turn, the same for every channel: note the address, attribute, ask Rasa, erase,
fall back.

Each channel's front end (content/channels.yml) parses what arrived, calls `Relay.take`,
and renders the replies it returns; every rule of a turn lives here once, including where
typed text goes while the person has an open adviser thread.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import DateTime, Select, String, bindparam, false, or_, select, true
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from carecareers.campaigns.service import count_message, forget_conversation, record_message
from carecareers.catalogue import text
from carecareers.channels import channel_named
from carecareers.clock import Clock
from carecareers.conversation.payloads import (
    forgets_form_answers,
    is_booked_marker,
    is_erasure_marker,
    is_marker,
)
from carecareers.conversation.pending import CHANGES, remember_failed
from carecareers.conversation.rasa_client import BotMessage, RasaUnavailable
from carecareers.conversation.tracker_events import ErasureFailed
from carecareers.db import single_statements
from carecareers.delivery.people import (
    SEEN_EVERY,
    address_noted,
    address_unclaimed,
    first_address,
    forget_person,
    note_address,
    seen_again,
    seen_lately,
)
from carecareers.topics import (
    PersonTurn,
    TurnAnswer,
    awaiting,
    registrations,
    turn_payloads,
    turn_takers,
)

logger = logging.getLogger(__name__)

UNAVAILABLE = "chat.unavailable"
# Rasa answers nothing at all when a turn fails inside it (an action server that is down, a
# tracker store that dropped its connection): say so kindly rather than stay silent.
NO_REPLY = "chat.no_reply"


class RasaSender(Protocol):
    async def send(self, sender: str, message: str,
                   metadata: dict[str, Any] | None = None) -> list[BotMessage]: ...


@dataclass(frozen=True)
class Turn:
    """What arrived from one person: typed text or a button's payload, and where from.

    `from_person` is False for what a front end sends on its own (the web page's greeting):
    such a turn is not counted for the campaign and gets no fallback reply. `said` is what
    the person typed, as typed, when they typed it (None for a button, a command or a shared
    location): while they have an open adviser thread, it goes there instead of to Rasa.
    `address` is where the person can be reached on this channel (a chat's id): noted for
    delivery, never sent to Rasa.
    """

    sender_id: str
    message: str
    channel: str
    campaign: str | None = None
    from_person: bool = True
    extra_metadata: Mapping[str, Any] = field(default_factory=dict)
    if_silent: str | None = None
    said: str | None = None
    address: str | None = None

    def metadata(self) -> dict[str, Any]:
        """The metadata sent to Rasa: the channel, the campaign if any, and extras."""
        base: dict[str, Any] = {"channel": self.channel}
        if self.campaign:
            base["campaign"] = self.campaign
        return {**base, **self.extra_metadata}


@dataclass(frozen=True)
class _Look:
    """What the read before Rasa found: whether a topic waits for the person's typed text,
    whether their address here is noted already, whether noting it is one INSERT (they have
    none here, no one has it, it is not on the never-send list), and whether it was seen
    lately (noting that they were seen again would change nothing)."""

    waits: bool
    noted: bool
    unclaimed: bool = False
    seen_lately: bool = False


@dataclass(frozen=True)
class _Before:
    """What happened before Rasa: a topic's answer (it took the turn), and whether the
    turn's records (address, campaign count) were kept already."""

    answer: TurnAnswer | None = None
    kept: bool = False
    seen: bool = False  # the address was noted in this turn, or seen lately: nothing to note


@dataclass(frozen=True)
class TurnResult:
    replies: list[BotMessage]
    answered: bool = True  # False when Rasa could not be reached
    erased: bool = False  # the conversation was erased: a front end forgets what it holds
    fell_back: bool = False  # Rasa answered nothing; the replies are the relay's own
    booked: bool = False  # a place at an event was booked (the web app counts its address)
    taken_by_topic: bool = False  # a topic took the turn (an adviser thread), not Rasa

    @property
    def moved_on(self) -> bool:
        """True when Rasa took the turn: the buttons offered before no longer answer it."""
        return self.answered and not self.fell_back and not self.taken_by_topic


@functools.lru_cache(maxsize=8)
def _look_statement(_registrations: int, typed: bool, has_address: bool,
                    ) -> Select[tuple[bool, bool, bool, bool]] | None:
    """The read before Rasa (`Relay._look`), made once for the topics registered: whether a
    topic waits for the typed text of :sender_id, whether :address is noted as theirs on
    :channel, whether it is unclaimed there, and whether their address there was seen after
    :seen_since. None when a topic cannot say when it waits."""
    sender = bindparam("sender_id", type_=String)
    asked = awaiting(sender) if typed else []
    if asked is None:
        return None
    if not has_address:
        return select(or_(false(), *asked), true(), false(), true())
    channel, address = bindparam("channel", type_=String), bindparam("address", type_=String)
    since = bindparam("seen_since", type_=DateTime(timezone=True))
    return select(or_(false(), *asked), address_noted(sender, channel, address),
                  address_unclaimed(sender, channel, address),
                  seen_lately(sender, channel, since))


class Relay:
    """Take chat turns for one front end process."""

    def __init__(self, rasa: RasaSender, tracker_store_url: str,
                 sessions: sessionmaker[Session] | None = None,
                 dashboard_url: str = "", *, clock: Clock) -> None:
        if not tracker_store_url:
            raise ValueError("the relay needs the tracker store to erase conversations")
        self._rasa = rasa
        self._clock = clock
        self._tracker_store_url = tracker_store_url
        self._sessions = sessions
        # The read before Rasa, and the records that are whole in one statement, go outside
        # a transaction: each BEGIN and COMMIT is a round trip, the most of a turn's own time.
        self._single = single_statements(sessions) if sessions is not None else None
        self._dashboard_url = dashboard_url  # PUBLIC_BASE_URL: links in notices to advisers

    async def take(self, turn: Turn) -> TurnResult:
        channel = channel_named(turn.channel)
        if channel is None:
            raise ValueError(f"unknown channel {turn.channel!r}")
        keeping: asyncio.Task[None] | None = None
        if turn.from_person:
            before = await asyncio.to_thread(self._before_rasa, turn, channel.delivers_later)
            if before.answer is not None:
                shown = [BotMessage(text=said) for said in before.answer.before]
                if before.answer.text:
                    shown.append(BotMessage(text=before.answer.text,
                                            buttons=[dict(b) for b in before.answer.buttons]))
                return TurnResult(shown, taken_by_topic=True)
            if not before.kept:
                keeping = asyncio.create_task(asyncio.to_thread(self._keep, turn, before.seen))
        try:
            replies = await self._rasa.send(turn.sender_id, turn.message, turn.metadata())
        except RasaUnavailable:
            await self._kept(keeping, turn, erased=False)
            return TurnResult([BotMessage(text=text(UNAVAILABLE))], answered=False)
        shown = [reply for reply in replies if not is_marker(reply.custom)]
        erased = any(is_erasure_marker(reply.custom) for reply in replies)
        await self._kept(keeping, turn, erased)
        if erased:
            await self._change_tracker("erase", turn.sender_id)
        elif any(forgets_form_answers(reply.custom) for reply in replies):
            await self._change_tracker("redact", turn.sender_id)
        booked = any(is_booked_marker(reply.custom) for reply in replies)
        if not shown and (turn.from_person or turn.if_silent):
            return TurnResult([self._fallback(turn)], erased=erased, fell_back=not erased,
                              booked=booked)
        return TurnResult(shown, erased=erased, booked=booked)

    def _before_rasa(self, turn: Turn, delivers_later: bool) -> _Before:
        """What a person's turn needs of the database before Rasa sees it.

        One read, outside a transaction, asks whether a topic waits for the person's typed
        text (`awaiting`) and whether their address is noted already. A turn for Rasa only
        notes a new address (so that what its actions queue can reach the person; a first
        address on the channel in one statement), and keeps the rest of its records beside
        Rasa's answer (`_keep`).

        A topic's button, and typed text a topic waits for, are offered to the topics with
        the turn's records in one transaction (each transaction is a connection check, a
        BEGIN and a COMMIT, the most of a turn's own time). If anything fails there, nothing
        of it is kept and each step runs again in a transaction of its own, so that a step
        that fails is logged and the others happen.
        """
        if turn.said is not None or turn.message not in turn_payloads():
            look = self._look(turn)
            if turn.said is None or not look.waits:
                if look.noted:
                    return _Before(seen=look.seen_lately)
                if not (look.unclaimed and self._note_first_address(turn)):
                    self._note_address(turn)
                return _Before(seen=True)
        if self._sessions is not None:
            try:
                with self._sessions() as session, session.begin():
                    if turn.address:
                        note_address(session, turn.sender_id, turn.channel, turn.address,
                                     self._clock.now())
                    answer = self._offer(session, turn, delivers_later)
                    if answer is None:
                        record_message(session, turn.sender_id, turn.channel, turn.campaign,
                                       now=self._clock.now())
                    return _Before(answer, kept=True)
            except SQLAlchemyError as exc:
                logger.info("a turn's records failed together (%s); trying each alone",
                            type(exc).__name__)
        self._note_address(turn)
        answer = self._to_topics(turn, delivers_later)
        if answer is None:
            self._attribute(turn)
        return _Before(answer, kept=True)

    def close(self) -> None:
        """Close the database connections the relay keeps for its single statements."""
        if self._single is not None:
            self._single.close()

    def _look(self, turn: Turn) -> _Look:
        """Whether a topic waits for this person's typed text (a values check under way, an
        open adviser thread), and what is known of their address here (`_Look`): one read
        that takes no lock. When it fails, a topic may wait and nothing is known of the
        address, and the turn goes the way that copes with a failing database."""
        if self._single is None or (turn.said is None and not turn.address):
            return _Look(waits=False, noted=True, seen_lately=True)  # nothing to ask
        statement = _look_statement(registrations(), turn.said is not None, bool(turn.address))
        if statement is None:
            return _Look(waits=True, noted=True, seen_lately=True)
        try:
            with self._single.connect() as connection:
                waits, noted, unclaimed, lately = connection.execute(statement, {
                    "sender_id": turn.sender_id, "channel": turn.channel,
                    "address": turn.address,
                    "seen_since": self._clock.now() - SEEN_EVERY}).one()
        except SQLAlchemyError as exc:
            logger.info("could not look before Rasa (%s)", type(exc).__name__)
            return _Look(waits=True, noted=False)
        return _Look(bool(waits), bool(noted), bool(unclaimed), bool(lately))

    def _note_first_address(self, turn: Turn) -> bool:
        """Note the person's first address on this channel in one statement (the read before
        Rasa found it unclaimed). False when that failed (another turn noted one meanwhile,
        or the database): then `_note_address` does it the whole way."""
        assert self._single is not None and turn.address
        try:
            with self._single.connect() as connection:
                connection.execute(first_address(turn.sender_id, turn.channel, turn.address,
                                                 self._clock.now()))
        except SQLAlchemyError as exc:
            logger.info("could not note a first address in one statement (%s)",
                        type(exc).__name__)
            return False
        return True

    def _keep(self, turn: Turn, seen: bool = False) -> None:
        """While Rasa answers, count the message and note that the person was seen again at
        their address (noted already: `_before_rasa`; `seen` when it was noted in this turn or
        seen lately, so that there is nothing to note). Nothing Rasa does in this turn reads
        either.

        Each is one statement that stands alone, outside a transaction; the first message of
        a conversation creates it, in a transaction. When those statements fail, what is left
        is done in a transaction; if that fails, each is tried alone in one of its own."""
        if self._sessions is None:
            return
        now = self._clock.now()
        seen = seen or not turn.address
        if self._single is not None:
            try:
                with self._single.connect() as connection:
                    if not seen:
                        connection.execute(seen_again(turn.sender_id, turn.channel, now))
                        seen = True
                    if connection.execute(count_message(turn.sender_id, now)).rowcount:
                        return
            except SQLAlchemyError as exc:
                logger.info("a turn's records failed outside a transaction (%s)",
                            type(exc).__name__)
        try:
            with self._sessions() as session, session.begin():
                if not seen:
                    session.execute(seen_again(turn.sender_id, turn.channel, now))
                record_message(session, turn.sender_id, turn.channel, turn.campaign, now=now)
                return
        except SQLAlchemyError as exc:
            logger.info("a turn's records failed together (%s); trying each alone",
                        type(exc).__name__)
        self._note_address(turn)
        self._attribute(turn)

    async def _kept(self, keeping: asyncio.Task[None] | None, turn: Turn, erased: bool) -> None:
        """Wait for the records kept beside Rasa: they are in the database when the reply goes
        back. After an erasure in this turn, forget them again (they may have been written
        after the erasure: that link to the person must not stay)."""
        if keeping is None:
            return
        await keeping
        if erased:
            await asyncio.to_thread(self._forget_kept, turn)

    def _forget_kept(self, turn: Turn) -> None:
        if self._sessions is None:
            return
        try:
            with self._sessions() as session, session.begin():
                forget_person(session, [turn.sender_id])
                forget_conversation(session, turn.sender_id)
        except SQLAlchemyError as exc:
            logger.error("could not forget a turn's records after its erasure: %s",
                         type(exc).__name__)

    def _offer(self, session: Session, turn: Turn, delivers_later: bool) -> TurnAnswer | None:
        """The answer of the first topic that takes the turn before Rasa (an open adviser
        thread takes typed text, and its buttons), or None."""
        person = PersonTurn(turn.sender_id, turn.message, turn.said, delivers_later,
                            self._dashboard_url, self._clock.now())
        return next((answer for take in turn_takers()
                     if (answer := take(session, person)) is not None), None)

    def _to_topics(self, turn: Turn, delivers_later: bool) -> TurnAnswer | None:
        """Offer the turn to the topics in a transaction of its own; None when none takes it.

        A database error leaves typed text to Rasa, and answers a topic's button kindly.
        """
        failed = None if turn.said is not None else TurnAnswer(text(NO_REPLY))
        if self._sessions is None:
            return failed
        try:
            with self._sessions() as session, session.begin():
                return self._offer(session, turn, delivers_later)
        except SQLAlchemyError as exc:
            logger.warning("could not offer a turn to the topics: %s", type(exc).__name__)
            return failed

    def _attribute(self, turn: Turn) -> None:
        """Count the person's message for the campaign funnel, as soon as it arrives.

        Attribution never stops a conversation: a database error is logged and the turn
        goes on.
        """
        if self._sessions is None:
            return
        try:
            with self._sessions() as session, session.begin():
                record_message(session, turn.sender_id, turn.channel, turn.campaign,
                               now=self._clock.now())
        except SQLAlchemyError as exc:
            logger.warning("could not record the conversation for attribution: %s",
                           type(exc).__name__)

    def _note_address(self, turn: Turn) -> None:
        """Note where the person can be reached, by the time the turn's reply goes back.

        So that what the actions set up in the turns that follow (a job alert, a booking) can
        reach them, and so that an erasure removes it with the rest. Noting never stops a
        conversation: a database error is logged and the turn goes on.
        """
        if self._sessions is None or not turn.address:
            return
        try:
            with self._sessions() as session, session.begin():
                note_address(session, turn.sender_id, turn.channel, turn.address,
                             self._clock.now())
        except SQLAlchemyError as exc:
            logger.warning("could not note where a person can be reached: %s",
                           type(exc).__name__)

    async def _change_tracker(self, change: str, sender_id: str) -> None:
        """Erase or redact the conversation's events now that Rasa has saved its last turn.

        If the tracker store refuses, the change is kept and retried until it is done
        (`retry_pending`, run by the web app and by `carecareers retention purge`).
        """
        try:
            await asyncio.to_thread(CHANGES[change], self._tracker_store_url, sender_id)
        except ErasureFailed as exc:
            logger.warning("could not %s a conversation's events (%s); will retry", change, exc)
            await asyncio.to_thread(self._remember, sender_id, change)

    def _remember(self, sender_id: str, change: str) -> None:
        if self._sessions is None:
            logger.error("no database to keep a failed tracker %s for retrying", change)
            return
        with self._sessions() as session, session.begin():
            remember_failed(session, sender_id, change, self._clock.now())

    @staticmethod
    def _fallback(turn: Turn) -> BotMessage:
        if turn.if_silent:
            return BotMessage(text=turn.if_silent)
        logger.warning("Rasa sent no reply to a %s message; sending a kind one instead",
                       turn.channel)
        return BotMessage(text=text(NO_REPLY))
