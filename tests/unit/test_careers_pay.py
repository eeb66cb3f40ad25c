"""Pay for a role and an age on a given date, from the dated tables in content/careers/pay.yml."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from carecareers.careers.content import load_content
from carecareers.careers.errors import NoPayRate, UnknownRole
from carecareers.careers.pay import BandPay, HourlyPay, NotedPay, format_pay, pay_for
from carecareers.careers.records import CareersContent
from carecareers.settings import PROJECT_ROOT

MAY_2026 = date(2026, 5, 1)
JUNE_2025 = date(2025, 6, 1)


@pytest.fixture(scope="module")
def content() -> CareersContent:
    return load_content(PROJECT_ROOT / "content")


def hourly(content: CareersContent, role: str = "care_worker", **kwargs: object) -> HourlyPay:
    pay = pay_for(content, role, **kwargs)  # type: ignore[arg-type]
    assert isinstance(pay, HourlyPay)
    return pay


def test_care_worker_aged_17_in_may_2026(content: CareersContent) -> None:
    pay = hourly(content, age=17, on=MAY_2026)
    assert pay.hourly == Decimal("8.00")
    assert pay.rates.as_of == date(2026, 4, 1)
    sentence = format_pay(pay)
    assert "£8.00 an hour" in sentence
    assert "as of April 2026, GOV.UK" in sentence


def test_care_worker_aged_17_in_june_2025(content: CareersContent) -> None:
    pay = hourly(content, age=17, on=JUNE_2025)
    assert pay.hourly == Decimal("7.55")
    assert "as of April 2025" in format_pay(pay)


def test_old_rates_hold_until_the_new_ones_start(content: CareersContent) -> None:
    assert hourly(content, age=17, on=date(2026, 3, 31)).hourly == Decimal("7.55")
    assert hourly(content, age=17, on=date(2026, 4, 1)).hourly == Decimal("8.00")


@pytest.mark.parametrize(
    ("age", "on", "expected"),
    [
        (21, MAY_2026, "12.71"),
        (45, JUNE_2025, "12.21"),
        (20, MAY_2026, "10.85"),
        (18, JUNE_2025, "10.00"),
        (16, MAY_2026, "8.00"),
    ],
)
def test_rate_for_each_age(content: CareersContent, age: int, on: date, expected: str) -> None:
    assert hourly(content, age=age, on=on).hourly == Decimal(expected)


def test_apprentice_rate_applies_under_19(content: CareersContent) -> None:
    pay = hourly(content, age=18, on=MAY_2026, apprentice=True)
    assert (pay.rate, pay.hourly) == ("apprentice", Decimal("8.00"))
    assert "apprentice care worker aged 18" in format_pay(pay)


def test_apprentice_of_19_or_over_gets_the_age_rate_after_the_first_year(
    content: CareersContent,
) -> None:
    assert hourly(content, age=20, on=MAY_2026, apprentice=True).hourly == Decimal("10.85")
    first_year = hourly(content, age=20, on=MAY_2026, apprentice=True, first_year=True)
    assert first_year.hourly == Decimal("8.00")


def test_without_an_age_says_the_minimum_for_your_age(content: CareersContent) -> None:
    pay = hourly(content, on=MAY_2026)
    assert pay.hourly == Decimal("12.71")
    sentence = format_pay(pay)
    assert "at least the minimum wage for their age" in sentence
    assert "less if younger" in sentence


def test_social_care_pay_quotes_the_dated_median(content: CareersContent) -> None:
    sentence = format_pay(hourly(content, "senior carer", age=30, on=MAY_2026))
    assert "£12.00 an hour (as of March 2025, Skills for Care)" in sentence


def test_registered_nurse_is_band_5_with_its_date(content: CareersContent) -> None:
    pay = pay_for(content, "registered_nurse", on=MAY_2026)
    assert isinstance(pay, BandPay)
    assert (pay.low, pay.high) == (Decimal("31049"), Decimal("37796"))
    sentence = format_pay(pay)
    assert "band 5" in sentence
    assert "about £31,049 to £37,796 a year" in sentence
    assert "as of April 2025, NHS Employers pay tables, third-party copy" in sentence


def test_healthcare_assistant_spans_bands_2_and_3(content: CareersContent) -> None:
    pay = pay_for(content, "HCAs", on=MAY_2026)
    assert isinstance(pay, BandPay)
    assert [band.band for band in pay.bands] == [2, 3]
    assert "£24,465 to £26,598" in format_pay(pay)


def test_role_without_a_figure_says_so_with_its_source(content: CareersContent) -> None:
    pay = pay_for(content, "social worker", on=MAY_2026)
    assert isinstance(pay, NotedPay)
    assert "local authority" in format_pay(pay) and "as of" in format_pay(pay)


@pytest.mark.parametrize("age", [None, 17])
def test_every_role_says_when_and_where_from(content: CareersContent, age: int | None) -> None:
    for role in content.roles:
        sentence = format_pay(pay_for(content, role.code, age=age, on=MAY_2026))
        assert "as of " in sentence and sentence.endswith("."), role.code
        assert sentence.count("\n") == 0, role.code


def test_dates_before_the_tables_have_no_rate(content: CareersContent) -> None:
    with pytest.raises(NoPayRate):
        pay_for(content, "care_worker", age=30, on=date(2024, 6, 1))
    with pytest.raises(NoPayRate):
        pay_for(content, "registered_nurse", on=date(2024, 6, 1))


def test_unknown_role_raises(content: CareersContent) -> None:
    with pytest.raises(UnknownRole) as caught:
        pay_for(content, "astronaut")
    assert caught.value.value == "astronaut"
