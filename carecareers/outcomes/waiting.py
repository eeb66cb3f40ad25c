"""Nobody forgotten: leads a provider has not contacted in time, and how each provider does.

A lead passed to a provider with no contact after LEAD_CONTACT_DAYS working days (Monday to
Friday; bank holidays count as working days) is "waiting"; after twice as many it is
"overdue": the person is told once, honestly, with other ways forward, and the programme's
staff see it on the follow-up page.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from carecareers.catalogue import text
from carecareers.clock import uk_date, uk_midnight
from carecareers.delivery import Outgoing, address_of_sender
from carecareers.models import Consent, Lead, LeadRoute, Provider
from carecareers.outcomes.days import waited_state, working_days_between
from carecareers.outcomes.notices import (
    KINDS,
    is_under_16,
    queue_many_to_people,
    reachable_at,
)


def tell_overdue(session: Session, now: datetime, contact_days: int,
                 today: date | None = None) -> int:
    """Tell each person whose details no provider took up in time, once; return how many.

    Each overdue route is marked told whether or not a message could go (no consent, no
    address, under 16), so nobody is told twice and nothing is retried for ever. A few
    statements for any number of leads: the candidates, their consents, their earlier
    messages, one insert and one update per thousand.
    """
    today = today or uk_date(now)
    cutoff = uk_midnight(latest_day_waited(today, 2 * contact_days) + timedelta(days=1))
    overdue = (select(LeadRoute.id).join(Lead, Lead.id == LeadRoute.lead_id)
               .where(LeadRoute.outcome == "not_contacted", LeadRoute.overdue_told_at.is_(None),
                      LeadRoute.routed_at < cutoff, Lead.status != "withdrawn"))
    rows = session.execute(
        select(LeadRoute.id, Lead.id, Lead.first_name, Lead.age, Lead.age_band, Lead.email,
               Lead.channel, address_of_sender(Lead.sender_id, Lead.channel), Provider.name)
        .join(Lead, Lead.id == LeadRoute.lead_id)
        .join(Provider, Provider.id == LeadRoute.provider_id)
        .where(LeadRoute.id.in_(overdue)).order_by(Lead.id, Provider.name)).tuples().all()
    agreed = _standing_consents(session, overdue)
    people: dict[int, list[Any]] = {}
    for _route, lead_id, *person, provider in rows:
        people.setdefault(lead_id, [person, []])[1].append(provider)
    messages = [message for lead_id, (person, providers) in people.items()
                if (message := _overdue_message(person, providers, agreed.get(lead_id, set()),
                                                contact_days)) is not None]
    queue_many_to_people(session, messages, now)
    route_ids = [row[0] for row in rows]
    for start in range(0, len(route_ids), 1000):
        session.execute(update(LeadRoute).where(LeadRoute.id.in_(route_ids[start:start + 1000]))
                        .values(overdue_told_at=now).execution_options(synchronize_session=False))
    return len(messages)


def latest_day_waited(today: date, working_days: int) -> date:
    """The latest day from which `working_days` working days have passed by `today`."""
    day = today
    while working_days_between(day, today) < working_days:
        day -= timedelta(days=1)
    return day


def _standing_consents(session: Session, routes: Select[Any]) -> dict[int, set[str]]:
    """For the leads of these routes, the channels of the consents that still stand."""
    leads = select(LeadRoute.lead_id).where(LeadRoute.id.in_(routes))
    found: dict[int, set[str]] = {}
    for lead_id, channels in session.execute(select(Consent.lead_id, Consent.channels).where(
            Consent.lead_id.in_(leads), Consent.withdrawn_at.is_(None))).tuples():
        found.setdefault(lead_id, set()).update(channels or [])
    return found


def _overdue_message(person: list[Any], providers: list[str], agreed: set[str],
                     contact_days: int) -> Outgoing | None:
    first_name, age, age_band, email, channel, chat = person
    if not agreed or is_under_16(age, age_band):
        return None
    target = reachable_at(email, channel, chat, agreed)
    if target is None:
        return None
    values = {"first_name": first_name, "organisation": " and ".join(providers),
              "days": str(2 * contact_days)}
    body = text("notices.outcome.overdue" if len(providers) == 1
                else "notices.outcome.overdue_many", **values)
    return Outgoing(channel=target[0], address=target[1], kind=KINDS["overdue"],
                    subject=text("notices.outcome.overdue_subject", **values), body=body)


@dataclass
class ProviderFigures:
    """How one provider follows up the leads passed to it."""

    provider: str
    passed: int = 0
    waiting: int = 0
    overdue: int = 0
    contacted_in_time: int = 0
    interviews: int = 0
    starts: int = 0
    with_outcome: int = 0
    days_to_contact: list[int] = field(default_factory=list)

    @property
    def share_with_outcome(self) -> float:
        return self.with_outcome / self.passed if self.passed else 0.0

    @property
    def median_days_to_contact(self) -> float | None:
        return statistics.median(self.days_to_contact) if self.days_to_contact else None


@dataclass(frozen=True)
class FollowUpPicture:
    figures: list[ProviderFigures]
    overdue: list[tuple[int, str, str]]  # the oldest overdue: lead id, first name, provider
    overdue_total: int


def follow_up_picture(session: Session, today: date, contact_days: int,
                      provider_id: int | None = None, listed: int = 200) -> FollowUpPicture:
    """Each provider's figures, and the `listed` longest-waiting overdue leads (of
    `overdue_total`); one provider's only, if given. One query, columns only."""
    query = (select(Provider.name, LeadRoute.outcome, LeadRoute.outcome_on, LeadRoute.routed_at,
                    Lead.id, Lead.first_name)
             .join(Provider, Provider.id == LeadRoute.provider_id)
             .join(Lead, Lead.id == LeadRoute.lead_id).where(Lead.status != "withdrawn")
             .order_by(Provider.name, LeadRoute.routed_at, LeadRoute.id))
    if provider_id is not None:
        query = query.where(LeadRoute.provider_id == provider_id)
    figures: dict[str, ProviderFigures] = {}
    overdue: list[tuple[date, int, str, str]] = []
    for name, outcome, on, routed_at, lead_id, first_name in session.execute(query).tuples():
        row = figures.setdefault(name, ProviderFigures(name))
        routed_on = uk_date(routed_at)
        state = waited_state(outcome, routed_on, today, contact_days)
        _count(row, outcome, on, routed_on, state, contact_days)
        if state == "overdue":
            overdue.append((routed_on, lead_id, first_name, name))
    overdue.sort()
    return FollowUpPicture(list(figures.values()),
                           [(lead_id, first, name) for _, lead_id, first, name in overdue[:listed]],
                           len(overdue))


def _count(row: ProviderFigures, outcome: str, on: date | None, routed_on: date,
           state: str | None, contact_days: int) -> None:
    row.passed += 1
    row.waiting += state == "waiting"
    row.overdue += state == "overdue"
    if outcome == "not_contacted":
        return
    row.with_outcome += 1
    row.interviews += outcome == "interview"
    row.starts += outcome == "started"
    if on is not None and outcome in ("contacted", "interview"):
        days = working_days_between(routed_on, on)
        row.days_to_contact.append(days)
        row.contacted_in_time += days <= contact_days
