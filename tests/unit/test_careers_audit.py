"""`content check` warns before a pay table's yearly change day, with fixed days."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from carecareers.careers.audit import Finding, check_content
from carecareers.careers.content import load_content
from carecareers.careers.dated import warning_starts
from carecareers.careers.pay import Person, minimum_wage_pay
from carecareers.careers.records import MonthDay
from carecareers.settings import PROJECT_ROOT

CONTENT = PROJECT_ROOT / "content"
CHANGE = date(2027, 4, 1)
TABLES = ["minimum_wage.rates", "agenda_for_change.rates"]


def warnings(findings: list[Finding]) -> list[str]:
    return [finding.where for finding in findings if finding.warning]


def test_the_yearly_change_day_comes_round_once_a_year() -> None:
    april = MonthDay(4, 1)
    assert april.next_after(date(2026, 4, 1)) == CHANGE
    assert april.next_after(date(2026, 12, 6)) == CHANGE
    assert april.next_after(date(2027, 3, 31)) == CHANGE
    assert april.next_after(CHANGE) == date(2028, 4, 1)
    assert warning_starts(CHANGE) == date(2027, 1, 31)


@pytest.mark.parametrize(("today", "warned"), [
    (date(2026, 12, 6), []),            # today: nothing yet
    (date(2027, 1, 30), []),            # 61 days before
    (date(2027, 1, 31), TABLES),        # 60 days before: the window opens
    (date(2027, 3, 1), TABLES),
    (date(2027, 3, 31), TABLES),        # the day before
])
def test_the_warning_window_opens_60_days_before_the_change(today: date,
                                                            warned: list[str]) -> None:
    findings = check_content(CONTENT, today)
    assert warnings(findings) == warned
    assert [f for f in findings if not f.warning] == []


def test_the_warning_says_the_day_and_what_to_do() -> None:
    finding = check_content(CONTENT, date(2027, 1, 31))[0]
    assert str(finding) == (
        "warning: careers/pay.yml: minimum_wage.rates: the figures change on 1 April 2027 "
        "(in 60 days) and no row starts that day: add it (from: 2027-04-01) as soon as the "
        "new figures are published")


def test_on_the_change_day_a_missing_row_is_a_problem_not_a_warning() -> None:
    findings = check_content(CONTENT, CHANGE)
    assert warnings(findings) == []
    assert [f.where for f in findings] == ["minimum_wage.rates",
                                           "agenda_for_change.rates (2026/27)"]


def with_next_row(tmp_path: Path) -> Path:
    """A copy of the content with a row starting on the change day (test figures only)."""
    copy = tmp_path / "content"
    shutil.copytree(CONTENT / "careers", copy / "careers")
    shutil.copy(CONTENT / "providers.yml", copy / "providers.yml")
    path = copy / "careers" / "pay.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["minimum_wage"]["rates"].append({  # not real rates: a test row
        "from": CHANGE.isoformat(), "source": "gov_uk_minimum_wage", "age_21_plus": "20.27",
        "age_18_to_20": "20.18", "under_18": "20.16", "apprentice": "20.16"})
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return copy


def test_a_row_added_before_the_day_stops_the_warning_and_is_said_on_the_day(
    tmp_path: Path,
) -> None:
    copy = with_next_row(tmp_path)
    assert warnings(check_content(copy, date(2027, 2, 1))) == ["agenda_for_change.rates"]
    content = load_content(copy)
    before = minimum_wage_pay(content, Person(age=30), date(2027, 3, 31)).text
    on_the_day = minimum_wage_pay(content, Person(age=30), CHANGE).text
    assert "£12.71" in before and "(as of April 2026, GOV.UK)" in before
    assert "£20.27" in on_the_day and "(as of April 2027, GOV.UK)" in on_the_day
    assert "last figures" not in on_the_day
