"""Set up, confirm, list and stop job alerts; each change is one call in the caller's session."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from carecareers import catalogue
from carecareers.alerts.criteria import AlertCriteria
from carecareers.alerts.errors import (
    AlertNotAllowed,
    ConfirmationPending,
    InvalidAlert,
    UnknownToken,
)
from carecareers.alerts.messages import confirmation_email
from carecareers.delivery import enqueue, is_suppressed, mark_sent, sent_within
from carecareers.forms.consent import ConsentWording
from carecareers.forms.validation import InvalidAnswer, parse_email
from carecareers.models import AlertConsent, AlertRecipient, JobAlert

LIVE = ("pending", "active")
MAX_ALERTS_PER_SENDER = 10


# One confirmation email per address a day: anyone can type anyone's address.
CONFIRMATION_EVERY = timedelta(days=1)
CONFIRMATION = "alert_confirmation"  # the purpose its send marks are kept under


@dataclass(frozen=True)
class AlertRequest:
    alert: JobAlert
    needs_confirmation: bool = False
    link_sent_before: bool = False  # the link already emailed today starts this alert too


def new_token() -> str:
    return secrets.token_urlsafe(24)


def request_email_alert(session: Session, *, sender_id: str, email: str,
                        criteria: AlertCriteria, consent: ConsentWording, base_url: str,
                        key: str, now: datetime) -> AlertRequest:
    """Record an email alert and its consent; unless the address is already proven for
    this conversation, keep the alert pending until its confirmation link is followed.

    One confirmation email goes to an address a day: a second alert from the same
    conversation joins the link already sent; from another conversation (or after the
    first was stopped) it raises ConfirmationPending. The day is counted from a mark kept
    without the address (delivery/marks.py, under `key`), so erasing the conversation that
    typed the address does not let a second email go the same day.
    """
    address = _email(email)
    if is_suppressed(session, "email", address):
        raise AlertNotAllowed(catalogue.text("chat.alert_errors.email_bounces"))
    _check_room(session, sender_id)
    recipient = _recipient(session, "email", address, sender_id, now)
    trusted = (recipient.confirmed_at is not None and recipient.status == "active"
               and recipient.sender_id == sender_id)
    sent = None if trusted else _confirmation_sent(session, recipient, now)
    if sent is not None and (sent.sender_id != sender_id or sent.status != "pending"):
        raise ConfirmationPending()
    if (not trusted and sent is None and recipient.confirmed_at is None
            and sent_within(session, key, CONFIRMATION, address, now)):
        raise ConfirmationPending()  # a link went out, and its alert was erased since
    alert = _add_alert(session, recipient, sender_id, criteria, now,
                       "active" if trusted else "pending")
    _record_consent(session, recipient, consent, now)
    if not trusted and sent is None:
        alert.confirm_token = new_token()
        enqueue(session, confirmation_email(address, alert.confirm_token, criteria.describe(),
                                            base_url), now)
        mark_sent(session, key, CONFIRMATION, address, now)
    session.flush()
    return AlertRequest(alert, needs_confirmation=not trusted, link_sent_before=sent is not None)


def request_chat_alert(session: Session, *, sender_id: str, channel: str,
                       criteria: AlertCriteria, consent: ConsentWording,
                       now: datetime) -> AlertRequest:
    """Record an alert sent in the chat the person writes from, and start it.

    The recipient is the person: its address is theirs on `channel`, looked up when a
    bundle is queued (delivery/people.py), so it keeps no address of its own.
    """
    _check_room(session, sender_id)
    recipient = session.scalar(select(AlertRecipient).where(
        AlertRecipient.channel == channel, AlertRecipient.sender_id == sender_id,
        AlertRecipient.address.is_(None)))
    if recipient is None:
        recipient = AlertRecipient(channel=channel, address=None, sender_id=sender_id,
                                   status="active", unsubscribe_token=new_token(),
                                   confirmed_at=now, created_at=now, last_activity_at=now)
        session.add(recipient)
    recipient.status, recipient.last_activity_at = "active", now
    alert = _add_alert(session, recipient, sender_id, criteria, now, "active")
    _record_consent(session, recipient, consent, now)
    session.flush()
    return AlertRequest(alert)


def confirm_alert(session: Session, token: str, now: datetime) -> JobAlert:
    """Start a pending email alert from its confirmation link, and the alerts the same
    conversation asked for at this address meanwhile (they reuse the link)."""
    alert = session.scalar(select(JobAlert).where(JobAlert.confirm_token == token)) \
        if token else None
    if alert is None or alert.status != "pending":
        raise UnknownToken(catalogue.text("chat.alert_errors.confirm_link_used"))
    joined = session.scalars(select(JobAlert).where(
        JobAlert.recipient_id == alert.recipient_id, JobAlert.sender_id == alert.sender_id,
        JobAlert.status == "pending", JobAlert.confirm_token.is_(None)))
    for started in (alert, *joined):
        started.status, started.last_activity_at = "active", now
    alert.confirm_token = None
    recipient = alert.recipient
    recipient.status, recipient.confirmed_at = "active", now
    recipient.sender_id, recipient.last_activity_at = alert.sender_id, now
    session.flush()
    return alert


def unsubscribe(session: Session, token: str, now: datetime) -> int:
    """Stop every alert of the address behind an unsubscribe link; return how many stopped."""
    recipient = session.scalar(select(AlertRecipient).where(
        AlertRecipient.unsubscribe_token == token)) if token else None
    if recipient is None:
        raise UnknownToken(catalogue.text("chat.alert_errors.stop_link_invalid"))
    return _stop_recipient(recipient, now)


def stop_alerts_for_sender(session: Session, sender_id: str,
                           now: datetime) -> int:
    """Stop the alerts set up in this conversation (and its chat's); return how many."""
    stopped = 0
    for alert in session.scalars(select(JobAlert).where(
            JobAlert.sender_id == sender_id, JobAlert.status.in_(LIVE))):
        # The token stays (its link then says it has expired): see _confirmation_sent.
        alert.status, alert.stopped_at = "stopped", now
        stopped += 1
    session.flush()
    recipients = session.scalars(select(AlertRecipient).where(
        AlertRecipient.sender_id == sender_id))
    for recipient in recipients:
        if recipient.address is None or not _live_alerts(recipient):
            stopped += _stop_recipient(recipient, now)
    session.flush()
    return stopped


def alerts_for_sender(session: Session, sender_id: str,
                      now: datetime) -> list[JobAlert]:
    """The live alerts of this conversation, oldest first; asking counts as activity."""
    alerts = list(session.scalars(select(JobAlert).where(
        JobAlert.sender_id == sender_id, JobAlert.status.in_(LIVE)).order_by(JobAlert.id)))
    for alert in alerts:
        alert.last_activity_at = now
    return alerts


def _email(text: str) -> str:
    try:
        return parse_email(text)
    except InvalidAnswer as exc:
        raise InvalidAlert(str(exc)) from exc


def _check_room(session: Session, sender_id: str) -> None:
    count = len(session.scalars(select(JobAlert.id).where(
        JobAlert.sender_id == sender_id, JobAlert.status.in_(LIVE))).all())
    if count >= MAX_ALERTS_PER_SENDER:
        raise AlertNotAllowed(catalogue.text("chat.alert_errors.too_many", count=count))


def _confirmation_sent(session: Session, recipient: AlertRecipient,
                       now: datetime) -> JobAlert | None:
    """The alert whose confirmation link went to this address within the last day and was
    not followed (pending, or stopped since: a stopped alert keeps its token)."""
    return session.scalar(select(JobAlert).where(
        JobAlert.recipient_id == recipient.id, JobAlert.confirm_token.is_not(None),
        JobAlert.created_at > now - CONFIRMATION_EVERY)
        .order_by(JobAlert.created_at.desc(), JobAlert.id.desc()).limit(1))


def _recipient(session: Session, channel: str, address: str, sender_id: str,
               now: datetime) -> AlertRecipient:
    recipient = session.scalar(select(AlertRecipient).where(
        AlertRecipient.channel == channel, AlertRecipient.address == address))
    if recipient is None:
        recipient = AlertRecipient(channel=channel, address=address, sender_id=sender_id,
                                   status="active", unsubscribe_token=new_token(),
                                   created_at=now, last_activity_at=now)
        session.add(recipient)
    return recipient


def _add_alert(session: Session, recipient: AlertRecipient, sender_id: str,
               criteria: AlertCriteria, now: datetime, status: str) -> JobAlert:
    alert = JobAlert(
        recipient=recipient, sender_id=sender_id, role_code=criteria.role_code,
        keywords=criteria.keywords, place=criteria.place, outcode=criteria.outcode,
        latitude=criteria.latitude, longitude=criteria.longitude,
        radius_miles=criteria.radius_miles, apprenticeships_only=criteria.apprenticeships_only,
        status=status, matched_until=now, created_at=now, last_activity_at=now)
    session.add(alert)
    return alert


def _record_consent(session: Session, recipient: AlertRecipient, consent: ConsentWording,
                    now: datetime) -> None:
    session.add(AlertConsent(recipient=recipient, channel=recipient.channel,
                             wording_version=consent.version, wording=consent.text,
                             given_at=now))


def _live_alerts(recipient: AlertRecipient) -> list[JobAlert]:
    return [a for a in recipient.alerts if a.status in LIVE]


def _stop_recipient(recipient: AlertRecipient, now: datetime) -> int:
    stopped = 0
    for alert in _live_alerts(recipient):
        alert.status, alert.stopped_at = "stopped", now  # the token stays: _confirmation_sent
        stopped += 1
    recipient.status = "stopped"
    for consent in recipient.consents:
        if consent.withdrawn_at is None:
            consent.withdrawn_at = now
    return stopped
