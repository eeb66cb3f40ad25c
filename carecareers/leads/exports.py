"""Leads as export rows, written as CSV that opens safely in Excel, or as JSON."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from carecareers.advisers import audit
from carecareers.clock import UK, as_utc
from carecareers.leads.filters import LeadFilters, conditions
from carecareers.models import Campaign, Consent, FollowUp, Lead, LeadRoute, Provider
from carecareers.spreadsheets import BOM, excel_safe

COLUMNS = (
    "id", "created", "status", "first_name", "age", "age_band", "contact_method", "phone",
    "email", "chat_account", "postcode", "outcode", "interests", "wants_callback",
    "channel", "campaign", "providers", "consent_version", "consent_channels",
    "consent_given", "consent_withdrawn", "last_outcome", "last_activity",
)

MAX_EXPORT_ROWS = 50_000


def export_leads(session: Session, filters: LeadFilters, *, actor: str, export_format: str,
                 visible: ColumnElement[bool] | None = None) -> list[dict[str, Any]]:
    """The export rows of the leads the filters select (newest first), audited without lead data.

    The one export query: the dashboard passes the account's scope as `visible`, the CLI
    none. At most MAX_EXPORT_ROWS rows.
    """
    where = [*conditions(filters), *([visible] if visible is not None else [])]
    leads = list(session.scalars(
        select(Lead).where(*where).order_by(Lead.created_at.desc(), Lead.id.desc())
        .limit(MAX_EXPORT_ROWS)))
    rows = lead_export_rows(session, leads)
    audit.record(session, actor, "leads.exported", None, format=export_format,
                 filters=filters.for_audit(), rows=len(rows))
    return rows


def lead_export_rows(session: Session, leads: Sequence[Lead]) -> list[dict[str, Any]]:
    """One row per lead, in the order given, with its campaign, providers and latest consent.

    Values are str, int, bool, list[str], datetime or None: `leads_csv` and `leads_json`
    turn them into text.
    """
    ids = [lead.id for lead in leads]
    campaigns = _campaign_codes(session, {lead.campaign_id for lead in leads} - {None})
    providers = _provider_codes(session, ids)
    consents = _latest_consents(session, ids)
    outcomes = _latest_outcomes(session, ids)
    return [_row(lead, campaigns, providers, consents.get(lead.id), outcomes.get(lead.id))
            for lead in leads]


def _row(lead: Lead, campaigns: dict[int, str], providers: dict[int, list[str]],
         consent: Consent | None, outcome: str | None) -> dict[str, Any]:
    return {
        "id": lead.id,
        "created": lead.created_at,
        "status": lead.status,
        "first_name": lead.first_name,
        "age": lead.age,
        "age_band": lead.age_band,
        "contact_method": lead.contact_method,
        "phone": lead.phone,
        "email": lead.email,
        "chat_account": getattr(lead, "chat_account", None),
        "postcode": lead.postcode,
        "outcode": lead.outcode,
        "interests": [str(i) for i in lead.interests or []],
        "wants_callback": bool(lead.wants_callback),
        "channel": lead.channel,
        "campaign": campaigns.get(lead.campaign_id) if lead.campaign_id else None,
        "providers": providers.get(lead.id, []),
        "consent_version": consent.wording_version if consent else None,
        "consent_channels": [str(c) for c in consent.channels or []] if consent else [],
        "consent_given": consent.given_at if consent else None,
        "consent_withdrawn": consent.withdrawn_at if consent else None,
        "last_outcome": outcome,
        "last_activity": lead.last_activity_at,
    }


def _campaign_codes(session: Session, ids: set[int | None]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(Campaign.id, Campaign.code).where(Campaign.id.in_(ids)))
    return dict(rows.tuples().all())


def _provider_codes(session: Session, lead_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for lead_id, code in _in_chunks(lead_ids, lambda chunk: session.execute(
            select(LeadRoute.lead_id, Provider.code)
            .join(Provider, Provider.id == LeadRoute.provider_id)
            .where(LeadRoute.lead_id.in_(chunk)).order_by(Provider.code)).tuples()):
        found[lead_id].append(code)
    return found


def _latest_consents(session: Session, lead_ids: list[int]) -> dict[int, Consent]:
    latest: dict[int, Consent] = {}
    for consent in _in_chunks(lead_ids, lambda chunk: session.scalars(
            select(Consent).where(Consent.lead_id.in_(chunk))
            .order_by(Consent.given_at, Consent.id))):
        latest[consent.lead_id] = consent
    return latest


def _latest_outcomes(session: Session, lead_ids: list[int]) -> dict[int, str]:
    latest: dict[int, str] = {}
    for lead_id, outcome in _in_chunks(lead_ids, lambda chunk: session.execute(
            select(FollowUp.lead_id, FollowUp.outcome).where(FollowUp.lead_id.in_(chunk))
            .order_by(FollowUp.created_at, FollowUp.id)).tuples()):
        latest[lead_id] = outcome
    return latest


def _in_chunks(ids: list[int], query: Any, size: int = 500) -> Iterable[Any]:
    """Run `query` on slices of ids (SQLite limits the parameters of one statement)."""
    for start in range(0, len(ids), size):
        yield from query(ids[start:start + size])


def csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return as_utc(value).astimezone(UK).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return str(value)


def leads_csv(rows: Iterable[dict[str, Any]], stream: TextIO) -> int:
    """Write rows as UTF-8 CSV with a byte-order mark (so Excel reads it as UTF-8).

    `stream` is a text stream; open a file with encoding="utf-8" and newline="".
    Returns the number of rows written.
    """
    stream.write(BOM)
    writer = csv.writer(stream, dialect="excel")
    writer.writerow(COLUMNS)
    count = 0
    for row in rows:
        writer.writerow([excel_safe(csv_text(row.get(column))) for column in COLUMNS])
        count += 1
    return count


def json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    return value


def leads_json(rows: Iterable[dict[str, Any]], stream: TextIO) -> int:
    """Write rows as a JSON array of objects (times in ISO 8601, UTC); return the count."""
    items = [{column: json_value(row.get(column)) for column in COLUMNS} for row in rows]
    json.dump(items, stream, ensure_ascii=False, indent=1)
    return len(items)

