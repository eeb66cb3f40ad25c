"""Short replies for a phone screen: a few lines of plain text, ending with a next step.

Rasa actions call these and send `answer.text` with `answer.rasa_buttons()`.
Business errors (`UnknownRole`, `NoRoute`, `NoPayRate`) pass through to the caller;
`unknown_role_answer` and `no_route_answer` turn the first two into replies.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from carecareers.careers.errors import NoRoute
from carecareers.careers.ladder import Step, next_steps, plan_route
from carecareers.careers.pay import format_pay, pay_for
from carecareers.careers.phrasing import capitalised, duration, with_article
from carecareers.careers.records import CareersContent, Role
from carecareers.careers.roles import get_role

SECTORS = {"nhs": "NHS", "social_care": "social care", "both": "NHS and social care"}


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
    registration = "No registration needed."
    if found.registration:
        registration = f"Registered with: {found.registration}."
    lines = [
        f"{capitalised(found.name)} ({SECTORS[found.sector]})",
        found.summary,
        registration,
        "Want to know the pay or how to get in?",
    ]
    buttons = [_pay_button(found), _entry_button(found)]
    if found.next:
        buttons.append(
            ("What comes next", intent_payload("ask_career_path", current_role=found.code))
        )
    return Answer("\n".join(lines), tuple(buttons))


def pay_answer(
    content: CareersContent,
    role: str,
    age: int | None = None,
    on: date | None = None,
    apprentice: bool = False,
    first_year: bool = False,
) -> Answer:
    found = get_role(content, role)
    pay = pay_for(content, found.code, age, on, apprentice, first_year)
    sentence = format_pay(pay)
    text = f"{sentence}\nWant to see jobs near you?"
    return Answer(text, (_jobs_button(found), _entry_button(found)))


def entry_requirements(content: CareersContent, role: str) -> Answer:
    found = get_role(content, role)
    lines = [f"How to become {with_article(found.name)}:"]
    lines += [f"• {way}" for way in found.entry]
    if found.apprenticeship is not None and found.apprenticeship.level == 3:
        lines.append(content.levels.english_and_maths)
    if found.registration:
        lines.append(f"Then you register with: {found.registration}.")
    lines.append("Want a plan from where you are now?")
    plan = ("Plan my route", intent_payload("ask_career_path", role=found.code))
    return Answer("\n".join(lines), (plan, _pay_button(found)))


def route_answer(content: CareersContent, start: str, target: str) -> Answer:
    """Set out the route from `start` to `target`; raise `UnknownRole` or `NoRoute`."""
    route = plan_route(content, start, target)
    if not route.steps:
        return next_steps_answer(content, route.target.code)
    lines = [f"From {route.start_name} to {route.target.name}:"]
    lines += [f"{i}. {step_line(step)}" for i, step in enumerate(route.steps, start=1)]
    if route.months is not None:
        lines.append(f"{capitalised(duration(route.months))} in all (typical times).")
    lines.append("Want to find your first step near you?")
    first = route.steps[0].role
    return Answer("\n".join(lines), (_jobs_button(first), _interest_button()))


def next_steps_answer(content: CareersContent, current_role: str) -> Answer:
    found = get_role(content, current_role)
    steps = next_steps(content, found.code)
    if not steps:
        text = (
            f"{capitalised(with_article(found.name))} is at the top of this ladder in my guide. "
            "An adviser can tell you about specialising or leading a team.\n"
            "Want an adviser to contact you?"
        )
        return Answer(text, (_interest_button(),))
    lines = [f"After {found.name} you could go for:"]
    lines += [f"• {step_line(step)}" for step in steps]
    lines.append("Which one interests you?")
    buttons = tuple(
        (capitalised(step.role.name), intent_payload("ask_role_info", role=step.role.code))
        for step in steps
    )
    return Answer("\n".join(lines), buttons)


def step_line(step: Step) -> str:
    time = f" ({duration(step.months)})" if step.months else ""
    return f"{capitalised(step.role.name)}: {step.how}{time}"


def apprenticeship_levels(content: CareersContent) -> Answer:
    lines = ["An apprenticeship is a paid job with training: you earn while you learn."]
    for level in content.levels.levels:
        lines.append(f"• {level.name} ({level_numbers(level.levels)}): like {level.equivalent}")
    lines.append("Which job would you like to train for?")
    buttons = (
        ("Jobs in care", intent_payload("ask_roles")),
        ("Graduate pathway", intent_payload("ask_graduate_pathway")),
    )
    return Answer("\n".join(lines), buttons)


def level_numbers(levels: tuple[int, ...]) -> str:
    """Say "level 2" or "levels 4 and 5"."""
    if len(levels) == 1:
        return f"level {levels[0]}"
    return f"levels {_listed([str(n) for n in levels])}"


def rotational_programmes(content: CareersContent) -> Answer:
    running = [p for p in content.programmes if p.status == "running"]
    coming = [p.topic for p in content.programmes if p.status == "in_development"]
    areas = " and ".join(dict.fromkeys(p.area for p in content.programmes)) or "your area"
    lines = [f"Rotational apprenticeships in {areas} move you between different care teams."]
    for programme in running:
        age = (
            f" Apprentices have started from age {programme.min_age}." if programme.min_age else ""
        )
        lines.append(f"Running now: {programme.name}. {programme.summary}{age}")
    if coming:
        lines.append(f"Coming soon: {_listed(coming)}.")
    lines.append("Want a local provider to contact you?")
    buttons = (
        ("Yes, contact me", intent_payload("register_interest")),
        ("Apprenticeship levels", intent_payload("ask_apprenticeships")),
    )
    return Answer("\n".join(lines), buttons)


def graduate_pathway(content: CareersContent) -> Answer:
    pathway = content.graduate_pathway
    lines = [pathway.name, pathway.summary]
    for i, stage in enumerate(pathway.stages, start=1):
        role = content.role(stage.role)
        name = capitalised(role.name) if role else stage.role
        time = f" ({duration(stage.months)})" if stage.months else ""
        lines.append(f"{i}. {name}: {stage.how}{time}")
    lines.append(pathway.other_routes)
    lines.append("Want to plan your own route?")
    last = pathway.stages[-1].role if pathway.stages else ""
    plan = ("Plan my route", intent_payload("ask_career_path", role=last))
    return Answer("\n".join(lines), (plan, _interest_button()))


def roles_overview(content: CareersContent) -> Answer:
    lines = ["Jobs in health and social care include:"]
    for sector, label in SECTORS.items():
        names = [role.name for role in content.roles if role.sector == sector]
        if names:
            lines.append(f"• {capitalised(label)}: {', '.join(names)}")
    lines.append("Which one would you like to hear about?")
    return Answer("\n".join(lines), tuple(_info_button(role) for role in starter_roles(content)))


def starter_roles(content: CareersContent) -> list[Role]:
    """Roles to offer first: the first rungs from the first starting point, then the pathway."""
    codes = list(content.starting_points[0].next) if content.starting_points else []
    codes += [stage.role for stage in content.graduate_pathway.stages]
    roles = (content.role(code) for code in dict.fromkeys(codes))
    return [role for role in roles if role is not None]


def unknown_role_answer(content: CareersContent, text: str) -> Answer:
    names = _listed([role.name for role in starter_roles(content)], "or")
    reply = f'Sorry, I don\'t know the job "{text}". Try {names}.\nOr see the list of jobs in care.'
    buttons = (("Jobs in care", intent_payload("ask_roles")),)
    return Answer(reply, buttons + tuple(_info_button(r) for r in starter_roles(content)))


def no_route_answer(content: CareersContent, error: NoRoute) -> Answer:
    target = get_role(content, error.target)
    start = content.starting_point(error.start) or content.role(error.start)
    start_name = start.name if start else error.start
    lines = [f"I don't have a route from {start_name} to {target.name} in my guide yet."]
    lines.append(f"Ways to become {with_article(target.name)}:")
    lines += [f"• {way}" for way in target.entry]
    lines.append("Want an adviser to help you plan?")
    buttons = (_interest_button(), ("Talk to a person", intent_payload("human_handoff")))
    return Answer("\n".join(lines), buttons)


def _listed(items: list[str], joiner: str = "and") -> str:
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {joiner} {items[-1]}"


def _pay_button(role: Role) -> tuple[str, str]:
    return ("Pay", intent_payload("ask_pay", role=role.code))


def _entry_button(role: Role) -> tuple[str, str]:
    return ("How to get in", intent_payload("ask_entry_requirements", role=role.code))


def _jobs_button(role: Role) -> tuple[str, str]:
    return ("Jobs near me", intent_payload("search_vacancies", role=role.code))


def _info_button(role: Role) -> tuple[str, str]:
    return (capitalised(role.name), intent_payload("ask_role_info", role=role.code))


def _interest_button() -> tuple[str, str]:
    return ("Contact me", intent_payload("register_interest"))
