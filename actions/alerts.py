"""Job alerts in the conversation: what to watch, age, email (web), consent; list; stop.

Flow (stories/alerts.yml, diagram in stories/alerts.mmd):
  ask_job_alert (or the "Tell me about new jobs like these" button) -> age (under 16:
  kind signposting, nothing saved) -> place (unless known) -> email address (web chat
  only) -> consent for that channel -> saved (email: confirmed by link first).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.common import (
    age_from,
    channel_name,
    clock,
    consent_in,
    db_session,
    delivers_later,
    latest_entity,
    typed_answer_of,
)
from carecareers.alerts import (
    AlertAsked,
    AlertError,
    ConfirmationPending,
    alerts_for_sender,
    consent_question,
    criteria_for,
    criteria_of,
    set_up_alert,
    stop_alerts_for_sender,
)
from carecareers.catalogue import text
from carecareers.conversation.payloads import FORM_ANSWERS_FORGOTTEN
from carecareers.forms.validation import InvalidAnswer, parse_age, parse_email
from carecareers.settings import get_settings

logger = logging.getLogger(__name__)

FORM_SLOTS = ("alert_what", "alert_place", "alert_apprenticeships", "alert_age", "alert_email",
              "alert_consent", "alert_under_16")


def asked_from(tracker: Tracker) -> AlertAsked:
    """The alert the slots describe, for this conversation and channel."""
    return AlertAsked(
        channel=channel_name(tracker), sender_id=tracker.sender_id,
        role=tracker.get_slot("alert_what"), place=tracker.get_slot("alert_place"),
        apprenticeships=bool(tracker.get_slot("alert_apprenticeships")),
        email=tracker.get_slot("alert_email"))


def in_this_chat(asked: AlertAsked) -> bool:
    """True when the alerts come in the chat the person is using, rather than by email."""
    return asked.delivery_channel == asked.channel


class ActionStartJobAlert(Action):
    """Start from what was just said, or from the search shown ('new jobs like these')."""

    def name(self) -> str:
        return "action_start_job_alert"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        from_button = text.startswith("/")
        what = latest_entity(tracker, "role") or (
            tracker.get_slot("vacancy_role") if from_button else None)
        place = latest_entity(tracker, "location") or tracker.get_slot("location")
        apprenticeships = "apprentic" in text.lower() or (
            from_button and bool(tracker.get_slot("vacancy_apprenticeship")))
        known_age = age_from(tracker.get_slot("lead_age")) or age_from(tracker.get_slot("age"))
        return [SlotSet(slot, None) for slot in FORM_SLOTS] + [
            SlotSet("alert_what", what),
            SlotSet("alert_place", place), SlotSet("alert_apprenticeships", apprenticeships),
            SlotSet("alert_age", str(known_age) if known_age else None),
        ]


class ValidateJobAlertForm(FormValidationAction):
    def name(self) -> str:
        return "validate_job_alert_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        if tracker.get_slot("alert_under_16"):
            return []
        if delivers_later(tracker):
            return [s for s in domain_slots if s != "alert_email"]
        return domain_slots

    # An email address or a postcode is taken by its shape, whatever NLU made of it.
    def extract_alert_place(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> dict[str, Any]:
        return typed_answer_of("alert_place", "postcode", tracker)

    def extract_alert_email(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> dict[str, Any]:
        return typed_answer_of("alert_email", "email", tracker)

    def validate_alert_age(self, value: Any, dispatcher: CollectingDispatcher,
                           tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        try:
            age = parse_age(str(value))
        except InvalidAnswer as error:
            dispatcher.utter_message(text=str(error))
            return {"alert_age": None}
        if not age.can_consent:
            dispatcher.utter_message(response="utter_alert_under_16")
            return {"alert_age": None, "alert_under_16": True}
        return {"alert_age": str(age.years) if age.years is not None else age.band}

    def validate_alert_place(self, value: Any, dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        asked = AlertAsked(channel="web", sender_id="", what=None, place=str(value))
        try:
            criteria_for(asked)
        except AlertError as error:
            dispatcher.utter_message(text=str(error))
            return {"alert_place": None}
        return {"alert_place": str(value).strip()}

    def validate_alert_email(self, value: Any, dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        try:
            return {"alert_email": parse_email(str(value))}
        except InvalidAnswer as error:
            dispatcher.utter_message(text=str(error))
            return {"alert_email": None}

    def validate_alert_consent(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        """Consent only from its own buttons or typed words that say yes (leads' rule)."""
        consent = consent_in(tracker)
        if consent is None:
            dispatcher.utter_message(response="utter_tap_alert_consent")
        return {"alert_consent": consent}


class ActionAskAlertAge(Action):
    def name(self) -> str:
        return "action_ask_alert_age"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(response="utter_alert_age_question")
        return []


class ActionAskAlertConsent(Action):
    """Ask consent for this channel in plain words (PECR: a job alert is direct marketing)."""

    def name(self) -> str:
        return "action_ask_alert_consent"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        try:
            wording = consent_question(get_settings(), asked_from(tracker))
        except AlertError as error:
            dispatcher.utter_message(text=str(error))
            return [SlotSet("alert_place", None)]
        dispatcher.utter_message(response="utter_alert_consent_question", question=wording.text)
        return []


def forget(dispatcher: CollectingDispatcher, clear: list[EventType]) -> list[EventType]:
    """Clear the answers, and have the relay blank them out of the tracker store too."""
    dispatcher.utter_message(json_message=dict(FORM_ANSWERS_FORGOTTEN))
    return clear


class ActionSetJobAlert(Action):
    """Save the alert if consent was given; always clear the form's answers."""

    def name(self) -> str:
        return "action_set_job_alert"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        clear = [SlotSet(slot, None) for slot in FORM_SLOTS]
        if tracker.get_slot("alert_under_16"):
            return forget(dispatcher, clear)
        if tracker.get_slot("alert_consent") != "given":
            dispatcher.utter_message(response="utter_alert_refused")
            return forget(dispatcher, clear)
        asked = asked_from(tracker)
        try:
            with db_session() as session:
                request = set_up_alert(session, get_settings(), asked, clock().now())
                watch = criteria_of(request.alert).describe()
        except ConfirmationPending:
            dispatcher.utter_message(response="utter_alert_confirmation_pending")
            return forget(dispatcher, clear)
        except AlertError as error:
            dispatcher.utter_message(text=str(error))
            return forget(dispatcher, clear)
        except SQLAlchemyError as exc:
            logger.error("could not save a job alert: %s", type(exc).__name__)
            dispatcher.utter_message(response="utter_alerts_unavailable")
            return forget(dispatcher, clear)
        if request.link_sent_before:
            dispatcher.utter_message(response="utter_alert_link_sent_before",
                                     email=asked.email, watch=watch)
        else:
            self.confirm(dispatcher, asked, watch, request.needs_confirmation)
        return clear

    @staticmethod
    def confirm(dispatcher: CollectingDispatcher, asked: AlertAsked, watch: str,
                needs_confirmation: bool) -> None:
        if in_this_chat(asked):
            dispatcher.utter_message(response="utter_alert_set_in_chat", watch=watch)
        elif needs_confirmation:
            dispatcher.utter_message(response="utter_alert_needs_confirmation",
                                     email=asked.email, watch=watch)
        else:
            dispatcher.utter_message(response="utter_alert_set_email", watch=watch)


class ActionCancelJobAlert(Action):
    def name(self) -> str:
        return "action_cancel_job_alert"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(response="utter_alert_cancelled")
        return forget(dispatcher, [SlotSet(slot, None) for slot in FORM_SLOTS])


class ActionMyAlerts(Action):
    def name(self) -> str:
        return "action_my_alerts"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        try:
            with db_session() as session:
                alerts = [(criteria_of(a).describe(), a.status)
                          for a in alerts_for_sender(session, tracker.sender_id, clock().now())]
        except SQLAlchemyError:
            logger.exception("could not list job alerts")
            dispatcher.utter_message(response="utter_alerts_unavailable")
            return []
        if not alerts:
            dispatcher.utter_message(response="utter_no_alerts")
            return []
        lines = [text("chat.alerts.pending" if status == "pending" else "chat.alerts.line",
                      watch=watch) for watch, status in alerts]
        dispatcher.utter_message(response="utter_my_alerts", alerts="\n".join(lines))
        return []


class ActionStopAlerts(Action):
    def name(self) -> str:
        return "action_stop_alerts"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        try:
            with db_session() as session:
                stopped = stop_alerts_for_sender(session, tracker.sender_id, clock().now())
        except SQLAlchemyError:
            logger.exception("could not stop job alerts")
            dispatcher.utter_message(response="utter_alerts_unavailable")
            return []
        if stopped:
            dispatcher.utter_message(
                response="utter_alert_stopped" if stopped == 1 else "utter_alerts_stopped",
                count=stopped)
        else:
            dispatcher.utter_message(response="utter_no_alerts_to_stop")
        return []
