"""Personal routes up the career ladder, from the real ladder content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from carecareers.careers.content import load_content
from carecareers.careers.errors import NoRoute, UnknownRole
from carecareers.careers.ladder import earn_while_you_learn, next_steps, plan_route
from carecareers.careers.records import CareersContent
from carecareers.settings import PROJECT_ROOT

CONTENT_DIR = PROJECT_ROOT / "content"


@pytest.fixture(scope="module")
def content() -> CareersContent:
    return load_content(CONTENT_DIR)


def test_no_qualifications_to_registered_nurse_goes_through_english_and_maths(
    content: CareersContent,
) -> None:
    route = plan_route(content, "no_qualifications", "registered_nurse", age=17)
    assert [step.role.code for step in route.steps] == [
        "gcses", "a_levels", "registered_nurse"]
    english, level_3, degree = route.steps
    assert "Functional Skills or GCSE" in english.how and english.source is not None
    assert "T Level" in level_3.how and level_3.months == 24
    assert (degree.level, degree.months) == (6, 36)
    assert route.start_name == "no qualifications yet"


def test_the_level_3_step_depends_on_age(content: CareersContent) -> None:
    adult = plan_route(content, "no_qualifications", "registered_nurse", age=25)
    assert "Access to Higher Education" in adult.steps[1].how
    assert adult.steps[1].months == 12
    unknown = plan_route(content, "no_qualifications", "registered_nurse")
    assert "T Level" in unknown.steps[1].how and "from 19" in unknown.steps[1].how


def test_earn_while_you_learn_is_the_other_route(content: CareersContent) -> None:
    route = plan_route(content, "no_qualifications", "registered_nurse", age=17)
    other = earn_while_you_learn(content, route, 17)
    assert other is not None
    assert [step.role.code for step in other.steps] == [
        "healthcare_assistant", "nursing_associate", "registered_nurse"]
    assert other.months == 60 and "top-up" in other.steps[-1].how


def test_a_levels_go_straight_to_the_degree(content: CareersContent) -> None:
    route = plan_route(content, "a_levels", "registered_nurse")
    assert [step.role.code for step in route.steps] == ["registered_nurse"]
    assert route.steps[0].level == 6 and route.steps[0].months == 36
    assert "nursing degree (usually 3 years)" in route.steps[0].how


@pytest.mark.parametrize("start", ["gcses", "level_2", "GCSEs", "I have level 2"])
def test_starting_points_by_code_or_alias(content: CareersContent, start: str) -> None:
    route = plan_route(content, start, "nursing associate")
    assert route.start == "gcses"
    assert route.steps[-1].role.code == "nursing_associate"


def test_route_from_a_current_role(content: CareersContent) -> None:
    route = plan_route(content, "I'm a carer", "nurses")
    assert route.start == "care_worker"
    assert len(route.steps) == 3
    assert [step.role.code for step in route.steps[-2:]] == [
        "nursing_associate", "registered_nurse"]


def test_every_route_from_a_starting_point_says_how_and_dates_its_times(
    content: CareersContent,
) -> None:
    routes = []
    for point in content.starting_points:
        for role in content.roles:
            try:
                routes.append(plan_route(content, point.code, role.code))
            except NoRoute:
                continue
    assert len(routes) > len(content.roles)
    for step in (step for route in routes for step in route.steps):
        assert step.how
        assert step.months is None or (step.as_of is not None and step.source is not None)


def test_already_there_is_an_empty_route(content: CareersContent) -> None:
    route = plan_route(content, "care_worker", "carer")
    assert route.steps == () and route.months is None


def test_no_way_down_the_ladder(content: CareersContent) -> None:
    with pytest.raises(NoRoute) as caught:
        plan_route(content, "registered_nurse", "care_worker")
    assert (caught.value.start, caught.value.target) == ("registered_nurse", "care_worker")


@pytest.mark.parametrize(("start", "target"), [("astronaut", "nurse"), ("gcses", "astronaut")])
def test_unknown_start_or_target_raises(content: CareersContent, start: str, target: str) -> None:
    with pytest.raises(UnknownRole):
        plan_route(content, start, target)


def test_next_steps(content: CareersContent) -> None:
    steps = next_steps(content, "care_worker")
    assert [step.role.code for step in steps] == ["senior_care_worker", "healthcare_assistant"]
    assert steps[0].level == 3
    assert next_steps(content, "registered_nurse") == ()


def test_next_step_without_ladder_detail_uses_the_role_apprenticeship(
    content: CareersContent,
) -> None:
    (step,) = [s for s in next_steps(content, "healthcare_assistant")
               if s.role.code == "nursing_associate"]
    assert step.how == "Level 5 Nursing Associate apprenticeship"
    assert (step.level, step.months) == (5, 24)


def content_with_step_times(tmp_path: Path, to_senior: int, to_hca: int) -> CareersContent:
    """Copy the content, timing the two steps up from care worker."""
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR / "careers", copy / "careers")
    shutil.copy(CONTENT_DIR / "providers.yml", copy / "providers.yml")
    ladder = copy / "careers" / "ladder.yml"
    data = yaml.safe_load(ladder.read_text(encoding="utf-8"))
    for step in data["steps"]:
        if step["from"] == "care_worker":
            months = to_senior if step["to"] == "senior_care_worker" else to_hca
            step.update(months=months, as_of="2026-11", source="health_careers")
    ladder.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return load_content(copy)


@pytest.mark.parametrize(
    ("to_senior", "to_hca", "via"),
    [(30, 6, "healthcare_assistant"), (6, 30, "senior_care_worker")],
)
def test_among_equally_short_routes_the_quickest_wins(
    tmp_path: Path, to_senior: int, to_hca: int, via: str
) -> None:
    content = content_with_step_times(tmp_path, to_senior, to_hca)
    route = plan_route(content, "care_worker", "registered_nurse")
    assert [step.role.code for step in route.steps] == [
        via, "nursing_associate", "registered_nurse"]
    assert route.months == min(to_senior, to_hca) + 24 + 24
