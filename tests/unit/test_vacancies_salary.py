"""Salary text to figures."""

from __future__ import annotations

from datetime import date

import pytest

from carecareers.careers.content import load_content
from carecareers.settings import PROJECT_ROOT
from carecareers.vacancies.salary import (
    PayRates,
    Salary,
    band_named,
    format_salary,
    parse_salary,
)


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
    ("Band 3", Salary()),  # named, not stated: see PayRates
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


@pytest.mark.parametrize(("text", "band"), [
    ("Band 3", 3), ("NHS AfC: Band 5", 5), ("band 2 (pro rata)", 2), ("Band 8a", None),
    ("Band 5a", None), ("£24,465 a year", None), ("", None),
])
def test_the_band_a_salary_names(text: str, band: int | None) -> None:
    assert band_named(text) == band


@pytest.fixture(scope="module")
def pay() -> PayRates:
    return PayRates(load_content(PROJECT_ROOT / "content").pay)


@pytest.mark.parametrize(("band", "posted", "expected"), [
    # 2025/26, the NHS Employers table, for vacancies posted from April 2025 ...
    (3, date(2025, 6, 1), Salary(24937, 26598, "year")),
    (5, date(2026, 3, 31), Salary(31049, 37796, "year")),
    # ... and 2026/27 (2025/26 plus 3.3%) for those posted from 1 April 2026.
    (3, date(2026, 4, 1), Salary(25760, 27476, "year")),
    (5, date(2026, 11, 20), Salary(32074, 39043, "year")),
    # Before every row: the earliest row.
    (2, date(2024, 1, 1), Salary(24465, 24465, "year")),
    # A band the tables do not hold: no figures.
    (9, date(2026, 11, 20), Salary()),
])
def test_a_band_is_priced_from_the_careers_pay_table_on_the_posting_day(
    pay: PayRates, band: int, posted: date, expected: Salary,
) -> None:
    assert pay.band(band, posted) == expected


@pytest.mark.parametrize(("rule", "posted", "expected"), [
    ("apprentice_minimum", date(2025, 6, 1), Salary(7.55, None, "hour")),
    ("apprentice_minimum", date(2026, 4, 1), Salary(8.00, None, "hour")),
    ("national_minimum", date(2026, 3, 31), Salary(7.55, 12.21, "hour")),
    ("national_minimum", date(2026, 11, 29), Salary(8.00, 12.71, "hour")),
    ("apprentice_minimum", date(2020, 1, 1), Salary(7.55, None, "hour")),
    ("a_fair_wage", date(2026, 11, 29), Salary()),
])
def test_a_minimum_wage_rule_is_priced_on_the_posting_day(
    pay: PayRates, rule: str, posted: date, expected: Salary,
) -> None:
    assert pay.rule(rule, posted) == expected
