"""Short replies for a phone screen: a few lines of plain text, ending with a next step.

Rasa actions call these and send `answer.text` with `answer.rasa_buttons()`.
Business errors (`UnknownRole`, `NoRoute`, `NoPayRate`) pass through to the caller;
`unknown_role_answer` and `no_route_answer` turn the first two into replies. The words
around the facts are texts of content/texts/en/careers.yml.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

from carecareers import catalogue
from carecareers.careers.errors import NoRoute
from carecareers.careers.ladder import Route, Step, earn_while_you_learn, next_steps, plan_route
from carecareers.careers.pay import Person, before_tax, minimum_wage_pay, nhs_band_pay, role_pay
from carecareers.careers.phrasing import (
    capitalised,
    dated_line,
    duration,
    listed,
    month_year,
    with_article,
)
from carecareers.careers.records import CareersContent, Role, Source
from carecareers.careers.roles import get_role

# The sectors, in the order the list of jobs gives them (their names: careers.sectors).
SECTORS = ("nhs", "social_care", "both")
# Starting points that may not have English and maths yet.
NO_ENGLISH_AND_MATHS_YET = ("no_qualifications",)
Fact = tuple[date | None, Source | None]


@dataclass(frozen=True)
class Answer:
    text: str
    buttons: tuple[tuple[str, str], ...] = ()

    def rasa_buttons(self) -> list[dict[str, str]]:
        """Return the buttons as `dispatcher.utter_message(buttons=...)` wants them."""
        return [{"title": title, "payload": payload} for title, payload in self.buttons]


def intent_payload(intent: str, **entities: str) -> str:
    """Write a Rasa intent payload: '/ask_pay{"role":"registered_nurse"}'."""
    if not entities:
        return f"/{intent}"
    return f"/{intent}{json.dumps(entities, separators=(',', ':'))}"


def role_info(content: CareersContent, role: str) -> Answer:
    found = get_role(content, role)
    phrases = content.role_phrases
    registration = phrases.say("no_registration")
    if found.registration:
        registration = phrases.say("registers", body=found.registration)
    lines = [
        catalogue.text("careers.role_info.heading", role=capitalised(found.name),
                       sector=sector_name(found.sector)),
        found.summary,
        registration,
        dated_line([(found.as_of, found.source)]),
    ]
    buttons = [_pay_button(found), _entry_button(found)]
    if found.next:
        buttons.append((catalogue.text("careers.buttons.what_comes_next"),
                        intent_payload("ask_career_path", current_role=found.code)))
    buttons.append((catalogue.text("careers.buttons.real_stories"),
                    intent_payload("ask_story", role=found.code)))
    return Answer("\n".join(lines), tuple(buttons))


def lookalike_answer(content: CareersContent, role: Role) -> Answer:
    """Say that the words the person used name a different job from `role`."""
    note = role.not_the_same.note if role.not_the_same else ""
    lines = [note, dated_line([(role.as_of, role.source)])]
    return Answer("\n".join(lines), (_info_button(role), _pay_button(role)))


def pay_answer(content: CareersContent, role: str | None, person: Person, on: date) -> Answer:
    """Pay for this person on `on`: for `role`, or the minimum wage when no role is named.

    Raise `NoPayRate` when no table is in force on `on`, `UnknownRole` for a role not known.
    """
    if role is None:
        return Answer(minimum_wage_pay(content, person, on).text, (_jobs_anywhere(),))
    found = get_role(content, role)
    text = role_pay(content, found.code, person, on).text
    return Answer(text, (_jobs_button(found), _entry_button(found)))


def band_answer(content: CareersContent, band: int, on: date) -> Answer:
    """What NHS band `band` pays; raise `NoPayRate` when no table on `on` has it."""
    return Answer(nhs_band_pay(content, band, on).text, (_jobs_anywhere(),))


def before_tax_answer(content: CareersContent) -> Answer:
    return Answer(before_tax(content), (_jobs_anywhere(),))


def entry_requirements(content: CareersContent, role: str, age: int | None = None) -> Answer:
    found = get_role(content, role)
    phrases = content.role_phrases
    facts: list[Fact] = [(found.as_of, found.source)]
    lines = [phrases.say("how_to_become", role=with_article(found.name))]
    lines += [bullet(way) for way in found.entry]
    training = found.apprenticeship
    levels = (training.level,) if training is not None else ()
    english = english_and_maths(content, (found,), levels, age)
    if english is not None:
        lines.append(english[0])
        facts.append(english[1])
    if training is not None and training.months:
        lines.append(phrases.say("training_time", level=training.level,
                                 duration=duration(training.months)))
        facts.append((training.as_of, training.source))
    if found.registration:
        lines.append(phrases.say("then_register", body=found.registration))
    lines.append(dated_line(facts))
    return Answer("\n".join(lines), (_plan_button(found.code), _pay_button(found)))


def english_and_maths(content: CareersContent, roles: Iterable[Role],
                      apprenticeship_levels: Collection[int], age: int | None
                      ) -> tuple[str, Fact] | None:
    """What to say about English and maths on the way to `roles` (the one aimed for first).

    A role's own entry requirement wins: the apprenticeship funding rule never lifts it.
    Otherwise, for apprenticeships, the funding rule for this age and these levels.
    """
    rules = content.levels.english_and_maths
    for role in roles:
        required = rules.requirement(role.english_and_maths) if role.english_and_maths else None
        if required is not None:
            return required.says, (required.as_of, required.source)
    if not apprenticeship_levels:
        return None
    return rules.funding_rule(age, apprenticeship_levels), (rules.starts, rules.source)


def route_answer(
    content: CareersContent, start: str, target: str, age: int | None = None
) -> Answer:
    """Set out the route from `start` to `target`; raise `UnknownRole` or `NoRoute`."""
    route = plan_route(content, start, target, age)
    if not route.steps:
        return next_steps_answer(content, route.target.code)
    lines = [catalogue.text("careers.route.heading", start=route.start_name,
                            target=route.target.name)]
    lines += [numbered(i, step_line(step)) for i, step in enumerate(route.steps, start=1)]
    if route.months is not None:
        lines.append(catalogue.text("careers.route.total",
                                    duration=capitalised(duration(route.months))))
    facts = [(step.as_of, step.source) for step in route.steps]
    other = earn_while_you_learn(content, route, age)
    if other is not None:
        lines.append(earn_while_you_learn_line(other))
        facts += [(step.as_of, step.source) for step in other.steps]
    english = route_english_and_maths(content, route, other, age)
    if english is not None:
        lines.append(english[0])
        facts.append(english[1])
    if route.target.registration:
        lines.append(content.role_phrases.say("then_register",
                                              body=short_name(route.target.registration)))
        facts.append((route.target.as_of, route.target.source))
    lines.append(dated_line(facts))
    first = next((s.role for s in route.steps if isinstance(s.role, Role)), route.target)
    return Answer("\n".join(lines), (_jobs_button(first), _interest_button()))


def earn_while_you_learn_line(other: Route) -> str:
    """The way in that starts with a job rather than study: "Or earn while you learn: ..."."""
    steps = " → ".join(step.role.name for step in other.steps)
    if other.months:
        return catalogue.text("careers.route.earn_while_you_learn_time", steps=steps,
                              duration=duration(other.months))
    return catalogue.text("careers.route.earn_while_you_learn", steps=steps)


def route_english_and_maths(content: CareersContent, route: Route, other: Route | None,
                            age: int | None) -> tuple[str, Fact] | None:
    """English and maths on a route: the target's own requirement, or one on the way;
    else the funding rule for the route's apprenticeships (or, from no qualifications, any)."""
    steps = [*route.steps, *(other.steps if other else ())]
    roles = [route.target, *(step.role for step in steps if isinstance(step.role, Role))]
    levels = {step.level for step in steps if "apprenticeship" in step.how.lower() and step.level}
    if not levels and route.start in NO_ENGLISH_AND_MATHS_YET:
        levels = set(range(2, 8))
    return english_and_maths(content, roles, levels, age)


