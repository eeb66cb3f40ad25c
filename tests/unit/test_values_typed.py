"""Typed answers to the values check: a choice by its position or its words, yes or no to
keeping the results, leaving, and what is no answer at all."""

from __future__ import annotations

import pytest

from carecareers.values.content import Choice
from carecareers.values.typed import (
    choice_by_position,
    is_leaving,
    looks_like_an_attempt,
    read_choice,
    read_yes_no,
)

CHOICES = (
    Choice("a", "Ask her what she'd like to eat", ("choose", "menu"), ("dignity",), True, "n"),
    Choice("b", "Tell the nurse in charge", ("senior", "report"), ("together",), False, "n"),
    Choice("c", "Leave it and try again at tea", ("later", "wait"), (), False, "n"),
)


@pytest.mark.parametrize(("said", "position"), [
    ("1", 0), ("b", 1), ("C", 2), ("the second one", 1), ("2nd", 1), ("option 3", 2),
    ("id go with the first one", 0), ("the last one", 2), ("number two", 1),
    ("prob the third", 2), ("third one pls", 2),
])
def test_a_position_in_any_words(said: str, position: int) -> None:
    assert choice_by_position(said, len(CHOICES)) == position
    assert read_choice(said, CHOICES) == position


@pytest.mark.parametrize("said", ["4", "d", "the fourth one", "a good one", "first and second"])
def test_no_position_that_is_not_there_or_not_alone(said: str) -> None:
    assert choice_by_position(said, len(CHOICES)) is None


@pytest.mark.parametrize(("said", "position"), [
    ("I'd tell the nurse", 1), ("ask her", 0), ("tell someone senior", 1),
    ("just wait and try later", 2), ("let her choose from the menu", 0),
    ("report it", 1), ("asking what she likes", 0),
])
def test_a_choice_by_its_own_words(said: str, position: int) -> None:
    assert read_choice(said, CHOICES) == position


@pytest.mark.parametrize("said", ["how much do carers get paid", "hmm", "the nurse or wait",
                                  "dunno", "is this a test?", "how do i ask the nurse?",
                                  "what jobs are there in care"])
def test_words_that_fit_no_single_choice(said: str) -> None:
    assert read_choice(said, CHOICES) is None


@pytest.mark.parametrize(("said", "keep"), [
    ("yes", True), ("yeah keep them", True), ("ok", True), ("sure", True),
    ("no", False), ("nah", False), ("no thanks", False), ("don't keep them", False),
    ("yes but dont keep them", False), ("not really", False),
    ("maybe", None), ("what do you mean", None),
])
def test_keeping_the_results_needs_a_clear_yes(said: str, keep: bool | None) -> None:
    assert read_yes_no(said) is keep


@pytest.mark.parametrize("said", ["stop", "Stop!", "quit", "im done", "no more", "leave it",
                                  "I want to stop", "cancel"])
def test_leaving(said: str) -> None:
    assert is_leaving(said)


@pytest.mark.parametrize("said", ["don't stop", "how do i stop being nervous at interviews",
                                  "tell the nurse", "the second one"])
def test_not_leaving(said: str) -> None:
    assert not is_leaving(said)


def test_a_short_line_is_an_attempt_and_a_question_is_not() -> None:
    assert looks_like_an_attempt("the sceond one")
    assert not looks_like_an_attempt("how much do care workers get paid?")
    assert not looks_like_an_attempt("what jobs are there near me in stoke for someone like me")
