"""Careers actions with a CollectingDispatcher, a built Tracker and the real content."""

from __future__ import annotations

import asyncio
import inspect
from datetime import datetime, timezone
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.careers import (
    ActionApprenticeships,
    ActionCareerPath,
    ActionEntryRequirements,
    ActionGraduatePathway,
    ActionListRoles,
    ActionPay,
    ActionRoleInfo,
    ActionRotationalApprenticeship,
)
from tests.support.responses import said

# 30 November 2026, 12:00 UTC: the day every conversation here takes place.
SENT_AT = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc).timestamp()


def tracker(text: str = "", intent: str = "", entities: list[dict[str, Any]] | None = None,
            sent_at: float = SENT_AT, before: tuple[str, ...] = (), **slots: Any) -> Tracker:
    """The latest message, after earlier turns each answered by the action named in `before`."""
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0},
              "entities": entities or []}
    earlier = [event for name in before for event in (
        {"event": "user", "timestamp": sent_at - 60, "text": "..."},
        {"event": "action", "name": name})]
    return Tracker(
        sender_id="test", slots=slots, latest_message=latest,
        events=[*earlier,
                {"event": "user", "timestamp": sent_at, "text": text, "parse_data": latest}],
        paused=False, followup_action=None, active_loop={},
        latest_action_name="action_listen",
    )


def entity(name: str, value: str) -> dict[str, Any]:
    return {"entity": name, "value": value, "start": 0, "end": 1}


