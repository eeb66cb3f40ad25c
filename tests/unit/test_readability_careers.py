"""Plain English in every answer built from careers content (carecareers.careers.answers):
at or below a reading age of 11, hardest listed first on failure.

Kept apart from test_readability.py because the careers content and its answers are
being rewritten separately; `python -m tests.unit.test_readability_careers` prints them all.
The names of jobs and qualifications the content defines count as one short word each
(carecareers.careers.roles.defined_names).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from carecareers.careers import answers
from carecareers.careers.content import load_content
from carecareers.careers.errors import NoPayRate, NoRoute, UnknownRole
from carecareers.careers.pay import Person
from carecareers.careers.records import CareersContent
from carecareers.careers.roles import defined_names
from carecareers.readability import READING_AGE_LIMIT, describe, score, too_hard
from carecareers.settings import Settings

ON = date(2026, 11, 30)  # a fixed day, so pay answers do not change with the calendar
AGES = (None, 16, 19, 22)


def content() -> CareersContent:
    return load_content(Settings(_env_file=None).content_dir)  # type: ignore[call-arg]


def role_answers(found: CareersContent, code: str) -> Iterator[tuple[str, str]]:
    yield f"role_info({code})", answers.role_info(found, code).text
    for age in AGES:
        yield (f"entry_requirements({code}, age={age})",
               answers.entry_requirements(found, code, age).text)
    yield f"next_steps_answer({code})", answers.next_steps_answer(found, code).text
    for age in AGES:
        for apprentice in (False, True):
            try:
                person = Person(age=age, apprentice=apprentice)
                text = answers.pay_answer(found, code, person, ON).text
            except NoPayRate:
                continue
            yield f"pay_answer({code}, age={age}, apprentice={apprentice})", text


def route_answers(found: CareersContent) -> Iterator[tuple[str, str]]:
    starts = [point.code for point in found.starting_points] + [r.code for r in found.roles]
    for start in starts:
        for target in found.roles:
            try:
                text = answers.route_answer(found, start, target.code, 17).text
            except NoRoute as error:
                text = answers.no_route_answer(found, error).text
            except UnknownRole:
                continue
            yield f"route_answer({start} -> {target.code})", text


def careers_answers() -> list[tuple[str, str]]:
    """Every answer the careers actions can build from the content, once each."""
    found = content()
    texts = [
        ("roles_overview", answers.roles_overview(found).text),
        ("apprenticeship_levels", answers.apprenticeship_levels(found).text),
        ("rotational_programmes", answers.rotational_programmes(found).text),
        ("graduate_pathway", answers.graduate_pathway(found).text),
        ("unknown_role_answer", answers.unknown_role_answer(found, "astronaut").text),
    ]
    for role in found.roles:
        texts += role_answers(found, role.code)
    texts += route_answers(found)
    unique = dict((text, where) for where, text in reversed(texts))
    return [(where, text) for text, where in unique.items()]


def test_every_careers_answer_is_plain_english() -> None:
    texts = careers_answers()
    assert len(texts) > 20
    hard = too_hard(texts, names=defined_names(content()))
    assert not hard, (f"{len(hard)} of {len(texts)} careers answers are over a reading age of "
                      f"{READING_AGE_LIMIT:g}:\n" + describe(hard))


if __name__ == "__main__":
    scored = score(careers_answers(), defined_names(content()))
    print(f"{len(scored)} answers; over {READING_AGE_LIMIT:g}: "
          f"{sum(s.age > READING_AGE_LIMIT for s in scored)}")
    print(describe(scored))
