"""The interest form, erasure and vacancy actions against a real (SQLite) database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import common
from actions.interest import ActionAskLeadConsent, ActionSubmitInterest, ValidateInterestForm
from actions.privacy import ActionClarify, ActionEraseMyData
from actions.vacancies import ActionMoreVacancies, ActionSearchVacancies, ActionWidenSearch
from carecareers.clock import clock_for
from carecareers.db import make_engine, session_factory
from carecareers.migrate import upgrade
from carecareers.models import Consent, Lead, LeadRoute, UnansweredQuestion
from carecareers.runtime.demo import seed_demo
from carecareers.settings import get_settings
from tests.conftest import make_settings
from tests.support.responses import said


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A migrated, demo-seeded database that the actions use through the settings."""
    settings = make_settings(tmp_path)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("TRACKER_STORE_URL", settings.tracker_store_url)
    get_settings.cache_clear()
    common._factory.cache_clear()
    upgrade(settings.database_url)
    factory = session_factory(make_engine(settings.database_url))
    with factory() as session, session.begin():
        seed_demo(session, settings, clock_for(settings))
    yield factory
    get_settings.cache_clear()
    common._factory.cache_clear()


def tracker(slots: dict[str, Any] | None = None, text: str = "", intent: str = "inform",
            channel: str = "web", campaign: str | None = None,
            just_set: str | None = None) -> Tracker:
    events: list[dict[str, Any]] = [{"event": "user", "text": text,
                                     "metadata": {"channel": channel, "campaign": campaign}}]
    if just_set is not None:
        events.append({"event": "slot", "name": just_set, "value": (slots or {})[just_set]})
    return Tracker(
        sender_id="web-test-sender", slots=slots or {},
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.9},
                        "entities": [], "intent_ranking": [{"name": intent, "confidence": 0.3}]},
        events=events, paused=False, followup_action=None,
        active_loop={"name": "interest_form"}, latest_action_name="action_listen",
    )


FILLED = {
    "lead_first_name": "Sam", "lead_age": "17", "lead_contact_method": "email",
    "lead_contact_detail": "sam@example.org", "lead_postcode": "ST4 6QG",
    "lead_interest": "healthcare assistant", "lead_confirmed": "yes", "lead_consent": "given",
}


