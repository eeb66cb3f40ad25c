"""Leads on SQLite and PostgreSQL: recording with consent, routing, erasure, retention."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from carecareers.campaigns.service import create_campaign, forget_conversation, record_message
from carecareers.conversation.tracker_events import erase_conversation_events
from carecareers.forms.validation import parse_age
from carecareers.leads import InterestDetails, InvalidAnswer, consent_wording, record_interest
from carecareers.leads.erasure import (
    erase_lead,
    find_leads,
    purge_expired,
)
from carecareers.leads.recording import covers, matching_providers
from carecareers.models import AuditEvent, Consent, Conversation, FollowUp, Lead, Provider
from carecareers.questions.unanswered import record_unanswered
from carecareers.settings import PROJECT_ROOT
from tests.factories import RETENTION

CONTENT = PROJECT_ROOT / "content"

NOW = datetime(2026, 11, 30, 12, tzinfo=timezone.utc)


@pytest.fixture
def providers(session: Session) -> dict[str, Provider]:
    made = {
        "hospice": Provider(code="hospice", name="Demo Hospice", kind="hospice", areas=["ST"],
                            programmes=["end_of_life"], roles=["care_worker"]),
        "trust": Provider(code="trust", name="Demo Trust", kind="nhs_trust", areas=["ST4", "ST5"],
                          programmes=[], roles=["healthcare_assistant", "registered_nurse"]),
        "far": Provider(code="far", name="Far Away Care", kind="care_home", areas=["M"],
                        programmes=[], roles=["care_worker"]),
    }
    session.add_all(made.values())
    session.flush()
    return made


def details(**overrides: object) -> InterestDetails:
    values: dict[str, object] = dict(
        sender_id="web-abc", first_name="Sam", age=parse_age("17"), contact_method="email",
        contact_detail="sam@example.org", outcode="ST4", postcode="ST4 6QG", channel="web",
        interests=["healthcare_assistant"],
    )
    values.update(overrides)
    return InterestDetails(**values)  # type: ignore[arg-type]


def wording(method: str = "email", names: tuple[str, ...] = ("Demo Trust",)):
    return consent_wording(CONTENT, method, list(names), "https://x.example/privacy", 365)


def test_consent_wording_names_recipients_channel_and_privacy_link() -> None:
    consent = wording("phone", ("Demo Trust", "Demo Hospice"))
    assert "Demo Trust, Demo Hospice and the careers advisers" in consent.text
    assert "phone or text message" in consent.text
    assert "https://x.example/privacy" in consent.text
    assert consent.version and consent.channels == ("phone",)


def test_area_matching() -> None:
    assert covers(["ST"], "ST4") and covers(["ST4"], "ST4") and covers(["ST"], "ST10")
    assert not covers(["S"], "ST4") and not covers(["ST4"], "ST41") and not covers(["ST"], None)


def test_recording_interest_stores_the_lead_its_consent_and_routes(
        session: Session, providers: dict[str, Provider]) -> None:
    campaign = create_campaign(session, "FB1", "Food bank", kind="food_bank")
    lead = record_interest(session, details(campaign_code="fb1"), wording(), NOW)
    session.flush()
    stored = session.get(Lead, lead.id)
    assert stored is not None
    assert (stored.first_name, stored.age, stored.age_band) == ("Sam", 17, "16_17")
    assert (stored.email, stored.phone, stored.status) == ("sam@example.org", None, "new")
    assert stored.campaign_id == campaign.id
    consent = session.scalars(select(Consent).where(Consent.lead_id == lead.id)).one()
    assert consent.channels == ["email"] and consent.wording.startswith("Can we pass")
    assert {r.provider_id for r in stored.routes} == {providers["trust"].id}
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "lead.recorded")).one()
    assert "sam" not in str(audit.detail).lower()


def test_general_interest_routes_to_every_local_provider(
        session: Session, providers: dict[str, Provider]) -> None:
    local = matching_providers(session, "ST4", ["apprenticeships"])
    assert {p.code for p in local} == {"hospice", "trust"}


def test_registering_again_updates_the_same_lead(session: Session, providers) -> None:
    first = record_interest(session, details(), wording(), NOW)
    second = record_interest(session, details(first_name="Samantha", contact_method="phone",
                                              contact_detail="07700 900123"), wording("phone"), NOW)
    assert first.id == second.id
    assert session.scalars(select(Lead)).all() == [first]
    assert (second.first_name, second.phone, second.email) == ("Samantha", "07700 900123", None)
    assert len(second.consents) == 2


def test_someone_elses_email_never_overwrites_or_reroutes_their_lead(session: Session,
                                                                      providers) -> None:
    first = record_interest(session, details(), wording(), NOW)
    routed = sorted(route.provider_id for route in first.routes)
    other = record_interest(session, details(sender_id="tg-xyz", channel="telegram",
                                             first_name="Mallory", outcode="M1",
                                             postcode="M1 1AA", interests=["nurse"]),
                            wording(), NOW)
    assert other.id != first.id and other.duplicate_of_id == first.id  # flagged for advisers
    session.refresh(first)
    assert (first.first_name, first.outcode, first.sender_id) == ("Sam", "ST4", "web-abc")
    assert sorted(route.provider_id for route in first.routes) == routed
    assert first.duplicate_of_id is None


def test_the_same_conversation_updates_its_own_lead(session: Session, providers) -> None:
    first = record_interest(session, details(), wording(), NOW)
    again = record_interest(session, details(first_name="Samuel"), wording(), NOW)
    assert again.id == first.id and again.first_name == "Samuel" and len(again.consents) == 2


def test_under_16_is_never_stored(session: Session, providers) -> None:
    with pytest.raises(InvalidAnswer):
        record_interest(session, details(age=parse_age("15")), wording(), NOW)
    assert session.scalars(select(Lead)).all() == []


def test_erasure_removes_lead_consents_and_follow_ups_and_audits_only_the_fact(
        session: Session, providers) -> None:
    lead = record_interest(session, details(), wording(), NOW)
    lead.follow_ups.append(FollowUp(outcome="contacted", note="called Sam"))
    record_message(session, "web-abc", "web", None, now=NOW)
    session.flush()
    for found in find_leads(session, email="sam@example.org"):
        erase_lead(session, found, "cli", via="cli")
    forget_conversation(session, "web-abc")
    session.flush()
    assert session.scalars(select(Lead)).all() == []
    assert session.scalars(select(Consent)).all() == []
    assert session.scalars(select(FollowUp)).all() == []
    conversation = session.scalars(select(Conversation)).one()
    assert conversation.sender_id.startswith("erased-")
    erased = session.scalars(select(AuditEvent).where(AuditEvent.action == "lead.erased")).one()
    assert erased.subject is None and erased.detail == {"via": "cli"}


def _tracker_store(tmp_path: Path) -> str:
    """A tracker store with Rasa's `events` table and two conversations."""
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), "
            "type_name VARCHAR(255), timestamp FLOAT, data TEXT)"))
        now = NOW.timestamp()
        for sender, age_days in (("web-abc", 0), ("web-abc", 0), ("web-old", 400), ("web-new", 1)):
            connection.execute(text(
                "INSERT INTO events (sender_id, type_name, timestamp, data) "
                "VALUES (:s, 'user', :t, '{}')"), {"s": sender, "t": now - age_days * 86400})
    engine.dispose()
    return url


