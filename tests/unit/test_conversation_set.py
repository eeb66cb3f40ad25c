"""The multi-turn test set (tests/conversations): its size, its checks, and no training data."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bench.conversations import (
    Button,
    Conversation,
    Reply,
    Turn,
    check,
    figures,
    load_conversations,
    report,
    run_conversation,
)
from carecareers.settings import PROJECT_ROOT

ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def training_messages() -> set[str]:
    """Every example in nlu/, lower-cased, without entity annotations."""
    found: set[str] = set()
    for path in (PROJECT_ROOT / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text()).get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                if line.strip().startswith("- "):
                    found.add(ANNOTATION.sub(r"\1", line.strip()[2:]).strip().lower())
    return found


def test_the_set_is_big_enough_and_every_turn_is_checked() -> None:
    conversations = load_conversations()
    turns = [t for c in conversations for t in c.turns]
    assert len(conversations) >= 60
    assert len(turns) >= 400
    assert sum(c.telegram for c in conversations) >= 10
    assert len({c.name for c in conversations}) == len(conversations), "names must differ"
    for conversation in conversations:
        for turn in conversation.turns:
            assert (turn.say is None) != (turn.press is None), conversation.name
            assert turn.mention or turn.not_mention or turn.buttons, (conversation.name, turn)


def test_no_message_is_copied_from_the_training_data() -> None:
    """Short answers ("yes", "stop", "ST4", "im 17") are everyone's words; longer ones not."""
    training = training_messages()
    copied = [t.say for c in load_conversations() for t in c.turns
              if t.say is not None and len(t.say.split()) > 2
              and t.say.strip().lower() in training]
    assert copied == []


def test_checks_look_for_key_terms_in_any_case_with_alternatives() -> None:
    turn = Turn(say="how much", press=None, mention=("band|£", "NURSE"), not_mention=("paramedic",),
                buttons=("jobs near",))
    good = Reply(("Registered nurse: Band 5, as of April",), (Button("Jobs near me", "/x"),))
    assert check(turn, good) == []
    bad = Reply(("A paramedic is on band 6",), ())
    problems = check(turn, bad)
    assert any("NURSE" in p for p in problems)
    assert any("paramedic" in p for p in problems)
    assert any("jobs near" in p for p in problems)


def test_an_empty_reply_or_an_apology_is_a_dead_end() -> None:
    turn = Turn(say="im 17", press=None, not_mention=("x",))
    for reply in (Reply(()), Reply(("Sorry, something went wrong on my side.",))):
        (problem,) = check(turn, reply)
        assert problem.startswith("dead end")


def test_telegram_html_is_read_as_plain_text() -> None:
    turn = Turn(say="x", press=None, mention=("here's what i have", "a & b"))
    assert check(turn, Reply(("<b>Here&#x27;s what I have</b> a &amp; b",))) == []


def test_a_press_uses_the_previous_replys_button_and_the_figures_add_up(tmp_path: Path) -> None:
    conversation = Conversation("c", "t.yml", (
        Turn(say="hi", press=None, mention=("hello",)),
        Turn(say=None, press="Pay", mention=("band",)),
        Turn(say=None, press="Missing", mention=("band",)),
    ))
    sent: list[str] = []

    def send(turn: Turn, previous: Reply | None) -> Reply:
        if turn.press is not None and previous is not None:
            sent.append(next((b.payload for b in previous.buttons if b.title == turn.press),
                             turn.press))
        return Reply(("hello, band 3",), (Button("Pay", "/ask_pay"),))

    result = run_conversation(conversation, send)
    assert sent == ["/ask_pay", "Missing"]
    assert [t.passed for t in result.turns] == [True, True, False]
    found = figures([result])
    assert (found.turns, found.passing, found.dead_ends) == (3, 2, 0)
    assert "1/3 failing: c" in report([result])
