"""Whose figures a picture shows: the whole programme's (staff), or one provider's own slice.

A provider's slice: the vacancies it published itself, the leads passed to it, the places
booked at (and arrivals at) events it takes part in, and what its own campaigns (staff
referral links, its website's widget) brought in. Job alerts and unanswered questions belong
to nobody's slice: they are the programme's.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, select, true
from sqlalchemy.orm import Session

from carecareers.advisers.accounts import is_staff
from carecareers.models import (
    Adviser,
    Campaign,
    Event,
    Lead,
    LeadRoute,
    Provider,
    VacancyWeek,
)
from carecareers.models.events import event_providers


@dataclass(frozen=True)
class Slice:
    """The whole programme (provider_id None), or one provider's own figures."""

    provider_id: int | None = None
    provider_code: str | None = None
    provider_name: str | None = None

    @property
    def whole(self) -> bool:
        return self.provider_id is None

    @property
    def scope(self) -> int:
        """Whose counts (picture_counts.scope): 0 the whole programme's, else a provider's;
        -1, which has none, for a provider user whose provider is gone."""
        return 0 if self.whole else self.provider_id or -1

    def vacancies(self) -> ColumnElement[bool]:
        if self.whole:
            return true()
        return VacancyWeek.provider_code == self.provider_code if self.provider_code else false()

    def leads(self) -> ColumnElement[bool]:
        if self.whole:
            return true()
        return Lead.id.in_(select(LeadRoute.lead_id).where(
            LeadRoute.provider_id == self.provider_id))

    def events(self) -> ColumnElement[bool]:
        if self.whole:
            return true()
        return Event.id.in_(select(event_providers.c.event_id).where(
            event_providers.c.provider_id == self.provider_id))

    def campaigns(self, column: ColumnElement[int | None]) -> ColumnElement[bool]:
        """A condition on a campaign id column: any (or none) for the whole programme."""
        if self.whole:
            return true()
        return and_(column.is_not(None), column.in_(
            select(Campaign.id).where(Campaign.provider_id == self.provider_id)))


NOBODY = Slice(provider_id=0)


def slice_for(session: Session, adviser: Adviser) -> Slice:
    """Staff see the whole programme; a provider user its own provider's slice."""
    if is_staff(adviser):
        return Slice()
    provider = session.get(Provider, adviser.provider_id) if adviser.provider_id else None
    if provider is None:
        return NOBODY
    return Slice(provider.id, provider.code, provider.name)
