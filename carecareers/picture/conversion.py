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

from sqlalchemy import select
from sqlalchemy.orm import Session

from carecareers.models import Campaign
from carecareers.picture import counting
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


def read_conversion(session: Session, who: Slice, months: list[date]) -> Conversion:
    """The slice's steps in these months, from the counts (counting.py)."""
    found = Conversion()
    step_of = dict(zip((counting.CONVERSATIONS, *counting.CONVERTED), range(len(STEPS)),
                       strict=True))
    for _, measure, key, channel, count in counting.read_counts(session, who.scope, months,
                                                                step_of):
        campaign_id = int(key) if key else None
        found.by_campaign[campaign_id][step_of[measure]] += count
        found.by_channel[channel][step_of[measure]] += count
    ids = [i for i in found.by_campaign if i is not None]
    if ids:
        found.campaigns = {c.id: c for c in session.scalars(
            select(Campaign).where(Campaign.id.in_(ids)))}
    return found
