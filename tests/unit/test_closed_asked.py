"""A reading the message's shape rules out is dropped (rasa_plugins/closed_asked.py), with the
shape configured in config.yml: "how do I qualify as ..." is never a pay question unless it
names pay or money."""

from __future__ import annotations

import yaml

from carecareers.settings import PROJECT_ROOT
from rasa_plugins.closed_asked import Shape, ruled_out, without_ruled_out


def configured_shapes() -> list[Shape]:
    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text())
    guards = [c for c in config["pipeline"] if c["name"].endswith(".AskedShapeGuard")]
    assert len(guards) == 1, "config.yml has the guard once"
    return [Shape.from_config(entry) for entry in guards[0]["shapes"]]


SHAPES = configured_shapes()


def ranking(*names: str) -> list[dict[str, object]]:
    return [{"name": name, "confidence": round(0.9 - 0.2 * n, 2)}
            for n, name in enumerate(names)]


def test_the_guard_sits_between_the_classifiers_and_the_fallback() -> None:
    names = [c["name"] for c in yaml.safe_load((PROJECT_ROOT / "config.yml").read_text())
             ["pipeline"]]
    guard = names.index("rasa_plugins.closed_intents.AskedShapeGuard")
    assert names.index("DIETClassifier") < guard < names.index("FallbackClassifier")


def test_asking_how_to_qualify_as_a_job_is_not_a_pay_question() -> None:
    for text in ("how do i qualify as an occupational therapist at 26",
                 "What would I need to QUALIFY AS a nurse?",
                 "can you qualify as a paramedic without a degree"):
        assert ruled_out("ask_pay", text, SHAPES), text


def test_a_qualifying_question_that_names_pay_or_money_stays_a_pay_question() -> None:
    for text in ("how much would i earn once i qualify as a nurse",
                 "what's the salary when you qualify as a physio",
                 "do you get paid while you train to qualify as a nurse",
                 "what band are you on when you qualify as an ot",
                 "£ when i qualify as a social worker?"):
        assert not ruled_out("ask_pay", text, SHAPES), text


def test_pay_questions_of_other_shapes_are_left_alone() -> None:
    for text in ("what do u earn once u qualify",
                 "how much does a nurse get paid when they qualify",
                 "whats a newly qualified nurse paid", "what about paramedics"):
        assert not ruled_out("ask_pay", text, SHAPES), text


def test_other_intents_are_never_ruled_out_by_the_pay_shape() -> None:
    text = "how do i qualify as a nurse"
    for intent in ("ask_entry_requirements", "ask_career_path", None):
        assert not ruled_out(intent, text, SHAPES)


def test_the_other_readings_are_weighed_knowing_it_is_not_pay() -> None:
    text = "how do i qualify as an occupational therapist at 26"
    given = [{"name": "ask_pay", "confidence": 0.85},
             {"name": "ask_career_path", "confidence": 0.12},
             {"name": "ask_role_info", "confidence": 0.03}]
    weighed = without_ruled_out(given, text, SHAPES)
    assert [e["name"] for e in weighed] == ["ask_career_path", "ask_role_info"]
    assert [round(e["confidence"], 3) for e in weighed] == [0.8, 0.2]  # 0.12 / 0.15, 0.03 / 0.15


def test_when_the_classifier_saw_only_pay_what_is_left_stays_unsure() -> None:
    text = "how do i qualify as a nurse"
    given = [{"name": "ask_pay", "confidence": 0.95},
             {"name": "ask_career_path", "confidence": 0.04},
             {"name": "ask_role_info", "confidence": 0.01}]
    assert without_ruled_out(given, text, SHAPES) == given[1:]  # the fallback will answer


def test_a_ranking_the_shape_does_not_touch_is_returned_as_it_was() -> None:
    kept = ranking("ask_pay", "ask_career_path")
    assert without_ruled_out(kept, "how much do i get once i qualify as a nurse", SHAPES) == kept
