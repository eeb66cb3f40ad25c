"""One event's funnel: scanned, chatted, booked, attended, leads, contacted."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from carecareers.models import Booking, CampaignVisit, CheckIn, Conversation, Event, Lead

CONTACTED_STATUSES = ("contacted", "closed")


@dataclass(frozen=True)
class EventFunnel:
    """Scans and chats of the event's campaign (if it has one); bookings made, arrivals
    (booked and walk-ins), and leads from the campaign or from people who booked."""

    visits: int
    conversations: int
    booked: int
    attended: int
    leads: int
    contacted: int


def _count(session: Session, query: object) -> int:
    return int(session.scalar(query) or 0)  # type: ignore[call-overload]


def event_funnel(session: Session, event: Event) -> EventFunnel:
    campaign = event.campaign_id
    visits = _count(session, select(func.count(CampaignVisit.id)).where(
        CampaignVisit.campaign_id == campaign)) if campaign else 0
    chats = _count(session, select(func.count(Conversation.id)).where(
        Conversation.campaign_id == campaign)) if campaign else 0
    booked = _count(session, select(func.count(Booking.id)).where(Booking.event_id == event.id))
    attended = _count(session, select(func.count(CheckIn.id)).where(
        CheckIn.event_id == event.id))
    senders = select(Booking.sender_id).where(Booking.event_id == event.id,
                                              Booking.sender_id.is_not(None))
    from_event = or_(Lead.sender_id.in_(senders),
                     *([Lead.campaign_id == campaign] if campaign else []))
    leads = _count(session, select(func.count(Lead.id)).where(from_event))
    contacted = _count(session, select(func.count(Lead.id)).where(
        from_event, Lead.status.in_(CONTACTED_STATUSES)))
    return EventFunnel(visits, chats, booked, attended, leads, contacted)
