"""actions/corrections.py and the privacy answer: "sorry, I meant Stone", "who sees this?"."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.corrections import ActionCorrectPlace, corrected_place, last_search
from actions.privacy import ActionExplainPrivacy


def tracker(text: str, *actions: str, entities: list[dict[str, Any]] | None = None,
            turns_since: int = 0, **slots: Any) -> Tracker:
    events: list[dict[str, Any]] = [{"event": "user", "text": "any care jobs in stafford"}]
    events += [{"event": "action", "name": name} for name in actions]
    events += [{"event": "user", "text": "hm"}] * turns_since
    events.append({"event": "user", "text": text})
    return Tracker(sender_id="t", slots=slots,
                   latest_message={"text": text, "intent": {"name": "correct_place"},
                                   "entities": entities or []},
                   events=events, paused=False, followup_action=None, active_loop={},
                   latest_action_name="action_listen")


def test_the_search_a_correction_repeats_is_the_latest_recent_one() -> None:
    assert last_search(tracker("sorry i meant stone", "action_search_vacancies")) == \
        "action_search_vacancies"
    assert last_search(tracker("x", "action_search_vacancies", "action_widen_search",
                               "action_list_events")) == "action_list_events"
    assert last_search(tracker("x", "action_more_vacancies")) == "action_search_vacancies"
    assert last_search(tracker("x", "action_search_vacancies", turns_since=3)) is None
    assert last_search(tracker("x", "action_pay")) is None


def test_the_corrected_place_is_the_entity_or_the_words_after_i_meant() -> None:
    stone = [{"entity": "location", "value": "Stone"}]
    assert corrected_place(tracker("sorry i meant stone", entities=stone)) == "Stone"
    assert corrected_place(tracker("soz i meant ST5")) == "ST5"
    assert corrected_place(tracker("sorry i meant nowhere at all")) is None


def test_a_correction_that_names_no_known_place_asks_where() -> None:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionCorrectPlace().run(
        dispatcher, tracker("sorry i meant qwxz", "action_search_vacancies"), {}))
    assert events == [] and dispatcher.messages[0]["response"] == "utter_ask_location"


def test_the_privacy_answer_links_the_privacy_notice() -> None:
    dispatcher = CollectingDispatcher()
    ActionExplainPrivacy().run(dispatcher, tracker("will you share my chat"), {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_privacy"
    assert message["privacy_url"].endswith("/privacy")
