"""Closed intents (greet, deny, stop) are kept to their own words (rasa_plugins/closed_words.py)."""

from __future__ import annotations

from rasa_plugins.closed_words import closed_vocabularies, demoted, out_of_place, words_of

EXAMPLES = [("greet", "hi"), ("greet", "hello there!"), ("greet", "hiya"),
            ("deny", "no"), ("deny", "nah not really"), ("stop", "stop"), ("stop", "leave it"),
            ("ask_pay", "what do carers get paid")]
VOCABULARIES = closed_vocabularies(EXAMPLES, ["greet", "deny", "stop"])


def ranking(*names: str) -> list[dict[str, object]]:
    return [{"name": name, "confidence": round(0.9 - 0.2 * n, 2)}
            for n, name in enumerate(names)]


def test_words_are_lower_case_without_punctuation_or_repeated_letters() -> None:
    assert words_of("Heyyy!! Hello, “Stuart”…") == {"hey", "helo", "stuart"}
    assert words_of("  ...  ") == set()


def test_only_the_closed_intents_words_are_learned() -> None:
    assert VOCABULARIES == {"greet": ["helo", "hi", "hiya", "there"],
                            "deny": ["nah", "no", "not", "realy"],
                            "stop": ["it", "leave", "stop"]}


def test_a_name_is_not_a_greeting_a_no_or_a_stop() -> None:
    for name, intent in [("Stuart", "greet"), ("Noor Ahmed", "deny"), ("Stella", "stop")]:
        assert out_of_place(intent, name, VOCABULARIES)
        assert demoted(ranking(intent, "inform"), name, VOCABULARIES) == [
            {"name": "inform", "confidence": 0.7}]


def test_the_intents_own_words_keep_it_even_said_loosely() -> None:
    for text, intent in [("hiiii", "greet"), ("Hello!", "greet"), ("nahhh", "deny"),
                         ("STOP.", "stop"), ("hi im jordan", "greet")]:
        assert not out_of_place(intent, text, VOCABULARIES)
        assert demoted(ranking(intent, "inform"), text, VOCABULARIES)[0]["name"] == intent


def test_open_intents_and_wordless_messages_are_left_alone() -> None:
    assert not out_of_place("ask_pay", "Stuart", VOCABULARIES)
    waving = closed_vocabularies([("greet", "hi 👋")], ["greet"])
    assert not out_of_place("greet", "👋", waving)
    assert not out_of_place("greet", "!!!", VOCABULARIES)
    assert demoted(ranking("inform", "greet"), "Stuart", VOCABULARIES) == [
        {"name": "inform", "confidence": 0.9}]
