"""Finding a role from what someone typed."""

from __future__ import annotations

import pytest

from carecareers.careers.content import load_content
from carecareers.careers.errors import UnknownRole
from carecareers.careers.records import CareersContent
from carecareers.careers.roles import defined_names, find_role, get_role, normalise
from carecareers.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def content() -> CareersContent:
    return load_content(PROJECT_ROOT / "content")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("registered_nurse", "registered_nurse"),
        ("Registered Nurse", "registered_nurse"),
        ("a nurse", "registered_nurse"),
        ("nurses", "registered_nurse"),
        ("carers", "care_worker"),
        ("being a physio", "physiotherapist"),
        ("Physio's", "physiotherapist"),
        ("HCA", "healthcare_assistant"),
        ("what does a healthcare support worker do?", "healthcare_assistant"),
        ("senior healthcare support workers", "senior_healthcare_assistant"),
        ("senior carer", "senior_care_worker"),
        ("nursing associate", "nursing_associate"),
        ("nursing assistant", "healthcare_assistant"),
        ("social care worker", "care_worker"),
        ("social workers", "social_worker"),
        ("ambulance", "paramedic"),
        ("care home manager", "registered_manager"),
    ],
)
def test_find_role(content: CareersContent, text: str, code: str) -> None:
    role = find_role(content, text)
    assert role is not None and role.code == code


@pytest.mark.parametrize("text", ["astronaut", "", "care", "I like helping people"])
def test_find_role_returns_none_for_no_role(content: CareersContent, text: str) -> None:
    assert find_role(content, text) is None


def test_get_role_raises_for_unknown(content: CareersContent) -> None:
    with pytest.raises(UnknownRole):
        get_role(content, "astronaut")


def test_normalise_drops_case_punctuation_and_plurals() -> None:
    assert normalise("Healthcare-Assistants!") == "healthcare assistant"
    assert normalise("therapies") == "therapy"


def test_defined_names_are_the_job_and_qualification_names_in_the_content(
    content: CareersContent,
) -> None:
    names = defined_names(content)
    assert {"healthcare assistant", "hca", "physiotherapist", "occupational therapist"} <= (
        set(names))
    assert {"GCSEs with English and maths", "a level 3 qualification"} <= set(names)
    assert not {"level 2", "nothing", "english and maths"} & set(names)  # aliases are not names
    assert {"Healthcare Support Worker (ST0216)", "Healthcare Support Worker"} <= set(names)
    assert "Nursing and Midwifery Council (NMC)" not in names  # bodies are not jobs
    assert len(names) == len(set(names))
