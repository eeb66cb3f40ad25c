"""Salary text to figures."""

from __future__ import annotations

from datetime import date

import pytest

from carecareers.vacancies.salary import Salary, format_salary, minimum_wage, parse_salary


@pytest.mark.parametrize(("text", "expected"), [
    ("£24,465 - £26,598 a year", Salary(24465, 26598, "year")),
    ("£24,071 to £25,674 per annum", Salary(24071, 25674, "year")),
    ("£24,465 pa pro rata", Salary(24465, 24465, "year")),
    ("£24,465 p.a.", Salary(24465, 24465, "year")),
    ("£12.21 per hour", Salary(12.21, 12.21, "hour")),
    ("£12.21 an hour", Salary(12.21, 12.21, "hour")),
    ("£11.44 - £12.50 ph", Salary(11.44, 12.50, "hour")),
    ("£12.60/hr", Salary(12.60, 12.60, "hour")),
    ("£450 per week", Salary(450, 450, "week")),
    ("£2,100 per month", Salary(2100, 2100, "month")),
    ("£25k - £28k", Salary(25000, 28000, "year")),
    ("Up to £26,000", Salary(None, 26000, "year")),
    ("£24,465", Salary(24465, 24465, "year")),
    ("£12.50", Salary(12.5, 12.5, "hour")),
    ("£26,000 a year plus £1,000 bonus", Salary(26000, 26000, "year")),
    ("Band 3", Salary(24937, 26598, "year")),
    ("NHS AfC: Band 5", Salary(31049, 37796, "year")),
    ("Band 8a", Salary()),
    ("Competitive", Salary()),
    ("Negotiable, depending on experience", Salary()),
    ("", Salary()),
])
def test_parse_salary(text: str, expected: Salary) -> None:
    assert parse_salary(text) == expected


@pytest.mark.parametrize(("figures", "text"), [
    ((24465, 26598, "year"), "£24,465 to £26,598 a year"),
    ((12.21, 12.21, "hour"), "£12.21 an hour"),
    ((8.0, None, "hour"), "£8.00 an hour"),
    ((None, 30000, "year"), "up to £30,000 a year"),
    ((None, None, None), ""),
    ((500, 500, None), "£500"),
])
def test_format_salary(figures: tuple[float | None, float | None, str | None],
                       text: str) -> None:
    assert format_salary(*figures) == text


def test_minimum_wage_by_date() -> None:
    assert minimum_wage(date(2025, 6, 1))["apprentice"] == 7.55
    assert minimum_wage(date(2026, 11, 29))["21_and_over"] == 12.71
    assert minimum_wage(date(2020, 1, 1))["apprentice"] == 7.55
