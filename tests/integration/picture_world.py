"""A small known world for the programme picture's tests: vacancy snapshots, leads with their
routes and outcomes, job alerts, bookings and arrivals, values checks, chats, campaigns and
unanswered questions, on days chosen so that every figure can be worked out by hand.

The picture is of the 12 months to December 2026 (today is 6 December 2026). The districts
used: Stoke-on-Trent (ST1, ST4), Stafford (ST16, ST17) and Tamworth (B77); CW1 (Crewe) is
outside the area.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy.orm import Session

from carecareers.models import (
    AlertRecipient,
    Booking,
    Campaign,
    CheckIn,
    Conversation,
    Event,
    JobAlert,
    LeadRoute,
    Provider,
    VacancyWeek,
    ValuesCompletion,
)
from carecareers.referrals import create_referral
from tests.factories import make_campaign, make_lead, make_provider, make_question

TODAY = date(2026, 12, 6)
NAMES = ("Zebedee", "Ottoline", "Marmaduke")
_numbers = itertools.count(1)


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=timezone.utc)


@dataclass
class World:
    oak: Provider
    food_bank: Campaign
    referral: Campaign


def weeks(session: Session) -> None:
    rows = [
        # week, role, outcode, district, provider: open, new, closed, readvertised,
        # long_open, pay_known, pay_hourly_total, pay_below_floor
        (date(2026, 10, 26), "care_worker", "ST4", "Stoke-on-Trent", "", 7, 7, 0, 2, 0, 0,
         0.0, 0),
        (date(2026, 11, 23), "care_worker", "ST4", "Stoke-on-Trent", "", 10, 2, 1, 1, 3, 8,
         104.0, 1),
        (date(2026, 11, 30), "care_worker", "ST4", "Stoke-on-Trent", "", 12, 4, 2, 0, 4, 10,
         135.0, 0),
        (date(2026, 11, 30), "healthcare_assistant", "ST16", "Stafford", "OAK", 5, 1, 0, 1, 1,
         5, 70.0, 0),
        (date(2026, 11, 30), "care_worker", "CW1", "Cheshire East", "", 99, 9, 0, 0, 0, 0,
         0.0, 0),  # outside the area: never counted
        (date(2025, 11, 24), "care_worker", "ST4", "Stoke-on-Trent", "", 50, 50, 0, 0, 0, 0,
         0.0, 0),  # before the 12 months
    ]
    for week, role, outcode, district, provider, *counts in rows:
        session.add(VacancyWeek(week=week, role_code=role, outcode=outcode, district=district,
                                provider_code=provider, **dict(zip(
                                    ("open", "new", "closed", "readvertised", "long_open",
                                     "pay_known", "pay_hourly_total", "pay_below_floor"),
                                    counts, strict=True))))


def leads(session: Session, world: World) -> None:
    def add(count: int, when: datetime, outcode: str | None, interests: list[str],
            age_band: str | None, **values: object) -> list:
        return [make_lead(session, NAMES[n % 3], created_at=when, outcode=outcode,
                          postcode=f"{outcode} 1AA" if outcode else None, interests=interests,
                          age_band=age_band, email=f"{NAMES[n % 3].lower()}@example.org",
                          **values) for n in range(count)]

    nov_stoke = add(6, at(2026, 11, 10), "ST4", ["care_worker"], "16_17",
                    campaign=world.food_bank, channel="web")
    for lead in nov_stoke[4:]:
        lead.age_band = "18_24"
    for n, lead in enumerate(nov_stoke):
        outcome = ("contacted", "contacted", "interview", "started", "not_taken_forward",
                   "not_contacted")[n]
        session.add(LeadRoute(lead_id=lead.id, provider_id=world.oak.id, outcome=outcome))
    add(2, at(2026, 11, 12), "ST16", ["healthcare_assistant"], "25_plus", channel="web")
    oct_stoke = add(5, at(2026, 10, 5), "ST1", ["care_worker"], "18_24", channel="telegram")
    for lead in oct_stoke[:2]:
        session.add(LeadRoute(lead_id=lead.id, provider_id=world.oak.id, outcome="interview"))
    add(3, at(2026, 10, 20), "ST17", ["healthcare_assistant", "care_worker"], "16_17",
        channel="web")
    add(1, at(2026, 9, 3), "B77", ["care_worker"], "25_plus", channel="web")
    add(1, at(2026, 9, 4), "CW1", ["any"], "25_plus", channel="web")
    add(7, at(2026, 12, 2), "ST4", ["care_worker"], "18_24", channel="web")
    add(2, at(2026, 1, 15), None, ["not_sure"], None, channel="web")
    add(10, at(2025, 12, 15), "ST4", ["care_worker"], "18_24", channel="web")  # too old
    # The referral link's friend: its chat and lead count for the provider's own link.
    friend = add(1, at(2026, 11, 20), "ST4", ["care_worker"], "16_17",
                 campaign=world.referral, channel="web")[0]
    session.add(LeadRoute(lead_id=friend.id, provider_id=world.oak.id, outcome="started"))


def alerts(session: Session) -> None:
    recipient = AlertRecipient(channel="email", address="ottoline@example.org",
                               unsubscribe_token="tok-picture")
    session.add(recipient)
    session.flush()

    def add(count: int, when: datetime, outcode: str, role: str | None, status: str) -> None:
        for _ in range(count):
            session.add(JobAlert(recipient_id=recipient.id, role_code=role, outcode=outcode,
                                 place=outcode, status=status, created_at=when,
                                 last_activity_at=when, matched_until=when))

    add(6, at(2026, 11, 3), "ST4", "care_worker", "active")
    add(1, at(2026, 11, 4), "ST4", "care_worker", "stopped")
    add(1, at(2026, 11, 5), "ST16", None, "active")
    add(3, at(2026, 10, 5), "ST4", "care_worker", "pending")  # not confirmed: not counted


def events(session: Session, world: World) -> None:
    def event(outcode: str, providers: list[Provider]) -> Event:
        found = Event(title="Open day", starts_at=at(2026, 11, 25), ends_at=at(2026, 11, 25, 15),
                      place="Hall", postcode=f"{outcode} 1AA", outcode=outcode,
                      checkin_token=f"tok-{next(_numbers)}", created_by="staff@example.org",
                      providers=providers)
        session.add(found)
        session.flush()
        return found

    def book(where: Event, status: str, count: int) -> list[Booking]:
        made = [Booking(event_id=where.id, first_name=NAMES[n % 3], contact_method="email",
                        contact_detail=f"{NAMES[n % 3].lower()}@example.org",
                        consent_version="v", consent_wording="ok",
                        consent_given_at=at(2026, 11, 10), status=status, channel="web",
                        created_at=at(2026, 11, 10)) for n in range(count)]
        session.add_all(made)
        session.flush()
        return made

    stoke = event("ST4", [world.oak])
    book(stoke, "booked", 5)
    came = book(stoke, "attended", 2)
    book(stoke, "cancelled", 3)
    book(stoke, "pending", 1)
    for booking in came:
        session.add(CheckIn(event_id=stoke.id, booking_id=booking.id,
                            checked_in_at=at(2026, 11, 25, 13)))
    for _ in range(4):
        session.add(CheckIn(event_id=stoke.id, walk_in=True, checked_in_at=at(2026, 11, 25, 13)))
    stafford = event("ST16", [])
    book(stafford, "booked", 2)


def chats(session: Session, world: World) -> None:
    def talk(count: int, campaign: Campaign | None, channel: str) -> None:
        for _ in range(count):
            session.add(Conversation(sender_id=f"chat-{next(_numbers)}", channel=channel,
                                     campaign_id=campaign.id if campaign else None,
                                     started_at=at(2026, 11, 8)))

    talk(20, world.food_bank, "web")
    talk(10, None, "telegram")
    talk(6, world.referral, "web")
    session.add_all([ValuesCompletion(campaign_id=None, completed_on=date(2026, 11, 9))
                     for _ in range(6)])
    session.add_all([ValuesCompletion(campaign_id=world.referral.id,
                                      completed_on=date(2026, 10, 9)) for _ in range(3)])


QUESTIONS = {
    "how much is the pay": 3,
    "can I work nights": 6,
    "do you need a DBS check": 5,
    "call me on 07700 900123 or zebedee@example.org about the meaning of life": 2,
}


def questions(session: Session) -> None:
    for text, count in QUESTIONS.items():
        for _ in range(count):
            make_question(session, text, asked_at=at(2026, 11, 14))
    make_question(session, "what is the pay per hour", asked_at=at(2026, 10, 14))


def build_world(session: Session) -> World:
    oak = make_provider(session, "OAK", "Oak House Care")
    food_bank = make_campaign(session, "FB1", "Hanley food bank")
    referral = create_referral(session, oak, "Jade", "staff@example.org", at(2026, 9, 1))
    world = World(oak, food_bank, referral)
    weeks(session)
    leads(session, world)
    alerts(session)
    events(session, world)
    chats(session, world)
    questions(session)
    session.flush()
    return world
