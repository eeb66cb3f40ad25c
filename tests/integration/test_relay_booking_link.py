"""The relay attaches a Telegram chat to the place the person just booked, and only then."""

from __future__ import annotations

from sqlalchemy import Engine

from carecareers.clock import FixedClock
from carecareers.conversation.payloads import BOOKING_CHAT_MARKER
from carecareers.conversation.rasa_client import BotMessage
from carecareers.conversation.relay import Relay, Turn
from carecareers.models import Booking
from tests.integration.alert_helpers import rolled_back_factory
from tests.integration.event_helpers import NOW, an_event, book
from tests.integration.test_relay_alert_link import AnsweringRasa


async def test_the_marker_links_the_chat_to_the_booking_and_is_not_shown(
        engine: Engine, tmp_path) -> None:
    with rolled_back_factory(engine) as factory:
        with factory() as session, session.begin():
            event = an_event(session, days=30)
            booking_id = book(session, event, "Tia", sender="tg-book", method="telegram",
                              detail=None, now=NOW).id
        rasa = AnsweringRasa([BotMessage(custom=dict(BOOKING_CHAT_MARKER)),
                              BotMessage(text="You're booked, Tia!")])
        relay = Relay(rasa, f"sqlite:///{tmp_path / 'tracker.db'}", factory,
                      clock=FixedClock(NOW))

        await relay.take(Turn("tg-book", "yes", "web", chat_id=None))  # no chat: nothing
        with factory() as session:
            assert session.get(Booking, booking_id).telegram_chat_id is None  # type: ignore[union-attr]
        result = await relay.take(Turn("tg-book", "yes", "telegram", chat_id=4242))

        assert [r.text for r in result.replies] == ["You're booked, Tia!"]
        assert all("4242" not in str(m) for m in rasa.metadata)  # never sent to Rasa
        with factory() as session:
            assert session.get(Booking, booking_id).telegram_chat_id == "4242"  # type: ignore[union-attr]
