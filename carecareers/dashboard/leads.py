"""Leads as an account may see them: a filtered page, one lead in full, an export."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carecareers.advisers import audit
from carecareers.advisers.accounts import is_staff
from carecareers.advisers.scope import visible_to
from carecareers.dashboard.routing import status_for
from carecareers.forms.validation import AGE_BANDS
from carecareers.leads import exports
from carecareers.leads.filters import LeadFilters, conditions
from carecareers.leads.recording import GENERAL_INTERESTS
from carecareers.models import (
    Adviser,
    Campaign,
    Consent,
    FollowUp,
    Lead,
    LeadRoute,
    Provider,
    Vacancy,
)
from carecareers.models.leads import LEAD_STATUSES

PER_PAGE = 25


class LeadNotFound(LookupError):
    """No such lead, or not one this account may see (the two look the same)."""


@dataclass
class LeadPage:
    leads: list[Lead]
    total: int
    page: int
    per_page: int
    campaign_codes: dict[int, str] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass
class FollowUpEntry:
    follow_up: FollowUp
    adviser_email: str | None


@dataclass
class LeadDetail:
    lead: Lead
    campaign: Campaign | None
    consents: list[Consent]
    vacancies: list[Vacancy]
    missing_vacancies: int
    providers: list[Provider]
    history: list[FollowUpEntry]
    status: str  # as this account works on it (a provider user: its own route's)


def list_leads(session: Session, adviser: Adviser, filters: LeadFilters, page: int = 1,
               per_page: int = PER_PAGE) -> LeadPage:
    """One page of the leads this account may see, newest first."""
    where = [visible_to(adviser), *conditions(filters)]
    total = session.scalar(select(func.count()).select_from(Lead).where(*where)) or 0
    page = min(max(1, page), max(1, -(-total // per_page)))
    leads = list(session.scalars(
        select(Lead).where(*where).order_by(Lead.created_at.desc(), Lead.id.desc())
        .limit(per_page).offset((page - 1) * per_page)))
    return LeadPage(leads, total, page, per_page, _campaign_codes(session, leads))


def _campaign_codes(session: Session, leads: Sequence[Lead]) -> dict[int, str]:
    ids = {lead.campaign_id for lead in leads if lead.campaign_id is not None}
    if not ids:
        return {}
    return dict(session.execute(select(Campaign.id, Campaign.code).where(Campaign.id.in_(ids)))
                .tuples().all())


def find_visible_lead(session: Session, adviser: Adviser, lead_id: int) -> Lead:
    lead = session.scalar(select(Lead).where(Lead.id == lead_id, visible_to(adviser)))
    if lead is None:
        raise LeadNotFound(lead_id)
    return lead


def view_lead(session: Session, adviser: Adviser, lead_id: int) -> LeadDetail:
    """Everything about one lead; the view is written to the audit log."""
    detail = lead_detail(session, adviser, lead_id)
    audit.record(session, adviser.email, "lead.viewed", f"lead:{lead_id}")
    return detail


def lead_detail(session: Session, adviser: Adviser, lead_id: int) -> LeadDetail:
    """Everything about one lead, without auditing (to show a form again after a mistake)."""
    lead = find_visible_lead(session, adviser, lead_id)
    campaign = session.get(Campaign, lead.campaign_id) if lead.campaign_id else None
    vacancies, missing = _shown_vacancies(session, lead.shown_vacancy_ids or [])
    return LeadDetail(
        lead=lead, campaign=campaign,
        consents=sorted(lead.consents, key=lambda c: c.given_at, reverse=True),
        vacancies=vacancies, missing_vacancies=missing,
        providers=routed_providers(session, lead), history=_history(session, lead, adviser),
        status=status_for(session, lead, adviser),
    )


def _shown_vacancies(session: Session, ids: Sequence[Any]) -> tuple[list[Vacancy], int]:
    wanted = [int(i) for i in ids if str(i).isdigit()]
    if not wanted:
        return [], 0
    found = {v.id: v for v in session.scalars(select(Vacancy).where(Vacancy.id.in_(wanted)))}
    return [found[i] for i in wanted if i in found], len(set(wanted) - set(found))


def routed_providers(session: Session, lead: Lead) -> list[Provider]:
    return list(session.scalars(
        select(Provider).join(LeadRoute, LeadRoute.provider_id == Provider.id)
        .where(LeadRoute.lead_id == lead.id).order_by(Provider.name)))


def _history(session: Session, lead: Lead, viewer: Adviser) -> list[FollowUpEntry]:
    """The lead's follow-ups: all for staff, only their own organisation's for a provider."""
    query = (select(FollowUp, Adviser.email)
             .outerjoin(Adviser, Adviser.id == FollowUp.adviser_id)
             .where(FollowUp.lead_id == lead.id))
    if not is_staff(viewer):
        query = query.where(Adviser.provider_id == viewer.provider_id)
    rows = session.execute(query.order_by(FollowUp.created_at.desc(), FollowUp.id.desc()))
    return [FollowUpEntry(follow_up, email) for follow_up, email in rows.tuples()]


def export_leads(session: Session, adviser: Adviser, filters: LeadFilters,
                 export_format: str) -> list[dict[str, Any]]:
    """The rows of every lead the filters select that this account may see."""
    return exports.export_leads(session, filters, actor=adviser.email,
                                export_format=export_format, visible=visible_to(adviser))


@dataclass
class FilterChoices:
    statuses: Sequence[str]
    age_bands: Sequence[str]
    interests: list[str]
    campaigns: list[Campaign]
    providers: list[Provider]


def filter_choices(session: Session, adviser: Adviser, role_codes: Iterable[str] = (),
                   ) -> FilterChoices:
    """What the filter form offers; a provider user is not offered other providers."""
    return FilterChoices(
        statuses=LEAD_STATUSES,
        age_bands=[band for band in AGE_BANDS if band != "under_16"],
        interests=sorted(set(role_codes) | GENERAL_INTERESTS),
        campaigns=list(session.scalars(select(Campaign).order_by(Campaign.code))),
        providers=active_providers(session) if is_staff(adviser) else [],
    )


def active_providers(session: Session) -> list[Provider]:
    return list(session.scalars(select(Provider).where(Provider.active.is_(True))
                                .order_by(Provider.name)))
