"""Supply: people interested in care work, counted by month and place, from the topics' tables.

What each count is (docs/programme-picture.md):
- leads: people who asked to be put in touch (Lead), by the month they asked and where they
  live (postcode district), by where they live and their age band, and by the roles they
  named;
- alerts: job alerts set up and confirmed (JobAlert, not those still waiting to be
  confirmed), by the month set up, the place they watch and their role;
- bookings: places booked at events (Booking booked or attended; not cancelled, nor emails
  not yet confirmed), by the month booked and the event's place;
- arrivals: people who arrived at an event (CheckIn, walk-ins too), by the day and place;
- values checks: "Is care for me?" checks finished (ValuesCompletion), by the day: they
  keep no place.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, String, case, cast, func, select
from sqlalchemy.orm import Session

from carecareers.models import Booking, CheckIn, Event, JobAlert, Lead, ValuesCompletion
from carecareers.picture.months import RECENT_MONTHS, bounds, month_end
from carecareers.picture.places import Places
from carecareers.picture.slices import Slice

BOOKED = ("booked", "attended")
MEASURES = ("leads", "alerts", "bookings", "arrivals")


def empty(months: int, places: int) -> list[list[int]]:
    return [[0] * places for _ in range(months)]


@dataclass
class Supply:
    """Raw counts: month × place tables, and the year's leads and alerts by kind."""

    by_place: dict[str, list[list[int]]]  # measure -> month -> place column
    values_checks: list[int]
    # The year's leads by place column and age band ("" for not given): each place's leads
    # split by age instead of by month.
    lead_ages: Counter[tuple[int, str]] = field(default_factory=Counter)
    lead_interests: Counter[str] = field(default_factory=Counter)  # leads naming each
    alert_roles: Counter[str] = field(default_factory=Counter)  # "" for none
    recent_interests: dict[tuple[str, int], int] = field(default_factory=dict)  # (role, place)
    alerts_included: bool = True  # a provider's slice has no job alerts


def month_of(column: ColumnElement, starts: list) -> ColumnElement[int]:
    """The index of the month a time (or day) falls in, given each month's start and end."""
    return case(*((column < end, index) for index, end in enumerate(starts[1:])),
                else_=len(starts) - 1)


def read_supply(session: Session, who: Slice, places: Places, months: list[date]) -> Supply:
    starts = bounds(months)
    size = len(places.columns)
    supply = Supply({measure: empty(len(months), size) for measure in MEASURES},
                    [0] * len(months), alerts_included=who.whole)
    _count_by_place(session, supply.by_place["leads"], places,
                    select(month_of(Lead.created_at, starts), Lead.outcode, func.count())
                    .where(Lead.created_at >= starts[0], Lead.created_at < starts[-1],
                           who.leads()))
    _leads_by_kind(session, supply, who, places, starts)
    if who.whole:
        _alerts(session, supply, places, starts)
    _count_by_place(session, supply.by_place["bookings"], places,
                    select(month_of(Booking.created_at, starts), Event.outcode, func.count())
                    .join(Event, Booking.event_id == Event.id)
                    .where(Booking.created_at >= starts[0], Booking.created_at < starts[-1],
                           Booking.status.in_(BOOKED), who.events()))
    _count_by_place(session, supply.by_place["arrivals"], places,
                    select(month_of(CheckIn.checked_in_at, starts), Event.outcode,
                           func.count())
                    .join(Event, CheckIn.event_id == Event.id)
                    .where(CheckIn.checked_in_at >= starts[0],
                           CheckIn.checked_in_at < starts[-1], who.events()))
    days = [*months, month_end(months[-1])]
    month = month_of(ValuesCompletion.completed_on, days)
    finished = select(month, func.count()).where(
        ValuesCompletion.completed_on >= days[0], ValuesCompletion.completed_on < days[-1],
        who.campaigns(ValuesCompletion.campaign_id)).group_by(month)
    for index, count in session.execute(finished):
        supply.values_checks[index] += count
    return supply


def _count_by_place(session: Session, table: list[list[int]], places: Places,
                    query) -> None:  # type: ignore[no-untyped-def]
    month, outcode = query.selected_columns[0], query.selected_columns[1]
    for index, code, count in session.execute(query.group_by(month, outcode)):
        table[index][places.of_outcode(code)] += count


def _leads_by_kind(session: Session, supply: Supply, who: Slice, places: Places,
                   starts: list[datetime]) -> None:
    in_year = (Lead.created_at >= starts[0], Lead.created_at < starts[-1], who.leads())
    ages = select(Lead.outcode, Lead.age_band, func.count()).where(*in_year).group_by(
        Lead.outcode, Lead.age_band)
    for outcode, band, count in session.execute(ages):
        supply.lead_ages[(places.of_outcode(outcode), band or "")] += count
    named = cast(Lead.interests, String)
    for interests, count in session.execute(select(named, func.count()).where(*in_year)
                                            .group_by(named)):
        for code in _codes(interests):
            supply.lead_interests[code] += count
    lately = select(named, Lead.outcode, func.count()).where(
        Lead.created_at >= starts[-1 - RECENT_MONTHS], Lead.created_at < starts[-1],
        who.leads()).group_by(named, Lead.outcode)
    for interests, outcode, count in session.execute(lately):
        place = places.of_outcode(outcode)
        for code in _codes(interests):
            key = (code, place)
            supply.recent_interests[key] = supply.recent_interests.get(key, 0) + count


def _codes(stored: object) -> list[str]:
    """The distinct codes of a stored list of interests (JSON text, or a list)."""
    try:
        found = json.loads(stored) if isinstance(stored, str) else stored
    except ValueError:
        return []
    return list(dict.fromkeys(str(code) for code in found or [])) if isinstance(
        found, list) else []


def _alerts(session: Session, supply: Supply, places: Places, starts: list[datetime]) -> None:
    confirmed = (JobAlert.status != "pending", JobAlert.created_at >= starts[0],
                 JobAlert.created_at < starts[-1])
    _count_by_place(session, supply.by_place["alerts"], places,
                    select(month_of(JobAlert.created_at, starts), JobAlert.outcode,
                           func.count()).where(*confirmed))
    for role, count in session.execute(select(JobAlert.role_code, func.count())
                                       .where(*confirmed).group_by(JobAlert.role_code)):
        supply.alert_roles[role or ""] += count
