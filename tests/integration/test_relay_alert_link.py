"""The relay attaches a Telegram chat to the alerts the person just agreed to, and only then."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from carecareers.alerts import TELEGRAM_LINK_MARKER, request_telegram_alert
from carecareers.clock import FixedClock
from carecareers.conversation.rasa_client import BotMessage
from carecareers.conversation.relay import Relay, Turn
from carecareers.models import JobAlert
from tests.integration.alert_helpers import NOW, consent, criteria, rolled_back_factory


class AnsweringRasa:
    def __init__(self, replies: list[BotMessage]) -> None:
        self.replies = replies
        self.metadata: list[dict[str, Any] | None] = []

    async def send(self, sender: str, message: str,
                   metadata: dict[str, Any] | None = None) -> list[BotMessage]:
        self.metadata.append(metadata)
        return self.replies


async def test_the_marker_links_the_chat_and_is_not_shown(engine: Engine, tmp_path) -> None:
    with rolled_back_factory(engine) as factory:
        with factory() as session, session.begin():
            alert_id = request_telegram_alert(session, sender_id="tg-link", criteria=criteria(),
                                              consent=consent("telegram"), now=NOW).alert.id
        rasa = AnsweringRasa([BotMessage(custom=dict(TELEGRAM_LINK_MARKER)),
                              BotMessage(text="Done! I'll message you here.")])
        relay = Relay(rasa, f"sqlite:///{tmp_path / 'tracker.db'}", factory,
                      clock=FixedClock(NOW))

        await relay.take(Turn("tg-link", "yes", "web", chat_id=None))  # no chat: nothing
        with factory() as session:
            assert session.get(JobAlert, alert_id).status == "pending"  # type: ignore[union-attr]
        result = await relay.take(Turn("tg-link", "yes", "telegram", chat_id=31337))

        assert [r.text for r in result.replies] == ["Done! I'll message you here."]
        assert all("31337" not in str(m) for m in rasa.metadata)  # never sent to Rasa
        with factory() as session:
            alert = session.get(JobAlert, alert_id)
            assert alert is not None and alert.status == "active"
            assert alert.recipient.address == "31337"
