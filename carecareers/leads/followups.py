"""Following up a lead: contacted, a note with its outcome, closed, reassigned."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from carecareers.advisers import audit
from carecareers.catalogue import text
from carecareers.models import Adviser, FollowUp, Lead, LeadRoute, Provider

# The outcomes a note may record and the reasons a lead is closed for, in the order the
# forms offer them; their words are dashboard.followups.outcomes and .reasons.
NOTE_OUTCOMES = ("note", "no_answer", "left_message", "spoke", "interested", "applied",
                 "interview", "hired", "not_interested", "wrong_details")
CLOSE_REASONS = ("hired", "not_interested", "unreachable", "duplicate", "other")
MAX_NOTE_LENGTH = 2000


class FollowUpError(ValueError):
    """A follow-up that cannot be made to this lead; the message says why, to the adviser
    (the text dashboard.followups.errors.<why>).

    `field` names the form field at fault, or is None when the lead itself is the reason.
    """

    def __init__(self, why: str, field: str | None = None, **values: object) -> None:
        self.why = why
        self.field = field
        super().__init__(text(f"dashboard.followups.errors.{why}", **values))


def mark_contacted(session: Session, lead: Lead, adviser: Adviser, note: str = "",
                   *, now: datetime) -> FollowUp:
    _require_open(lead)
    if lead.status == "contacted":
        raise FollowUpError("already_contacted")
    follow_up = _follow_up(session, lead, adviser, "contacted", note, now)
    lead.status = "contacted"
    return follow_up


def add_note(session: Session, lead: Lead, adviser: Adviser, outcome: str, note: str,
             now: datetime) -> FollowUp:
    if lead.status == "withdrawn":
        raise FollowUpError("withdrawn")
    if outcome not in NOTE_OUTCOMES:
        raise FollowUpError("outcome", "outcome")
    if outcome == "note" and not note.strip():
        raise FollowUpError("note", "note")
    follow_up = _follow_up(session, lead, adviser, outcome, note, now)
    if outcome not in ("note", "no_answer", "wrong_details") and lead.status == "new":
        lead.status = "contacted"
    return follow_up


def close_lead(session: Session, lead: Lead, adviser: Adviser, reason: str, note: str = "",
               *, now: datetime) -> FollowUp:
    _require_open(lead)
    if reason not in CLOSE_REASONS:
        raise FollowUpError("reason", "reason")
    follow_up = _follow_up(session, lead, adviser, f"closed:{reason}", note, now)
    lead.status = "closed"
    return follow_up


def reassign(session: Session, lead: Lead, adviser: Adviser, provider_code: str,
             note: str = "", *, now: datetime) -> FollowUp:
    """Route the lead to one provider only, in place of those it was routed to."""
    if adviser.role not in ("admin", "adviser"):
        raise FollowUpError("not_staff")
    _require_open(lead)
    provider = session.scalar(select(Provider).where(
        func.upper(Provider.code) == provider_code.strip().upper(), Provider.active.is_(True)))
    if provider is None:
        raise FollowUpError("provider", "provider")
    said = text("dashboard.followups.reassigned_to_with_note", provider=provider.name,
                note=note.strip()) if note.strip() else \
        text("dashboard.followups.reassigned_to", provider=provider.name)
    _check_note(said)
    session.execute(delete(LeadRoute).where(LeadRoute.lead_id == lead.id))
    session.add(LeadRoute(lead_id=lead.id, provider_id=provider.id, routed_at=now))
    return _follow_up(session, lead, adviser, "reassigned", said, now, provider=provider.code)


def _require_open(lead: Lead) -> None:
    if lead.status == "withdrawn":
        raise FollowUpError("withdrawn")
    if lead.status == "closed":
        raise FollowUpError("closed")


def _check_note(note: str) -> None:
    if len(note.strip()) > MAX_NOTE_LENGTH:
        raise FollowUpError("too_long", "note", limit=MAX_NOTE_LENGTH)


def _follow_up(session: Session, lead: Lead, adviser: Adviser, outcome: str, note: str,
               now: datetime, **detail: str) -> FollowUp:
    """Record the follow-up (checking the note first); the caller then sets the status."""
    _check_note(note)
    note = note.strip()
    follow_up = FollowUp(lead_id=lead.id, adviser_id=adviser.id, outcome=outcome, note=note,
                         created_at=now)
    session.add(follow_up)
    lead.last_activity_at = now
    audit.record(session, adviser.email, "lead.follow_up", f"lead:{lead.id}",
                 outcome=outcome, **detail)
    session.flush()
    return follow_up


def outcome_choices() -> dict[str, str]:
    """The outcomes a note may record, with their words, in the form's order."""
    return {code: text(f"dashboard.followups.outcomes.{code}") for code in NOTE_OUTCOMES}


def reason_choices() -> dict[str, str]:
    """The reasons a lead may be closed for, with their words, in the form's order."""
    return {code: text(f"dashboard.followups.reasons.{code}") for code in CLOSE_REASONS}


def outcome_label(outcome: str) -> str:
    """Words for a stored outcome, as the follow-up history shows it (the code itself when it
    has none)."""
    if outcome.startswith("closed:"):
        reason = outcome.split(":", 1)[1]
        return text(f"dashboard.followups.closed.{reason}" if reason in CLOSE_REASONS
                    else "dashboard.followups.closed.other")
    if outcome in ("contacted", "reassigned"):
        return text(f"dashboard.followups.{outcome}")
    return text(f"dashboard.followups.outcomes.{outcome}") if outcome in NOTE_OUTCOMES \
        else outcome
