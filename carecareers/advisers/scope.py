"""Which leads an account may see: all for staff, routed ones for a provider user."""

from __future__ import annotations

from sqlalchemy import false, select, true
from sqlalchemy.sql.elements import ColumnElement

from carecareers.advisers.accounts import is_staff
from carecareers.models import Adviser, Lead, LeadRoute


def visible_to(adviser: Adviser) -> ColumnElement[bool]:
    """A condition on Lead that holds for the leads this account may see."""
    if is_staff(adviser):
        return true()
    if adviser.provider_id is None:
        return false()
    routed = select(LeadRoute.lead_id).where(LeadRoute.provider_id == adviser.provider_id)
    return Lead.id.in_(routed)
