"""Match new vacancies and queue one bundled message per due recipient, in one transaction.

A recipient is due when nothing was sent in the last `min_interval`; matches for others
wait, unbundled, for their next turn. Every match is stored once per recipient (a unique
key), so no vacancy reaches the same person twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session

from carecareers.alerts.criteria import AlertCriteria
from carecareers.alerts.matching import Match, active_watches, find_matches
from carecareers.alerts.messages import MAX_SHOWN, VacancyLine, chat_bundle, email_bundle
from carecareers.alerts.recipients import delivered_to
from carecareers.clock import as_utc
from carecareers.delivery import Outgoing, enqueue_many
from carecareers.models import AlertMatch, AlertRecipient, JobAlert, Vacancy
from carecareers.vacancies.salary import format_salary

QUEUE_LOCK_KEY = 180_001


@dataclass
class QueueReport:
    alerts: int = 0
    new_matches: int = 0
    messages: int = 0
    vacancies_sent: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"alerts": self.alerts, "new_matches": self.new_matches,
                "messages_queued": self.messages, "vacancies_queued": self.vacancies_sent}


@dataclass(frozen=True)
class _Recipient:
    id: int
    channel: str
    address: str
    unsubscribe_token: str
    last_sent_at: datetime | None


def queue_alerts(session: Session, *, base_url: str, min_interval: timedelta,
                 now: datetime, today: date) -> QueueReport:
    """Queue what is due at `now`; vacancies that closed before `today` (the UK date) go."""
    _one_run_at_a_time(session)
    watches = active_watches(session)
    report = QueueReport(alerts=len(watches))
    new = find_matches(session, watches, today)
    report.new_matches = len(new)
    recipients = _recipients(session, {w.recipient_id for w in watches})
    due = {r.id for r in recipients.values()
           if r.last_sent_at is None or as_utc(r.last_sent_at) <= now - min_interval}
    waiting = _unbundled(session, due)
    by_recipient: dict[int, list[int]] = defaultdict(list)
    for recipient_id, vacancy_id in waiting:
        by_recipient[recipient_id].append(vacancy_id)
    for match in new:
        if match.recipient_id in due:
            by_recipient[match.recipient_id].append(match.vacancy_id)
    lines = _vacancy_lines(session, {v for ids in by_recipient.values() for v in ids}, today)
    watches_of = _descriptions(session, set(by_recipient))
    outgoing: dict[int, Outgoing] = {}
    for recipient_id, vacancy_ids in by_recipient.items():
        shown = [lines[v] for v in vacancy_ids if v in lines]
        if shown:
            outgoing[recipient_id] = _bundle(recipients[recipient_id], shown,
                                             watches_of.get(recipient_id, []), base_url)
            report.vacancies_sent += len(shown)
    message_ids = dict(zip(outgoing, enqueue_many(session, outgoing.values(), now),
                           strict=True))
    _store_matches(session, new, due, message_ids, now)
    _mark_bundled(session, waiting, message_ids, now)
    _mark_sent(session, list(message_ids), now)
    _advance_watermarks(session, max((w.alert_id for w in watches), default=0), now)
    report.messages = len(message_ids)
    return report


def _one_run_at_a_time(session: Session) -> None:
    """On PostgreSQL, a second run waits for the first to commit, then finds nothing twice.

    (SQLite lets one writer in at a time already.)
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": QUEUE_LOCK_KEY})


def _recipients(session: Session, ids: set[int]) -> dict[int, _Recipient]:
    found: dict[int, _Recipient] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), 1000):
        for row in session.execute(select(
                AlertRecipient.id, AlertRecipient.channel, delivered_to(),
                AlertRecipient.unsubscribe_token, AlertRecipient.last_sent_at)
                .where(AlertRecipient.id.in_(ordered[start:start + 1000]))):
            found[row[0]] = _Recipient(row[0], row[1], row[2], row[3], row[4])
    return found


def _unbundled(session: Session, due: set[int]) -> list[tuple[int, int]]:
    """(recipient, vacancy) matches found earlier, waiting for a due recipient's bundle."""
    rows = session.execute(select(AlertMatch.recipient_id, AlertMatch.vacancy_id)
                           .where(AlertMatch.bundled_at.is_(None)).order_by(AlertMatch.id))
    return [(r[0], r[1]) for r in rows if r[0] in due]


