"""The channel contract: the same scripted turns, through the relay, in every registered channel.

Each channel's front end hands the relay turns (content/channels.yml, docs/adding-a-channel.md);
here a stand-in front end does the same for each registered channel, against a Rasa that runs
the real actions. An interest form, a job alert agreed, a booking, a reply to an adviser and an
erasure must each work in every channel; where channels differ, they differ by what the
registry says of them (whether they deliver later, the contact method they add), never by name.
A new channel passes this file before it is done.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from actions.alerts import ActionSetJobAlert
from actions.events import ActionBookEvent
from actions.interest import ActionAskLeadContactMethod, ActionSubmitInterest
from actions.privacy import ActionEraseMyData
from carecareers.channels import Channel, registered
from carecareers.clock import Clock
from carecareers.conversation.relay import Relay, Turn, TurnResult
from carecareers.delivery import addresses_of
from carecareers.models import AdviserThread, Booking, JobAlert, Lead, OutboxMessage, ThreadMessage
from carecareers.threads import send_message
from carecareers.threads.replies import BACK_TO_ASSISTANT, thread_buttons
from tests.factories import make_adviser
from tests.integration.test_actions_events import add_event
from tests.integration.test_actions_with_database import database  # noqa: F401
from tests.support.fake_rasa import FakeRasa
from tests.support.responses import said as as_said
from tests.unit.test_conversation_relay import events_of, tracker_with_events

Json = dict[str, Any]
CHAT = "4242"  # the chat a channel that delivers later knows the person by
EMAIL = "sam@example.org"
INTEREST = {"lead_first_name": "Sam", "lead_age": "17", "lead_contact_method": "email",
            "lead_contact_detail": EMAIL, "lead_postcode": "ST4 6QG",
            "lead_interest": "healthcare assistant", "lead_confirmed": "yes",
            "lead_consent": "given", "lead_callback": True}
ALERT = {"alert_what": "healthcare_assistant", "alert_place": "ST4", "alert_age": "17",
         "alert_email": EMAIL, "alert_consent": "given"}
BOOKING = {"booking_age": "16_17", "booking_first_name": "Sam",
           "booking_contact_method": "email", "booking_contact_detail": EMAIL,
           "booking_consent": "given"}


class ActionsRasa:
    """Rasa as far as the relay sees it, running the real actions: each message the stand-in
    front end sends names the action Rasa would run and the slots its form would hold."""

    def __init__(self) -> None:
        self.script: dict[str, tuple[Action, Json]] = {}
        self.fake = FakeRasa(self.answer)

    def answer(self, body: Json) -> list[Json]:
        action, slots = self.script[body["message"]]
        tracker = Tracker(
            sender_id=body["sender"], slots=slots,
            latest_message={"text": body["message"], "intent": {"name": "inform"},
                            "entities": []},
            events=[{"event": "user", "text": body["message"], "metadata": body["metadata"]}],
            paused=False, followup_action=None, active_loop={},
            latest_action_name="action_listen")
        dispatcher = CollectingDispatcher()
        action.run(dispatcher, tracker, {})
        return [{"text": m.get("text"), "buttons": m.get("buttons") or [],
                 "custom": m.get("custom") or None} for m in as_said(dispatcher.messages)]


class FrontEnd:
    """What any channel's adapter does: one person's turns, handed to the relay."""

    def __init__(self, channel: Channel, sessions: sessionmaker[Session],
                 tracker_dir: Path) -> None:
        self.channel = channel
        self.rasa = ActionsRasa()
        self.sender = channel.sender_prefix + uuid.uuid4().hex
        # Rasa's tracker store, holding this conversation so far (erasure deletes it)
        self.tracker_url = tracker_with_events(tracker_dir / "tracker.db", self.sender)
        self.relay = Relay(self.rasa.fake.client(), self.tracker_url, sessions,
                           "https://care.example.org", clock=Clock())

    @property
    def address(self) -> str:
        """Where the channel reaches the person: a chat, or (the web chat) the sender id."""
        return CHAT if self.channel.delivers_later else self.sender

    def take(self, message: str, said: str | None = None) -> TurnResult:
        return asyncio.run(self.relay.take(Turn(self.sender, message, self.channel.name,
                                                said=said, address=self.address)))

    def run(self, action: Action, slots: Json | None = None) -> TurnResult:
        """A turn in which Rasa runs `action` (the person tapped or typed their answer)."""
        message = "/" + action.name()
        self.rasa.script[message] = (action, slots or {})
        return self.take(message)


@pytest.fixture(params=registered(), ids=lambda channel: channel.name)
def person(request: pytest.FixtureRequest, database: Any,  # noqa: F811
           tmp_path: Path) -> FrontEnd:
    return FrontEnd(request.param, database, tmp_path)


def texts(result: TurnResult) -> str:
    return "\n".join(r.text or "" for r in result.replies)


def one(factory: sessionmaker[Session], query: Callable[[Session], Any]) -> Any:
    with factory() as session:
        return query(session)


def test_an_interest_form(person: FrontEnd, database: Any) -> None:  # noqa: F811
    asked = person.run(ActionAskLeadContactMethod())
    titles = [b["title"] for r in asked.replies for b in r.buttons]
    payloads = [b["payload"] for r in asked.replies for b in r.buttons]
    offered = person.channel.contact_method
    assert ("Phone" in titles and "Email" in titles)
    assert len(payloads) == (3 if offered is not None else 2)
    assert offered is None or any(f'"{offered.answer}"' in p for p in payloads)
    assert one(database, lambda s: addresses_of(s, person.sender)) == {
        person.channel.name: person.address}  # noted by the relay, in every channel
    done = person.run(ActionSubmitInterest(), INTEREST)
    assert "I've passed your details on" in texts(done)
    lead = one(database, lambda s: s.scalars(select(Lead)).one())
    assert (lead.sender_id, lead.channel, lead.wants_callback) == (
        person.sender, person.channel.name, True)


def test_a_job_alert_agreed(person: FrontEnd, database: Any) -> None:  # noqa: F811
    done = person.run(ActionSetJobAlert(), ALERT)
    alert = one(database, lambda s: s.scalars(select(JobAlert)).one())
    confirmations = one(database, lambda s: s.scalar(select(func.count()).where(
        OutboxMessage.address == EMAIL)))
    if person.channel.delivers_later:  # the alerts come in the chat, from now on
        assert "I'll message you here" in texts(done)
        assert alert.status == "active" and confirmations == 0
    else:  # the alerts come by email, once the link in the first one is opened
        assert f"I've emailed a link to {EMAIL}" in texts(done)
        assert alert.status == "pending" and confirmations == 1
    assert all(r.custom is None for r in done.replies)  # the relay's markers are never shown


def test_a_booking(person: FrontEnd, database: Any) -> None:  # noqa: F811
    event_id = add_event(database)
    done = person.run(ActionBookEvent(), {**BOOKING, "booking_event_id": str(event_id)})
    booking = one(database, lambda s: s.scalars(select(Booking)).one())
    assert (booking.channel, booking.sender_id) == (person.channel.name, person.sender)
    if person.channel.delivers_later:  # booked at once, reminded in the chat itself
        assert "You're booked, Sam!" in texts(done)
        assert "reminder here the day before" in texts(done)
        assert (booking.contact_method, booking.contact_detail) == (person.channel.name, None)
    else:  # an email booking waits for the link emailed to the address
        assert f"Nearly done, Sam: I've emailed a link to {EMAIL}" in texts(done)
        assert booking.status == "pending"
        assert (booking.contact_method, booking.contact_detail) == ("email", EMAIL)


def test_a_reply_to_an_adviser_reaches_the_thread(person: FrontEnd, database: Any) -> None:  # noqa: F811
    person.run(ActionSubmitInterest(), INTEREST)
    with database() as session, session.begin():
        lead = session.scalars(select(Lead)).one()
        send_message(session, lead, make_adviser(session, "priya.shah@example.org"),
                     "Hi Sam, shall we talk about Tuesday's open day?", "the Partnership",
                     Clock().now())
    tapped = person.run(ActionAskLeadContactMethod())  # buttons still reach the assistant
    assert not tapped.taken_by_topic and tapped.replies
    asked_before = len(person.rasa.fake.requests)

    reply = person.take("yes please, after school", said="yes please, after school")

    assert reply.taken_by_topic and reply.answered and not reply.moved_on
    assert len(person.rasa.fake.requests) == asked_before  # the assistant does not answer it
    assert one(database, lambda s: s.scalars(select(ThreadMessage.text).where(
        ThreadMessage.direction == "from_person")).all()) == ["yes please, after school"]
    assert one(database, lambda s: s.scalar(select(func.count()).where(
        OutboxMessage.kind == "thread_reply_notice"))) == 1
    if person.channel.delivers_later:  # adviser messages arrive in the chat: nothing to add
        assert reply.replies == []
    else:  # the person is told where it went, and how to go back
        [passed_on] = reply.replies
        assert "passed that on to the adviser" in (passed_on.text or "")
        assert passed_on.buttons == thread_buttons()

    back = person.take(BACK_TO_ASSISTANT)
    assert back.taken_by_topic and "talking to the assistant again" in texts(back)
    assert one(database, lambda s: s.scalar(select(AdviserThread.status))) == "closed"
    person.rasa.script["/ask_contact"] = (ActionAskLeadContactMethod(), {})
    assert not person.take("/ask_contact", said="what jobs are there").taken_by_topic


def test_an_erasure(person: FrontEnd, database: Any) -> None:  # noqa: F811
    person.run(ActionSubmitInterest(), INTEREST)
    person.run(ActionSetJobAlert(), ALERT)
    person.run(ActionBookEvent(), {**BOOKING, "booking_event_id": str(add_event(database))})
    assert events_of(person.tracker_url, person.sender) > 0

    erased = person.run(ActionEraseMyData())

    assert erased.erased and "deleted your details" in texts(erased)
    assert all(r.custom is None for r in erased.replies)
    for model in (Lead, JobAlert, Booking):
        assert one(database, lambda s, m=model: s.scalars(select(m)).all()) == []
    assert events_of(person.tracker_url, person.sender) == 0
