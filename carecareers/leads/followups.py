"""Following up a lead: contacted, a note with its outcome, closed, reassigned."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from carecareers.advisers import audit
from carecareers.models import Adviser, FollowUp, Lead, LeadRoute, Provider

NOTE_OUTCOMES = {
    "note": "Note only",
    "no_answer": "No answer",
    "left_message": "Left a message",
    "spoke": "Spoke to them",
    "interested": "Interested: next steps agreed",
    "applied": "Applied",
    "interview": "Interview arranged",
    "hired": "Started work or training",
    "not_interested": "No longer interested",
    "wrong_details": "Contact details do not work",
}
CLOSE_REASONS = {
    "hired": "Started work or training",
    "not_interested": "No longer interested",
    "unreachable": "Could not reach them",
    "duplicate": "Duplicate lead",
    "other": "Other",
}
MAX_NOTE_LENGTH = 2000


class FollowUpError(ValueError):
    """A follow-up that cannot be made to this lead; the message says why.

    `field` names the form field at fault, or is None when the lead itself is the reason.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


def mark_contacted(session: Session, lead: Lead, adviser: Adviser, note: str = "",
                   *, now: datetime) -> FollowUp:
    _require_open(lead)
    if lead.status == "contacted":
        raise FollowUpError("this lead is already marked as contacted")
    follow_up = _follow_up(session, lead, adviser, "contacted", note, now)
    lead.status = "contacted"
    return follow_up


def add_note(session: Session, lead: Lead, adviser: Adviser, outcome: str, note: str,
             now: datetime) -> FollowUp:
    if lead.status == "withdrawn":
        raise FollowUpError("this person withdrew their consent: do not contact them")
    if outcome not in NOTE_OUTCOMES:
        raise FollowUpError("choose an outcome from the list", "outcome")
    if outcome == "note" and not note.strip():
        raise FollowUpError("write a note, or choose an outcome", "note")
    follow_up = _follow_up(session, lead, adviser, outcome, note, now)
    if outcome not in ("note", "no_answer", "wrong_details") and lead.status == "new":
        lead.status = "contacted"
    return follow_up


def close_lead(session: Session, lead: Lead, adviser: Adviser, reason: str, note: str = "",
               *, now: datetime) -> FollowUp:
    _require_open(lead)
    if reason not in CLOSE_REASONS:
        raise FollowUpError("choose why the lead is closed", "reason")
    follow_up = _follow_up(session, lead, adviser, f"closed:{reason}", note, now)
    lead.status = "closed"
    return follow_up


def reassign(session: Session, lead: Lead, adviser: Adviser, provider_code: str,
             note: str = "", *, now: datetime) -> FollowUp:
    """Route the lead to one provider only, in place of those it was routed to."""
    if adviser.role not in ("admin", "adviser"):
        raise FollowUpError("only admins and advisers reassign leads")
    _require_open(lead)
    provider = session.scalar(select(Provider).where(
        func.upper(Provider.code) == provider_code.strip().upper(), Provider.active.is_(True)))
    if provider is None:
        raise FollowUpError("choose an active provider from the list", "provider")
    text = f"Reassigned to {provider.name}" + (f": {note.strip()}" if note.strip() else "")
    _check_note(text)
    session.execute(delete(LeadRoute).where(LeadRoute.lead_id == lead.id))
    session.add(LeadRoute(lead_id=lead.id, provider_id=provider.id, routed_at=now))
    return _follow_up(session, lead, adviser, "reassigned", text, now, provider=provider.code)


def _require_open(lead: Lead) -> None:
    if lead.status == "withdrawn":
        raise FollowUpError("this person withdrew their consent: do not contact them")
    if lead.status == "closed":
        raise FollowUpError("this lead is closed")


def _check_note(note: str) -> None:
    if len(note.strip()) > MAX_NOTE_LENGTH:
        raise FollowUpError(f"a note has at most {MAX_NOTE_LENGTH} characters", "note")


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


def outcome_label(outcome: str) -> str:
    """Words for a stored outcome, as the follow-up history shows it."""
    if outcome.startswith("closed:"):
        return "Closed: " + CLOSE_REASONS.get(outcome.split(":", 1)[1], "other").lower()
    return {"contacted": "Marked as contacted", "reassigned": "Reassigned",
            **NOTE_OUTCOMES}.get(outcome, outcome)