def short_name(body: str) -> str:
    """The short name of a body: "the Nursing and Midwifery Council (NMC)" -> "the NMC"."""
    found = re.search(r"\(([A-Z]{2,})\)", body)
    if found is None:
        return body
    short = found.group(1)
    if not body.startswith("the "):
        return short
    return catalogue.text("careers.pieces.the_body", short=short)


def next_steps_answer(content: CareersContent, current_role: str) -> Answer:
    found = get_role(content, current_role)
    steps = next_steps(content, found.code)
    if not steps:
        top = catalogue.text("careers.next_steps.top", role=capitalised(with_article(found.name)))
        return Answer(top, (_interest_button(),))
    lines = [catalogue.text("careers.next_steps.heading", role=found.name)]
    for step in steps:
        lines += [bullet(capitalised(step.role.name)),
                  catalogue.text("careers.next_steps.how", how=step_how(step))]
    lines.append(catalogue.text("careers.next_steps.tap"))
    lines.append(dated_line([(step.as_of, step.source) for step in steps]))
    buttons = tuple(
        (capitalised(step.role.name), intent_payload("ask_role_info", role=step.role.code))
        for step in steps
    )
    return Answer("\n".join(lines), buttons)


def step_line(step: Step) -> str:
    return catalogue.text("careers.pieces.step", role=capitalised(step.role.name),
                          how=step_how(step))


