"""The picture's counts of people: made from the topics' tables in one pass now and then, kept
as anonymous numbers by UK calendar month (PictureCount), and read by the page.

Counting reads every lead, alert, booking, arrival, values check, chat and unanswered question
of the months a page can show (MONTHS_COUNTED); the page then reads a few thousand
counts instead, whichever month, district or slice it shows. The counts are made again when
they are older than PICTURE_COUNT_EVERY_MINUTES (by `carecareers picture count`, which `make
run` runs on that schedule, or by the page itself when nothing has counted lately), or when
the month has turned. What each count is: supply.py and conversion.py.

Scopes: 0 is the whole programme; a provider's id is its own slice (the leads passed to it,
the events it takes part in, its own campaigns); see slices.py.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import String, and_, case, cast, delete, func, insert, select, true
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from carecareers.careers.dated import add_months
from carecareers.clock import Clock
from carecareers.models import (
    Booking,
    Campaign,
    CheckIn,
    Conversation,
    Event,
    JobAlert,
    Lead,
    LeadRoute,
    PictureCount,
    PictureCounted,
    UnansweredQuestion,
    ValuesCompletion,
)
from carecareers.models.base import as_utc
from carecareers.models.events import event_providers
from carecareers.outcomes.recording import IN_TOUCH, STARTED
from carecareers.picture.months import MONTHS_SHOWN, OFFERED, bounds, month_end, months_to
from carecareers.picture.themes import OTHER, Themes, load_themes
from carecareers.settings import Settings

logger = logging.getLogger(__name__)

WHOLE = 0
# The months the page offers (months.OFFERED) and the 11 before the oldest, which its
# picture shows too.
MONTHS_COUNTED = OFFERED + MONTHS_SHOWN - 1
BOOKED = ("booked", "attended")

# Measures, and what their key and detail are.
LEADS = "leads"  # postcode district, age band
INTEREST = "interest"  # role or programme named, postcode district
ALERTS = "alerts"  # postcode district watched, role
BOOKINGS = "bookings"  # the event's postcode district
ARRIVALS = "arrivals"  # the event's postcode district
VALUES_CHECKS = "values_checks"
CONVERSATIONS = "conversations"  # campaign id, channel
CONVERTED = ("converted", "in_touch", "started")  # leads, and of them; campaign id, channel
QUESTIONS = "questions"  # theme

Tally = Counter[tuple[int, int, str, str, str]]  # scope, month index, measure, key, detail


@dataclass(frozen=True)
class Counted:
    """When the counts were made, and the months they cover."""

    counted_at: datetime | None
    first_month: date | None

    def covers(self, months: list[date]) -> bool:
        """Whether the counts were made and cover these months."""
        if self.counted_at is None or self.first_month is None:
            return False
        last = add_months(self.first_month, MONTHS_COUNTED - 1)
        return self.first_month <= months[0] and months[-1] <= last


def recount_after(settings: Settings) -> timedelta:
    """How old the counts may be before a page counts again itself: twice the schedule's
    interval, so that while the schedule runs, no one waits for a count."""
    return timedelta(minutes=2 * max(settings.picture_count_every_minutes, 1))


def minutes_between_counts(settings: Settings) -> int:
    """How often the people are counted: by the schedule, or without one by the pages."""
    return settings.picture_count_every_minutes or int(
        recount_after(settings).total_seconds() // 60)


def month_index(column, starts: list):  # type: ignore[no-untyped-def]
    """The index of the month a time (or day) falls in, given each month's start and end."""
    return case(*((column < end, index) for index, end in enumerate(starts[1:])),
                else_=len(starts) - 1)


def counted(session: Session) -> Counted:
    row = session.get(PictureCounted, 1)
    return Counted(as_utc(row.counted_at), row.first_month) if row else Counted(None, None)


def stale(found: Counted, now: datetime, every: timedelta, months: list[date]) -> bool:
    return (not found.covers(months) or found.counted_at is None
            or now - found.counted_at >= every)


def ensure_counted(session: Session, content_dir: Path, clock: Clock, every: timedelta,
                   months: list[date]) -> Counted:
    """The counts, made again first (in the caller's transaction) when they are stale for
    these months. Whoever counts holds the counted row's lock (SQLite: the write lock) and
    looks again, so that two pages asking at once count once."""
    now = clock.now()
    if not stale(found := counted(session), now, every, months):
        return found
    # Look again holding the lock: another page may have counted meanwhile.
    session.get(PictureCounted, 1, with_for_update=True, populate_existing=True)
    if not stale(found := counted(session), now, every, months):
        return found
    try:
        with session.begin_nested():
            count_people(session, content_dir, clock)
    except SQLAlchemyError as exc:
        # The counts before stay (the savepoint is rolled back); the page shows them if they
        # cover its months, and says when they were made.
        logger.warning("the picture's people were not counted again: %s", type(exc).__name__)
        if not counted(session).covers(months):
            raise
    return counted(session)


