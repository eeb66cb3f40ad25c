"""The interest form's rules: reading yes, no and "change ..." answers, interests, the
callback rule, the age label, and the consent question for one person's answers.

The form's actions in `actions/interest.py` only read slots, call these, and reply.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from carecareers import catalogue
from carecareers.campaigns.service import live_campaign
from carecareers.careers.records import CareersContent
from carecareers.careers.roles import find_role
from carecareers.forms.validation import (
    InvalidAnswer,
    parse_contact_detail,
    parse_first_name,
    parse_postcode,
)
from carecareers.geo import Gazetteer, is_correction, place_said
from carecareers.leads.consent import ConsentWording, consent_wording
from carecareers.leads.recording import lead_providers

YES_WORDS = frozenset({
    "yes", "y", "yeah", "yep", "yup", "ok", "okay", "sure", "i agree", "agree", "yes please",
    "yes, that's right", "looks right", "correct", "that's right"})
# Typed words that say yes to the consent question: an "ok" or "sure" may only acknowledge it.
CONSENT_WORDS = frozenset({
    "yes", "y", "yeah", "yep", "yup", "yes please", "i agree", "agree", "yes i agree",
    "yes, i agree", "i do", "yes i do"})
NO_WORDS = frozenset({"no", "n", "nope", "nah", "no thanks", "i don't agree", "don't agree"})
# What a "change ..." answer at the summary names, and the form question it reopens.
CHANGEABLE = {"name": "lead_first_name", "age": "lead_age", "contact": "lead_contact_detail",
              "method": "lead_contact_method", "postcode": "lead_postcode",
              "interest": "lead_interest"}
AGE_BAND_LABELS = {"under_16": "under 16", "16_17": "16-17", "18_24": "18-24", "25_plus": "25+"}
MAX_INTEREST_CHARS = 200
# Words that make a short answer at the name question something other than a name: a way
# of stopping, a yes or no, a greeting, or a question. A name has at most three words.
NOT_A_NAME = frozenset({
    "stop", "cancel", "quit", "exit", "abort", "nvm", "nevermind", "never", "forget", "skip",
    "scrap", "enough", "leave", "later", "bother", "end", "changed", "mind", "wait",
    "yes", "no", "nah", "nope", "yeah", "yep", "ok", "okay", "sure", "maybe",
    "hi", "hiya", "hey", "hello", "helo", "yo", "sup", "wassup", "morning", "afternoon",
    "evening", "thanks", "thank", "ta", "cheers", "bye", "goodbye",
    "help", "what", "why", "how", "who", "when", "where", "which", "bot", "robot", "human",
    "person", "someone", "adviser", "advisor", "privacy", "delete", "data",
    "pay", "paid", "money", "wage", "wages", "salary", "job", "jobs", "work", "vacancies",
    "apprenticeship", "apprenticeships", "dbs", "course", "courses", "degree", "training",
    "career", "careers", "hours", "care", "alerts"})
MAX_NAME_WORDS = 3


@dataclass(frozen=True)
class Confirmation:
    """The answer at the summary: confirmed, or the slot to ask again (or neither)."""

    confirmed: bool = False
    change_slot: str | None = None


def read_confirmation(answer: str, intent: str | None) -> Confirmation:
    lowered = answer.strip().lower()
    for word, slot in CHANGEABLE.items():
        if word in lowered:
            return Confirmation(change_slot=slot)
    return Confirmation(confirmed=lowered in YES_WORDS or intent == "affirm")


def read_consent(button_answer: str | None, typed: str, intent: str | None) -> str | None:
    """'given', 'refused', or None when the answer is neither.

    Consent comes only from a real choice at the consent question: its own button, or
    typed words that say yes. A "yes"-like intent alone, or another question's button,
    is not consent; saying no in any way is a refusal.
    """
    if button_answer in ("given", "refused"):
        return button_answer
    lowered = typed.strip().lower()
    if lowered.startswith("/"):
        return None  # a button of another question
    if lowered in NO_WORDS or intent == "deny":
        return "refused"
    if lowered.rstrip(".!") in CONSENT_WORDS:
        return "given"
    return None


def typed_answer(kind: str, text: str, gazetteer: Gazetteer,
                 content: CareersContent) -> str | None:
    """The typed text, when its shape makes it an answer of this kind, or None.

    `kind` is "name", "postcode" or a contact method (phone, email, a channel's own). Such
    answers are taken by their form whatever NLU made of the words: an address or a name
    can look like a question, or like "stop", to a classifier. Anything else is left to
    the form's usual reading, so "stop" still stops and a question is still answered.
    """
    cleaned = text.strip()
    if not cleaned or cleaned.startswith("/"):
        return None  # empty, or a button's payload
    try:
        if kind == "name":
            return cleaned if looks_like_a_name(cleaned, content) else None
        if kind == "postcode":
            cleaned = place_said(cleaned)
            parse_postcode(cleaned, gazetteer)
        else:
            parse_contact_detail(kind, cleaned)
    except InvalidAnswer:
        return None
    return cleaned


def corrected_answer(kind: str, text: str, gazetteer: Gazetteer,
                     content: CareersContent) -> str | None:
    """The new answer in "sorry, I meant ST5", when the text corrects one of this kind."""
    if not is_correction(text.strip()):
        return None
    return typed_answer(kind, text, gazetteer, content)


def read_first_name(text: str, content: CareersContent) -> str:
    """The first name in a typed answer; a greeting, a yes or no, or a job is not one."""
    name = parse_first_name(text)
    if not looks_like_a_name(text, content):
        raise InvalidAnswer(catalogue.text("chat.answers.first_name"))
    return name


def looks_like_a_name(text: str, content: CareersContent) -> bool:
    """A short answer of letters that is not a stop, a yes or no, a greeting or a job."""
    try:
        name = parse_first_name(text)
    except InvalidAnswer:
        return False
    words = name.lower().replace("-", " ").replace("'", " ").split()
    if len(words) > MAX_NAME_WORDS or any(word in NOT_A_NAME for word in words):
        return False
    return find_role(content, name) is None


def read_interest(text: str) -> str:
    cleaned = text.strip()
    if not cleaned or len(cleaned) > MAX_INTEREST_CHARS:
        raise InvalidAnswer(catalogue.text("chat.answers.interest"))
    return cleaned


def interest_codes(content: CareersContent, text: str) -> list[str]:
    """Codes for what the person said they are interested in ('any' when nothing matched)."""
    lowered = text.lower()
    codes: list[str] = []
    role = find_role(content, text)
    if role is not None:
        codes.append(role.code)
    if "apprentic" in lowered:
        codes.append("apprenticeships")
    for programme in content.programmes:
        if programme.topic.lower() in lowered or programme.code.replace("_", " ") in lowered:
            codes.append(programme.code)
    return codes or ["any"]


def wants_callback(asked_for_a_person: bool, contact_method: str | None) -> bool:
    """Someone who asked for a person, or chose phone, expects a call back."""
    return asked_for_a_person or contact_method == "phone"


def age_label(value: object) -> str:
    """An age slot ('17' or a band like '25_plus') as people write it ('17', '25+')."""
    text = str(value or "")
    return AGE_BAND_LABELS.get(text, text)


@dataclass(frozen=True)
class ConsentContext:
    """What the consent question depends on besides the person's answers."""

    content_dir: Path
    privacy_url: str
    retention_days: int
    gazetteer: Gazetteer


def consent_for(session: Session, context: ConsentContext, careers: CareersContent,
                contact_method: str | None, postcode: str, interest: str,
                campaign_code: str | None = None) -> ConsentWording:
    """Word the consent question for these answers, naming the providers who would receive
    them (the one whose link brought the person, `campaign_code`, among them)."""
    _, outcode = parse_postcode(postcode, context.gazetteer)
    campaign = live_campaign(session, campaign_code)
    names = [provider.name for provider in
             lead_providers(session, outcode, interest_codes(careers, interest),
                            campaign.id if campaign else None)]
    return consent_wording(context.content_dir, contact_method or "phone", names,
                           context.privacy_url, context.retention_days)

