"""Events against a real database (SQLite and PostgreSQL), on a fixed clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from carecareers.campaigns.service import campaign_funnel
from carecareers.clock import uk_date
from carecareers.delivery import note_address
from carecareers.events import (
    AlreadyBooked,
    EventClosed,
    EventFull,
    bookings_for_sender,
    cancel_bookings_for_sender,
    cancel_event,
    change_event,
    events_near,
)
from carecareers.events.checkin import CheckInClosed, arrivals, check_in, mark_attended
from carecareers.events.funnel import event_funnel
from carecareers.events.notices import (
    queue_cancel_notices,
    queue_change_notices,
    queue_reminders,
)
from carecareers.events.retention import purge_bookings
from carecareers.geo import gazetteer_for
from carecareers.leads.erasure import erase_person
from carecareers.models import AuditEvent, Booking, CheckIn, OutboxMessage
from carecareers.settings import PROJECT_ROOT
from tests.factories import make_campaign, make_lead, make_provider
from tests.integration.event_helpers import BASE_URL, LEEDS, NOW, an_event, book, values

GAZETTEER = gazetteer_for(PROJECT_ROOT / "content")


def outbox(session: Session, kind: str) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)
                                .order_by(OutboxMessage.id)))


def test_only_upcoming_active_events_near_the_place_are_listed(session: Session):
    soon = an_event(session, "Care home taster", days=1)
    later = an_event(session, "Hospice open day", days=5)
    an_event(session, "Yesterday's open day", days=-1)
    cancel_event(session, an_event(session, "Called off", days=3), "adviser@example.org", NOW)
    an_event(session, "Leeds open day", days=2, at=LEEDS)
    listed = events_near(session, GAZETTEER, "ST4", now=NOW, limit=10)
    assert [e.title for e in listed] == [soon.title, later.title]
    assert "Leeds open day" in [e.title for e in events_near(session, GAZETTEER, None, now=NOW,
                                                             limit=10)]


def test_asking_about_a_kind_of_event_finds_it_by_its_title_or_provider(session: Session):
    hospice = make_provider(session, name="Douglas Macmillan Hospice", kind="hospice")
    an_event(session, "Care home taster", days=1)
    an_event(session, "Open day", days=4, providers=[hospice])
    assert [e.title for e in events_near(session, GAZETTEER, "ST4", "hospice", now=NOW)] == \
        ["Open day"]
    # Nothing matches: every upcoming event near the place, rather than nothing.
    assert len(events_near(session, GAZETTEER, "ST4", "ballet", now=NOW)) == 2


def test_a_booking_keeps_the_consent_and_a_full_event_offers_the_next_with_space(
        session: Session):
    provider = make_provider(session)
    small = an_event(session, "Open day", capacity=1, providers=[provider])
    an_event(session, "Another full one", days=3, capacity=0)
    next_one = an_event(session, "Open day again", days=6, providers=[provider])
    booking = book(session, small)
    assert booking.status == "booked" and booking.consent_version == "test-1"
    assert booking.consent_wording.startswith("To book") and booking.consent_given_at == NOW
    with pytest.raises(EventFull) as full:
        book(session, small, "Ali", sender="s-2", detail="ali@example.org")
    assert full.value.next_event is not None and full.value.next_event.id == next_one.id


def test_no_second_booking_and_no_booking_once_started_or_cancelled(session: Session):
    event = an_event(session)
    book(session, event)
    with pytest.raises(AlreadyBooked):
        book(session, event)
    with pytest.raises(EventClosed, match="already started"):
        book(session, event, sender="s-2", now=NOW + timedelta(days=2, hours=1))
    cancel_event(session, event, "adviser@example.org", NOW)
    with pytest.raises(EventClosed, match="was cancelled"):
        book(session, event, sender="s-3")


def test_cancelling_my_booking_frees_the_place(session: Session):
    event = an_event(session, capacity=1)
    book(session, event)
    assert [b.event_id for b in bookings_for_sender(session, "s-1", NOW)] == [event.id]
    assert len(cancel_bookings_for_sender(session, "s-1", now=NOW)) == 1
    assert bookings_for_sender(session, "s-1", NOW) == []
    assert book(session, event, "Ali", sender="s-2").status == "booked"


def test_reminders_go_the_day_before_once_each_by_email_or_telegram(session: Session):
    tomorrow = an_event(session, "Tomorrow's open day", days=1)
    next_week = an_event(session, "Next week", days=7)
    book(session, tomorrow)
    book(session, tomorrow, "Tia", sender="t-1", method="telegram", detail=None)
    note_address(session, "t-1", "telegram", "4242", NOW)  # Tia writes from chat 4242
    book(session, tomorrow, "Pat", sender="p-1", method="phone", detail="07700 900123")
    book(session, next_week)
    assert queue_reminders(session, BASE_URL, NOW, uk_date(NOW)) == 2
    messages = outbox(session, "event_reminder")
    assert {(m.channel, m.address) for m in messages} == {
        ("email", "sam@example.org"), ("telegram", "4242")}
    assert "Friday 11 December, 9am to 12 noon" in messages[0].body
    assert "Community hall, Church Street, ST4 1AA" in messages[0].body
    assert queue_reminders(session, BASE_URL, NOW + timedelta(hours=2),
                           uk_date(NOW)) == 0  # once only


def test_changes_and_cancellations_tell_everyone_booked(session: Session):
    event = an_event(session)
    book(session, event)
    book(session, event, "Ali", sender="s-2", detail="ali@example.org")
    cancel_bookings_for_sender(session, "s-2", now=NOW)
    change = change_event(session, event, values(days=3), "adviser@example.org")
    assert change.moved == ("time",)
    assert queue_change_notices(session, event, BASE_URL, NOW) == 1
    [notice] = outbox(session, "event_changed")
    assert notice.address == "sam@example.org" and "Sunday 13 December" in notice.body
    assert not change_event(session, event, values(days=3), "adviser@example.org").matters
    assert cancel_event(session, event, "adviser@example.org", NOW)
    assert queue_cancel_notices(session, event, BASE_URL, NOW) == 1
    assert "is cancelled" in outbox(session, "event_cancelled")[0].body
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("event.%")))
    assert {"event.created", "event.changed", "event.cancelled"} <= set(actions)


def test_check_in_counts_a_booking_once_and_walk_ins_on_the_day(session: Session):
    event = an_event(session, days=0.2)
    book(session, event)
    with pytest.raises(CheckInClosed):
        check_in(session, event, "s-1", now=NOW - timedelta(days=1))
    arrival = check_in(session, event, "s-1", now=NOW + timedelta(hours=5))
    assert arrival.booking is not None and arrival.counted
    assert not check_in(session, event, "s-1", now=NOW + timedelta(hours=5)).counted
    assert check_in(session, event, None, now=NOW + timedelta(hours=5)).counted
    assert not check_in(session, event, "x", already_here=True,
                        now=NOW + timedelta(hours=5)).counted
    counts = arrivals(session, event)
    assert (counts.booked, counts.arrived_booked, counts.walk_ins) == (1, 1, 1)


def test_the_event_funnel_runs_from_scans_to_leads_contacted(session: Session):
    campaign = make_campaign(session)
    event = an_event(session, days=0.2, campaign_id=campaign.id)
    booking = book(session, event, campaign=campaign.code)
    book(session, event, "Ali", sender="s-2", detail="ali@example.org")
    mark_attended(session, booking, "adviser@example.org", NOW + timedelta(hours=5))
    check_in(session, event, None, now=NOW + timedelta(hours=5))
    make_lead(session, sender_id="s-1", status="contacted")
    funnel = event_funnel(session, event)
    assert (funnel.booked, funnel.attended, funnel.leads, funnel.contacted) == (2, 2, 1, 1)


def test_erasure_deletes_bookings_and_their_messages_but_keeps_arrival_counts(
        session: Session):
    event = an_event(session, days=1)
    booking = book(session, event)
    mark_attended(session, booking, "adviser@example.org", NOW)
    queue_reminders(session, BASE_URL, NOW, uk_date(NOW))
    erasure = erase_person(session, actor="test", via="test", email="sam@example.org")
    assert erasure.erased["event_bookings"] == 1
    session.expire_all()
    assert session.scalars(select(Booking)).all() == []
    assert outbox(session, "event_reminder") == []
    [checkin] = session.scalars(select(CheckIn)).all()
    assert checkin.booking_id is None


def test_retention_deletes_bookings_some_time_after_their_event(session: Session):
    old = an_event(session, days=-100)
    recent = an_event(session, days=-10)
    for event in (old, recent):
        session.add(Booking(event_id=event.id, first_name="Sam", contact_method="email",
                            contact_detail="sam@example.org", consent_version="v",
                            consent_wording="w", consent_given_at=NOW, channel="web"))
    session.flush()
    assert purge_bookings(session, 90, NOW) == 1
    session.expire_all()
    assert [b.event_id for b in session.scalars(select(Booking))] == [recent.id]


def test_the_campaign_funnel_counts_bookings_and_arrivals_through_the_campaign(
        session: Session):
    campaign = make_campaign(session)
    event = an_event(session, days=0.2, campaign_id=campaign.id)
    booking = book(session, event, campaign=campaign.code)
    book(session, event, "Ali", sender="s-2", detail="ali@example.org")  # no campaign
    mark_attended(session, booking, "adviser@example.org", NOW + timedelta(hours=5))
    check_in(session, event, None, now=NOW + timedelta(hours=5))  # a walk-in at its event
    [row] = campaign_funnel(session, campaign.code)
    assert (row.booked, row.attended) == (1, 2)


def test_erasure_by_conversation_deletes_its_bookings_only(session: Session):
    event = an_event(session)
    book(session, event)
    book(session, event, "Ali", sender="s-2", detail="ali@example.org")
    erasure = erase_person(session, actor="assistant", via="web", sender_id="s-1")
    assert erasure.erased["event_bookings"] == 1
    session.expire_all()
    assert [b.first_name for b in session.scalars(select(Booking))] == ["Ali"]


def test_a_cancelled_event_closes_its_check_in(session: Session):
    event = an_event(session, days=0.2)
    cancel_event(session, event, "adviser@example.org", NOW)
    with pytest.raises(CheckInClosed, match="was cancelled"):
        check_in(session, event, None, now=NOW + timedelta(hours=5))


def test_one_booking_per_phone_number_or_email_address_per_event(session: Session):
    """Scripted bookings with the same made-up phone number cannot fill an event."""
    event, other = an_event(session, capacity=10), an_event(session, "Care home taster", days=3)
    book(session, event, sender="s-1", method="phone", detail="07700 900123")
    for n in range(2, 6):
        with pytest.raises(AlreadyBooked):
            book(session, event, sender=f"s-{n}", method="phone", detail="07700 900123")
    with pytest.raises(AlreadyBooked):
        book(session, event, sender="s-9", method="phone", detail="07700900123")
    assert book(session, other, sender="s-2", method="phone", detail="07700 900123")
    book(session, event, sender="s-6", detail="sam@example.org")
    with pytest.raises(AlreadyBooked):
        book(session, event, sender="s-7", detail="Sam@Example.org")
    cancel_bookings_for_sender(session, "s-1", now=NOW)
    assert book(session, event, sender="s-8", method="phone", detail="07700 900123")
    assert len([b for b in event.bookings if b.status != "cancelled"]) == 2


def test_an_email_booking_waits_for_its_link_and_holds_its_place_for_two_hours(
        session: Session):
    from carecareers.events import BookingNotConfirmable, confirm_booking
    from carecareers.events.bookings import PENDING_HOLD
    from carecareers.events.exports import attendee_rows

    event = an_event(session, capacity=1)
    pending = book(session, event, sender="s-1", detail="sam@example.org", confirm=False)
    assert pending.status == "pending" and pending.confirm_token
    [email] = outbox(session, "booking_confirmation")
    assert email.address == "sam@example.org"
    assert f"{BASE_URL}/events/bookings/confirm/{pending.confirm_token}" in email.body
    with pytest.raises(EventFull):  # the place is held for the person who is confirming
        book(session, event, "Ali", sender="s-2", method="phone", detail="07700 900124",
             now=NOW + PENDING_HOLD - timedelta(minutes=1))
    assert queue_reminders(session, BASE_URL, NOW + timedelta(days=1),
                           uk_date(NOW + timedelta(days=1))) == 0  # not yet
    assert attendee_rows(session, event) == []  # nor passed on to the people running it
    confirmed = confirm_booking(session, pending.confirm_token, NOW + timedelta(minutes=30))
    assert confirmed.status == "booked" and confirmed.confirm_token is None
    assert [b.event_id for b in bookings_for_sender(session, "s-1", NOW)] == [event.id]
    with pytest.raises(BookingNotConfirmable):
        confirm_booking(session, pending.confirm_token or "used", NOW)


def test_an_unconfirmed_booking_frees_its_place_after_the_hold(session: Session):
    from carecareers.events import confirm_booking
    from carecareers.events.bookings import PENDING_HOLD

    event = an_event(session, capacity=1)
    pending = book(session, event, sender="s-1", detail="sam@example.org", confirm=False)
    later = NOW + PENDING_HOLD + timedelta(minutes=1)
    ali = book(session, event, "Ali", sender="s-2", method="phone", detail="07700 900124",
               now=later)
    assert ali.status == "booked"  # phone bookings need no link
    with pytest.raises(EventFull):  # too late: the place went to someone else
        confirm_booking(session, pending.confirm_token or "", later)
