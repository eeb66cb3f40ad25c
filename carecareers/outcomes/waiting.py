"""Nobody forgotten: leads a provider has not contacted in time, and how each provider does.

A lead passed to a provider with no contact after LEAD_CONTACT_DAYS working days (Monday to
Friday; bank holidays count as working days) is "waiting"; after twice as many it is
"overdue": the person is told once, honestly, with other ways forward, and the programme's
staff see it on the follow-up page.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from carecareers.catalogue import text
from carecareers.clock import uk_date
from carecareers.models import Lead, LeadRoute, Provider
from carecareers.outcomes.days import waiting_state, working_days_between
from carecareers.outcomes.notices import address_of_lead, may_be_told, queue_to_person


def tell_overdue(session: Session, now: datetime, contact_days: int,
                 today: date | None = None) -> int:
    """Tell each person whose details no provider took up in time, once; return how many.

    Each overdue route is marked told whether or not a message could go (no consent, no
    address, under 16), so nobody is told twice and nothing is retried for ever.
    """
    today = today or uk_date(now)
    due = [route for route in _untold(session)
           if waiting_state(route, today, contact_days) == "overdue"]
    by_lead: dict[int, list[LeadRoute]] = defaultdict(list)
    for route in due:
        by_lead[route.lead_id].append(route)
    told = 0
    for routes in by_lead.values():
        told += _tell(session, routes, now, contact_days)
        for route in routes:
            route.overdue_told_at = now
    session.flush()
    return told


def _untold(session: Session) -> list[LeadRoute]:
    return list(session.scalars(select(LeadRoute).join(Lead, Lead.id == LeadRoute.lead_id)
                                .where(LeadRoute.outcome == "not_contacted",
                                       LeadRoute.overdue_told_at.is_(None),
                                       Lead.status != "withdrawn")
                                .order_by(LeadRoute.lead_id, LeadRoute.id)))


def _tell(session: Session, routes: list[LeadRoute], now: datetime, contact_days: int) -> int:
    lead = routes[0].lead
    target = address_of_lead(session, lead) if may_be_told(lead) else None
    if target is None:
        return 0
    names = [p.name for p in session.scalars(select(Provider).where(
        Provider.id.in_([r.provider_id for r in routes])).order_by(Provider.name))]
    values = {"first_name": lead.first_name, "organisation": " and ".join(names),
              "days": str(2 * contact_days)}
    queue_to_person(session, target, "overdue", text("notices.outcome.overdue_subject", **values),
                    text("notices.outcome.overdue" if len(names) == 1
                         else "notices.outcome.overdue_many", **values), now)
    return 1


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
    overdue: list[tuple[Lead, str]]  # the lead, and the provider it waits on


def follow_up_picture(session: Session, today: date, contact_days: int,
                      provider_id: int | None = None) -> FollowUpPicture:
    """Each provider's figures, and the overdue leads; one provider's only, if given."""
    query = (select(LeadRoute, Provider.name).join(Provider, Provider.id == LeadRoute.provider_id)
             .join(Lead, Lead.id == LeadRoute.lead_id).where(Lead.status != "withdrawn")
             .order_by(Provider.name, LeadRoute.routed_at))
    if provider_id is not None:
        query = query.where(LeadRoute.provider_id == provider_id)
    figures: dict[str, ProviderFigures] = {}
    overdue: list[tuple[Lead, str]] = []
    for route, name in session.execute(query).tuples():
        row = figures.setdefault(name, ProviderFigures(name))
        _count(row, route, today, contact_days)
        if waiting_state(route, today, contact_days) == "overdue":
            overdue.append((route.lead, name))
    return FollowUpPicture(list(figures.values()), overdue)


def _count(row: ProviderFigures, route: LeadRoute, today: date, contact_days: int) -> None:
    row.passed += 1
    state = waiting_state(route, today, contact_days)
    row.waiting += state == "waiting"
    row.overdue += state == "overdue"
    if route.outcome == "not_contacted":
        return
    row.with_outcome += 1
    row.interviews += route.outcome == "interview"
    row.starts += route.outcome == "started"
    if route.outcome_on is not None and route.outcome in ("contacted", "interview"):
        days = working_days_between(uk_date(route.routed_at), route.outcome_on)
        row.days_to_contact.append(days)
        row.contacted_in_time += days <= contact_days
