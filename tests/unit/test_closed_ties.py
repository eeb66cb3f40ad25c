"""A close call between two readings that one answer serves goes to that answer
(rasa_plugins/closed_ties.py), with the pairs configured in config.yml."""

from __future__ import annotations

import pytest
import yaml

from carecareers.settings import PROJECT_ROOT
from rasa_plugins.closed_ties import Tie, settled

PIPELINE = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text())["pipeline"]
GUARD = next(c for c in PIPELINE if c["name"].endswith(".CloseCallGuard"))
FALLBACK = next(c for c in PIPELINE if c["name"] == "FallbackClassifier")
TIES = [Tie.from_config(entry) for entry in GUARD["ties"]]
WITHIN = float(GUARD["within"])


def ranked(*pairs: tuple[str, float]) -> list[dict[str, object]]:
    return [{"name": name, "confidence": confidence} for name, confidence in pairs]


def test_the_guard_sits_before_the_fallback_and_uses_its_ambiguity_threshold() -> None:
    names = [c["name"] for c in PIPELINE]
    assert names.index(GUARD["name"]) == names.index("FallbackClassifier") - 1
    assert WITHIN == FALLBACK["ambiguity_threshold"]


def test_whats_it_like_between_the_values_check_and_a_story_starts_the_check() -> None:
    # What the model made of "whats it like working in care": too close for the fallback.
    ranking = ranked(("start_values_check", 0.468), ("ask_story", 0.394), ("ask_roles", 0.025))
    found = settled(ranking, TIES, WITHIN)
    assert found == ranked(("start_values_check", pytest.approx(0.862)), ("ask_roles", 0.025))


def test_the_story_first_by_a_little_goes_to_the_check_too() -> None:
    found = settled(ranked(("ask_story", 0.45), ("start_values_check", 0.41)), TIES, WITHIN)
    assert found is not None and found[0]["name"] == "start_values_check"
    assert found[0]["confidence"] == pytest.approx(0.86)


@pytest.mark.parametrize("ranking", [
    ranked(("ask_story", 0.93), ("start_values_check", 0.03)),  # a clear story
    ranked(("start_values_check", 0.60), ("ask_story", 0.30)),  # a clear enough check
    ranked(("ask_story", 0.45), ("ask_roles", 0.44), ("start_values_check", 0.1)),  # not the pair
    ranked(("ask_story", 0.9)),
    [],
])
def test_anything_but_a_close_call_of_the_pair_is_left_alone(
        ranking: list[dict[str, object]]) -> None:
    assert settled(ranking, TIES, WITHIN) is None


def test_a_pair_of_one_intent_is_refused() -> None:
    with pytest.raises(ValueError, match="two intents"):
        Tie.from_config({"prefer": "ask_story", "over": "ask_story"})
