"""One turn of a careers conversation: what the person just said, what we know, the reply.

The Rasa actions build a `Turn` from the tracker and call one reply function here; the
fact tests call the same functions with a fixed day. A role or topic named in the latest
message wins over the one in context; follow-ups without one keep the role in context.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from carecareers import catalogue
from carecareers.careers import answers
from carecareers.careers.answers import Answer
from carecareers.careers.errors import NoPayRate, NoRoute, UnknownRole
from carecareers.careers.ladder import find_start
from carecareers.careers.pay import Person, before_tax
from carecareers.careers.records import CareersContent, Role
from carecareers.careers.roles import best_match, get_role, normalise, role_phrases

DEFAULT_START = "no_qualifications"
APPRENTICE = re.compile(r"apprentic|aprentic|apprentis", re.IGNORECASE)
MINIMUM_WAGE = re.compile(
    r"minimum wage|least|lowest|legal(ly)? minimum|\bnmw\b|living wage", re.IGNORECASE
)
FIRST_YEAR = re.compile(
    r"first year|1st year|\bstart|about to|\bnew\b|will be|gonna be|going to be|just got",
    re.IGNORECASE,
)
LATER_YEAR = re.compile(
    r"(second|third|fourth|2nd|3rd|4th|final|last) year|after (my|the) first year"
    r"|finished (my|the) first year|done (my|the) first year",
    re.IGNORECASE,
)
STATED_AGE = re.compile(
    r"\b(?:i['’]?m|i am|aged?)\s+(\d{1,2})\b"      # "im 17", "aged 19"
    r"|\b(\d{1,2})\s*(?:yo|y/o|yrs? old|years? old)\b"  # "a 20 year old"
    r"|^\s*(\d{1,2})\s+(?:and|&|n)\b"               # "16 and thinking about ..."
    r"|\b(?:and|&|n)\s+(1[3-9]|2\d)\b(?!\s*(?:%|k\b|months?|years?|yrs?|weeks?|days?|hours?"
    r"|hrs?|grand|quid|pounds?|gcses?|a[\s-]?levels?|quals?|subjects|passes))",  # "no gcses and 17"
    re.IGNORECASE,
)
# "what about nurses?", "and if I was 18?", "what if im an apprentice": the same question as
# before, asked again about another role or another person. NLU reads most of these as a
# question about the role itself; the actions send them back to the topic asked before.
FOLLOW_UP = re.compile(
    r"^\s*(?:and\s+|so\s+|ok(?:ay)?\s+|but\s+)?(?:what|how)\s+about\b"
    r"|^\s*(?:and\s+|so\s+|but\s+)?what\s+if\b"
    r"|^\s*and\s+(?:for|at|as|if|when)\b",
    re.IGNORECASE,
)
NEXT_YEAR = re.compile(r"\bnext year\b|\bthe year after\b", re.IGNORECASE)
# "4 GCSEs", "3 A levels": a number of qualifications, never the person's age.
QUALIFICATION_COUNT = re.compile(
    r"\b(\d{1,2})\s*(?:x\s*)?(?:gcse|a[\s-]?le?ve?ls?|qualifications?|quals?|btecs?|passes"
    r"|subjects|grade [4-9]s)", re.IGNORECASE)
# "band 5", "level 3", "year 11", "grade 4": a numbered band, level or school year, not an age.
NUMBERED = re.compile(r"\b(?:band|level|year|yr|grade)\s*(\d{1,2})\b", re.IGNORECASE)
# "how long does that take", "how many years is it": the time a route takes.
HOW_LONG = re.compile(r"\bhow\s+(?:long|many\s+(?:years|months|yrs))\b|\bhw\s+long\b",
                      re.IGNORECASE)
# "wats band 3 on", "how much do band 2s get": the pay of an NHS band itself.
BAND = re.compile(r"\bband\s*([1-9])s?\b", re.IGNORECASE)
# "is that before tax", "what would i take home": the pay quoted is gross.
TAX = re.compile(r"\btax(?:ed|es)?\b|take[\s-]*home|\bnet\b|deductions|national insurance"
                 r"|\bgross\b|in (?:my|your|the) (?:hand|pocket)", re.IGNORECASE)
# Texting words that NLU may take for a role: "rn" at the end of a message is "right now".
NOT_A_ROLE_AT_THE_END = ("rn",)

Slots = dict[str, Any]


@dataclass(frozen=True)
class Turn:
    """The latest message (text and entities), the slots before it, and the day it was sent."""

    text: str
    day: date
    entities: Mapping[str, str] = field(default_factory=dict)
    slots: Mapping[str, Any] = field(default_factory=dict)
    said: Mapping[str, str] = field(default_factory=dict)  # each entity's words as typed

    def entity(self, name: str) -> str | None:
        value = self.entities.get(name)
        return str(value) if value not in (None, "") else None

    def slot(self, name: str) -> str | None:
        value = self.slots.get(name)
        return str(value) if value not in (None, "") else None

    def entity_or_slot(self, name: str) -> str | None:
        return self.entity(name) or self.slot(name)


@dataclass(frozen=True)
class Reply:
    answer: Answer
    slots: Slots = field(default_factory=dict)


def is_follow_up(text: str) -> bool:
    """A message that asks the question before again with something changed."""
    return FOLLOW_UP.search(text) is not None


def changes_the_person(turn: Turn) -> bool:
    """The message names a role, an age or apprenticeship: something a topic depends on."""
    return any(turn.entity(name) is not None for name in ("role", "age", "qualification")) \
        or APPRENTICE.search(turn.text) is not None


def asks_about_next_year(text: str) -> bool:
    return NEXT_YEAR.search(text) is not None


def asks_how_long(text: str) -> bool:
    return HOW_LONG.search(text) is not None


def asks_about_tax(text: str) -> bool:
    return TAX.search(text) is not None


def band_named(content: CareersContent, turn: Turn) -> int | None:
    """The NHS band whose pay the message asks about, when it names a band and no role."""
    found = BAND.search(turn.text)
    if found is None or named_role(content, turn) is not None:
        return None
    number = int(found.group(1))
    return number if number in content.pay.agenda_for_change.band_numbers() else None


def counts_qualifications(text: str, value: str | None) -> bool:
    """Whether `value`, an age NLU found in `text`, is a number of qualifications there."""
    counted = {match.group(1) for match in QUALIFICATION_COUNT.finditer(text)}
    return value is not None and str(value).strip() in counted


# What comes before a job the person does now: "i work as a carer", "im a senior carer".
DOES_NOW = re.compile(r"(?:\bas|\bi'?m|\bi am|\bcurrently|\bnow)\s+an?\s*$", re.IGNORECASE)


def current_role_among(text: str, roles: list[tuple[str, int]]) -> tuple[str, str] | None:
    """For two roles NLU found as wanted ((value, start) each) and none as done now, the
    (current, wanted) pair when the words before one say the person does it now ("i work
    as a carer now, how could i end up a nurse"); None otherwise."""
    if len(roles) != 2 or roles[0][0] == roles[1][0]:
        return None
    for index, (value, start) in enumerate(roles):
        if DOES_NOW.search(text[max(0, start - 20):start]):
            return value, roles[1 - index][0]
    return None


def not_an_age(text: str, value: str | None) -> bool:
    """Whether `value`, an age NLU found in `text`, is really a count of qualifications or
    the number of a band, level, grade or school year there ("whats band 5 on")."""
    numbered = {match.group(1) for match in NUMBERED.finditer(text)}
    return counts_qualifications(text, value) or (
        value is not None and str(value).strip() in numbered)


def parse_years(value: str | None) -> int | None:
    """The age in an entity or slot value ("19", "19 years old"), or None."""
    if value is None:
        return None
    match = re.search(r"\d{1,3}", value)
    if match is None:
        return None
    years = int(match.group())
    return years if 5 <= years <= 110 else None


def person_in(turn: Turn) -> Person:
    """Who is asking: age, apprentice now or soon, and first year (None when not said)."""
    found = turn.entity("age")
    age = None if not_an_age(turn.text, found) else parse_years(found)
    if age is None:
        said = STATED_AGE.search(turn.text)
        stated = next((group for group in said.groups() if group), None) if said else None
        age = parse_years(stated or turn.slot("age"))
    names_role = turn.entity("role") is not None
    apprentice = bool(APPRENTICE.search(turn.text)) or (
        turn.slots.get("is_apprentice") is True and not names_role
    )
    first_year: bool | None = None
    if LATER_YEAR.search(turn.text):
        first_year = False
    elif FIRST_YEAR.search(turn.text):
        first_year = True
    return Person(age=age, apprentice=apprentice, first_year=first_year)


def lookalike_in(content: CareersContent, text: str) -> Role | None:
    """The role whose look-alike job (such as an EMT for a paramedic) the text names."""
    words = f" {normalise(text)} "
    for role in content.roles:
        if role.not_the_same and any(
            f" {normalise(word)} " in words for word in role.not_the_same.words
        ):
            return role
    return None


def named_role(content: CareersContent, turn: Turn) -> str | None:
    """The role named in the latest message: its entity, or role words in its text.

    Role words in the text win over an entity that is only part of them ("senior" in
    "senior healthcare support worker"); "rn" ending a message means "right now".
    """
    role = turn.entity("role")
    typed = normalise(turn.said.get("role", ""))
    if role is not None and typed in NOT_A_ROLE_AT_THE_END and _ends_with(turn.text, typed):
        role = None
    phrases = ((r, [p for p in role_phrases(r) if len(p) > 3]) for r in content.roles)
    found = best_match(turn.text, phrases)
    if role is None:
        return found.code if found else None
    if found is not None and typed and found.code != role and _covers(found, typed):
        return found.code
    return role


def _ends_with(text: str, word: str) -> bool:
    words = normalise(text).split()
    return bool(words) and words[-1] == word


def _covers(role: Role, typed: str) -> bool:
    """Whether one of `role`'s longer phrases contains the words typed for the entity."""
    return any(f" {typed} " in f" {phrase} " and phrase != typed for phrase in role_phrases(role))


def topic_role(content: CareersContent, turn: Turn, person: Person) -> str | None:
    """The role a pay question is about; None when the question is about pay in general."""
    named = named_role(content, turn)
    if named is not None:
        return named
    general = APPRENTICE.search(turn.text) or MINIMUM_WAGE.search(turn.text)
    return None if general else turn.slot("role")


# Replies, one per question.


def pay_reply(content: CareersContent, turn: Turn) -> Reply:
    """Pay for the role, band or person asked about; "before tax?" is answered as well."""
    if not asks_about_tax(turn.text):
        return _pay_reply(content, turn)
    if named_role(content, turn) is None and band_named(content, turn) is None \
            and not changes_the_person(turn):
        return Reply(answers.before_tax_answer(content))
    reply = _pay_reply(content, turn)
    text = f"{before_tax(content)}\n{reply.answer.text}"
    return Reply(Answer(text, reply.answer.buttons), reply.slots)


def _pay_reply(content: CareersContent, turn: Turn) -> Reply:
    lookalike = lookalike_in(content, turn.text)
    if lookalike is not None:
        return Reply(answers.lookalike_answer(content, lookalike))
    band = band_named(content, turn)
    if band is not None:
        try:
            return Reply(answers.band_answer(content, band, turn.day))
        except NoPayRate:
            return Reply(no_pay_rate_answer(content))
    person = person_in(turn)
    role = topic_role(content, turn, person)
    asks_in_general = person.apprentice or person.age is not None or bool(
        MINIMUM_WAGE.search(turn.text))
    if role is None and not asks_in_general:
        return Reply(answers.roles_overview(content))
    try:
        code = get_role(content, role).code if role else None
        answer = answers.pay_answer(content, code, person, turn.day)
    except UnknownRole:
        return Reply(answers.unknown_role_answer(content, str(role)), {"role": None})
    except NoPayRate:
        return Reply(no_pay_rate_answer(content))
    return Reply(answer, {"role": code} if code else {})


def no_pay_rate_answer(content: CareersContent) -> Answer:
    return Answer(catalogue.text("careers.pay.no_rates",
                                 check_at=content.pay.minimum_wage.check_at))


def role_info_reply(content: CareersContent, turn: Turn) -> Reply:
    lookalike = lookalike_in(content, turn.text)
    if lookalike is not None:
        return Reply(answers.lookalike_answer(content, lookalike))
    return _about_role(content, turn, lambda code: answers.role_info(content, code))


def entry_reply(content: CareersContent, turn: Turn) -> Reply:
    lookalike = lookalike_in(content, turn.text)
    if lookalike is not None:
        return Reply(answers.lookalike_answer(content, lookalike))
    age = person_in(turn).age
    start = stated_start(content, turn)
    if start is not None and named_role(content, turn) is not None:
        return path_reply(content, turn)
    return _about_role(content, turn,
                       lambda code: answers.entry_requirements(content, code, age))


def _about_role(content: CareersContent, turn: Turn, answer: Callable[[str], Answer]) -> Reply:
    wanted = named_role(content, turn) or turn.slot("role")
    if wanted is None:
        return Reply(answers.roles_overview(content))
    try:
        role = get_role(content, wanted)
    except UnknownRole:
        return Reply(answers.unknown_role_answer(content, wanted), {"role": None})
    return Reply(answer(role.code), {"role": role.code})


def stated_start(content: CareersContent, turn: Turn) -> str | None:
    """The starting point or current role named in the latest message, if any."""
    point = next((p.code for p in content.starting_points
                  if _says(turn.text, (p.name, *p.aliases))), None)
    now = current_role_in(content, turn, named_role(content, turn))
    candidates = (now, turn.entity("qualification"), point)
    return next((c for c in candidates if c is not None and _known_start(content, c)), None)


def starting_point(content: CareersContent, turn: Turn) -> str:
    """Where the person starts from: named now, else said before, else no qualifications."""
    before = (turn.slot("current_role"), turn.slot("qualification"))
    earlier = next((c for c in before if c is not None and _known_start(content, c)), None)
    return stated_start(content, turn) or earlier or DEFAULT_START


def _known_start(content: CareersContent, text: str) -> bool:
    try:
        find_start(content, text)
    except UnknownRole:
        return False
    return True


def _says(text: str, phrases: tuple[str, ...]) -> bool:
    words = f" {normalise(text)} "
    return any(len(phrase) > 4 and f" {normalise(phrase)} " in words for phrase in phrases)


def path_reply(content: CareersContent, turn: Turn) -> Reply:
    target = named_role(content, turn)
    now = current_role_in(content, turn, target)
    if target is not None and now is not None and target == now:
        target = None
    if target is None and now is None and asks_how_long(turn.text):
        target = route_in_context(turn)
    age = person_in(turn).age
    try:
        if target is not None:
            role = get_role(content, target)
            start = starting_point(content, turn)
            return Reply(answers.route_answer(content, start, role.code, age),
                         {"role": role.code})
        after = now or turn.slot("role") or turn.slot("current_role")
        if after is None:
            return Reply(answers.roles_overview(content))
        role = get_role(content, after)
        return Reply(answers.next_steps_answer(content, role.code), {"role": role.code})
    except UnknownRole as error:
        return Reply(answers.unknown_role_answer(content, str(error.value)))
    except NoRoute as error:
        return Reply(answers.no_route_answer(content, error))


def route_in_context(turn: Turn) -> str | None:
    """The role the conversation is heading for: in context, unless the person does it now."""
    role = turn.slot("role")
    return role if role is not None and role != turn.slot("current_role") else None


def current_role_in(content: CareersContent, turn: Turn, target: str | None) -> str | None:
    """The role the person does now, unless its words are part of the role they want."""
    now = turn.entity("current_role")
    typed = normalise(turn.said.get("current_role", ""))
    wanted = content.role(target) if target else None
    if now is not None and wanted is not None and typed and _covers(wanted, typed):
        return None
    return now


def levels_reply(content: CareersContent, turn: Turn) -> Reply:
    return Reply(answers.apprenticeship_levels(content, person_in(turn).age))


def rotational_reply(content: CareersContent, turn: Turn) -> Reply:
    return Reply(answers.rotational_programmes(content))


def pathway_reply(content: CareersContent, turn: Turn) -> Reply:
    return Reply(answers.graduate_pathway(content))


def roles_reply(content: CareersContent, turn: Turn) -> Reply:
    return Reply(answers.roles_overview(content))


# The reply function for each intent the careers actions answer.
REPLIES: dict[str, Callable[[CareersContent, Turn], Reply]] = {
    "ask_pay": pay_reply,
    "ask_role_info": role_info_reply,
    "ask_entry_requirements": entry_reply,
    "ask_career_path": path_reply,
    "ask_apprenticeships": levels_reply,
    "ask_rotational_apprenticeship": rotational_reply,
    "ask_graduate_pathway": pathway_reply,
    "ask_roles": roles_reply,
}
