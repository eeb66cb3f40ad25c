"""Events in the dashboard (create, change, cancel, scope, arrivals, export) and the public
event pages (.ics, check-in at the door), against a real database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import Engine, select

from carecareers.events import create_event
from carecareers.models import AuditEvent, Booking, CheckIn, Event, OutboxMessage
from carecareers.models.base import utcnow
from tests.conftest import TEST_SECRET_KEY, make_settings
from tests.factories import Dashboard, dashboard, make_adviser, make_campaign, make_provider
from tests.integration.event_helpers import book, values
from web.ratelimit import WALK_INS_PER_ADDRESS as WALK_INS

FORM = {"title": "Hospice open day", "day": "2027-03-06", "starts": "10:00", "ends": "13:00",
        "place": "Douglas Macmillan Hospice, Barlaston Road", "postcode": "st3 3nz",
        "what_to_expect": "Meet the nurses.", "accessibility": "Step-free.",
        "capacity": "20", "under_16s": "yes"}
SECRET = TEST_SECRET_KEY
WALK_INS_PER_ADDRESS = WALK_INS.requests  # a school group on the venue's Wi-Fi, and more


@pytest.fixture
def dash(engine: Engine, tmp_path: Path) -> Iterator[Dashboard]:
    settings = make_settings(tmp_path, public_base_url="https://care.example.org",
                             secret_key=SECRET)
    with dashboard(engine, settings) as harness:
        yield harness


def staff(dash: Dashboard) -> None:
    dash.log_in_as(make_adviser(dash.session, "admin@example.org", role="admin"))


def soon_event(dash: Dashboard, hours: float = 24, **extra: object) -> Event:
    """An event starting `hours` from the real clock (the web app reads the real time)."""
    start = utcnow() + timedelta(hours=hours)
    chosen = replace(values(**extra), starts_at=start,  # type: ignore[arg-type]
                     ends_at=start + timedelta(hours=3))
    event = create_event(dash.session, chosen, "admin@example.org")
    dash.session.flush()
    return event


def chat_cookie(sender_id: str) -> str:
    """The web chat's cookie for this conversation, as web/session.py signs it."""
    return URLSafeSerializer(SECRET, salt="web-chat-session").dumps({"s": sender_id})


def test_staff_create_an_event_with_uk_times_and_its_providers(dash: Dashboard):
    staff(dash)
    hospice = make_provider(dash.session, name="Douglas Macmillan Hospice")
    make_provider(dash.session, name="Other care")
    campaign = make_campaign(dash.session, "OPENDAY1")
    response = dash.post("/advisers/events/new", {
        **FORM, f"provider_{hospice.id}": "yes", "campaign": campaign.code},
        token=dash.token("/advisers/events/new"))
    assert response.status_code == 303, response.text
    event = dash.fresh().scalars(select(Event)).one()
    assert event.postcode == "ST3 3NZ" and event.outcode == "ST3" and event.capacity == 20
    assert [p.name for p in event.providers] == ["Douglas Macmillan Hospice"]
    assert event.campaign_id == campaign.id and event.under_16s_with_adult
    page = dash.client.get(response.headers["location"]).text
    assert "Saturday 6 March, 10am to 1pm" in page and "Event created" in page
    assert "Hospice open day" in dash.client.get("/advisers/events").text


def test_the_form_names_each_mistake(dash: Dashboard):
    staff(dash)
    make_provider(dash.session)
    make_provider(dash.session)
    response = dash.post("/advisers/events/new", {
        **FORM, "postcode": "nowhere", "ends": "09:00", "capacity": "lots"},
        token=dash.token("/advisers/events/new"))
    assert response.status_code == 400
    for message in ("full postcode", "finish time must be after", "number of places",
                    "at least one provider"):
        assert message in response.text
    assert dash.fresh().scalars(select(Event)).all() == []


