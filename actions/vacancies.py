"""Vacancy search in the conversation: where, what, then the best three with apply links."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.common import (
    button,
    clock,
    db_session,
    latest_entity,
    message_metadata,
    typed_answer_of,
)
from carecareers.geo import default_gazetteer, place_said
from carecareers.vacancies.search import SearchResult, UnknownPlace, VacancyHit, search_vacancies

logger = logging.getLogger(__name__)

PAGE = 3
START_RADIUS_MILES = 10.0
MAX_RADIUS_MILES = 40.0


def vacancy_card(hit: VacancyHit) -> dict[str, Any]:
    """The custom payload every front end renders as a card with an Apply link."""
    return {
        "type": "vacancy", "title": hit.title, "employer": hit.employer, "place": hit.place,
        "distance_miles": round(hit.distance_miles, 1) if hit.distance_miles is not None else None,
        "salary": hit.salary, "apply_url": hit.apply_url,
        "closing_date": hit.closing_date.isoformat() if hit.closing_date else None,
        "apprenticeship": hit.is_apprenticeship,
        "attribution": hit.attribution.text if hit.attribution else None,
    }


class ActionStartVacancySearch(Action):
    """Set up a new search: the role and kind asked for now, a shared location if any."""

    def name(self) -> str:
        return "action_start_vacancy_search"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        text = (tracker.latest_message.get("text") or "").lower()
        events: list[EventType] = [
            SlotSet("vacancy_role", latest_entity(tracker, "role")),
            SlotSet("vacancy_offset", 0), SlotSet("vacancy_radius", START_RADIUS_MILES),
            SlotSet("vacancy_apprenticeship", "apprentic" in text or None),
        ]
        shared = _shared_location(tracker)
        if shared is not None:
            events.append(SlotSet("location", shared))
        return events


def _shared_location(tracker: Tracker) -> str | None:
    metadata = message_metadata(tracker)
    latitude, longitude = metadata.get("latitude"), metadata.get("longitude")
    if not isinstance(latitude, int | float) or not isinstance(longitude, int | float):
        return None
    return default_gazetteer().nearest_outcode(float(latitude), float(longitude))


class ValidateVacancySearchForm(FormValidationAction):
    def name(self) -> str:
        return "validate_vacancy_search_form"

    def extract_location(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                         domain: DomainDict) -> dict[str, Any]:
        """A postcode is taken by its shape, whatever NLU made of it."""
        return typed_answer_of("location", "postcode", tracker)

    def validate_location(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict) -> dict[str, Any]:
        if value is None:
            return {"location": None}
        said = place_said(str(value))  # "sorry, I meant Stone": the place only
        place = default_gazetteer().find(said)
        if place is None:
            dispatcher.utter_message(response="utter_place_not_found")
            return {"location": None}
        return {"location": said}


class SearchAction(Action, ABC):
    """Run the search in the slots, from `offset` within `radius`, and show one page."""

    @abstractmethod
    def name(self) -> str:
        """The action's name in the domain."""

    def search(self, dispatcher: CollectingDispatcher, tracker: Tracker, offset: int,
               radius: float) -> list[EventType]:
        near = tracker.get_slot("location")
        if not near:
            dispatcher.utter_message(response="utter_ask_location")
            return []
        try:
            with db_session() as session:
                result = search_vacancies(
                    session, role=tracker.get_slot("vacancy_role"), near=near,
                    radius_miles=radius, apprenticeship=tracker.get_slot("vacancy_apprenticeship"),
                    limit=PAGE, offset=offset, today=clock().today())
        except UnknownPlace:
            dispatcher.utter_message(response="utter_ask_location")
            return [SlotSet("location", None)]
        except SQLAlchemyError:
            logger.exception("vacancy search failed")
            dispatcher.utter_message(response="utter_search_unavailable")
            return []
        self.show(dispatcher, result, near, offset, radius)
        shown = list(tracker.get_slot("vacancies_shown") or [])
        shown += [hit.id for hit in result.vacancies if hit.id not in shown]
        return [SlotSet("vacancy_offset", offset), SlotSet("vacancy_radius", radius),
                SlotSet("vacancies_shown", shown[-50:])]

    @staticmethod
    def show(dispatcher: CollectingDispatcher, result: SearchResult, near: str, offset: int,
             radius: float) -> None:
        miles = f"{radius:g}"
        if not result.vacancies:
            dispatcher.utter_message(response="utter_no_more_jobs" if offset else "utter_no_jobs",
                                     radius=miles, place=near)
            return
        first, last = offset + 1, offset + len(result.vacancies)
        dispatcher.utter_message(response="utter_jobs_found", first=first, last=last,
                                 total=result.total_text, radius=miles, place=near)
        for hit in result.vacancies:
            dispatcher.utter_message(json_message=vacancy_card(hit))
        buttons = [button("chat.jobs.contact_me", "/register_interest")]
        if last < result.total:
            buttons.insert(0, button("chat.jobs.more", "/more_vacancies"))
        if radius < MAX_RADIUS_MILES:
            buttons.append(button("chat.jobs.wider", "/widen_search"))
        buttons.append(button("chat.jobs.alert", "/ask_job_alert"))
        dispatcher.utter_message(response="utter_jobs_next", buttons=buttons)


class ActionSearchVacancies(SearchAction):
    def name(self) -> str:
        return "action_search_vacancies"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        return self.search(dispatcher, tracker, 0, _radius(tracker))


class ActionMoreVacancies(SearchAction):
    def name(self) -> str:
        return "action_more_vacancies"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        offset = int(tracker.get_slot("vacancy_offset") or 0) + PAGE
        return self.search(dispatcher, tracker, offset, _radius(tracker))


class ActionWidenSearch(SearchAction):
    def name(self) -> str:
        return "action_widen_search"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        return self.search(dispatcher, tracker, 0, min(_radius(tracker) * 2, MAX_RADIUS_MILES))


def _radius(tracker: Tracker) -> float:
    try:
        return float(tracker.get_slot("vacancy_radius") or START_RADIUS_MILES)
    except (TypeError, ValueError):
        return START_RADIUS_MILES
