"""The vacancy history's hourly pay and legal floor (carecareers/vacancies/history.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from carecareers.vacancies.history import HOURS_A_YEAR, hourly_pence, legal_floor, monday_of
from carecareers.vacancies.salary import pay_rates_for

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.mark.parametrize(("amount", "period", "pence"), [
    (12.71, "hour", 1271),
    (95.0, "day", 1267),  # 7.5 hours: £12.666...
    (480.0, "week", 1280),  # 37.5 hours
    (2100.0, "month", 1289),  # a twelfth of 1,955.25 hours: £12.888...
    (24465.0, "year", 1251),  # 37.5 hours for 52.14 weeks: £12.5125
    (26598.0, "year", 1360),  # £13.603...
    (12.714, "hour", 1271),  # rounded to the nearest penny
    (12.716, "hour", 1272),
])
def test_pay_is_an_hourly_rate_in_pence(amount: float, period: str, pence: int) -> None:
    assert hourly_pence(amount, period) == pence


def test_a_year_is_1955_hours_and_a_quarter() -> None:
    assert HOURS_A_YEAR == pytest.approx(1955.25)


@pytest.mark.parametrize(("amount", "period"), [
    (None, "hour"),  # "up to £13 an hour": no lowest amount
    (12.71, None),  # no period
    (12.71, "fortnight"),  # a period we do not convert
    (25000.0, "hour"),  # a yearly salary read as hourly: over £200 an hour
    (0.5, "hour"),  # under £1 an hour
    (1000.0, "year"),  # 51p an hour
])
def test_pay_not_known_or_misread_has_no_rate(amount: float | None,
                                              period: str | None) -> None:
    assert hourly_pence(amount, period) is None


def test_the_floor_is_the_rate_for_21_and_over_in_force_that_day() -> None:
    floor = legal_floor(pay_rates_for(CONTENT))
    assert floor(date(2026, 3, 30)) == Decimal("12.21")  # the week's Monday, before 1 April
    assert floor(date(2026, 4, 1)) == Decimal("12.71")
    assert floor(date(2024, 1, 1)) == Decimal("12.21")  # before every rate: the earliest


def test_weeks_are_named_by_their_monday() -> None:
    assert monday_of(date(2026, 4, 22)) == date(2026, 4, 20)
    assert monday_of(date(2026, 4, 20)) == date(2026, 4, 20)
    assert monday_of(date(2026, 4, 26)) == date(2026, 4, 20)