def test_changing_the_time_and_cancelling_tell_the_people_booked(dash: Dashboard):
    staff(dash)
    provider = make_provider(dash.session)
    event = soon_event(dash, hours=48, providers=[provider])
    book(dash.session, event, now=utcnow())
    token = dash.token(f"/advisers/events/{event.id}/edit")
    assert 'value="Hospice open day"' in dash.client.get(f"/advisers/events/{event.id}/edit").text
    response = dash.post(f"/advisers/events/{event.id}/edit", {
        **FORM, "day": "2027-03-07", "postcode": "ST4 1AA"}, token=token)
    assert response.status_code == 303 and "told=1" in response.headers["location"]
    assert "1 booked person is being told" in dash.client.get(response.headers["location"]).text
    response = dash.post(f"/advisers/events/{event.id}/cancel",
                         token=dash.token(f"/advisers/events/{event.id}"))
    assert "told=1" in response.headers["location"]
    kinds = [m.kind for m in dash.fresh().scalars(select(OutboxMessage).where(
        OutboxMessage.kind != "booking_confirmation").order_by(OutboxMessage.id))]
    assert kinds == ["event_changed", "event_cancelled"]
    assert dash.fresh().get(Event, event.id).status == "cancelled"  # type: ignore[union-attr]


def test_provider_users_manage_only_their_own_events(dash: Dashboard):
    ours, theirs = make_provider(dash.session, name="Alpha"), make_provider(dash.session)
    mine = soon_event(dash, providers=[ours])
    other = soon_event(dash, title="Their day", providers=[theirs])
    dash.log_in_as(make_adviser(dash.session, "hr@alpha.example", role="provider",
                                provider=ours))
    listing = dash.client.get("/advisers/events").text
    assert mine.title in listing and "Their day" not in listing
    assert dash.client.get(f"/advisers/events/{other.id}").status_code == 403
    assert dash.client.get(f"/advisers/events/{other.id}/attendees.csv").status_code == 403
    response = dash.post("/advisers/events/new", {**FORM, f"provider_{theirs.id}": "yes"},
                         token=dash.token("/advisers/events/new"))
    assert response.status_code == 303
    created = dash.fresh().get(Event, int(response.headers["location"].split("/")[-1]
                                          .split("?")[0]))
    assert [p.id for p in created.providers] == [ours.id]  # type: ignore[union-attr]
    shared = soon_event(dash, title="Shared day", providers=[ours, theirs])
    response = dash.post(f"/advisers/events/{shared.id}/edit", {**FORM, "title": "Shared"},
                         token=dash.token(f"/advisers/events/{shared.id}/edit"))
    assert response.status_code == 303
    kept = dash.fresh().get(Event, shared.id)
    assert {p.id for p in kept.providers} == {ours.id, theirs.id}  # type: ignore[union-attr]


def test_the_attendee_export_is_audited_and_excel_safe(dash: Dashboard):
    staff(dash)
    event = soon_event(dash)
    book(dash.session, event, name="=cmd", now=utcnow())
    response = dash.client.get(f"/advisers/events/{event.id}/attendees.csv")
    assert response.status_code == 200 and "'=cmd" in response.text
    assert "sam@example.org" in response.text
    audit = dash.fresh().scalars(select(AuditEvent).where(
        AuditEvent.action == "event.attendees_exported")).one()
    assert audit.actor == "admin@example.org" and audit.detail == {"rows": 1}
    assert "sam@example.org" not in str(audit.detail)


