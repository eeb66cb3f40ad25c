"""carecareers/careers/turns.py: follow-ups that lean on the conversation so far."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from carecareers.careers import turns
from carecareers.careers.content import load_content
from carecareers.careers.records import CareersContent
from carecareers.settings import PROJECT_ROOT

TODAY = date(2026, 11, 30)


@pytest.fixture(scope="module")
def content() -> CareersContent:
    return load_content(PROJECT_ROOT / "content")


def turn(text: str, entities: dict[str, str] | None = None, **slots: Any) -> turns.Turn:
    return turns.Turn(text=text, day=TODAY, entities=entities or {}, slots=slots)


@pytest.mark.parametrize(("text", "value", "counted"), [
    ("I've got 4 GCSEs", "4", True), ("i got 3 a levels", "3", True),
    ("10 gcses at grade 5", "10", True), ("passed 2 quals", "2", True),
    ("im 17 with 5 gcses", "17", False), ("im 16", "16", False), ("4 gcses", None, False),
])
def test_a_number_of_qualifications_is_not_an_age(text: str, value: str | None,
                                                  counted: bool) -> None:
    assert turns.counts_qualifications(text, value) is counted


@pytest.mark.parametrize(("text", "value", "not_age"), [
    ("whats a band 5 nurse on right now", "5", True), ("im in year 11", "11", True),
    ("a level 3 apprenticeship", "3", True), ("band 6 at 19", "19", False),
    ("im 17", "17", False), ("grade 4 in maths", "4", True),
])
def test_a_band_level_grade_or_school_year_is_not_an_age(text: str, value: str,
                                                         not_age: bool) -> None:
    assert turns.not_an_age(text, value) is not_age


def test_a_band_number_read_as_an_age_leaves_the_age_said_before() -> None:
    assert turns.person_in(turn("whats a band 5 nurse on", {"age": "5"}, age="19")).age == 19


def test_a_count_of_gcses_leaves_the_age_said_before() -> None:
    assert turns.person_in(turn("ive got 6 gcses", {"age": "6"}, age="17")).age == 17
    assert turns.person_in(turn("ive got 6 gcses", {"age": "6"})).age is None


@pytest.mark.parametrize(("text", "entities", "band"), [
    ("wats band 3 on", {}, 3), ("what do band 2s make", {}, 2), ("how much is band3", {}, 3),
    ("whats band 2 pay for a hca", {"role": "healthcare_assistant"}, None),
    ("how much is band 9", {}, None), ("what band is that", {}, None),
])
def test_a_band_named_without_a_role(content: CareersContent, text: str,
                                     entities: dict[str, str], band: int | None) -> None:
    assert turns.band_named(content, turn(text, entities)) == band


def test_a_band_question_answers_the_band_not_the_role_in_context(
        content: CareersContent) -> None:
    text = turns.pay_reply(content, turn("wats band 3 on", role="paramedic")).answer.text
    assert "NHS band 3 starts at about £25,760" in text and "paramedic" not in text


def test_before_tax_alone_is_answered_and_with_a_role_comes_before_its_pay(
        content: CareersContent) -> None:
    alone = turns.pay_reply(content, turn("is that before tax", role="care_worker")).answer.text
    assert alone.startswith("The pay I give you is before tax") and "£" not in alone
    nurse = turns.pay_reply(content, turn("how much do nurses take home",
                                          {"role": "registered_nurse"})).answer.text
    assert "before tax" in nurse and "about £32,074" in nurse


def test_how_long_after_a_route_is_the_route_again_not_what_comes_after(
        content: CareersContent) -> None:
    text = turns.path_reply(content, turn("how long does that take",
                                          role="registered_nurse")).answer.text
    assert text.startswith("From no qualifications yet to registered nurse")
    assert "year" in text and "top of this ladder" not in text


def test_how_long_from_the_job_the_person_does_now_keeps_their_start(
        content: CareersContent) -> None:
    text = turns.path_reply(content, turn("how many years is that", role="nursing_associate",
                                          current_role="care_worker")).answer.text
    assert "nursing associate" in text and "year" in text
    assert not text.startswith("After nursing associate")


def test_how_long_about_the_job_the_person_does_now_lists_what_comes_after(
        content: CareersContent) -> None:
    text = turns.path_reply(content, turn("how long is it", role="care_worker",
                                          current_role="care_worker")).answer.text
    assert text.startswith("After care worker you could go for")


@pytest.mark.parametrize(("text", "roles", "split"), [
    ("i work as a carer now, how could i end up a nurse",
     [("care_worker", 12), ("registered_nurse", 44)], ("care_worker", "registered_nurse")),
    ("how do i become a nurse, im a carer",
     [("registered_nurse", 18), ("care_worker", 30)], ("care_worker", "registered_nurse")),
    ("carer or nurse which pays more", [("care_worker", 0), ("registered_nurse", 9)], None),
    ("i want to be a nurse", [("registered_nurse", 15)], None),
])
def test_the_role_someone_does_now_is_told_from_the_one_they_want(
        text: str, roles: list[tuple[str, int]], split: tuple[str, str] | None) -> None:
    assert turns.current_role_among(text, roles) == split


@pytest.mark.parametrize(("text", "age"), [
    ("no gcses and 17, how would i start out as a carer", 17),
    ("left school and 19 how do i get into care", 19),
    ("nights and 20 hours a week, is that allowed", None),
    ("band 5 and 6 pay", None),
    ("english and 14 gcses", None),
])
def test_an_age_said_after_and_is_read_when_nlu_misses_it(text: str, age: int | None) -> None:
    assert turns.person_in(turn(text, {})).age == age