def read_counts(session: Session, scope: int, months: list[date], measures: Iterable[str]
                ) -> Iterable[tuple[int, str, str, str, int]]:
    """The counts of one scope in these months: (month index, measure, key, detail, count)."""
    index = {month: n for n, month in enumerate(months)}
    query = select(PictureCount.month, PictureCount.measure, PictureCount.key,
                   PictureCount.detail, PictureCount.count).where(
        PictureCount.scope == scope, PictureCount.month >= months[0],
        PictureCount.month <= months[-1], PictureCount.measure.in_(list(measures)))
    for month, measure, key, detail, count in session.execute(query):
        yield index[month], measure, key, detail, count


def questions_by_theme(session: Session, themes: Themes, months: list[date]
                       ) -> list[list[int]]:
    """Questions asked in each month (rows) by theme (columns, "other" last); a theme no
    longer in the file counts as "other"."""
    codes = themes.codes
    found = [[0] * len(codes) for _ in months]
    for index, _, theme, _, count in read_counts(session, WHOLE, months, [QUESTIONS]):
        found[index][codes.index(theme) if theme in codes else codes.index(OTHER)] += count
    return found


@dataclass(frozen=True)
class Counts:
    """The counts made at one time, ready to store."""

    counted_at: datetime
    first_month: date
    rows: list[dict[str, object]]


def count_people(session: Session, content_dir: Path, clock: Clock) -> int:
    """Count again, replacing every count in the caller's transaction; the rows written."""
    return store_counts(session, tally_people(session, content_dir, clock))


def tally_people(session: Session, content_dir: Path, clock: Clock) -> Counts:
    """Count the people, reading only (a command may read in a transaction of its own, so
    that on SQLite the write lock is held only while the counts are stored)."""
    months = months_to(clock.today(), MONTHS_COUNTED)
    now = clock.now()
    tally: Tally = Counter()
    starts = bounds(months)
    _leads(session, tally, starts)
    _alerts(session, tally, starts)
    _events(session, tally, starts)
    _values_checks(session, tally, months)
    _conversations(session, tally, starts)
    _conversion(session, tally, starts)
    _questions(session, tally, content_dir, starts)
    return Counts(now, months[0], [
        {"scope": scope, "month": months[index], "measure": measure, "key": key,
         "detail": detail, "count": count}
        for (scope, index, measure, key, detail), count in tally.items() if count])


def store_counts(session: Session, counts: Counts) -> int:
    """Replace every count with these, in the caller's transaction; the rows written."""
    row = session.get(PictureCounted, 1, with_for_update=True)
    if row is None:
        row = PictureCounted(id=1)
        session.add(row)
    session.execute(delete(PictureCount))
    for start in range(0, len(counts.rows), 5_000):
        session.execute(insert(PictureCount), counts.rows[start:start + 5_000])
    row.counted_at, row.first_month = counts.counted_at, counts.first_month
    session.flush()
    return len(counts.rows)


def _in(column, starts: list):  # type: ignore[no-untyped-def]
    return and_(column >= starts[0], column < starts[-1])


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _codes(stored: object) -> list[str]:
    """The distinct codes of a stored list of interests (JSON text, or a list)."""
    try:
        found = json.loads(stored) if isinstance(stored, str) else stored
    except ValueError:
        return []
    return list(dict.fromkeys(str(code) for code in found or [])) if isinstance(
        found, list) else []


def _leads(session: Session, tally: Tally, starts: list[datetime]) -> None:
    month = month_index(Lead.created_at, starts)
    named = cast(Lead.interests, String)
    columns = (month, Lead.outcode, Lead.age_band, named)
    whole = select(*columns, func.count()).where(_in(Lead.created_at, starts)).group_by(
        *columns)
    passed = select(LeadRoute.provider_id, *columns, func.count()).join(
        LeadRoute, LeadRoute.lead_id == Lead.id).where(_in(Lead.created_at, starts)).group_by(
        LeadRoute.provider_id, *columns)
    rows: Iterable = [(WHOLE, *row) for row in session.execute(whole)]
    for scope, index, outcode, band, interests, count in [*rows, *session.execute(passed)]:
        tally[(scope, index, LEADS, _text(outcode), _text(band))] += count
        for code in _codes(interests):
            tally[(scope, index, INTEREST, code, _text(outcode))] += count


def _alerts(session: Session, tally: Tally, starts: list[datetime]) -> None:
    month = month_index(JobAlert.created_at, starts)
    query = select(month, JobAlert.outcode, JobAlert.role_code, func.count()).where(
        JobAlert.status != "pending", _in(JobAlert.created_at, starts)).group_by(
        month, JobAlert.outcode, JobAlert.role_code)
    for index, outcode, role, count in session.execute(query):
        tally[(WHOLE, index, ALERTS, _text(outcode), _text(role))] += count


