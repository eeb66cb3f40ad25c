"""A lead shared by several providers: each provider user follows up its own route.

Staff (admins and advisers) act on the lead itself. A provider user's "contacted" or
"closed" changes only the status of the route to its own organisation; the lead is
closed only when every provider it was passed to has closed it. The rules for each
follow-up stay in carecareers.leads.followups: they are applied to the route's status.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from carecareers.advisers.accounts import is_staff
from carecareers.models import Adviser, Lead, LeadRoute

T = TypeVar("T")


class NotRoutedHere(LookupError):
    """The lead was not passed to this provider user's organisation."""


def own_route(session: Session, lead: Lead, adviser: Adviser) -> LeadRoute:
    route = session.scalar(select(LeadRoute).where(
        LeadRoute.lead_id == lead.id, LeadRoute.provider_id == adviser.provider_id))
    if route is None or adviser.provider_id is None:
        raise NotRoutedHere(lead.id)
    return route


def status_for(session: Session, lead: Lead, adviser: Adviser) -> str:
    """The lead's status as this account works on it: its own route's, for a provider."""
    if is_staff(adviser) or lead.status == "withdrawn":
        return lead.status
    return own_route(session, lead, adviser).status


def follow_up_as(session: Session, lead: Lead, adviser: Adviser,
                 apply: Callable[[Lead], T]) -> T:
    """Run one follow-up (`apply`) for this account: on the lead, or on its own route."""
    if is_staff(adviser):
        result = apply(lead)
        if lead.status == "closed":  # staff close it for everyone
            session.execute(update(LeadRoute).where(LeadRoute.lead_id == lead.id)
                            .values(status="closed"))
        return result
    route = own_route(session, lead, adviser)
    shared = lead.status
    if shared != "withdrawn":
        lead.status = route.status  # the follow-up's rules see this provider's status
    try:
        result = apply(lead)
    finally:
        route_status, lead.status = lead.status, shared
    if shared != "withdrawn":
        route.status = route_status
        session.flush()
        lead.status = combined_status(session, lead)
    return result


def combined_status(session: Session, lead: Lead) -> str:
    """Closed when every route is closed; contacted once any provider has made contact."""
    statuses = list(session.scalars(select(LeadRoute.status)
                                    .where(LeadRoute.lead_id == lead.id)))
    if statuses and all(status == "closed" for status in statuses):
        return "closed"
    if lead.status == "new" and "contacted" in statuses:
        return "contacted"
    return lead.status
