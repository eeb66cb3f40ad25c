"""Where a person's details stand: who has them, what each has done and when, what next.

Asked in the chat ("has anyone looked at my details?"). It names the organisations, never
their staff, and never the private reason a lead was not taken forward.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from carecareers import catalogue
from carecareers.careers.answers import Answer, intent_payload
from carecareers.clock import uk_date
from carecareers.models import Lead, LeadRoute, Provider


@dataclass(frozen=True)
class RouteStanding:
    organisation: str
    outcome: str
    on: date | None  # the outcome's day; for "not contacted", the day it was passed on


@dataclass(frozen=True)
class Standing:
    left_on: date
    withdrawn: bool
    routes: tuple[RouteStanding, ...]


def standing_of(session: Session, sender_id: str) -> Standing | None:
    """Where the details left in this conversation stand; None if none were left."""
    lead = session.scalar(select(Lead).where(Lead.sender_id == sender_id))
    if lead is None:
        return None
    rows = session.execute(
        select(Provider.name, LeadRoute.outcome, LeadRoute.outcome_on, LeadRoute.routed_at)
        .join(Provider, Provider.id == LeadRoute.provider_id)
        .where(LeadRoute.lead_id == lead.id)
        .order_by(LeadRoute.routed_at, LeadRoute.id)).tuples()
    routes = tuple(RouteStanding(name, outcome, uk_date(routed) if outcome == "not_contacted"
                                 else on)
                   for name, outcome, on, routed in rows)
    return Standing(uk_date(lead.created_at), lead.status == "withdrawn", routes)


def standing_answer(standing: Standing | None) -> Answer:
    """The reply, in the catalogue's words (chat.standing)."""
    if standing is None:
        return Answer(_say("none"), (_button("leave_details", "register_interest"),))
    if standing.withdrawn:
        return Answer(_say("withdrawn"), (_button("leave_details", "register_interest"),))
    if not standing.routes:
        return Answer("\n".join([_say("not_passed", day=day_words(standing.left_on)),
                                 _say("next.waiting")]), _waiting_buttons())
    lines = [_say("intro"), *(_line(route) for route in standing.routes)]
    outcomes = {route.outcome for route in standing.routes}
    if "started" in outcomes:
        lines.append(_say("next.started"))
        return Answer("\n".join(lines))
    if outcomes & {"contacted", "interview"}:
        lines.append(_say("next.in_touch"))
        return Answer("\n".join(lines))
    if outcomes == {"not_taken_forward"}:
        lines.append(_say("next.ended"))
        return Answer("\n".join(lines), (*_waiting_buttons(),
                                         _button("adviser", "ask_adviser_chat")))
    lines.append(_say("next.waiting"))
    return Answer("\n".join(lines), _waiting_buttons())


def day_words(day: date) -> str:
    """5 December 2026."""
    return f"{day.day} {day.strftime('%B %Y')}"


def _line(route: RouteStanding) -> str:
    if route.on is None:  # followed up before outcomes had days
        state = _say(f"undated.{route.outcome}")
    else:
        state = _say(f"states.{route.outcome}", day=day_words(route.on))
    return _say("line", organisation=route.organisation, state=state)


def _waiting_buttons() -> tuple[tuple[str, str], ...]:
    return (_button("jobs", "search_vacancies"), _button("alerts", "ask_job_alert"),
            _button("events", "ask_events"))


def _button(key: str, intent: str) -> tuple[str, str]:
    return (_say(f"buttons.{key}"), intent_payload(intent))


def _say(key: str, **values: str) -> str:
    return catalogue.text(f"chat.standing.{key}", **values)
