"""Alerts end: expiry after the retention period, erasure on request, failed addresses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from carecareers.alerts.recipients import delivered_to
from carecareers.delivery import address_for, forget_addresses, purge_outbox
from carecareers.forms.validation import InvalidAnswer, parse_email
from carecareers.models import AlertRecipient, JobAlert, SuppressedAddress


@dataclass(frozen=True)
class ExpiryReport:
    alerts: int
    recipients: int
    messages: int


def expire_alerts(session: Session, retention_days: int,
                  now: datetime) -> ExpiryReport:
    """Delete alerts nobody touched for `retention_days`, then recipients left with none
    (with their consents and matches), and delivery records older than the period."""
    cutoff = now - timedelta(days=retention_days)
    alerts = session.execute(delete(JobAlert).where(JobAlert.last_activity_at < cutoff))
    has_alert = select(JobAlert.id).where(JobAlert.recipient_id == AlertRecipient.id).exists()
    recipients = session.execute(delete(AlertRecipient).where(
        AlertRecipient.last_activity_at < cutoff, ~has_alert))
    messages = purge_outbox(session, cutoff)
    return ExpiryReport(int(alerts.rowcount or 0), int(recipients.rowcount or 0), messages)


def stop_failed_recipients(session: Session) -> int:
    """Mark recipients whose address failed for good; their alerts stop being matched."""
    dead = select(SuppressedAddress.id).where(
        SuppressedAddress.channel == AlertRecipient.channel,
        SuppressedAddress.address == delivered_to()).exists()
    result = session.execute(update(AlertRecipient).where(
        AlertRecipient.status == "active", dead).values(status="failed")
        .execution_options(synchronize_session=False))
    return int(result.rowcount or 0)


def erase_alerts_for(session: Session, *, sender_ids: Iterable[str] = (),
                     email: str | None = None) -> int:
    """Erase the alerts, consents, matches and messages of these conversations and of
    this email address; return how many recipients (addresses) were erased."""
    senders = sorted({s for s in sender_ids if s})
    email = _normalised(email) if email else None
    conditions = []
    if senders:
        conditions.append(AlertRecipient.sender_id.in_(senders))
    if email:
        conditions.append((AlertRecipient.channel == "email")
                          & (AlertRecipient.address == email))
    recipients: dict[int, AlertRecipient] = {}
    for condition in conditions:
        for recipient in session.scalars(select(AlertRecipient).where(condition)):
            recipients[recipient.id] = recipient
    addresses = [(r.channel, r.address or address_for(session, r.sender_id, r.channel))
                 for r in recipients.values()]
    session.flush()
    if senders:
        session.execute(delete(JobAlert).where(JobAlert.sender_id.in_(senders))
                        .execution_options(synchronize_session=False))
    if recipients:  # their alerts, consents and matches go with them (ON DELETE CASCADE)
        session.execute(delete(AlertRecipient).where(AlertRecipient.id.in_(list(recipients)))
                        .execution_options(synchronize_session=False))
    for channel, address in addresses:
        if address:
            forget_addresses(session, channel, [address])
    if email:
        forget_addresses(session, "email", [email])
    session.expire_all()
    return len(recipients)


def _normalised(email: str) -> str:
    try:
        return parse_email(email)
    except InvalidAnswer:
        return email.strip()