def _senders(url: str) -> list[str]:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT sender_id FROM events ORDER BY sender_id"))
        senders = [row[0] for row in rows]
    engine.dispose()
    return senders


def test_erasing_a_conversation_deletes_only_its_events(tmp_path: Path) -> None:
    url = _tracker_store(tmp_path)
    assert erase_conversation_events(url, "web-abc") == 2
    assert _senders(url) == ["web-new", "web-old"]


def test_retention_purges_inactive_leads_questions_and_old_events(
        session: Session, providers, tmp_path: Path) -> None:
    url = _tracker_store(tmp_path)
    old = record_interest(session, details(sender_id="web-old", contact_detail="o@example.org"),
                          wording(), NOW)
    recent = record_interest(session, details(sender_id="web-new", contact_detail="n@example.org"),
                             wording(), NOW)
    old.last_activity_at = NOW - timedelta(days=400)
    question = record_unanswered(session, "can i bring my dog to work, call 07700 900123")
    assert question is not None and "07700" not in question.text
    question.asked_at = NOW - timedelta(days=400)
    session.flush()
    report = purge_expired(session, url, RETENTION, NOW)
    assert (report.leads, report.unanswered_questions, report.conversation_events) == (1, 1, 1)
    assert [lead.id for lead in session.scalars(select(Lead))] == [recent.id]
    assert _senders(url) == ["web-abc", "web-abc", "web-new"]
