"""The Telegram bot attaches the chat to the alerts the person just agreed to, and only then."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.alerts import asks_to_link_alerts, link_alert_chat
from carecareers.models import JobAlert
from tests.integration.alert_helpers import consent, criteria, rolled_back_factory


def test_the_marker_links_the_chat_and_starts_the_alert(engine: Engine) -> None:
    from carecareers.alerts import request_telegram_alert

    assert asks_to_link_alerts([None, {"type": "telegram_alert_link"}])
    assert not asks_to_link_alerts([None, {"type": "vacancy"}])
    with rolled_back_factory(engine) as factory:
        with factory() as session, session.begin():
            alert_id = request_telegram_alert(session, sender_id="tg-link", criteria=criteria(),
                                              consent=consent("telegram")).alert.id
        link_alert_chat(factory, "tg-link", 31337)
        with factory() as session:
            alert = session.get(JobAlert, alert_id)
            assert alert is not None and alert.status == "active"
            assert alert.recipient.address == "31337"
