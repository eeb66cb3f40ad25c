"""What happened after a person asked: outcomes recorded per provider, where it stands when
the person asks, and the notices that tell them (carecareers/outcomes/)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from carecareers.clock import as_utc
from carecareers.leads.erasure import erase_person
from carecareers.models import AuditEvent, Consent, Lead, LeadRoute, OutboxMessage, Provider
from carecareers.outcomes import (
    OutcomeError,
    queue_outcome_notice,
    record_outcome,
    route_to_record,
    standing_answer,
    standing_of,
)
from tests.conftest import make_settings
from tests.factories import Dashboard, dashboard, make_adviser, make_lead, make_provider
from tests.support.sessions import rolled_back

NOW = datetime(2027, 5, 3, 10, tzinfo=timezone.utc)  # a Monday
PASSED_ON = NOW - timedelta(days=7)
TODAY = date(2027, 5, 3)


@pytest.fixture
def db(engine: Engine) -> Iterator[tuple[Connection, Session]]:
    with rolled_back(engine) as pair:
        yield pair


def routed_lead(session: Session, *providers: Provider, **values: object) -> Lead:
    """A lead passed to `providers` a week before NOW."""
    lead = make_lead(session, "Amira", providers=providers, created_at=PASSED_ON,
                     **values)
    for route in session.scalars(select(LeadRoute).where(LeadRoute.lead_id == lead.id)):
        route.routed_at = PASSED_ON
    session.flush()
    return lead


def email_lead(session: Session, *providers: Provider, **values: object) -> Lead:
    fields: dict[str, object] = {"contact_method": "email", "phone": None,
                                 "email": "amira@example.org"}
    fields.update(values)
    return routed_lead(session, *providers, **fields)


def outcome_of(session: Session, lead: Lead, provider: Provider) -> LeadRoute:
    return session.scalars(select(LeadRoute).where(
        LeadRoute.lead_id == lead.id, LeadRoute.provider_id == provider.id)).one()


def notices(session: Session) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind.like("outcome_%")).order_by(OutboxMessage.id)))


# -- recording -------------------------------------------------------------------------


def test_a_provider_records_only_its_own_route_and_each_outcome_is_audited(
        db: tuple[Connection, Session]) -> None:
    _, session = db
    oak, elm = make_provider(session, name="Oak House"), make_provider(session, name="Elm Care")
    lead = routed_lead(session, oak, elm)
    recruiter = make_adviser(session, "ola@oak.example.org", role="provider", provider=oak)
    route = route_to_record(session, lead, recruiter, provider_id=elm.id)  # elm's is not theirs
    assert route.provider_id == oak.id
    record_outcome(session, route, recruiter, "contacted", TODAY - timedelta(days=1), None, NOW)
    assert (route.outcome, route.outcome_on, route.status) == (
        "contacted", TODAY - timedelta(days=1), "contacted")
    assert lead.status == "contacted"
    assert outcome_of(session, lead, elm).outcome == "not_contacted"

    record_outcome(session, route, recruiter, "not_taken_forward", TODAY, "no_vacancy", NOW)
    assert (route.status, route.outcome_reason, lead.status) == (
        "closed", "no_vacancy", "contacted")  # Elm Care still has it
    staff = make_adviser(session, "sam@programme.example.org")
    elm_route = route_to_record(session, lead, staff, provider_id=elm.id)
    record_outcome(session, elm_route, staff, "started", TODAY, "other", NOW)
    assert elm_route.outcome_reason is None  # a reason only for "not taken forward"
    assert lead.status == "closed"
    audited = session.scalars(select(AuditEvent).where(AuditEvent.action == "lead.outcome")
                              .order_by(AuditEvent.id)).all()
    assert [(e.actor, e.detail["outcome"]) for e in audited] == [
        ("ola@oak.example.org", "contacted"), ("ola@oak.example.org", "not_taken_forward"),
        ("sam@programme.example.org", "started")]


@pytest.mark.parametrize("outcome, on, reason, field", [
    ("phoned", TODAY, None, "outcome"),
    ("contacted", None, None, "on"),
    ("contacted", TODAY + timedelta(days=1), None, "on"),  # not yet
    ("contacted", TODAY - timedelta(days=30), None, "on"),  # before it was passed on
    ("not_taken_forward", TODAY, None, "reason"),
    ("not_taken_forward", TODAY, "they smelt", "reason"),
])
def test_an_outcome_that_cannot_be_is_refused_saying_which_field(
        db: tuple[Connection, Session], outcome: str, on: date | None, reason: str | None,
        field: str) -> None:
    _, session = db
    oak = make_provider(session)
    lead = routed_lead(session, oak)
    staff = make_adviser(session)
    route = route_to_record(session, lead, staff, oak.id)
    with pytest.raises(OutcomeError) as refused:
        record_outcome(session, route, staff, outcome, on, reason, NOW)
    assert refused.value.field == field and str(refused.value)
    assert route.outcome == "not_contacted" and route.outcome_on is None


def test_the_latest_day_allowed_is_the_clocks_uk_day(db: tuple[Connection, Session]) -> None:
    _, session = db
    oak = make_provider(session)
    staff = make_adviser(session)
    route = route_to_record(session, routed_lead(session, oak), staff, oak.id)
    with pytest.raises(OutcomeError):
        record_outcome(session, route, staff, "contacted", TODAY, None, NOW,
                       today=TODAY - timedelta(days=1))
    record_outcome(session, route, staff, "contacted", TODAY - timedelta(days=1), None, NOW,
                   today=TODAY - timedelta(days=1))
    assert route.outcome == "contacted"


def test_nothing_is_recorded_for_a_withdrawn_lead_or_a_provider_it_never_went_to(
        db: tuple[Connection, Session]) -> None:
    _, session = db
    oak, elm = make_provider(session), make_provider(session)
    lead = routed_lead(session, oak, status="withdrawn")
    staff = make_adviser(session)
    with pytest.raises(OutcomeError, match="withdrew"):
        record_outcome(session, route_to_record(session, lead, staff, oak.id), staff,
                       "contacted", TODAY, None, NOW)
    with pytest.raises(OutcomeError) as refused:
        route_to_record(session, lead, staff, elm.id)
    assert refused.value.field == "provider"


# -- where it stands, in the person's words ---------------------------------------------


def test_where_it_stands_names_organisations_days_and_next_steps_never_the_reason(
        db: tuple[Connection, Session]) -> None:
    _, session = db
    oak, elm = make_provider(session, name="Oak House"), make_provider(session, name="Elm Care")
    lead = routed_lead(session, oak, elm)
    staff = make_adviser(session)

    waiting = standing_answer(standing_of(session, lead.sender_id))
    assert "Oak House: has had them since 26 April 2027, and hasn't been in touch yet" \
        in waiting.text
    assert "jobs near you" in waiting.text
    assert [title for title, _ in waiting.buttons] == ["Jobs near me", "Job alerts", "Open days"]

    record_outcome(session, route_to_record(session, lead, staff, oak.id), staff, "interview",
                   date(2027, 5, 1), None, NOW)
    record_outcome(session, route_to_record(session, lead, staff, elm.id), staff,
                   "not_taken_forward", date(2027, 5, 2), "not_eligible", NOW)
    answer = standing_answer(standing_of(session, lead.sender_id))
    assert "Oak House: offered you an interview or a visit on 1 May 2027" in answer.text
    assert "Elm Care: isn't taking it further (2 May 2027)" in answer.text
    assert "requirements" not in answer.text.lower()  # the private reason is never said
    assert "ask them when they get in touch" in answer.text


def test_where_it_stands_without_details_when_withdrawn_and_before_it_is_passed_on(
        db: tuple[Connection, Session]) -> None:
    _, session = db
    nothing = standing_answer(standing_of(session, "web-nobody"))
    assert "can't find any details" in nothing.text
    assert nothing.buttons == (("Leave my details", "/register_interest"),)
    withdrawn = routed_lead(session, make_provider(session), status="withdrawn")
    assert "nobody will contact you" in standing_answer(
        standing_of(session, withdrawn.sender_id)).text
    unrouted = routed_lead(session)
    assert "finding a local care employer" in standing_answer(
        standing_of(session, unrouted.sender_id)).text


def test_every_provider_ending_it_offers_other_ways_and_an_adviser(
        db: tuple[Connection, Session]) -> None:
    _, session = db
    oak = make_provider(session, name="Oak House")
    lead = routed_lead(session, oak)
    staff = make_adviser(session)
    record_outcome(session, route_to_record(session, lead, staff, oak.id), staff,
                   "not_taken_forward", TODAY, "could_not_reach", NOW)
    answer = standing_answer(standing_of(session, lead.sender_id))
    assert "not the end" in answer.text and "reach" not in answer.text
    assert ("Talk to an adviser", "/ask_adviser_chat") in answer.buttons


# -- telling the person -------------------------------------------------------------------


def test_the_person_is_told_once_when_taken_up_and_once_when_it_ends_a_day_apart(
        db: tuple[Connection, Session]) -> None:
    _, session = db
    oak = make_provider(session, name="Oak House")
    lead = email_lead(session, oak)
    staff = make_adviser(session)
    route = route_to_record(session, lead, staff, oak.id)
    change = record_outcome(session, route, staff, "contacted", TODAY, None, NOW)
    assert queue_outcome_notice(session, change, NOW)
    again = record_outcome(session, route, staff, "interview", TODAY, None, NOW)
    assert not queue_outcome_notice(session, again, NOW)  # already told it is taken up
    later = NOW + timedelta(hours=1)
    ended = record_outcome(session, route, staff, "not_taken_forward", TODAY, "not_eligible",
                           later)
    assert queue_outcome_notice(session, ended, later)  # queued, for tomorrow
    next_day = NOW + timedelta(days=1)
    same = record_outcome(session, route, staff, "not_taken_forward", TODAY, "not_eligible",
                          next_day)
    assert not queue_outcome_notice(session, same, next_day)  # nothing changed

    taken_up, closing = notices(session)
    assert (taken_up.channel, taken_up.address, taken_up.kind) == (
        "email", "amira@example.org", "outcome_taken_up")
    assert "Oak House has picked up your details" in taken_up.body
    assert as_utc(taken_up.next_attempt_at) == NOW
    assert closing.kind == "outcome_not_taken_forward"
    # at most one a day: the second waits for 9am UK time the next day (8am UTC in May)
    assert as_utc(closing.next_attempt_at) == datetime(2027, 5, 4, 8, tzinfo=timezone.utc)


def test_the_closing_notice_goes_the_next_day_and_never_says_the_reason(
        db: tuple[Connection, Session]) -> None:
    _, session = db
    oak = make_provider(session, name="Oak House")
    lead = email_lead(session, oak)
    staff = make_adviser(session)
    route = route_to_record(session, lead, staff, oak.id)
    queue_outcome_notice(session, record_outcome(session, route, staff, "contacted", TODAY,
                                                 None, NOW), NOW)
    tomorrow = NOW + timedelta(days=1)
    ended = record_outcome(session, route, staff, "not_taken_forward", TODAY + timedelta(days=1),
                           "not_eligible", tomorrow)
    assert queue_outcome_notice(session, ended, tomorrow)
    closing = notices(session)[-1]
    assert closing.kind == "outcome_not_taken_forward"
    assert "isn't taking your details further" in closing.body
    assert "requirement" not in closing.body.lower()


def test_chat_leads_are_told_in_their_chat(db: tuple[Connection, Session]) -> None:
    _, session = db
    oak = make_provider(session, name="Oak House")
    lead = routed_lead(session, oak, channel="telegram", contact_method="telegram", phone=None,
                       chat_account="@amira_x", chat="777")
    staff = make_adviser(session)
    change = record_outcome(session, route_to_record(session, lead, staff, oak.id), staff,
                            "contacted", TODAY, None, NOW)
    assert queue_outcome_notice(session, change, NOW)
    [told] = notices(session)
    assert (told.channel, told.address) == ("telegram", "777")


@pytest.mark.parametrize("values", [
    {"age": 15, "age_band": "under_16"},
    {"contact_method": "phone"},  # no texts are sent, and a web chat has no later delivery
])
def test_no_notice_for_under_16s_or_phone_only(db: tuple[Connection, Session],
                                               values: dict[str, object]) -> None:
    _, session = db
    oak = make_provider(session)
    fields: dict[str, object] = {"contact_method": "email", "phone": None,
                                 "email": "amira@example.org"}
    fields.update(values)
    if fields["contact_method"] == "phone":
        fields.update(phone="07700 900555", email=None)
    lead = routed_lead(session, oak, **fields)
    staff = make_adviser(session)
    change = record_outcome(session, route_to_record(session, lead, staff, oak.id), staff,
                            "contacted", TODAY, None, NOW)
    assert not queue_outcome_notice(session, change, NOW)
    assert notices(session) == []


def test_no_notice_once_consent_is_withdrawn_and_erasure_takes_the_notices(
        db: tuple[Connection, Session]) -> None:
    _, session = db
    oak = make_provider(session)
    lead = email_lead(session, oak)
    staff = make_adviser(session)
    route = route_to_record(session, lead, staff, oak.id)
    for consent in session.scalars(select(Consent).where(Consent.lead_id == lead.id)):
        consent.withdrawn_at = NOW
    session.expire(lead, ["consents"])
    change = record_outcome(session, route, staff, "contacted", TODAY, None, NOW)
    assert not queue_outcome_notice(session, change, NOW)

    other = email_lead(session, oak, email="bea@example.org", sender_id="web-bea")
    change = record_outcome(session, route_to_record(session, other, staff, oak.id), staff,
                            "contacted", TODAY, None, NOW)
    assert queue_outcome_notice(session, change, NOW)
    erasure = erase_person(session, actor="assistant", via="web", sender_id="web-bea")
    assert erasure.erased["outcome_messages"] == 1
    assert notices(session) == []


# -- the lead page ------------------------------------------------------------------------


@pytest.fixture
def dash(engine: Engine, tmp_path: Path) -> Iterator[Dashboard]:
    with dashboard(engine, make_settings(tmp_path)) as harness:
        yield harness


def test_a_recruiter_records_an_outcome_on_the_lead_page(dash: Dashboard) -> None:
    oak = make_provider(dash.session, name="Oak House")
    elm = make_provider(dash.session, name="Elm Care")
    lead = make_lead(dash.session, "Amira", providers=(oak, elm), contact_method="email",
                     phone=None, email="amira@example.org")
    recruiter = make_adviser(dash.session, "ola@oak.example.org", role="provider", provider=oak)
    dash.log_in_as(recruiter)
    page = dash.client.get(f"/advisers/leads/{lead.id}").text
    assert "Record an outcome" in page and "Elm Care" not in page.split('id="outcomes"')[1]
    today = dash.clock.today().isoformat()

    refused = dash.post(f"/advisers/leads/{lead.id}/outcome",
                        {"outcome": "not_taken_forward", "on": today},
                        token=dash.token(f"/advisers/leads/{lead.id}"))
    assert refused.status_code == 400
    assert "Choose why it is not going ahead." in refused.text

    done = dash.post(f"/advisers/leads/{lead.id}/outcome",
                     {"outcome": "contacted", "on": today, "provider": str(elm.id)},
                     token=dash.token(f"/advisers/leads/{lead.id}"))
    assert done.status_code == 303
    session = dash.fresh()
    assert outcome_of(session, lead, oak).outcome == "contacted"  # its own route, not Elm's
    assert outcome_of(session, lead, elm).outcome == "not_contacted"
    assert [m.kind for m in notices(session)] == ["outcome_taken_up"]
    shown = dash.client.get(f"/advisers/leads/{lead.id}?done=outcome").text
    assert "Outcome recorded." in shown and "Contacted" in shown
