"""Conversion: from a chat to a lead, to a provider being in touch, to starting work, per
campaign and per channel, over the picture's months.

Each step counts people, first touch as everywhere (a lead belongs to the campaign whose link
started its chat): conversations started in the months; leads made in the months; of those
leads, the ones a provider has recorded as contacted, offered an interview or started work
(outcomes.IN_TOUCH, on any route of theirs; in a provider's slice, on its own route); and
those recorded as started. A lead made in the months from a chat started before them counts
as a lead, not as a conversation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select, true
from sqlalchemy.orm import Session

from carecareers.models import Campaign, Conversation, Lead, LeadRoute
from carecareers.outcomes.recording import IN_TOUCH, STARTED
from carecareers.picture.months import bounds
from carecareers.picture.slices import Slice

STEPS = ("conversations", "leads", "contacted", "started")


@dataclass
class Conversion:
    """Each step's count by campaign id (None: no campaign) and by channel."""

    by_campaign: dict[int | None, list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0] * len(STEPS)))
    by_channel: dict[str, list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0] * len(STEPS)))
    campaigns: dict[int, Campaign] = field(default_factory=dict)


def _routes(who: Slice):  # type: ignore[no-untyped-def]
    """Per lead: whether a provider (in a slice, its own) was in touch, and whether it started."""
    own = LeadRoute.provider_id == who.provider_id if not who.whole else true()
    return select(
        LeadRoute.lead_id,
        func.max(case((LeadRoute.outcome.in_(IN_TOUCH), 1), else_=0)).label("touched"),
        func.max(case((LeadRoute.outcome == STARTED, 1), else_=0)).label("started"),
    ).where(own).group_by(LeadRoute.lead_id).subquery()


def read_conversion(session: Session, who: Slice, months: list[date]) -> Conversion:
    starts = bounds(months)
    found = Conversion()
    talks = select(Conversation.campaign_id, Conversation.channel, func.count()).where(
        Conversation.started_at >= starts[0], Conversation.started_at < starts[-1],
        who.campaigns(Conversation.campaign_id)).group_by(Conversation.campaign_id,
                                                          Conversation.channel)
    for campaign_id, channel, count in session.execute(talks):
        found.by_campaign[campaign_id][0] += count
        found.by_channel[channel][0] += count
    routes = _routes(who)
    leads = select(Lead.campaign_id, Lead.channel, func.count(),
                   func.coalesce(func.sum(routes.c.touched), 0),
                   func.coalesce(func.sum(routes.c.started), 0)).outerjoin(
        routes, routes.c.lead_id == Lead.id).where(
        Lead.created_at >= starts[0], Lead.created_at < starts[-1], who.leads(),
        who.campaigns(Lead.campaign_id)).group_by(Lead.campaign_id, Lead.channel)
    for campaign_id, channel, *counts in session.execute(leads):
        for step, count in enumerate(counts, start=1):
            found.by_campaign[campaign_id][step] += int(count or 0)
            found.by_channel[channel][step] += int(count or 0)
    ids = [i for i in found.by_campaign if i is not None]
    if ids:
        found.campaigns = {c.id: c for c in session.scalars(
            select(Campaign).where(Campaign.id.in_(ids)))}
    return found
