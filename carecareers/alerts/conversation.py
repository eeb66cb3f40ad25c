"""Alerts as the conversation sets them up: one call for the consent question, one to save."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from carecareers import catalogue
from carecareers.alerts.consent import alert_consent_wording
from carecareers.alerts.criteria import AlertCriteria, build_criteria
from carecareers.alerts.errors import AlertNotAllowed
from carecareers.alerts.subscriptions import (
    AlertRequest,
    request_chat_alert,
    request_email_alert,
)
from carecareers.delivery import CHAT_CHANNELS
from carecareers.forms.consent import ConsentWording
from carecareers.geo import Gazetteer, default_gazetteer
from carecareers.settings import Settings
from carecareers.vacancies.roles import RoleIndex, default_role_index


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
        """In the chat they write from when it can be sent to; else by email."""
        return self.channel if self.channel in CHAT_CHANNELS else "email"


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
                                 settings.privacy_url,
                                 settings.alert_retention_days)


def set_up_alert(session: Session, settings: Settings, asked: AlertAsked,
                 now: datetime) -> AlertRequest:
    """Save the alert with the consent just given; email alerts wait for their link."""
    criteria = criteria_for(asked)
    consent = consent_question(settings, asked, criteria)
    if asked.delivery_channel in CHAT_CHANNELS:
        return request_chat_alert(session, sender_id=asked.sender_id,
                                  channel=asked.delivery_channel, criteria=criteria,
                                  consent=consent, now=now)
    if not asked.email:
        raise AlertNotAllowed(catalogue.text("chat.alert_errors.needs_email"))
    return request_email_alert(session, sender_id=asked.sender_id, email=asked.email,
                               criteria=criteria, consent=consent,
                               base_url=settings.public_base_url,
                               key=settings.secret_key, now=now)
