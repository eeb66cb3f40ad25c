"""The outcome a provider records for a lead passed to it, on the lead's page.

Each route (a lead passed to one provider) has its own outcome: not contacted yet,
contacted, offered an interview or a visit, not taken forward, started work. A provider
user records only its own route's; staff record any route's. "Not taken forward" needs a
reason from a short list, kept for the programme's staff and never told to the person.
Every outcome is audited, and moves the route's follow-up status with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from carecareers import catalogue
from carecareers.advisers import audit
from carecareers.advisers.accounts import is_staff
from carecareers.clock import uk_date
from carecareers.models import Adviser, Lead, LeadRoute, Provider
from carecareers.outcomes.days import waiting_state

# What can be recorded (a route starts as "not_contacted"), and the route status each sets.
RECORDED = {"contacted": "contacted", "interview": "contacted",
            "not_taken_forward": "closed", "started": "closed"}
REASONS = ("no_vacancy", "not_eligible", "could_not_reach", "they_withdrew", "other")
# Outcomes the person is told about when they happen (carecareers/outcomes/notices.py).
TAKEN_UP = ("contacted", "interview")
ENDED = ("not_taken_forward", "started")
STARTED = "started"
# The outcomes that say the provider was in touch with the person ("not taken forward" is
# also what a provider records when it could not reach them): the funnels' "contacted".
IN_TOUCH = (*TAKEN_UP, STARTED)


class OutcomeError(ValueError):
    """An outcome that cannot be recorded; the message says why, `field` names the field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class OutcomeChange:
    route: LeadRoute
    before: str


@dataclass(frozen=True)
class RouteOutcome:
    """A route's outcome as the lead page shows it."""

    provider_id: int
    provider: str
    outcome: str
    on: date | None
    reason: str | None
    waiting: str | None  # "waiting" or "overdue" when nobody has made contact in time


def outcomes_seen_by(session: Session, lead: Lead, adviser: Adviser, today: date,
                     contact_days: int) -> list[RouteOutcome]:
    """The routes' outcomes this account may see: staff every route, a provider its own."""
    query = (select(LeadRoute, Provider.name).join(Provider, Provider.id == LeadRoute.provider_id)
             .where(LeadRoute.lead_id == lead.id).order_by(Provider.name))
    if not is_staff(adviser):
        query = query.where(LeadRoute.provider_id == adviser.provider_id)
    return [RouteOutcome(route.provider_id, name, route.outcome, route.outcome_on,
                         route.outcome_reason, waiting_state(route, today, contact_days))
            for route, name in session.execute(query).tuples()]


def route_to_record(session: Session, lead: Lead, adviser: Adviser,
                    provider_id: int | None) -> LeadRoute:
    """The route this account records: a provider user's own; staff name the provider."""
    wanted = provider_id if is_staff(adviser) else adviser.provider_id
    route = session.scalar(select(LeadRoute).where(
        LeadRoute.lead_id == lead.id, LeadRoute.provider_id == wanted)) if wanted else None
    if route is None:
        raise OutcomeError(_error("not_routed"), "provider")
    return route


def record_outcome(session: Session, route: LeadRoute, adviser: Adviser, outcome: str,
                   on: date | None, reason: str | None, now: datetime,
                   today: date | None = None) -> OutcomeChange:
    """Record what the provider did on day `on` (not after `today`, the clock's UK day);
    raise OutcomeError for what cannot be."""
    lead = route.lead
    if lead.status == "withdrawn":
        raise OutcomeError(_error("withdrawn"))
    if outcome not in RECORDED:
        raise OutcomeError(_error("outcome"), "outcome")
    if on is None or on > (today or uk_date(now)) or on < uk_date(route.routed_at):
        raise OutcomeError(_error("day"), "on")
    if outcome == "not_taken_forward" and reason not in REASONS:
        raise OutcomeError(_error("reason"), "reason")
    before = route.outcome
    route.outcome, route.outcome_on = outcome, on
    route.outcome_reason = reason if outcome == "not_taken_forward" else None
    route.outcome_recorded_at = now
    route.status = RECORDED[outcome]
    lead.status = _lead_status(session, lead)
    lead.updated_at = now
    audit.record(session, adviser.email, "lead.outcome", f"lead:{lead.id}",
                 provider_id=route.provider_id, outcome=outcome, on=on.isoformat(),
                 reason=route.outcome_reason)
    session.flush()
    return OutcomeChange(route, before)


def _lead_status(session: Session, lead: Lead) -> str:
    """Closed when every provider has ended it; contacted once any has been in touch."""
    statuses = list(session.scalars(select(LeadRoute.status)
                                    .where(LeadRoute.lead_id == lead.id)))
    if statuses and all(status == "closed" for status in statuses):
        return "closed"
    if lead.status in ("new", "closed") and "contacted" in statuses:
        return "contacted"
    return lead.status


def _error(key: str) -> str:
    return catalogue.text(f"dashboard.outcomes.errors.{key}")
