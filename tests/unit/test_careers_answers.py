"""Phone-screen replies built from the real careers content."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date

import pytest

from carecareers.careers import answers
from carecareers.careers.answers import Answer, intent_payload
from carecareers.careers.content import load_content
from carecareers.careers.errors import NoRoute, UnknownRole
from carecareers.careers.ladder import plan_route
from carecareers.careers.pay import Person
from carecareers.careers.records import CareersContent
from carecareers.settings import PROJECT_ROOT

INTENTS = {
    "ask_roles", "ask_role_info", "ask_pay", "ask_entry_requirements", "ask_career_path",
    "ask_apprenticeships", "ask_rotational_apprenticeship", "ask_graduate_pathway",
    "search_vacancies", "register_interest", "human_handoff", "ask_story",
}
PAYLOAD = re.compile(r"^/(\w+)(\{.*\})?$")
TODAY = date(2026, 11, 30)
DATED = re.compile(r"^\(as of [A-Z][a-z]+ \d{4}, .+\)$")


@pytest.fixture(scope="module")
def content() -> CareersContent:
    return load_content(PROJECT_ROOT / "content")


def all_answers(content: CareersContent) -> list[Answer]:
    made: list[Answer] = []
    for role in content.roles:
        made += [answers.role_info(content, role.code),
                 answers.pay_answer(content, role.code, Person(), TODAY),
                 answers.entry_requirements(content, role.code),
                 answers.next_steps_answer(content, role.code)]
    for role in ("registered_nurse", "physiotherapist", "social_worker", "paramedic"):
        for age in (None, 16, 25):
            made.append(answers.route_answer(content, "no_qualifications", role, age))
    made += [answers.apprenticeship_levels(content), answers.rotational_programmes(content),
             answers.graduate_pathway(content), answers.roles_overview(content),
             answers.unknown_role_answer(content, "astronaut")]
    return made


def test_every_answer_fits_a_phone_screen_and_ends_dated_or_with_a_next_step(
    content: CareersContent,
) -> None:
    for answer in all_answers(content):
        lines = answer.text.splitlines()
        assert len(lines) <= 9 and len(answer.text) <= 700, answer.text
        assert answer.buttons, answer.text
        last = lines[-1]
        assert DATED.match(last) or last.endswith("?") or "jobs in care" in last, answer.text
        assert "third-party" not in answer.text


def test_every_button_is_a_known_intent_with_json_entities(content: CareersContent) -> None:
    codes = {role.code for role in content.roles}
    for answer in all_answers(content):
        for _title, payload in answer.buttons:
            match = PAYLOAD.match(payload)
            assert match and match[1] in INTENTS, payload
            entities = json.loads(match[2]) if match[2] else {}
            assert set(entities.values()) <= codes, payload


def test_intent_payload() -> None:
    payload = intent_payload("ask_pay", role="registered_nurse")
    assert payload == '/ask_pay{"role":"registered_nurse"}'
    assert intent_payload("register_interest") == "/register_interest"
    assert Answer("hi", (("Pay", "/ask_pay"),)).rasa_buttons() == [
        {"title": "Pay", "payload": "/ask_pay"}]


def test_role_info(content: CareersContent) -> None:
    answer = answers.role_info(content, "healthcare_assistant")
    assert answer.text.startswith("Healthcare assistant (NHS)\nYou work with nurses")
    assert ("Pay", '/ask_pay{"role":"healthcare_assistant"}') in answer.buttons
    assert "Nursing and Midwifery Council" in answer_text(answers.role_info, content, "nurse")


def test_pay_answer_is_dated(content: CareersContent) -> None:
    text = answers.pay_answer(content, "care_worker", Person(age=17), date(2026, 5, 1)).text
    assert "£8.00 an hour" in text and "(as of April 2026" in text
    text = answers.pay_answer(content, "care_worker", Person(age=17), date(2025, 6, 1)).text
    assert "£7.55 an hour" in text and "(as of April 2025" in text
    general = answers.pay_answer(content, None, Person(apprentice=True), TODAY).text
    assert "£8.00" in general and "first year" in general


def test_entry_requirements(content: CareersContent) -> None:
    text = answer_text(answers.entry_requirements, content, "senior carer")
    assert text.startswith("How to become a senior care worker:")
    assert "level 3 or higher apprenticeship at 16 to 18" in text
    assert "level 2 English and maths" in text and "From 19 it's optional" in text
    assert "No set qualifications" in answer_text(answers.entry_requirements, content, "hca")
    adult = answers.entry_requirements(content, "senior carer", 24).text
    assert "optional" in adult and "must" not in adult
    young = answers.entry_requirements(content, "senior carer", 17).text
    assert "must get level 2 English and maths" in young
    nurse = answers.entry_requirements(content, "nurse").text
    assert "3 years" in nurse and "4 years" in nurse and "GCSE English and maths" in nurse


@pytest.mark.parametrize(("role", "age", "must", "must_not"), [
    # 16 to 18: the level of English and maths depends on the apprenticeship's level.
    ("care_worker", 16, "must get level 1 English and maths", ["level 2 English", "optional"]),
    ("healthcare_assistant", 17, "must get level 1 English and maths", ["optional"]),
    ("senior_care_worker", 18, "must get level 2 English and maths", ["level 1", "optional"]),
    ("assistant_practitioner", 17, "must get level 2 English and maths", ["level 1"]),
    # 19 and over: the funding rule makes them optional for roles with no requirement ...
    ("care_worker", 19, "optional", ["must get"]),
    ("senior_care_worker", 30, "optional", ["must get"]),
    # ... but never lifts the requirement a role's own jobs and courses set.
    ("nursing_associate", 20, "GCSE English and maths at grade 4 (C) or Functional Skills "
     "level 2", ["optional", "You and your employer decide"]),
    ("nursing_associate", 17, "at any age", ["optional", "level 1"]),
    ("registered_nurse", 25, "GCSE English and maths at grade 4 (C) or equal", ["optional"]),
    ("physiotherapist", 30, "GCSE English and maths at grade 4 (C) or equal", ["optional"]),
    ("occupational_therapist", 19, "GCSE English and maths at grade 4", ["optional"]),
    ("paramedic", 22, "GCSE English and maths at grade 4", ["optional"]),
    ("social_worker", 40, "GCSE English and maths at grade 4", ["optional"]),
])
def test_english_and_maths_by_age_level_and_role(content: CareersContent, role: str,
                                                  age: int, must: str,
                                                  must_not: list[str]) -> None:
    text = answers.entry_requirements(content, role, age).text
    assert must in text, text
    for words in must_not:
        assert words not in text, text


@pytest.mark.parametrize(("start", "role", "age", "must", "must_not"), [
    ("care_worker", "nursing_associate", 22, "Functional Skills level 2", ["optional"]),
    ("healthcare_assistant", "nursing_associate", 19, "at any age", ["optional"]),
    ("care_worker", "registered_nurse", 30, "grade 4 (C)", ["optional"]),
    ("no_qualifications", "care_worker", 17, "must get level 1 English and maths",
     ["level 2 English", "optional"]),
    ("no_qualifications", "care_worker", 25, "optional", ["must get"]),
    ("care_worker", "senior_care_worker", 16, "must get level 2 English and maths", ["level 1"]),
])
def test_routes_say_the_requirement_or_the_rule_for_the_level(
    content: CareersContent, start: str, role: str, age: int, must: str, must_not: list[str],
) -> None:
    text = answers.route_answer(content, start, role, age).text
    assert must in text, text
    for words in must_not:
        assert words not in text, text


def test_a_role_with_its_own_requirement_names_its_source(content: CareersContent) -> None:
    text = answers.entry_requirements(content, "nursing_associate", 20).text
    assert text.splitlines()[-1].startswith("(as of December 2026, ")
    assert "NHS England" in text.splitlines()[-1]


def test_route_answer_numbers_the_steps(content: CareersContent) -> None:
    answer = answers.route_answer(content, "no_qualifications", "registered_nurse", 17)
    lines = answer.text.splitlines()
    assert lines[0] == "From no qualifications yet to registered nurse:"
    assert lines[1].startswith("1. GCSEs with English and maths: Functional Skills or GCSE")
    assert lines[2].startswith("2. A level 3 qualification: A levels or a T Level")
    assert lines[3].startswith("3. Registered nurse: A nursing degree (usually 3 years)")
    assert "Or earn while you learn: healthcare assistant → nursing associate" in answer.text
    assert "GCSE English and maths" in answer.text
    assert lines[-1].startswith("(as of December 2026, ")
    assert ("Jobs near me", '/search_vacancies{"role":"registered_nurse"}') in answer.buttons


def test_route_to_where_you_already_are_gives_next_steps(content: CareersContent) -> None:
    text = answers.route_answer(content, "care_worker", "care_worker").text
    assert text.startswith("After care worker you could go for:")


def test_route_answer_raises_for_the_edge(content: CareersContent) -> None:
    with pytest.raises(NoRoute):
        answers.route_answer(content, "registered_nurse", "care_worker")
    with pytest.raises(UnknownRole):
        answers.route_answer(content, "gcses", "astronaut")


def test_no_route_answer_gives_the_ways_in(content: CareersContent) -> None:
    with pytest.raises(NoRoute) as caught:
        plan_route(content, "registered_manager", "paramedic")
    text = answers.no_route_answer(content, caught.value).text
    assert "from registered manager to paramedic" in text
    assert "paramedic degree apprenticeship" in text


def test_next_steps_answer(content: CareersContent) -> None:
    answer = answers.next_steps_answer(content, "healthcare_assistant")
    assert "• Nursing associate\n  Level 5 Nursing Associate apprenticeship (about 2 years)" in (
        answer.text)
    assert answer.text.splitlines()[-1].startswith("(as of November 2026")
    top = answers.next_steps_answer(content, "paramedic")
    assert "top of this ladder" in top.text
    assert top.buttons == (("Contact me", "/register_interest"),)


def test_apprenticeship_levels(content: CareersContent) -> None:
    text = answers.apprenticeship_levels(content).text
    assert "• Intermediate (level 2): like GCSEs" in text
    assert "• Advanced (level 3): like A levels" in text
    assert "• Higher (levels 4 and 5)" in text
    assert "• Degree (levels 6 and 7)" in text
    assert "level 1 on a level 2 apprenticeship, level 2 (like GCSE grade 4) on level 3" in text
    assert "From 19 it's optional" in text and "GOV.UK apprenticeship service" in text
    assert "Since August 2025" in text and "foundation apprenticeships" in text
    young = answers.apprenticeship_levels(content, 17).text
    assert "level 1 on a level 2 apprenticeship" in young and "optional" not in young
    adult = answers.apprenticeship_levels(content, 23).text
    assert "optional" in adult and "must get" not in adult


def test_rotational_programmes_are_told_as_history(content: CareersContent) -> None:
    text = answers.rotational_programmes(content).text
    assert ("In February 2019, care partners in Staffordshire and Stoke-on-Trent were "
            "looking for 10 apprentices. It was for their first one, in end of life care.") in text
    assert "two years" in text and "level 2 and level 3" in text
    assert "therapy, mental health, social work and frailty were being planned" in text
    assert "They are in" not in text and " are in " not in text
    assert "Running now" not in text and "17" not in text and "Coming soon" not in text
    assert text.endswith("(as of February 2019, the programme's newsletter)")


def test_graduate_pathway(content: CareersContent) -> None:
    text = answers.graduate_pathway(content).text
    assert text.index("Healthcare assistant") < text.index("Nursing associate") < text.index(
        "Registered nurse")
    assert "top-up (about 2 years)" in text
    assert "national route" in text


def test_roles_overview_names_every_role(content: CareersContent) -> None:
    answer = answers.roles_overview(content)
    for role in content.roles:
        assert role.name in answer.text
    assert ("Care worker", '/ask_role_info{"role":"care_worker"}') in answer.buttons


def test_unknown_role_answer(content: CareersContent) -> None:
    text = answers.unknown_role_answer(content, "astronaut").text
    assert "don't know the job \"astronaut\"" in text


def answer_text(make: Callable[[CareersContent, str], Answer], content: CareersContent,
                role: str) -> str:
    return make(content, role).text