def step_how(step: Step) -> str:
    """How the step is made, with its typical time unless `how` already says it."""
    said = "year" in step.how or "month" in step.how
    return how_with_time(step.how, None if said else step.months)


def how_with_time(how: str, months: int | None) -> str:
    """How a step is made, and its typical time when there is one: "Level 3 (about 1 year)"."""
    if not months:
        return how
    return catalogue.text("careers.pieces.how_with_time", how=how, duration=duration(months))


def bullet(item: str) -> str:
    """A line of a list: "• Care worker"."""
    return catalogue.text("careers.pieces.bullet", item=item)


def numbered(number: int, step: str) -> str:
    """A numbered line: "1. Care worker: ..."."""
    return catalogue.text("careers.pieces.numbered", number=number, step=step)


def apprenticeship_levels(content: CareersContent, age: int | None = None) -> Answer:
    levels = content.levels
    rules = levels.english_and_maths
    lines = [levels.phrases.say("what_it_is")]
    for level in levels.levels:
        lines.append(levels.phrases.say("level", name=level.name,
                                        levels=level_numbers(level.levels),
                                        equivalent=level.equivalent))
    lines.append(levels.foundation.says)
    lines.append(rules.funding_rule(age))
    facts: list[Fact] = [(level.as_of, level.source) for level in levels.levels]
    facts += [(rules.starts, rules.source), (levels.foundation.starts, levels.foundation.source)]
    lines.append(dated_line(facts))
    pathway = (catalogue.text("careers.buttons.graduate_pathway"),
               intent_payload("ask_graduate_pathway"))
    return Answer("\n".join(lines), (_roles_button(), pathway))


def level_numbers(levels: tuple[int, ...]) -> str:
    """Say "level 2" or "levels 4 and 5"."""
    if len(levels) == 1:
        return catalogue.text("careers.levels.one", level=levels[0])
    return catalogue.text("careers.levels.many", levels=listed([str(n) for n in levels]))


def rotational_programmes(content: CareersContent) -> Answer:
    """What the sources said about the rotational programmes, as history on their date."""
    phrases = content.programme_phrases
    advertised = [p for p in content.programmes if p.status == "advertised"]
    planned = [p.topic for p in content.programmes if p.status == "in_development"]
    lines = [phrases.say("what_it_is")]
    for programme in advertised:
        lines.append(phrases.say("advertised", month=month_year(programme.as_of),
                                 area=programme.area, places=programme.places,
                                 topic=programme.topic))
        lines.append(programme.summary)
    if planned:
        lines.append(phrases.say("planned", topics=listed(planned)))
    lines.append(phrases.say("no_news"))
    lines.append(dated_line([(p.as_of, p.source) for p in content.programmes]))
    buttons = (
        (catalogue.text("careers.buttons.yes_contact_me"), intent_payload("register_interest")),
        (catalogue.text("careers.buttons.apprenticeship_levels"),
         intent_payload("ask_apprenticeships")),
    )
    return Answer("\n".join(lines), buttons)


