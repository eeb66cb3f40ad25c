"""The interest form: questions, validation, consent and storing the lead."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from actions.common import (
    campaign_of,
    careers_content,
    channel_name,
    checked,
    clock,
    consent_context,
    consent_in,
    contact_method_of,
    corrected_answer_of,
    db_session,
    say,
    typed_answer_of,
)
from carecareers.careers import answers
from carecareers.catalogue import text
from carecareers.conversation.payloads import FORM_ANSWERS_FORGOTTEN
from carecareers.conversation.payloads import form_answer_button as answer_button
from carecareers.forms.validation import (
    parse_age,
    parse_contact_detail,
    parse_contact_method,
    parse_postcode,
)
from carecareers.geo import default_gazetteer
from carecareers.leads import ConsentWording, InterestDetails, InvalidAnswer, record_interest
from carecareers.leads.form import (
    age_label,
    consent_for,
    interest_codes,
    read_confirmation,
    read_first_name,
    read_interest,
    wants_callback,
)

logger = logging.getLogger(__name__)
FORM_SLOTS = ("lead_first_name", "lead_age", "lead_contact_method", "lead_contact_detail",
              "lead_postcode", "lead_interest", "lead_confirmed", "lead_consent",
              "lead_under_16", "lead_callback")
# The question for each contact detail; a channel adds its own (content/channels.yml).
DETAIL_QUESTIONS = {"phone": "utter_lead_phone_question", "email": "utter_lead_email_question"}


def clear_form() -> list[EventType]:
    return [SlotSet(slot, None) for slot in FORM_SLOTS]


def forget_form(dispatcher: CollectingDispatcher) -> list[EventType]:
    """Clear the answers, and have the relay blank them out of the tracker store too."""
    dispatcher.utter_message(json_message=dict(FORM_ANSWERS_FORGOTTEN))
    return clear_form()


# What means the person asked for a person just before starting the form.
ASKING_INTENTS = ("human_handoff", "ask_adviser_chat")
ASKED_FOR_A_PERSON = ("utter_human_handoff", "action_human_handoff",
                      "action_ask_adviser_chat")


class ActionStartInterest(Action):
    """Begin a fresh form, noting whether the person asked to be called back."""

    def name(self) -> str:
        return "action_start_interest"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        callback = tracker.get_intent_of_latest_message() in ASKING_INTENTS or any(
            e.get("event") == "action" and e.get("name") in ASKED_FOR_A_PERSON
            for e in tracker.events[-6:])
        return [*clear_form(), SlotSet("lead_callback", callback)]


class ValidateInterestForm(FormValidationAction):
    def name(self) -> str:
        return "validate_interest_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        if tracker.get_slot("lead_under_16"):
            return []
        return domain_slots

    # A name, an address or a postcode is taken by its shape, whatever NLU made of it.
    def extract_lead_first_name(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> dict[str, Any]:
        return typed_answer_of("lead_first_name", "name", tracker)

    def extract_lead_contact_detail(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> dict[str, Any]:
        method = tracker.get_slot("lead_contact_method")
        return typed_answer_of("lead_contact_detail", method, tracker) if method else {}

    def extract_lead_postcode(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> dict[str, Any]:
        if tracker.get_slot("lead_postcode"):  # "sorry, I meant ST5" at a later question
            return corrected_answer_of("lead_postcode", "postcode", tracker)
        return typed_answer_of("lead_postcode", "postcode", tracker)

    def extract_lead_consent(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> dict[str, Any]:
        """Typed words that say yes or no count, whatever NLU made of them."""
        if tracker.get_slot("requested_slot") != "lead_consent":
            return {}
        consent = consent_in(tracker)
        return {} if consent is None else {"lead_consent": consent}

    def validate_lead_first_name(self, value: Any, dispatcher: CollectingDispatcher,
                                 tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if value is None:
            return {"lead_first_name": None}
        return checked(dispatcher, "lead_first_name",
                       lambda: read_first_name(str(value), careers_content()))

    def validate_lead_age(self, value: Any, dispatcher: CollectingDispatcher,
                          tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if value is None:
            return {"lead_age": None}
        try:
            age = parse_age(str(value))
        except InvalidAnswer as error:
            dispatcher.utter_message(text=str(error))
            return {"lead_age": None}
        if not age.can_consent:
            dispatcher.utter_message(response="utter_interest_under_16")
            return {"lead_age": None, "lead_under_16": True}
        return {"lead_age": str(age.years) if age.years is not None else age.band}

    def validate_lead_contact_method(self, value: Any, dispatcher: CollectingDispatcher,
                                     tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if value is None:
            return {"lead_contact_method": None}
        offered = contact_method_of(tracker)  # the channel's own, if it has one
        result = checked(dispatcher, "lead_contact_method",
                             lambda: parse_contact_method(str(value), offered))
        if result["lead_contact_method"] != tracker.get_slot("lead_contact_method"):
            result["lead_contact_detail"] = None
        return result

    def validate_lead_contact_detail(self, value: Any, dispatcher: CollectingDispatcher,
                                     tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if value is None:
            return {"lead_contact_detail": None}
        method = tracker.get_slot("lead_contact_method") or ""
        return checked(dispatcher, "lead_contact_detail",
                           lambda: parse_contact_detail(method, str(value)))

    def validate_lead_postcode(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if value is None:
            return {"lead_postcode": None}
        def read() -> str:
            full, outcode = parse_postcode(str(value), default_gazetteer())
            return full or outcode
        return checked(dispatcher, "lead_postcode", read)

    def validate_lead_interest(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if value is None or corrected_answer_of("lead_postcode", "postcode", tracker):
            return {"lead_interest": None}  # "sorry, I meant ST5" corrects the postcode
        return checked(dispatcher, "lead_interest", lambda: read_interest(str(value)))

    def validate_lead_confirmed(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if value is None:
            return {"lead_confirmed": None}
        answer = read_confirmation(str(value), tracker.get_intent_of_latest_message())
        if answer.change_slot:
            return {"lead_confirmed": None, answer.change_slot: None}
        if answer.confirmed:
            return {"lead_confirmed": "yes"}
        dispatcher.utter_message(response="utter_tap_confirmation")
        return {"lead_confirmed": None}

    def validate_lead_consent(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if value is None:
            return {"lead_consent": None}
        consent = consent_in(tracker)
        if consent is None:
            dispatcher.utter_message(response="utter_tap_interest_consent")
        return {"lead_consent": consent}


class ActionAskLeadContactMethod(Action):
    def name(self) -> str:
        return "action_ask_lead_contact_method"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        offered = contact_method_of(tracker)  # the channel's own way, among the buttons
        dispatcher.utter_message(response=offered.methods_question if offered is not None
                                 else "utter_lead_contact_method_question")
        return []


class ActionAskLeadContactDetail(Action):
    def name(self) -> str:
        return "action_ask_lead_contact_detail"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        questions = dict(DETAIL_QUESTIONS)
        offered = contact_method_of(tracker)
        if offered is not None:
            questions[offered.answer] = offered.detail_question
        method = tracker.get_slot("lead_contact_method") or "phone"
        dispatcher.utter_message(response=questions.get(method, questions["phone"]))
        return []


class ActionAskLeadInterest(Action):
    def name(self) -> str:
        return "action_ask_lead_interest"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        content = careers_content()
        buttons = [answer_button(text("chat.interest.apprenticeships"), "apprenticeships")]
        for role in answers.starter_roles(content)[:3]:
            buttons.append(answer_button(role.name.capitalize(), role.name))
        buttons.append(answer_button(text("chat.interest.not_sure"), "not sure yet"))
        dispatcher.utter_message(response="utter_lead_interest_question", buttons=buttons)
        return []


class ActionAskLeadConfirmed(Action):
    def name(self) -> str:
        return "action_ask_lead_confirmed"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        slot = tracker.get_slot
        dispatcher.utter_message(
            response="utter_lead_summary", first_name=slot("lead_first_name"),
            age=age_label(slot("lead_age")), contact_method=slot("lead_contact_method"),
            contact_detail=slot("lead_contact_detail"), postcode=slot("lead_postcode"),
            interest=slot("lead_interest"))
        return []


class ActionAskLeadConsent(Action):
    def name(self) -> str:
        return "action_ask_lead_consent"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        with db_session() as session:
            wording = _consent_for(session, tracker)
        dispatcher.utter_message(response="utter_lead_consent_question", question=wording.text)
        return []


def _consent_for(session: Session, tracker: Tracker) -> ConsentWording:
    slot = tracker.get_slot
    return consent_for(session, consent_context(), careers_content(),
                       slot("lead_contact_method"), str(slot("lead_postcode")),
                       str(slot("lead_interest") or ""), campaign_of(tracker))


def _interest_details(tracker: Tracker) -> InterestDetails:
    slot = tracker.get_slot
    full, outcode = parse_postcode(str(slot("lead_postcode")), default_gazetteer())
    return InterestDetails(
        sender_id=tracker.sender_id, first_name=str(slot("lead_first_name")),
        age=parse_age(str(slot("lead_age"))), contact_method=str(slot("lead_contact_method")),
        contact_detail=str(slot("lead_contact_detail")), outcode=outcode, postcode=full,
        interests=interest_codes(careers_content(), str(slot("lead_interest") or "")),
        channel=channel_name(tracker), campaign_code=campaign_of(tracker),
        wants_callback=wants_callback(bool(slot("lead_callback")), slot("lead_contact_method")),
        shown_vacancy_ids=[int(i) for i in slot("vacancies_shown") or []],
    )


class ActionSubmitInterest(Action):
    """Store the lead when consent was given; in every case clear the answers from the slots."""

    def name(self) -> str:
        return "action_submit_interest"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        if tracker.get_slot("lead_under_16"):
            say(dispatcher, answers.roles_overview(careers_content()))
            return forget_form(dispatcher)
        if tracker.get_slot("lead_consent") != "given":
            dispatcher.utter_message(response="utter_lead_refused")
            return forget_form(dispatcher)
        details = _interest_details(tracker)
        try:
            with db_session() as session:
                record_interest(session, details, _consent_for(session, tracker), clock().now())
        except SQLAlchemyError as exc:
            logger.error("could not store a lead: %s", type(exc).__name__)
            dispatcher.utter_message(response="utter_lead_not_saved")
            return forget_form(dispatcher)
        dispatcher.utter_message(response="utter_lead_saved", first_name=details.first_name,
                                 contact_method=details.contact_method)
        return clear_form()


class ActionCancelInterest(Action):
    def name(self) -> str:
        return "action_cancel_interest"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(response="utter_lead_stopped")
        return forget_form(dispatcher)
