"""The one clock: now() in UTC, today() as the UK date, and CARECAREERS_TODAY where allowed."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from carecareers.clock import (
    SYSTEM_CLOCK,
    UK,
    Clock,
    FixedClock,
    as_utc,
    clock_for,
    uk_date,
    uk_midnight,
    uk_time,
)
from carecareers.settings import ConfigurationError, get_settings
from tests.conftest import make_settings

SUMMER_NIGHT = datetime(2026, 6, 30, 23, 30, tzinfo=timezone.utc)  # 00:30 BST on 1 July
WINTER_NIGHT = datetime(2026, 1, 14, 23, 30, tzinfo=timezone.utc)  # 23:30 GMT on 14 January
STRONG = {name: "s" * 40 for name in ("secret_key", "rasa_token", "action_server_token")}


def test_the_uk_is_europe_london() -> None:
    assert UK.key == "Europe/London"


@pytest.mark.parametrize(("at", "day"), [(SUMMER_NIGHT, date(2026, 7, 1)),
                                         (WINTER_NIGHT, date(2026, 1, 14))])
def test_today_is_the_uk_date_not_the_utc_date(at: datetime, day: date) -> None:
    clock = FixedClock(at)
    assert clock.now() == at and clock.now().tzinfo == timezone.utc
    assert clock.today() == day == uk_date(at)


def test_the_day_turns_at_uk_midnight_in_both_seasons() -> None:
    assert uk_date(datetime(2026, 6, 30, 22, 59, tzinfo=timezone.utc)) == date(2026, 6, 30)
    assert uk_date(datetime(2026, 6, 30, 23, 0, tzinfo=timezone.utc)) == date(2026, 7, 1)
    assert uk_date(datetime(2026, 1, 14, 23, 59, tzinfo=timezone.utc)) == date(2026, 1, 14)
    assert uk_date(datetime(2026, 1, 15, 0, 0, tzinfo=timezone.utc)) == date(2026, 1, 15)
    assert uk_midnight(date(2026, 7, 1)) == datetime(2026, 6, 30, 23, tzinfo=timezone.utc)
    assert uk_midnight(date(2026, 1, 15)) == datetime(2026, 1, 15, tzinfo=timezone.utc)


def test_a_naive_time_is_read_as_utc_as_the_database_gives_it_back() -> None:
    naive = datetime(2026, 6, 30, 23, 30)
    assert as_utc(naive) == SUMMER_NIGHT and uk_date(naive) == date(2026, 7, 1)
    assert uk_time(naive).hour == 0 and uk_time(naive).utcoffset() == timedelta(hours=1)
    assert FixedClock(naive).now() == SUMMER_NIGHT
    in_london = datetime(2026, 7, 1, 0, 30, tzinfo=UK)
    assert as_utc(in_london) == SUMMER_NIGHT and as_utc(in_london).tzinfo == timezone.utc


def test_the_system_clock_reads_the_time_in_utc() -> None:
    before = datetime.now(timezone.utc)
    now = SYSTEM_CLOCK.now()
    after = datetime.now(timezone.utc)
    assert now.tzinfo == timezone.utc and before <= now <= after
    assert SYSTEM_CLOCK.today() in (uk_date(before), uk_date(after))


def test_a_fixed_clock_moves_only_when_told() -> None:
    clock = FixedClock(WINTER_NIGHT)
    assert clock.now() == clock.now() == WINTER_NIGHT
    clock.advance(timedelta(minutes=31))
    assert clock.now() == WINTER_NIGHT + timedelta(minutes=31)
    assert clock.today() == date(2026, 1, 15)


def test_the_fixed_day_wins_for_today_but_not_for_now() -> None:
    clock = FixedClock(SUMMER_NIGHT, fixed_day=date(2027, 5, 1))
    assert clock.today() == date(2027, 5, 1) and clock.now() == SUMMER_NIGHT
    assert Clock(date(2027, 5, 1)).today() == date(2027, 5, 1)


def test_the_day_of_a_message_is_its_uk_date_or_the_fixed_day() -> None:
    clock = FixedClock(WINTER_NIGHT)
    assert clock.day_of(SUMMER_NIGHT.timestamp()) == date(2026, 7, 1)
    assert clock.day_of(SUMMER_NIGHT) == date(2026, 7, 1)
    assert clock.day_of(None) == date(2026, 1, 14)  # no timestamp: today
    assert clock.day_of(1e20) == date(2026, 1, 14)  # out of range: today
    fixed = FixedClock(WINTER_NIGHT, fixed_day=date(2027, 5, 1))
    assert fixed.day_of(SUMMER_NIGHT.timestamp()) == date(2027, 5, 1)


@pytest.mark.parametrize("environment", ["development", "test"])
def test_carecareers_today_fixes_the_day_in_development_and_tests(
        tmp_path: Path, environment: str) -> None:
    secrets = STRONG if environment != "development" else {}
    settings = make_settings(tmp_path, carecareers_today=date(2027, 5, 1),
                             environment=environment, **secrets)
    clock = clock_for(settings)
    assert clock.today() == date(2027, 5, 1)
    assert clock.day_of(SUMMER_NIGHT.timestamp()) == date(2027, 5, 1)
    assert clock_for(make_settings(tmp_path)).fixed_day is None  # unset: the real day


@pytest.mark.parametrize("environment", ["production", "staging"])
def test_carecareers_today_is_refused_outside_development_and_tests(
        tmp_path: Path, environment: str) -> None:
    with pytest.raises(ValueError, match="CARECAREERS_TODAY .*development and tests only"):
        make_settings(tmp_path, carecareers_today=date(2027, 5, 1), environment=environment,
                      **STRONG)
    settings = make_settings(tmp_path, environment=environment, **STRONG)
    assert clock_for(settings).fixed_day is None


def test_a_process_started_with_it_in_production_stops_saying_why(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("CARECAREERS_TODAY", "2027-05-01")
    for name in ("SECRET_KEY", "RASA_TOKEN", "ACTION_SERVER_TOKEN"):
        monkeypatch.setenv(name, "s" * 40)
    get_settings.cache_clear()
    try:
        with pytest.raises(ConfigurationError, match="CARECAREERS_TODAY"):
            get_settings()
    finally:
        get_settings.cache_clear()