def test_the_calendar_file_is_served_for_any_event(dash: Dashboard):
    event = soon_event(dash)
    response = dash.client.get(f"/events/{event.id}.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert "SUMMARY:Hospice open day" in response.text
    assert dash.client.get("/events/999999.ics").status_code == 404
    assert "Add it to your calendar" in dash.client.get(f"/events/{event.id}").text


def test_checking_in_counts_a_booking_once_then_walk_ins_and_staff_see_it(dash: Dashboard):
    event = soon_event(dash, hours=0.5)
    book(dash.session, event, sender="web-sam", now=utcnow())
    ali = book(dash.session, event, "Ali", sender="web-ali", detail="ali@example.org",
               now=utcnow())
    here = f"/events/here/{event.checkin_token}"
    assert "I'm here" in dash.client.get(here).text
    dash.client.cookies.set("cc_chat", chat_cookie("web-sam"))
    first = dash.client.post(here)
    assert first.status_code == 200 and "Welcome, Sam!" in first.text
    assert dash.client.post(here).status_code == 200  # pressed twice: counted once
    dash.client.cookies.clear()
    assert "Welcome!" in dash.client.post(here).text  # another phone: a walk-in
    assert len(dash.fresh().scalars(select(CheckIn)).all()) == 2
    staff(dash)
    page = dash.client.get(f"/advisers/events/{event.id}").text
    assert "Arrived: 2" in page and "1 of 2 booked" in page and "1 walk-in)" in page
    response = dash.post(f"/advisers/events/{event.id}/bookings/{ali.id}/arrived",
                         token=dash.token(f"/advisers/events/{event.id}"))
    assert response.status_code == 303
    assert dash.fresh().get(Booking, ali.id).status == "attended"  # type: ignore[union-attr]
    assert "Attended: 3" in dash.client.get(f"/advisers/events/{event.id}").text
    assert dash.client.get("/events/here/not-a-token").status_code == 404


def test_presses_without_cookies_from_one_address_count_a_bounded_number_of_walk_ins(
        engine: Engine, tmp_path: Path) -> None:
    """A script posting to the check-in link without cookies cannot make up arrivals."""
    settings = make_settings(tmp_path, trust_proxy_headers=True, secret_key=SECRET)
    with dashboard(engine, settings) as door:
        event = soon_event(door, hours=0.5)
        here = f"/events/here/{event.checkin_token}"
        door.client.headers["X-Forwarded-For"] = "203.0.113.50"
        answers = []
        for _ in range(WALK_INS_PER_ADDRESS + 10):
            door.client.cookies.clear()
            answers.append(door.client.post(here))
        walk_ins = door.fresh().scalars(select(CheckIn).where(CheckIn.walk_in)).all()
        assert len(walk_ins) == WALK_INS_PER_ADDRESS
        assert [a.status_code for a in answers].count(429) == 10
        assert "tell the staff at the door" in answers[-1].text
        door.client.headers["X-Forwarded-For"] = "203.0.113.51"  # someone else's phone
        door.client.cookies.clear()
        assert door.client.post(here).status_code == 200


def test_an_email_booking_is_kept_by_pressing_confirm_on_its_link(dash: Dashboard):
    """Opening the link changes nothing (mail scanners open links); pressing Confirm does."""
    event = soon_event(dash, hours=48)
    pending = book(dash.session, event, sender="web-sam", detail="sam@example.org",
                   now=utcnow(), confirm=False)
    link = f"/events/bookings/confirm/{pending.confirm_token}"
    page = dash.client.get(link)
    assert page.status_code == 200 and 'method="post"' in page.text
    assert event.title in page.text
    assert dash.fresh().get(Booking, pending.id).status == "pending"  # type: ignore[union-attr]
    done = dash.client.post(link)
    assert done.status_code == 200 and "You're booked" in done.text
    assert f"/events/{event.id}.ics" in done.text
    assert dash.fresh().get(Booking, pending.id).status == "booked"  # type: ignore[union-attr]
    again = dash.client.post(link)
    assert again.status_code == 404 and "used already" in again.text
    assert dash.client.get("/events/bookings/confirm/not-a-token").status_code == 404
    assert dash.client.post("/events/bookings/confirm/not-a-token").status_code == 404


def test_the_check_in_qr_and_poster_are_printable(dash: Dashboard):
    staff(dash)
    event = soon_event(dash)
    png = dash.client.get(f"/advisers/events/{event.id}/checkin-qr.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    poster = dash.client.get(f"/advisers/events/{event.id}/checkin-poster")
    assert poster.status_code == 200 and "<svg" in poster.text and "I'm here" in poster.text
