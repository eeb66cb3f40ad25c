"""How far the friends each member of staff brought in have come, counted per referral link.

No row says anything about a friend: only how many. The steps, each counted for the link
that started the chat (first touch, as for every campaign):

- scanned: visits to the link or its QR code (one a browser, however often it reloads);
- chatted: conversations started from it;
- values_checks: "Is care for me?" checks finished in those conversations;
- leads: people who asked to be put in touch (each agreed to their details being shared);
- contacted: of those leads, the ones this provider has recorded as contacted, offered an
  interview or a visit, or started work (the outcome on its own route; see
  carecareers/outcomes/recording.py). "Not taken forward" is not counted: it is also what
  a provider records when it could not reach the person;
- started: of those leads, the ones this provider recorded as having started work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from carecareers.models import (
    Campaign,
    CampaignVisit,
    Conversation,
    Lead,
    LeadRoute,
    ValuesCompletion,
)
from carecareers.outcomes.recording import IN_TOUCH, STARTED
from carecareers.referrals.service import REFERRAL

CONTACTED = IN_TOUCH


@dataclass(frozen=True)
class ReferralRow:
    """One referral link and what it brought in."""

    code: str
    label: str
    switched_off_at: datetime | None
    scanned: int
    chatted: int
    values_checks: int
    leads: int
    contacted: int
    started: int

    @property
    def is_on(self) -> bool:
        return self.switched_off_at is None


def _count(column: InstrumentedAttribute[int | None]) -> ColumnElement[int]:
    """Rows of the column's table that belong to the referral's campaign."""
    return select(func.count()).select_from(column.class_).where(
        column == Campaign.id).scalar_subquery()


def _leads_with_outcome(outcomes: tuple[str, ...]) -> ColumnElement[int]:
    """The referral's leads whose route to its own provider has one of these outcomes."""
    own_route = and_(LeadRoute.lead_id == Lead.id, LeadRoute.provider_id == Campaign.provider_id)
    return (select(func.count()).select_from(Lead).join(LeadRoute, own_route)
            .where(Lead.campaign_id == Campaign.id, LeadRoute.outcome.in_(outcomes))
            .scalar_subquery())


def referral_funnel(session: Session, provider_id: int) -> list[ReferralRow]:
    """Every referral link of the provider with its six counts, by label, in one query."""
    query = select(
        Campaign.code, Campaign.name, Campaign.switched_off_at,
        _count(CampaignVisit.campaign_id),
        _count(Conversation.campaign_id),
        _count(ValuesCompletion.campaign_id),
        _count(Lead.campaign_id),
        _leads_with_outcome(CONTACTED),
        _leads_with_outcome((STARTED,)),
    ).where(Campaign.provider_id == provider_id, Campaign.kind == REFERRAL).order_by(
        func.lower(Campaign.name), Campaign.code)
    return [ReferralRow(*row) for row in session.execute(query)]