def run(action: Any, t: Tracker) -> tuple[list[Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, t, {})
    if inspect.iscoroutine(events):
        events = asyncio.run(events)
    return events, said(dispatcher.messages)


def test_role_info_names_the_role_and_remembers_it() -> None:
    events, messages = run(ActionRoleInfo(), tracker(
        "what does a hca do", "ask_role_info", [entity("role", "healthcare_assistant")]))
    assert "healthcare assistant" in messages[0]["text"].lower()
    assert SlotSet("role", "healthcare_assistant") in events
    assert any("ask_pay" in b["payload"] for b in messages[0]["buttons"])


def test_pay_follow_up_uses_the_role_in_context_and_the_age_given() -> None:
    events, messages = run(ActionPay(), tracker(
        "and how much does that pay", "ask_pay", role="care_worker", age="17"))
    text = messages[0]["text"]
    assert "as of" in text.lower()
    assert "£" in text
    assert SlotSet("role", "care_worker") in events


def test_pay_for_an_nhs_role_gives_a_dated_band() -> None:
    _, messages = run(ActionPay(), tracker(
        "how much do nurses earn", "ask_pay", [entity("role", "registered_nurse")]))
    assert "band 5" in messages[0]["text"].lower()
    assert "as of" in messages[0]["text"].lower()


def test_unknown_role_gets_a_kind_answer_and_clears_the_slot() -> None:
    events, messages = run(ActionEntryRequirements(), tracker(
        "how do i become an astronaut", "ask_entry_requirements", [entity("role", "astronaut")]))
    assert "don't know" in messages[0]["text"]
    assert SlotSet("role", None) in events


def test_the_date_of_the_message_picks_the_pay_row() -> None:
    march = datetime(2026, 3, 20, 9, 0, tzinfo=timezone.utc).timestamp()
    _, messages = run(ActionPay(), tracker(
        "how much do carers get at 25", "ask_pay",
        [entity("role", "care_worker"), entity("age", "25")], sent_at=march))
    assert "£12.21" in messages[0]["text"] and "(as of April 2025" in messages[0]["text"]
    _, messages = run(ActionPay(), tracker(
        "how much do carers get at 25", "ask_pay",
        [entity("role", "care_worker"), entity("age", "25")]))
    assert "£12.71" in messages[0]["text"] and "(as of April 2026" in messages[0]["text"]


def test_a_19_year_old_starting_an_apprenticeship_gets_the_apprentice_rate() -> None:
    _, messages = run(ActionPay(), tracker(
        "I'm 19 and starting an apprenticeship, what's the least I'd get paid?", "ask_pay",
        [entity("age", "19")]))
    text = messages[0]["text"]
    assert "£8.00" in text and "first year" in text and "£12.71" not in text


def test_a_new_topic_wins_over_the_role_in_context() -> None:
    events, messages = run(ActionPay(), tracker(
        "how much do apprentices get paid", "ask_pay", role="physiotherapist"))
    text = messages[0]["text"]
    assert "£8.00" in text and "band 5" not in text
    assert SlotSet("role", "physiotherapist") not in events


def test_how_much_is_that_keeps_the_role_in_context() -> None:
    _, messages = run(ActionPay(), tracker(
        "how much is that?", "ask_pay", role="registered_nurse"))
    assert "band 5" in messages[0]["text"] and "about £32,074" in messages[0]["text"]


def test_an_apprentice_in_context_gets_apprentice_pay_for_a_follow_up() -> None:
    _, messages = run(ActionPay(), tracker(
        "how much is that", "ask_pay", role="care_worker", age="17", is_apprentice=True))
    assert "£8.00" in messages[0]["text"] and "apprentice" in messages[0]["text"]


def test_emt_is_not_a_paramedic() -> None:
    _, messages = run(ActionRoleInfo(), tracker(
        "what does an emt do", "ask_role_info", [entity("role", "paramedic")]))
    assert "different job from a paramedic" in messages[0]["text"]


def test_no_qualifications_to_physio_mentions_english_and_maths() -> None:
    _, messages = run(ActionCareerPath(), tracker(
        "ive got no qualifications how do i become a physio", "ask_career_path",
        [entity("role", "physiotherapist")], age="16"))
    text = messages[0]["text"]
    assert "English and maths" in text and "T Level" in text
    assert text.splitlines()[-1].startswith("(as of December 2026")


def test_no_role_at_all_lists_the_roles() -> None:
    events, messages = run(ActionPay(), tracker("how much is the pay", "ask_pay"))
    assert events == []
    assert "Which one" in messages[0]["text"]


def test_career_path_from_carer_to_nurse_is_a_personal_route() -> None:
    events, messages = run(ActionCareerPath(), tracker(
        "im a carer how do i become a nurse", "ask_career_path",
        [entity("current_role", "care_worker"), entity("role", "registered_nurse")]))
    text = messages[0]["text"]
    assert text.lower().startswith("from care worker to registered nurse")
    assert "1." in text and "2." in text
    assert SlotSet("role", "registered_nurse") in events


def test_what_comes_after_that_uses_the_role_in_context() -> None:
    _, messages = run(ActionCareerPath(), tracker(
        "what comes after that", "ask_career_path", role="healthcare_assistant"))
    assert messages[0]["text"].startswith("After healthcare assistant")


def test_route_from_qualifications_when_given() -> None:
    _, messages = run(ActionCareerPath(), tracker(
        "i have gcses how do i become a nursing associate", "ask_career_path",
        [entity("qualification", "gcses"), entity("role", "nursing_associate")]))
    assert "nursing associate" in messages[0]["text"].lower()


def test_programme_and_overview_actions_reply_with_buttons() -> None:
    for action in (ActionListRoles(), ActionApprenticeships(), ActionRotationalApprenticeship(),
                   ActionGraduatePathway()):
        _, messages = run(action, tracker())
        assert messages and messages[0]["text"] and messages[0]["buttons"], action.name()
    _, messages = run(ActionRotationalApprenticeship(), tracker())
    assert "end of life care" in messages[0]["text"]


def spanned(text: str, name: str, value: str, words: str) -> dict[str, Any]:
    start = text.index(words)
    return {"entity": name, "value": value, "start": start, "end": start + len(words)}


def test_a_longer_role_in_the_text_wins_over_a_part_taken_as_the_entity() -> None:
    text = "senior healthcare support worker salary?"
    _, messages = run(ActionPay(), tracker(
        text, "ask_pay", [spanned(text, "role", "senior_care_worker", "senior")]))
    assert "band 3" in messages[0]["text"]


def test_rn_at_the_end_means_right_now() -> None:
    text = "whats minimum wage for a 20 year old rn"
    _, messages = run(ActionPay(), tracker(
        text, "ask_pay", [spanned(text, "role", "registered_nurse", "rn")]))
    assert "£10.85" in messages[0]["text"] and "band 5" not in messages[0]["text"]


@pytest.mark.parametrize(("text", "figure"), [
    ("16 and thinking about an apprenticeship, whats the pay", "£8.00"),
    ("how much for a 20 year old apprentice in their second year", "£10.85"),
    ("I’m 25 and on an apprenticeship, 3rd year now, whats the least", "£12.71"),
])
def test_ages_said_in_the_text_count(text: str, figure: str) -> None:
    _, messages = run(ActionPay(), tracker(text, "ask_pay"))
    assert figure in messages[0]["text"]


def test_a_starting_point_nlu_cut_short_falls_back_to_the_words() -> None:
    text = "ive got no qualifications, how do i become a nurse? im 16"
    _, messages = run(ActionCareerPath(), tracker(text, "ask_career_path", [
        spanned(text, "qualification", "no", "no"),
        spanned(text, "role", "registered_nurse", "nurse")]))
    assert messages[0]["text"].startswith("From no qualifications yet to registered nurse")
    assert "T Level" in messages[0]["text"]


def test_entry_question_from_no_qualifications_gets_the_route() -> None:
    text = "no qualifications how do i become a physio"
    _, messages = run(ActionEntryRequirements(), tracker(
        text, "ask_entry_requirements", [spanned(text, "role", "physiotherapist", "physio")]))
    assert "Functional Skills" in messages[0]["text"] and "HCPC" in messages[0]["text"]


def test_a_current_role_inside_the_role_wanted_is_ignored() -> None:
    text = "how do i get in as a senior care worker im 17"
    _, messages = run(ActionCareerPath(), tracker(text, "ask_career_path", [
        spanned(text, "current_role", "care_worker", "care worker"),
        spanned(text, "role", "senior_care_worker", "senior care worker")]))
    reply = messages[0]["text"]
    assert reply.startswith("From no qualifications yet to senior care worker")
    assert "level 2 (like GCSE grade 4) on level 3 and up" in reply
    assert "optional" not in reply


# -- follow-ups: "what about ...?" asks the question before again -----------------------------


def test_what_about_another_role_after_a_pay_question_gives_that_roles_pay() -> None:
    events, messages = run(ActionRoleInfo(), tracker(
        "what about nurses", "ask_role_info", [entity("role", "registered_nurse")],
        before=("action_pay",), role="care_worker"))
    assert "band 5" in messages[0]["text"].lower() and "£" in messages[0]["text"]
    assert SlotSet("role", "registered_nurse") in events


def test_what_about_a_role_with_no_question_before_describes_the_role() -> None:
    _, messages = run(ActionRoleInfo(), tracker(
        "what about nurses", "ask_role_info", [entity("role", "registered_nurse")]))
    assert "band" not in messages[0]["text"].lower()
    assert "nursing and midwifery council" in messages[0]["text"].lower()


def test_a_new_age_after_a_pay_question_gets_the_pay_for_that_age() -> None:
    _, messages = run(ActionRoleInfo(), tracker(
        "what if im 15", "ask_role_info", [entity("age", "15")],
        before=("action_pay",), role="care_worker"))
    text = messages[0]["text"]
    assert "16" in text and "£" not in text.split("\n")[0]


def test_a_new_age_with_no_question_before_is_noted_not_taken_for_a_role() -> None:
    _, messages = run(ActionRoleInfo(), tracker(
        "what about if im 15", "ask_role_info", [entity("age", "15")],
        role="registered_nurse"))
    assert "you're 15" in messages[0]["text"]
    assert "midwifery" not in messages[0]["text"].lower()


def test_a_question_from_long_ago_is_not_asked_again() -> None:
    _, messages = run(ActionRoleInfo(), tracker(
        "what about nurses", "ask_role_info", [entity("role", "registered_nurse")],
        before=("action_pay", "action_list_roles", "action_list_roles", "action_list_roles")))
    assert "band" not in messages[0]["text"].lower()


def test_and_next_year_after_pay_is_about_pay() -> None:
    _, messages = run(ActionCareerPath(), tracker(
        "and next year?", "ask_career_path", before=("action_pay",), age="19",
        is_apprentice=True))
    assert "£" in messages[0]["text"] and "apprentice" in messages[0]["text"].lower()


def test_a_word_split_off_a_role_does_not_hide_the_role() -> None:
    """NLU read "trainee nursing associate" as two roles, "trainee" and the known one."""
    t = tracker("whats a trainee nursing associate", "ask_role_info", entities=[
        {"entity": "role", "value": "trainee", "start": 7, "end": 14},
        {"entity": "role", "value": "nursing_associate", "start": 15, "end": 33}])
    events, messages = run(ActionRoleInfo(), t)
    assert messages[0]["text"].startswith("Nursing associate")
    assert SlotSet("role", "nursing_associate") in events


def test_the_job_someone_does_now_starts_their_route() -> None:
    t = tracker("i work as a carer now, how could i end up a nurse", "ask_career_path",
                entities=[{"entity": "role", "value": "care_worker", "start": 12, "end": 17},
                          {"entity": "role", "value": "registered_nurse", "start": 44,
                           "end": 49}])
    _, messages = run(ActionCareerPath(), t)
    assert messages[0]["text"].startswith("From care worker to registered nurse")
