"""Careers content: roles, pay, the career ladder and the replies built from them.

Load once with `load_content(get_settings().content_dir)` and pass the result in.
"""

from carecareers.careers.answers import (
    Answer,
    apprenticeship_levels,
    entry_requirements,
    graduate_pathway,
    lookalike_answer,
    next_steps_answer,
    no_route_answer,
    pay_answer,
    role_info,
    roles_overview,
    rotational_programmes,
    route_answer,
    unknown_role_answer,
)
from carecareers.careers.content import load_content
from carecareers.careers.errors import CareersError, ContentError, NoPayRate, NoRoute, UnknownRole
from carecareers.careers.ladder import Route, Step, next_steps, plan_route
from carecareers.careers.pay import Person, minimum_wage_pay, role_pay
from carecareers.careers.records import CareersContent, Role
from carecareers.careers.roles import find_role, get_role

__all__ = [
    "Answer",
    "CareersContent",
    "CareersError",
    "ContentError",
    "NoPayRate",
    "NoRoute",
    "Person",
    "Role",
    "Route",
    "Step",
    "UnknownRole",
    "apprenticeship_levels",
    "entry_requirements",
    "find_role",
    "get_role",
    "graduate_pathway",
    "load_content",
    "next_steps",
    "next_steps_answer",
    "no_route_answer",
    "pay_answer",
    "role_pay",
    "minimum_wage_pay",
    "lookalike_answer",
    "plan_route",
    "role_info",
    "roles_overview",
    "rotational_programmes",
    "route_answer",
    "unknown_role_answer",
]
