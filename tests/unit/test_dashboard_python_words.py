"""The dashboard's words for codes come from content/texts/en/dashboard.yml, not from Python.

Python keeps the codes (a follow-up's outcome, a message's delivery state, a funnel's step)
and looks their words up by an id built at run time: `dashboard.lead.done.{code}`. The id
scan in test_catalogue.py cannot check an id built that way, so this checks each one, and
that the words an adviser reads are the ones the pages have always shown.
(A table of words written back into web/routes/ fails test_no_reply_is_written_in_python.)
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from carecareers.campaigns.service import CAMPAIGN_KINDS
from carecareers.catalogue import load_catalogue
from carecareers.dashboard.campaigns import kind_labels
from carecareers.leads import followups
from web.routes.advisers import campaigns, charts, events, leads

CONTENT = Path(__file__).resolve().parents[2] / "content"
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)


def event_at(status: str, starts_in: timedelta) -> Any:
    """An event of an hour, as the events list reads it."""
    return SimpleNamespace(status=status, starts_at=NOW + starts_in,
                           ends_at=NOW + starts_in + HOUR)


def built_ids() -> list[str]:
    """Every dashboard id the Python builds from a code."""
    return [
        *(f"dashboard.lead.done.{code}" for code in leads.DONE),
        *(f"dashboard.lead.delivery.{state}" for state in leads.DELIVERY_STATES),
        *(f"dashboard.lead.email_delivery.{state}" for state in leads.EMAIL_STATES),
        *(f"dashboard.followups.outcomes.{code}" for code in followups.NOTE_OUTCOMES),
        *(f"dashboard.followups.reasons.{code}" for code in followups.CLOSE_REASONS),
        *(f"dashboard.followups.closed.{code}" for code in followups.CLOSE_REASONS),
        *(f"dashboard.followups.{outcome}" for outcome in ("contacted", "reassigned")),
        *(f"dashboard.followups.errors.{why}" for why in (
            "already_contacted", "withdrawn", "closed", "outcome", "note", "reason",
            "not_staff", "provider", "too_long")),
        *(f"dashboard.charts.steps.{name}" for name, _ in charts.FUNNEL_STEPS),
        *(f"dashboard.charts.shares.{base}" for _, base in charts.FUNNEL_STEPS if base),
        *(f"dashboard.campaign.chart_titles.{name}" for name in campaigns.CHARTS),
        *(f"dashboard.campaigns.kinds.{kind}" for kind in CAMPAIGN_KINDS),
        *(f"dashboard.events.states.{state}" for state in ("cancelled", "finished", "open",
                                                            "now")),
        *(f"dashboard.errors.{why}.{part}" for why in (
            "form_expired", "forbidden", "lead_not_found", "not_found", "bad_request")
          for part in ("title", "message")),
        *(f"dashboard.event_form.errors.{field}" for field in (
            "day", "starts", "ends", "ends_first", "capacity", "title", "place", "postcode",
            "providers", "campaign")),
        *(f"dashboard.campaign_form.errors.{why}" for why in (
            "code", "name", "name_too_long", "kind", "place_too_long", "ends_first", "date")),
        *(f"dashboard.referrals.errors.{why}" for why in ("label", "taken")),
    ]


def test_every_id_built_from_a_code_is_in_the_catalogue() -> None:
    texts = load_catalogue(CONTENT)
    ids = built_ids()
    assert len(ids) > 90
    assert [text_id for text_id in ids if text_id not in texts] == []


def test_the_follow_up_words_are_the_catalogues() -> None:
    assert followups.outcome_choices()["interested"] == "Interested: next steps agreed"
    assert list(followups.reason_choices()) == list(followups.CLOSE_REASONS)
    assert followups.outcome_label("closed:hired") == "Closed: started work or training"
    assert followups.outcome_label("closed:made-up") == "Closed: other"
    assert followups.outcome_label("contacted") == "Marked as contacted"
    assert followups.outcome_label("no_answer") == "No answer"
    assert followups.outcome_label("something_new") == "something_new"  # a code without words
    assert str(followups.FollowUpError("too_long", "note", limit=2000)) == (
        "A note has at most 2000 characters.")


def test_the_funnel_and_the_event_states_say_the_catalogues_words() -> None:
    row: Any = SimpleNamespace(visits=10, conversations=4, booked=0, attended=0, leads=2,
                               contacted=1)
    bars = charts.funnel_bars(row)
    assert [(bar.label, bar.share) for bar in bars] == [
        ("Scanned", None), ("Chatted", "40% of scanned"), ("Booked", "0% of chatted"),
        ("Attended", "– of booked"), ("Leads", "50% of chatted"), ("Contacted", "50% of leads")]
    states = [events._state(event_at(status, starts_in), NOW)
              for status, starts_in in (("cancelled", HOUR), ("active", -3 * HOUR),
                                        ("active", HOUR), ("active", -HOUR / 2))]
    assert states == ["Cancelled", "Finished", "Open for booking", "Happening now"]
    assert kind_labels()["school"] == "School or college"
