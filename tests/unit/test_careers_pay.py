"""Pay for the person asking, from the dated rows in content/careers/pay.yml."""

from __future__ import annotations

from datetime import date

import pytest

from carecareers.careers.content import load_content
from carecareers.careers.dated import is_stale, review_due
from carecareers.careers.errors import NoPayRate
from carecareers.careers.pay import (
    Person,
    before_tax,
    minimum_wage_pay,
    nhs_band_pay,
    role_pay,
    wage_row,
)
from carecareers.careers.records import CareersContent
from carecareers.settings import PROJECT_ROOT

TODAY = date(2026, 11, 30)
BEFORE_APRIL_2026 = date(2026, 3, 15)
NEXT_MAY = date(2027, 5, 1)


@pytest.fixture(scope="module")
def content() -> CareersContent:
    return load_content(PROJECT_ROOT / "content")


def pay(content: CareersContent, role: str | None, on: date = TODAY, **person: object) -> str:
    who = Person(**person)  # type: ignore[arg-type]
    if role is None:
        return minimum_wage_pay(content, who, on).text
    return role_pay(content, role, who, on).text


def test_the_row_in_force_is_chosen_by_the_day(content: CareersContent) -> None:
    assert str(wage_row(content.pay.minimum_wage, TODAY).age_21_plus) == "12.71"
    assert str(wage_row(content.pay.minimum_wage, BEFORE_APRIL_2026).age_21_plus) == "12.21"
    with pytest.raises(NoPayRate):
        wage_row(content.pay.minimum_wage, date(2024, 1, 1))


def test_a_row_is_out_of_date_twelve_months_after_it_starts() -> None:
    assert review_due(date(2026, 4, 1)) == date(2027, 4, 1)
    assert not is_stale(date(2026, 4, 1), date(2027, 3, 31))
    assert is_stale(date(2026, 4, 1), date(2027, 4, 1))


@pytest.mark.parametrize(("person", "wanted", "unwanted"), [
    ({"age": 17, "apprentice": True}, ["£8.00", "apprentice"], ["£10.85", "£12.71"]),
    ({"age": 19, "apprentice": True, "first_year": True}, ["£8.00", "first year", "£10.85"],
     []),
    ({"age": 23, "apprentice": True, "first_year": False}, ["£12.71"], ["£8.00"]),
    ({"age": 20, "apprentice": True}, ["£8.00", "first year", "£10.85"], ["£12.71"]),
    ({"apprentice": True}, ["£8.00", "under 19", "first year", "£10.85", "£12.71"], []),
    ({"age": 19}, ["£10.85"], ["£8.00", "£12.71"]),
    ({"age": 16}, ["£8.00", "under-18s"], ["£10.85"]),
    ({"age": 30}, ["£12.71"], ["£10.85"]),
])
def test_the_minimum_wage_for_the_person(content: CareersContent, person: dict[str, object],
                                         wanted: list[str], unwanted: list[str]) -> None:
    text = pay(content, "care_worker", **person)
    for words in wanted:
        assert words in text, text
    for words in unwanted:
        assert words not in text, text
    assert text.splitlines()[-1] == "(as of April 2026, GOV.UK)"


@pytest.mark.parametrize("age", [12, 13, 14, 15])
@pytest.mark.parametrize("role", ["care_worker", "registered_nurse", "healthcare_assistant", None])
def test_under_16s_hear_no_wage_and_that_only_paid_care_work_waits(
    content: CareersContent, role: str | None, age: int,
) -> None:
    text = pay(content, role, age=age)
    assert "£" not in text
    assert f"At {age} you can't be paid for care work yet" in text
    assert "part-time work from 13" in text and "limits on your hours" in text
    assert "last Friday in June of Year 11" in text and "school-leaving age" in text
    assert "volunteer" in text
    assert "can't start a paid job" not in text and "can't have a paid job" not in text
    assert text.splitlines()[-1] == "(as of December 2026, GOV.UK)"


@pytest.mark.parametrize(("age", "too_young"), [(15, True), (16, False), (17, False)])
def test_the_wage_starts_at_school_leaving_age(content: CareersContent, age: int,
                                               too_young: bool) -> None:
    text = pay(content, "care_worker", age=age)
    assert ("can't be paid for care work yet" in text) is too_young
    assert ("£8.00" in text) is not too_young


def test_a_new_nurse_gets_the_band_5_entry_point_said_as_about(content: CareersContent) -> None:
    text = pay(content, "registered_nurse")
    assert "about £32,074" in text and "band 5" in text
    assert "£39,043" not in text and "£37,796" not in text
    assert text.endswith("(as of April 2026, NHS Employers and GOV.UK)")
    assert "third-party" not in text


def test_before_april_2026_the_2025_26_table_is_used(content: CareersContent) -> None:
    text = pay(content, "registered_nurse", on=BEFORE_APRIL_2026)
    assert "about £31,049" in text and "(as of April 2025, NHS Employers)" in text
    assert "£7.55" not in pay(content, "care_worker", on=date(2025, 6, 1), age=30)


def test_a_stale_table_is_said_as_the_last_known_with_where_to_check(
    content: CareersContent,
) -> None:
    text = pay(content, "healthcare_assistant", on=NEXT_MAY)
    assert "last figures I have" in text and "nhsemployers.org" in text
    text = pay(content, None, on=NEXT_MAY, age=25)
    assert "last figures I have" in text and "gov.uk/national-minimum-wage-rates" in text
    assert "last figures" not in pay(content, None, on=TODAY, age=25)


def test_an_apprentice_nurse_gets_the_apprentice_rate_and_where_a_nurse_starts(
    content: CareersContent,
) -> None:
    text = pay(content, "registered_nurse", age=18, apprentice=True)
    assert "£8.00" in text and "about £32,074" in text


def test_roles_paid_on_local_scales_say_so(content: CareersContent) -> None:
    text = pay(content, "social_worker")
    assert "council" in text and "(as of December 2026" in text


# -- a band's own pay ("wats band 3 on") and pay before tax -------------------------------


def test_a_band_is_said_from_its_entry_point_to_its_top_with_the_jobs_on_it(
        content: CareersContent) -> None:
    text = nhs_band_pay(content, 3, TODAY).text
    assert "NHS band 3 starts at about £25,760 a year full-time" in text
    assert "goes up to about £27,476" in text
    assert "healthcare assistant and senior healthcare support worker" in text
    assert text.endswith("(as of April 2026, NHS Employers and GOV.UK)")


def test_a_band_of_one_rate_is_said_once(content: CareersContent) -> None:
    text = nhs_band_pay(content, 2, TODAY).text
    assert "NHS band 2 pays about £25,272 a year full-time." in text
    assert "goes up" not in text


def test_a_band_from_a_stale_table_says_where_to_check(content: CareersContent) -> None:
    assert "nhsemployers.org" in nhs_band_pay(content, 5, date(2027, 5, 10)).text


def test_a_band_not_in_the_table_is_no_pay_rate(content: CareersContent) -> None:
    with pytest.raises(NoPayRate):
        nhs_band_pay(content, 9, TODAY)


def test_pay_is_said_to_be_before_tax_with_where_to_work_out_take_home(
        content: CareersContent) -> None:
    text = before_tax(content)
    assert "before tax and National Insurance" in text
    assert "gov.uk/estimate-income-tax" in text and "{" not in text