def _vacancy_lines(session: Session, ids: set[int], today: date) -> dict[int, VacancyLine]:
    """The vacancies still open, as alert lines."""
    lines: dict[int, VacancyLine] = {}
    ordered = sorted(ids)
    columns = (Vacancy.id, Vacancy.title, Vacancy.employer, Vacancy.location_text,
               Vacancy.outcode, Vacancy.salary_text, Vacancy.salary_min, Vacancy.salary_max,
               Vacancy.salary_period, Vacancy.closes_on, Vacancy.url, Vacancy.status)
    for start in range(0, len(ordered), 1000):
        for row in session.connection().execute(
                select(*columns).where(Vacancy.id.in_(ordered[start:start + 1000]))):
            if row.status != "open" or (row.closes_on is not None and row.closes_on < today):
                continue
            lines[row.id] = VacancyLine(
                id=row.id, title=row.title, employer=row.employer,
                place=row.location_text or row.outcode or "",
                salary=row.salary_text or format_salary(row.salary_min, row.salary_max,
                                                        row.salary_period),
                closes_on=row.closes_on, apply_url=row.url)
    return lines


def _descriptions(session: Session, recipient_ids: set[int]) -> dict[int, list[str]]:
    described: dict[int, list[str]] = defaultdict(list)
    ordered = sorted(recipient_ids)
    for start in range(0, len(ordered), 1000):
        for alert in session.scalars(select(JobAlert).where(
                JobAlert.recipient_id.in_(ordered[start:start + 1000]),
                JobAlert.status == "active")):
            described[alert.recipient_id].append(criteria_of(alert).describe())
    return described


def criteria_of(alert: JobAlert) -> AlertCriteria:
    return AlertCriteria(
        role_code=alert.role_code, keywords=alert.keywords, place=alert.place,
        outcode=alert.outcode, latitude=alert.latitude, longitude=alert.longitude,
        radius_miles=alert.radius_miles, apprenticeships_only=alert.apprenticeships_only)


def _bundle(recipient: _Recipient, shown: list[VacancyLine], watches: list[str],
            base_url: str) -> Outgoing:
    first, more = shown[:MAX_SHOWN], max(0, len(shown) - MAX_SHOWN)
    if recipient.channel != "email":
        return chat_bundle(recipient.channel, recipient.address, first, more, watches)
    return email_bundle(recipient.address, first, more, watches, base_url,
                        recipient.unsubscribe_token)


def _store_matches(session: Session, new: list[Match], due: set[int],
                   message_ids: dict[int, int], now: datetime) -> None:
    rows = [{"recipient_id": m.recipient_id, "alert_id": m.alert_id, "vacancy_id": m.vacancy_id,
             "matched_at": now,
             "bundled_at": now if m.recipient_id in due else None,
             "message_id": message_ids.get(m.recipient_id) if m.recipient_id in due else None}
            for m in new]
    connection = session.connection()  # plain rows: no ORM bookkeeping for thousands
    for start in range(0, len(rows), 5000):
        connection.execute(insert(AlertMatch.__table__), rows[start:start + 5000])


def _mark_bundled(session: Session, waiting: list[tuple[int, int]],
                  message_ids: dict[int, int], now: datetime) -> None:
    for recipient_id in {r for r, _ in waiting}:
        session.execute(update(AlertMatch).where(
            AlertMatch.recipient_id == recipient_id, AlertMatch.bundled_at.is_(None)
        ).values(bundled_at=now, message_id=message_ids.get(recipient_id)))


def _mark_sent(session: Session, recipient_ids: list[int], now: datetime) -> None:
    for start in range(0, len(recipient_ids), 1000):
        session.execute(update(AlertRecipient).where(
            AlertRecipient.id.in_(recipient_ids[start:start + 1000])).values(last_sent_at=now))


def _advance_watermarks(session: Session, up_to_alert_id: int, now: datetime) -> None:
    """Every alert looked at has now seen the vacancies first seen up to `now`."""
    eligible = select(AlertRecipient.id).where(AlertRecipient.status == "active",
                                               delivered_to().is_not(None))
    session.execute(update(JobAlert).where(
        JobAlert.status == "active", JobAlert.id <= up_to_alert_id,
        JobAlert.recipient_id.in_(eligible)).values(matched_until=now))