async def validate(slot: str, value: str, slots: dict[str, Any] | None = None,
                   channel: str = "web") -> tuple[dict[str, Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    t = tracker({**(slots or {}), slot: value, "requested_slot": slot}, value, channel=channel,
                just_set=slot)
    events = await ValidateInterestForm().run(dispatcher, t, {"forms": {"interest_form": {
        "required_slots": list(FILLED)}}, "slots": {s: {} for s in FILLED}})
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return slots, said(dispatcher.messages)


async def typed(slot: str, text: str, intent: str,
                slots: dict[str, Any] | None = None) -> dict[str, Any]:
    """The slots the form's validation sets for a typed answer that no slot mapping took."""
    t = tracker({**(slots or {}), "requested_slot": slot}, text, intent=intent)
    events = await ValidateInterestForm().run(CollectingDispatcher(), t, {"forms": {
        "interest_form": {"required_slots": list(FILLED)}}, "slots": {s: {} for s in FILLED}})
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_a_name_or_address_is_taken_whatever_nlu_made_of_it(database) -> None:
    assert await typed("lead_first_name", "Robin", "bot_challenge") == {
        "lead_first_name": "Robin"}
    assert await typed("lead_contact_detail", "morgan.private@example.org", "stop",
                       {"lead_contact_method": "email"}) == {
        "lead_contact_detail": "morgan.private@example.org"}
    assert await typed("lead_postcode", "ST16", "search_vacancies") == {"lead_postcode": "ST16"}


async def test_a_stop_or_a_question_is_not_taken_as_an_answer(database) -> None:
    # Nothing set: Rasa then rejects the form's turn, and the stop or question rules answer.
    assert await typed("lead_first_name", "stop", "stop") == {}
    assert await typed("lead_first_name", "are you a bot", "bot_challenge") == {}
    assert await typed("lead_contact_detail", "cancel", "stop",
                       {"lead_contact_method": "email"}) == {}
    assert await typed("lead_postcode", "how much do carers get", "ask_pay") == {}


async def test_invalid_answers_are_asked_again_with_an_example(database) -> None:
    slots, messages = await validate("lead_contact_detail", "0770",
                                     {"lead_contact_method": "phone"})
    assert slots["lead_contact_detail"] is None
    assert "07700 900123" in messages[0]["text"]
    slots, messages = await validate("lead_postcode", "nowhere")
    assert slots["lead_postcode"] is None and "ST4" in messages[0]["text"]


async def test_slots_cleared_when_the_form_starts_are_not_validated(database) -> None:
    for slot in FILLED:
        slots, messages = await validate(slot, None)  # type: ignore[arg-type]
        assert slots.get(slot) is None and messages == [], slot


async def test_under_16_ends_the_form_with_careers_help(database) -> None:
    slots, messages = await validate("lead_age", "15")
    assert slots["lead_under_16"] is True
    assert slots["requested_slot"] is None
    assert "National Careers Service" in messages[0]["text"]


async def test_an_answer_can_be_corrected_from_the_summary(database) -> None:
    slots, _ = await validate("lead_confirmed", "change contact", dict(FILLED))
    assert slots["lead_contact_detail"] is None and slots["lead_confirmed"] is None
    # The form then asks for the first empty slot again (checked end to end in tests/e2e).


async def test_telegram_is_offered_only_on_telegram(database) -> None:
    slots, messages = await validate("lead_contact_method", "telegram")
    assert slots["lead_contact_method"] is None and "Telegram works" in messages[0]["text"]
    slots, _ = await validate("lead_contact_method", "telegram", channel="telegram")
    assert slots["lead_contact_method"] == "telegram"


def test_consent_names_the_providers_and_links_the_privacy_notice(database) -> None:
    dispatcher = CollectingDispatcher()
    ActionAskLeadConsent().run(dispatcher, tracker(dict(FILLED)), {})
    text = said(dispatcher.messages)[0]["text"]
    assert "Demo" in text and "/privacy" in text and "email" in text


def test_submitting_stores_one_lead_and_clears_the_contact_slots(database) -> None:
    dispatcher = CollectingDispatcher()
    events = ActionSubmitInterest().run(
        dispatcher, tracker({**FILLED, "vacancies_shown": [1, 2]}, campaign="DEMO-FOODBANK"), {})
    assert SlotSet("lead_contact_detail", None) in events
    assert SlotSet("lead_first_name", None) in events
    assert "Thanks Sam" in said(dispatcher.messages)[0]["text"]
    with database() as session:
        lead = session.scalars(select(Lead)).one()
        assert (lead.email, lead.outcode, lead.channel) == ("sam@example.org", "ST4", "web")
        assert lead.campaign_id is not None and lead.shown_vacancy_ids == [1, 2]
        assert session.scalars(select(Consent)).one().wording_version
        assert session.scalars(select(LeadRoute)).all()


def test_refused_consent_or_under_16_stores_nothing(database) -> None:
    for slots in ({**FILLED, "lead_consent": "refused"}, {"lead_under_16": True}):
        dispatcher = CollectingDispatcher()
        ActionSubmitInterest().run(dispatcher, tracker(slots), {})
        assert said(dispatcher.messages)
    with database() as session:
        assert session.scalars(select(Lead)).all() == []


def test_erasure_deletes_the_lead_and_asks_the_front_end_to_drop_the_conversation(
        database) -> None:
    ActionSubmitInterest().run(CollectingDispatcher(), tracker(dict(FILLED)), {})
    dispatcher = CollectingDispatcher()
    ActionEraseMyData().run(dispatcher, tracker(), {})
    assert said(dispatcher.messages)[1]["custom"] == {"type": "conversation_erased"}
    with database() as session:
        assert session.scalars(select(Lead)).all() == []


def test_clarify_notes_the_question_masked(database) -> None:
    dispatcher = CollectingDispatcher()
    ActionClarify().run(dispatcher, tracker(text="can u ring me on 07700 900123 about blah"), {})
    assert said(dispatcher.messages)[0]["response"] == "utter_clarify"
    with database() as session:
        question = session.scalars(select(UnansweredQuestion)).one()
        assert "07700" not in question.text


def search(action: Any, slots: dict[str, Any]) -> tuple[list[Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker(slots), {})
    return events, said(dispatcher.messages)


def test_vacancy_search_shows_three_cards_with_apply_links_then_more(database) -> None:
    events, messages = search(ActionSearchVacancies(), {"location": "ST4", "vacancy_radius": 10})
    cards = [m["custom"] for m in messages if m.get("custom")]
    assert len(cards) == 3  # a page of three, as there are more
    assert all(c["type"] == "vacancy" and c["apply_url"].startswith("http") for c in cards)
    assert any("NHS Jobs" in (c["attribution"] or "") for c in cards)
    distances = [c["distance_miles"] for c in cards]
    assert distances == sorted(distances)  # nearest first
    shown = next(e["value"] for e in events if e["name"] == "vacancies_shown")
    assert len(shown) == len(cards)
    # The demo data has more than three jobs within 10 miles of ST4: "more" must be offered.
    assert "/more_vacancies" in {b["payload"] for b in messages[-1]["buttons"]}
    _, more = search(ActionMoreVacancies(), {"location": "ST4", "vacancy_offset": 0,
                                             "vacancies_shown": shown})
    more_cards = [m["custom"]["title"] for m in more if m.get("custom")]
    assert more_cards and not set(more_cards) & {c["title"] for c in cards}


def test_no_results_get_an_honest_answer_and_a_next_step(database) -> None:
    _, messages = search(ActionSearchVacancies(), {"location": "TR1", "vacancy_radius": 10})
    assert "no open jobs" in messages[0]["text"]
    assert {b["payload"] for b in messages[0]["buttons"]} >= {"/widen_search", "/register_interest"}
    events, _ = search(ActionWidenSearch(), {"location": "TR1", "vacancy_radius": 10})
    assert SlotSet("vacancy_radius", 20.0) in events
