"""actions/context.py: context remembered, answers outside forms, "yes" to an offer."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import (
    ActionAcknowledge,
    ActionFollowOffer,
    ValidateSlotMappings,
    parse_payload,
)
from carecareers.careers.context import apprentice_status, has_contact_detail
from tests.support.responses import said


def tracker(text: str = "", intent: str = "inform", entities: list[dict[str, Any]] | None = None,
            events: list[dict[str, Any]] | None = None, **slots: Any) -> Tracker:
    return Tracker(
        sender_id="test", slots=slots,
        latest_message={"text": text, "intent": {"name": intent, "confidence": 1.0},
                        "entities": entities or []},
        events=events or [], paused=False, followup_action=None, active_loop={},
        latest_action_name="action_listen",
    )


def entity(name: str, value: str) -> dict[str, Any]:
    return {"entity": name, "value": value, "start": 0, "end": 1}


def bot_said(*buttons: tuple[str, str]) -> dict[str, Any]:
    return {"event": "bot", "text": "…",
            "data": {"buttons": [{"title": t, "payload": p} for t, p in buttons]}}


# The part of the domain action_validate_slot_mappings reads: which slots it fills itself.
DOMAIN = {"slots": {"is_apprentice": {"type": "bool", "mappings": [{"type": "custom"}]},
                    "role": {"type": "text", "mappings": [{"type": "from_entity",
                                                           "entity": "role"}]}}}


def run(action: Any, t: Tracker) -> tuple[list[Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, DOMAIN))
    return events, said(dispatcher.messages)


@pytest.mark.parametrize(("text", "status"), [
    ("im an apprentice", True), ("I'm a nursing apprentice", True),
    ("i'm starting an apprenticeship in september", True),
    ("just started my apprenticeship", None), ("i've just started my apprenticeship", True),
    ("im not an apprentice", False),
    ("how do i start an apprenticeship", None), ("how much do apprentices get paid", None),
    ("im 17 and want to be an apprentice", None),
])
def test_apprentice_status_is_what_people_say_of_themselves(text: str,
                                                            status: bool | None) -> None:
    assert apprentice_status(text) is status


def test_slot_validation_sets_is_apprentice_every_turn() -> None:
    events, _ = run(ValidateSlotMappings(), tracker("i'm doing an apprenticeship", "inform"))
    assert SlotSet("is_apprentice", True) in events


def test_a_pay_question_about_apprentices_replaces_the_role_in_context() -> None:
    events, _ = run(ValidateSlotMappings(), tracker(
        "how much do apprentices get paid", "ask_pay", role="physiotherapist"))
    assert SlotSet("role", None) in events


@pytest.mark.parametrize("text", ["how much do apprentices get for that",
                                  "what do apprentice nurses get"])
def test_the_role_stays_when_the_question_points_back_or_names_one(text: str) -> None:
    entities = [entity("role", "registered_nurse")] if "nurses" in text else []
    events, _ = run(ValidateSlotMappings(), tracker(text, "ask_pay", entities,
                                                    role="physiotherapist"))
    assert SlotSet("role", None) not in events


def test_age_out_of_the_blue_is_acknowledged() -> None:
    events, messages = run(ActionAcknowledge(), tracker("im 17", entities=[entity("age", "17")]))
    assert events == []
    assert "you're 17" in messages[0]["text"]
    assert messages[0]["buttons"]


def test_a_place_out_of_the_blue_offers_jobs_there() -> None:
    _, messages = run(ActionAcknowledge(), tracker("i live in leek",
                                                   entities=[entity("location", "leek")]))
    assert "Leek" in messages[0]["text"]
    assert messages[0]["buttons"][0] == {"title": "Jobs near Leek", "payload": "/search_vacancies"}


@pytest.mark.parametrize("text", ["my email is sam.k@gmail.com", "07911 123456",
                                  "ring me on +44 7911 123456", "@sam_k01 on telegram"])
def test_contact_details_outside_the_form_lead_to_the_form(text: str) -> None:
    assert has_contact_detail(text)
    events, messages = run(ActionAcknowledge(), tracker(text))
    assert events == []
    assert "haven't saved" in messages[0]["text"]
    assert messages[0]["buttons"][0]["payload"] == "/register_interest"


def test_a_role_on_its_own_gets_the_role_answer() -> None:
    events, messages = run(ActionAcknowledge(), tracker(
        "hca", entities=[entity("role", "healthcare_assistant")]))
    assert "healthcare assistant" in messages[0]["text"].lower()
    assert SlotSet("role", "healthcare_assistant") in events


def test_a_qualification_with_a_role_in_context_gets_a_route() -> None:
    _, messages = run(ActionAcknowledge(), tracker(
        "i've got gcses", entities=[entity("qualification", "gcses")], role="registered_nurse"))
    assert "GCSEs" in messages[0]["text"]
    assert "nurse" in messages[1]["text"].lower()


def test_anything_else_gets_a_useful_reply() -> None:
    events, messages = run(ActionAcknowledge(), tracker("its chantelle"))
    assert events == []
    assert messages[0]["text"] and messages[0]["buttons"]


def test_yes_to_a_contact_offer_starts_the_interest_form() -> None:
    events, _ = run(ActionFollowOffer(), tracker("yes please", "affirm", events=[
        bot_said(("Yes, contact me", "/register_interest"), ("No thanks", "/deny"))]))
    assert events[-1] == FollowupAction("interest_form")
    assert SlotSet("lead_first_name", None) in events


def test_yes_to_jobs_near_me_starts_the_search_for_that_role() -> None:
    events, _ = run(ActionFollowOffer(), tracker("yeah", "affirm", events=[
        bot_said(("Jobs near me", '/search_vacancies{"role":"healthcare_assistant"}'),
                 ("How to get in", "/ask_entry_requirements"))]))
    assert SlotSet("vacancy_role", "healthcare_assistant") in events
    assert events[-1] == FollowupAction("vacancy_search_form")


def test_yes_to_a_question_button_answers_it_for_the_role_offered() -> None:
    _, messages = run(ActionFollowOffer(), tracker("yes", "affirm", events=[
        bot_said(("Pay", '/ask_pay{"role":"registered_nurse"}'))]))
    assert "band" in messages[0]["text"].lower()


def test_yes_with_nothing_offered_says_what_i_can_do() -> None:
    events, messages = run(ActionFollowOffer(), tracker("yes", "affirm"))
    assert events == []
    assert messages[0]["response"] == "utter_help"


def test_payloads_are_read_safely() -> None:
    assert parse_payload('/ask_pay{"role":"registered_nurse"}') == (
        "ask_pay", {"role": "registered_nurse"})
    assert parse_payload("/greet") == ("greet", {})
    assert parse_payload('/ask_pay{"role":') == ("", {})
    assert parse_payload("hello") == ("", {})


def test_and_if_i_was_an_apprentice_asks_the_pay_question_again() -> None:
    earlier = [{"event": "user", "text": "how much do carers get"},
               {"event": "action", "name": "action_pay"},
               {"event": "user", "text": "and if i was an apprentice"}]
    _, messages = run(ActionAcknowledge(), tracker("and if i was an apprentice", events=earlier,
                                                   role="care_worker", age="17"))
    assert "£" in messages[-1]["text"] and "apprentice" in messages[-1]["text"].lower()


def test_a_count_of_gcses_is_not_taken_as_the_age() -> None:
    earlier = [{"event": "slot", "name": "age", "value": "17"},
               {"event": "user", "text": "ive got 4 gcses"},
               {"event": "slot", "name": "age", "value": "4"}]
    t = tracker("ive got 4 gcses", entities=[entity("age", "4"), entity("qualification", "gcses")],
                events=earlier, age="4")
    validate = ValidateSlotMappings().validate_age
    assert asyncio.run(validate("4", CollectingDispatcher(), t, DOMAIN)) == {"age": "17"}
    said = tracker("im 15", entities=[entity("age", "15")], age="15")
    assert asyncio.run(validate("15", CollectingDispatcher(), said, DOMAIN)) == {"age": "15"}


def test_a_count_of_gcses_is_acknowledged_without_an_age() -> None:
    t = tracker("ive got 4 gcses", entities=[entity("age", "4"), entity("qualification", "gcses")])
    _, messages = run(ActionAcknowledge(), t)
    assert "you have GCSEs" in messages[0]["text"] and "you're 4" not in messages[0]["text"]
