"""Filters on the list of leads: parsed from a query string, turned into SQL conditions."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from carecareers.campaigns.service import normalise_code
from carecareers.clock import uk_midnight
from carecareers.forms.validation import AGE_BANDS
from carecareers.models import Campaign, Lead, LeadRoute, Provider
from carecareers.models.leads import LEAD_STATUSES

MAX_SEARCH_LENGTH = 100
_AREA = re.compile(r"^[A-Z]{1,2}(?:[0-9][A-Z0-9]?)?$")
_INTEREST = re.compile(r"^[a-z0-9_]{1,64}$")
_PROVIDER = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
FILTER_FIELDS = ("status", "interest", "area", "campaign", "provider", "age_band",
                 "created_from", "created_to", "q", "callback")


@dataclass(frozen=True)
class LeadFilters:
    status: str | None = None
    interest: str | None = None
    area: str | None = None
    campaign: str | None = None
    provider: str | None = None
    age_band: str | None = None
    created_from: date | None = None
    created_to: date | None = None
    q: str | None = None
    callback: bool = False

    def as_params(self) -> dict[str, str]:
        """The filters that are set, as query-string values."""
        params: dict[str, str] = {}
        for name, value in asdict(self).items():
            if value in (None, "", False):
                continue
            params[name] = "1" if value is True else str(value)
        return params

    def for_audit(self) -> dict[str, str]:
        """The filters as the audit log keeps them: a search term may be a lead's name."""
        params = self.as_params()
        if "q" in params:
            params["q"] = "(search words not recorded)"
        return params


def parse_filters(params: Mapping[str, str]) -> tuple[LeadFilters, dict[str, str]]:
    """Read filters from a query string; return them and an error message per bad field."""
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    for name, parse in _PARSERS.items():
        raw = (params.get(name) or "").strip()
        if not raw:
            continue
        try:
            values[name] = parse(raw)
        except ValueError as exc:
            errors[name] = str(exc)
    values["callback"] = (params.get("callback") or "") in ("1", "on", "true", "yes")
    start, end = values.get("created_from"), values.get("created_to")
    if isinstance(start, date) and isinstance(end, date) and end < start:
        errors["created_to"] = "The end date is before the start date."
        values.pop("created_to")
    return LeadFilters(**values), errors  # type: ignore[arg-type]


def _status(raw: str) -> str:
    if raw not in LEAD_STATUSES:
        raise ValueError("Choose a status from the list.")
    return raw


def _interest(raw: str) -> str:
    value = raw.lower().replace(" ", "_")
    if not _INTEREST.match(value):
        raise ValueError("An interest is a role code such as care_worker.")
    return value


def _area(raw: str) -> str:
    value = raw.upper().replace(" ", "")
    if not _AREA.match(value):
        raise ValueError("Give the start of a postcode, such as ST or ST4.")
    return value


def _campaign(raw: str) -> str:
    code = normalise_code(raw)
    if code is None:
        raise ValueError("A campaign code has letters, digits, '-' or '_'.")
    return code


def _provider(raw: str) -> str:
    if not _PROVIDER.match(raw):
        raise ValueError("Choose a provider from the list.")
    return raw


def _age_band(raw: str) -> str:
    if raw not in AGE_BANDS:
        raise ValueError("Choose an age band from the list.")
    return raw


def _date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError("Give a date as YYYY-MM-DD, for example 2025-09-01.") from None


def _search(raw: str) -> str:
    if len(raw) > MAX_SEARCH_LENGTH:
        raise ValueError(f"Search for at most {MAX_SEARCH_LENGTH} characters.")
    return raw


_PARSERS = {"status": _status, "interest": _interest, "area": _area, "campaign": _campaign,
            "provider": _provider, "age_band": _age_band, "created_from": _date,
            "created_to": _date, "q": _search}


def conditions(filters: LeadFilters) -> list[ColumnElement[bool]]:
    """SQL conditions on Lead for the filters that are set."""
    found: list[ColumnElement[bool]] = []
    if filters.status:
        found.append(Lead.status == filters.status)
    if filters.interest:
        pattern = '%"' + _escape_like(filters.interest) + '"%'
        found.append(cast(Lead.interests, String).like(pattern, escape="\\"))
    if filters.area:
        found.append(Lead.outcode.like(_escape_like(filters.area) + "%", escape="\\"))
    if filters.campaign:
        found.append(Lead.campaign_id.in_(
            select(Campaign.id).where(Campaign.code == filters.campaign)))
    if filters.provider:
        found.append(Lead.id.in_(
            select(LeadRoute.lead_id).join(Provider, Provider.id == LeadRoute.provider_id)
            .where(func.upper(Provider.code) == filters.provider.upper())))
    if filters.age_band:
        found.append(Lead.age_band == filters.age_band)
    if filters.created_from:
        found.append(Lead.created_at >= uk_midnight(filters.created_from))
    if filters.created_to:
        found.append(Lead.created_at < uk_midnight(filters.created_to + timedelta(days=1)))
    if filters.callback:
        found.append(Lead.wants_callback.is_(True))
    if filters.q:
        found.append(_search_condition(filters.q))
    return found


def _search_condition(q: str) -> ColumnElement[bool]:
    term = "%" + _escape_like(q.strip()) + "%"
    options: list[ColumnElement[bool]] = [Lead.first_name.ilike(term, escape="\\"),
                                          Lead.email.ilike(term, escape="\\")]
    digits = re.sub(r"\D", "", q)
    if len(digits) >= 4:
        phone = func.replace(func.replace(func.replace(func.replace(
            Lead.phone, " ", ""), "-", ""), "+", ""), "(", "")
        options.append(phone.like(f"%{digits}%"))
        if digits.startswith("0"):
            options.append(phone.like(f"%44{digits[1:]}%"))
    return or_(*options)


def _escape_like(text: str) -> str:
    return re.sub(r"([\\%_])", r"\\\1", text)
