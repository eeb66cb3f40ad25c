"""What an account may see: leads (all for staff, routed ones for a provider user), and the
providers it may act for."""

from __future__ import annotations

from sqlalchemy import false, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from carecareers.advisers.accounts import is_staff
from carecareers.models import Adviser, Lead, LeadRoute, Provider


def visible_to(adviser: Adviser) -> ColumnElement[bool]:
    """A condition on Lead that holds for the leads this account may see."""
    if is_staff(adviser):
        return true()
    if adviser.provider_id is None:
        return false()
    routed = select(LeadRoute.lead_id).where(LeadRoute.provider_id == adviser.provider_id)
    return Lead.id.in_(routed)


def providers_for(session: Session, adviser: Adviser) -> list[Provider]:
    """The providers an account may act for: every active one for staff, its own for a
    provider user (none for an account with no provider)."""
    if is_staff(adviser):
        return list(session.scalars(select(Provider).where(Provider.active.is_(True))
                                    .order_by(Provider.name)))
    if adviser.provider_id is None:
        return []
    return [p for p in [session.get(Provider, adviser.provider_id)] if p is not None]
