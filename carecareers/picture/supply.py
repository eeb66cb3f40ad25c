"""Supply: people interested in care work, by month and place, read from their counts
(counting.py makes them from the topics' tables).

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

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from carecareers.picture import counting
from carecareers.picture.months import RECENT_MONTHS
from carecareers.picture.places import Places
from carecareers.picture.slices import Slice

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


def read_supply(session: Session, who: Slice, places: Places, months: list[date]) -> Supply:
    """The slice's supply in these months, from the counts (counting.py)."""
    supply = Supply({measure: empty(len(months), len(places.columns)) for measure in MEASURES},
                    [0] * len(months), alerts_included=who.whole)
    recent = len(months) - RECENT_MONTHS
    wanted = [counting.LEADS, counting.INTEREST, counting.BOOKINGS, counting.ARRIVALS,
              counting.VALUES_CHECKS, *([counting.ALERTS] if who.whole else [])]
    for index, measure, key, detail, count in counting.read_counts(session, who.scope, months,
                                                                   wanted):
        if measure == counting.INTEREST:
            supply.lead_interests[key] += count
            if index >= recent:
                place = (key, places.of_outcode(detail))
                supply.recent_interests[place] = supply.recent_interests.get(place, 0) + count
        elif measure == counting.VALUES_CHECKS:
            supply.values_checks[index] += count
        else:
            supply.by_place[measure][index][places.of_outcode(key)] += count
            if measure == counting.LEADS:
                supply.lead_ages[(places.of_outcode(key), detail)] += count
            elif measure == counting.ALERTS:
                supply.alert_roles[detail] += count
    return supply
