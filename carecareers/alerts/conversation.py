"""Alerts as the conversation sets them up: one call for the consent question, one to save."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from carecareers.alerts.consent import alert_consent_wording
from carecareers.alerts.criteria import AlertCriteria, build_criteria
from carecareers.alerts.errors import AlertNotAllowed
from carecareers.alerts.subscriptions import (
    AlertRequest,
    request_email_alert,
    request_telegram_alert,
)
from carecareers.conversation.payloads import ALERT_CHAT_MARKER
from carecareers.forms.consent import ConsentWording
from carecareers.geo import Gazetteer, default_gazetteer
from carecareers.settings import Settings
from carecareers.vacancies.roles import RoleIndex, default_role_index

CHANNELS = ("web", "telegram")
TELEGRAM_LINK_MARKER = ALERT_CHAT_MARKER
"""A custom reply asking the relay to attach this Telegram chat to the sender's alerts."""


@dataclass(frozen=True)
class AlertAsked:
    """What someone asked to be alerted about, on which chat channel."""

    channel: str
    sender_id: str
    what: str | None = None
    role: str | None = None
    place: str | None = None
    apprenticeships: bool = False
    email: str | None = None

    @property
    def delivery_channel(self) -> str:
        return "telegram" if self.channel == "telegram" else "email"


def criteria_for(asked: AlertAsked, gazetteer: Gazetteer | None = None,
                 roles: RoleIndex | None = None) -> AlertCriteria:
    return build_criteria(gazetteer or default_gazetteer(), roles or default_role_index(),
                          what=asked.what, role=asked.role, place=asked.place,
                          apprenticeships_only=asked.apprenticeships)


def consent_question(settings: Settings, asked: AlertAsked,
                     criteria: AlertCriteria | None = None) -> ConsentWording:
    """The consent words for this alert and channel, as shown and as recorded."""
    watch = (criteria or criteria_for(asked)).describe()
    return alert_consent_wording(settings.content_dir, asked.delivery_channel, watch,
                                 settings.public_base_url.rstrip("/") + "/privacy",
                                 settings.alert_retention_days)


def set_up_alert(session: Session, settings: Settings, asked: AlertAsked,
                 now: datetime) -> AlertRequest:
    """Save the alert with the consent just given; email alerts wait for their link."""
    criteria = criteria_for(asked)
    consent = consent_question(settings, asked, criteria)
    if asked.delivery_channel == "telegram":
        return request_telegram_alert(session, sender_id=asked.sender_id, criteria=criteria,
                                      consent=consent, now=now)
    if not asked.email:
        raise AlertNotAllowed("I need an email address to send alerts to.")
    return request_email_alert(session, sender_id=asked.sender_id, email=asked.email,
                               criteria=criteria, consent=consent,
                               base_url=settings.public_base_url, now=now)