def _events(session: Session, tally: Tally, starts: list[datetime]) -> None:
    for measure, model, when, where in (
            (BOOKINGS, Booking, Booking.created_at, Booking.status.in_(BOOKED)),
            (ARRIVALS, CheckIn, CheckIn.checked_in_at, true())):
        month = month_index(when, starts)
        whole = select(month, Event.outcode, func.count()).select_from(model).join(
            Event, model.event_id == Event.id).where(_in(when, starts), where).group_by(
            month, Event.outcode)
        shared = select(event_providers.c.provider_id, month, Event.outcode,
                        func.count()).select_from(model).join(
            Event, model.event_id == Event.id).join(
            event_providers, event_providers.c.event_id == Event.id).where(
            _in(when, starts), where).group_by(event_providers.c.provider_id, month,
                                               Event.outcode)
        for index, outcode, count in session.execute(whole):
            tally[(WHOLE, index, measure, _text(outcode), "")] += count
        for scope, index, outcode, count in session.execute(shared):
            tally[(scope, index, measure, _text(outcode), "")] += count


def _values_checks(session: Session, tally: Tally, months: list[date]) -> None:
    days = [*months, month_end(months[-1])]
    month = month_index(ValuesCompletion.completed_on, days)
    query = select(Campaign.provider_id, month, func.count()).select_from(
        ValuesCompletion).outerjoin(Campaign, Campaign.id == ValuesCompletion.campaign_id).where(
        _in(ValuesCompletion.completed_on, days)).group_by(Campaign.provider_id, month)
    for provider_id, index, count in session.execute(query):
        tally[(WHOLE, index, VALUES_CHECKS, "", "")] += count
        if provider_id is not None:
            tally[(provider_id, index, VALUES_CHECKS, "", "")] += count


def _conversations(session: Session, tally: Tally, starts: list[datetime]) -> None:
    month = month_index(Conversation.started_at, starts)
    query = select(Campaign.provider_id, month, Conversation.campaign_id, Conversation.channel,
                   func.count()).select_from(Conversation).outerjoin(
        Campaign, Campaign.id == Conversation.campaign_id).where(
        _in(Conversation.started_at, starts)).group_by(
        Campaign.provider_id, month, Conversation.campaign_id, Conversation.channel)
    for provider_id, index, campaign_id, channel, count in session.execute(query):
        key = (index, CONVERSATIONS, _text(campaign_id), _text(channel))
        tally[(WHOLE, *key)] += count
        if provider_id is not None:
            tally[(provider_id, *key)] += count


def _conversion(session: Session, tally: Tally, starts: list[datetime]) -> None:
    """Leads by campaign and channel, and of them those a provider was in touch with and those
    who started: on any route for the whole programme, on its own route for a provider, whose
    slice has only the leads of its own campaigns passed to it."""
    month = month_index(Lead.created_at, starts)
    touched = case((LeadRoute.outcome.in_(IN_TOUCH), 1), else_=0)
    started = case((LeadRoute.outcome == STARTED, 1), else_=0)
    routes = select(LeadRoute.lead_id, func.max(touched).label("touched"),
                    func.max(started).label("started")).group_by(LeadRoute.lead_id).subquery()
    whole = select(month, Lead.campaign_id, Lead.channel, func.count(),
                   func.coalesce(func.sum(routes.c.touched), 0),
                   func.coalesce(func.sum(routes.c.started), 0)).outerjoin(
        routes, routes.c.lead_id == Lead.id).where(_in(Lead.created_at, starts)).group_by(
        month, Lead.campaign_id, Lead.channel)
    own = select(LeadRoute.provider_id, month, Lead.campaign_id, Lead.channel, func.count(),
                 func.sum(touched), func.sum(started)).join(
        LeadRoute, LeadRoute.lead_id == Lead.id).join(
        Campaign, and_(Campaign.id == Lead.campaign_id,
                       Campaign.provider_id == LeadRoute.provider_id)).where(
        _in(Lead.created_at, starts)).group_by(LeadRoute.provider_id, month, Lead.campaign_id,
                                               Lead.channel)
    rows: Iterable = [(WHOLE, *row) for row in session.execute(whole)]
    for scope, index, campaign_id, channel, *counts in [*rows, *session.execute(own)]:
        for measure, count in zip(CONVERTED, counts, strict=True):
            tally[(scope, index, measure, _text(campaign_id), _text(channel))] += int(count or 0)


def _questions(session: Session, tally: Tally, content_dir: Path,
               starts: list[datetime]) -> None:
    """Unanswered questions by theme: their words are read here and never kept."""
    themes = load_themes(content_dir)
    month = month_index(UnansweredQuestion.asked_at, starts)
    query = select(month, UnansweredQuestion.text, func.count()).where(
        _in(UnansweredQuestion.asked_at, starts)).group_by(month, UnansweredQuestion.text)
    for index, question, count in session.execute(query):
        tally[(WHOLE, index, QUESTIONS, themes.theme_of(question or ""), "")] += count