def graduate_pathway(content: CareersContent) -> Answer:
    pathway = content.graduate_pathway
    lines = [pathway.name, pathway.summary]
    for i, stage in enumerate(pathway.stages, start=1):
        role = content.role(stage.role)
        name = capitalised(role.name) if role else stage.role
        step = catalogue.text("careers.pieces.step", role=name,
                              how=how_with_time(stage.how, stage.months))
        lines.append(numbered(i, step))
    lines.append(pathway.other_routes)
    lines.append(dated_line([(stage.as_of, stage.source) for stage in pathway.stages]))
    last = pathway.stages[-1].role if pathway.stages else ""
    return Answer("\n".join(lines), (_plan_button(last), _interest_button()))


def roles_overview(content: CareersContent) -> Answer:
    lines = [catalogue.text("careers.roles.heading")]
    for sector in SECTORS:
        names = [role.name for role in content.roles if role.sector == sector]
        if names:
            lines.append(catalogue.text("careers.roles.sector",
                                        sector=capitalised(sector_name(sector)),
                                        roles=", ".join(names)))
    lines.append(catalogue.text("careers.roles.question"))
    return Answer("\n".join(lines), tuple(_info_button(role) for role in starter_roles(content)))


def starter_roles(content: CareersContent) -> list[Role]:
    """Roles to offer first: the first rungs from the first starting point, then the pathway."""
    codes = list(content.starting_points[0].next) if content.starting_points else []
    codes += [stage.role for stage in content.graduate_pathway.stages]
    roles = (content.role(code) for code in dict.fromkeys(codes))
    return [role for role in roles if role is not None]


def unknown_role_answer(content: CareersContent, text: str) -> Answer:
    names = listed([role.name for role in starter_roles(content)], "or")
    reply = catalogue.text("careers.unknown_role.sorry", text=text, roles=names)
    buttons = (_roles_button(),)
    return Answer(reply, buttons + tuple(_info_button(r) for r in starter_roles(content)))


def no_route_answer(content: CareersContent, error: NoRoute) -> Answer:
    target = get_role(content, error.target)
    start = content.starting_point(error.start) or content.role(error.start)
    start_name = start.name if start else error.start
    lines = [catalogue.text("careers.no_route.heading", start=start_name, target=target.name)]
    lines.append(catalogue.text("careers.no_route.ways_in", role=with_article(target.name)))
    lines += [bullet(way) for way in target.entry]
    lines.append(catalogue.text("careers.no_route.adviser"))
    person = (catalogue.text("careers.buttons.talk_to_a_person"), intent_payload("human_handoff"))
    buttons = (_interest_button(), person)
    return Answer("\n".join(lines), buttons)


def sector_name(sector: str) -> str:
    """What a sector is called: "NHS", "social care"."""
    return catalogue.text(f"careers.sectors.{sector}")


def _pay_button(role: Role) -> tuple[str, str]:
    return (catalogue.text("careers.buttons.pay"), intent_payload("ask_pay", role=role.code))


def _entry_button(role: Role) -> tuple[str, str]:
    return (catalogue.text("careers.buttons.how_to_get_in"),
            intent_payload("ask_entry_requirements", role=role.code))


def _plan_button(role: str) -> tuple[str, str]:
    return (catalogue.text("careers.buttons.plan_my_route"),
            intent_payload("ask_career_path", role=role))


def _roles_button() -> tuple[str, str]:
    return (catalogue.text("careers.buttons.jobs_in_care"), intent_payload("ask_roles"))


def _jobs_anywhere() -> tuple[str, str]:
    return (catalogue.text("careers.buttons.jobs_near_me"), intent_payload("search_vacancies"))


def _jobs_button(role: Role) -> tuple[str, str]:
    return (catalogue.text("careers.buttons.jobs_near_me"),
            intent_payload("search_vacancies", role=role.code))


def _info_button(role: Role) -> tuple[str, str]:
    return (capitalised(role.name), intent_payload("ask_role_info", role=role.code))


def _interest_button() -> tuple[str, str]:
    return (catalogue.text("careers.buttons.contact_me"), intent_payload("register_interest"))
