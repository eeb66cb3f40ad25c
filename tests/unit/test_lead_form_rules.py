"""The interest form's rules, which live in the core (carecareers/leads/form.py)."""

from __future__ import annotations

import pytest

from carecareers.careers.content import load_content
from carecareers.forms.validation import AGE_BANDS, InvalidAnswer
from carecareers.geo import default_gazetteer
from carecareers.leads.form import (
    age_label,
    corrected_answer,
    read_confirmation,
    read_consent,
    read_first_name,
    read_interest,
    typed_answer,
    wants_callback,
)
from carecareers.leads.privacy import period_in_words
from carecareers.settings import PROJECT_ROOT


@pytest.mark.parametrize(("stored", "shown"), [
    ("25_plus", "25+"), ("16_17", "16-17"), ("18_24", "18-24"), ("17", "17"), (None, ""),
])
def test_age_label_is_written_as_people_write_it(stored, shown) -> None:
    assert age_label(stored) == shown


def test_every_age_band_has_a_label_without_underscores() -> None:
    assert all("_" not in age_label(band) and "-+" not in age_label(band) for band in AGE_BANDS)


@pytest.mark.parametrize(("answer", "intent", "confirmed", "slot"), [
    ("yes", None, True, None), ("Looks right", None, True, None),
    ("whatever", "affirm", True, None), ("change postcode", None, False, "lead_postcode"),
    ("change age", "affirm", False, "lead_age"), ("hmm", None, False, None),
])
def test_the_summary_answer(answer, intent, confirmed, slot) -> None:
    result = read_confirmation(answer, intent)
    assert (result.confirmed, result.change_slot) == (confirmed, slot)


@pytest.mark.parametrize(("button", "typed", "intent", "consent"), [
    ("given", '/inform{"consent_answer":"given"}', "inform", "given"),
    ("refused", '/inform{"consent_answer":"refused"}', "inform", "refused"),
    (None, "yes", "affirm", "given"), (None, "I agree", "affirm", "given"),
    (None, "no thanks", None, "refused"), (None, "I don't want that", "deny", "refused"),
    # not consent: an affirm-like message that is not a yes, another question's button
    (None, "sounds good to me", "affirm", None), (None, "maybe later", None, None),
    (None, "ok", "affirm", None), (None, "sure", "affirm", None), (None, "Yes!", "affirm", "given"),
    (None, '/inform{"form_answer":"yes"}', "inform", None),
    (None, '/inform{"form_answer":"looks right"}', "affirm", None),
])
def test_consent_comes_only_from_a_real_choice(button, typed, intent, consent) -> None:
    assert read_consent(button, typed, intent) == consent


def test_interest_must_be_short_text() -> None:
    assert read_interest("  nursing  ") == "nursing"
    with pytest.raises(InvalidAnswer):
        read_interest("x" * 201)
    with pytest.raises(InvalidAnswer):
        read_interest("   ")


def test_phone_or_asking_for_a_person_means_a_call_back() -> None:
    assert wants_callback(True, "email") and wants_callback(False, "phone")
    assert not wants_callback(False, "email")


# -- answers taken by their shape, whatever NLU made of them --------------------------------


@pytest.fixture(scope="module")
def careers():
    return load_content(PROJECT_ROOT / "content")


@pytest.mark.parametrize(("kind", "text"), [
    ("name", "Robin"), ("name", "Quinn"), ("name", "my name is Mary-Jane"),
    ("name", "it's Aisha Bibi"), ("email", "morgan.private@example.org"),
    ("phone", "07700 900123"), ("postcode", "ST16"), ("postcode", "st4 6qg"),
])
def test_an_answer_of_the_right_shape_is_taken(careers, kind, text) -> None:
    assert typed_answer(kind, f" {text} ", default_gazetteer(), careers) == text


@pytest.mark.parametrize(("kind", "text"), [
    ("name", "stop"), ("name", "never mind"), ("name", "nvm"), ("name", "no thanks"),
    ("name", "hi"), ("name", "are you a bot"), ("name", "help"), ("name", "nurse"),
    ("name", "healthcare assistant"), ("name", "how much is the pay"), ("name", "17"),
    ("name", "what do I need to be a carer in Stoke"), ("name", "/stop"),
    ("email", "stop"), ("email", "cancel it"), ("phone", "forget it"),
    ("postcode", "stop"), ("postcode", "quit"), ("postcode", "/search_vacancies"), ("name", ""),
])
def test_anything_else_is_left_to_the_forms_usual_reading(careers, kind, text) -> None:
    assert typed_answer(kind, text, default_gazetteer(), careers) is None


@pytest.mark.parametrize(("days", "words"), [
    (1, "1 day"), (14, "14 days"), (30, "30 days"), (59, "59 days"), (61, "2 months"),
    (180, "6 months"), (365, "12 months"), (730, "24 months"),
])
def test_retention_periods_are_said_in_plain_words(days, words) -> None:
    assert period_in_words(days) == words


@pytest.mark.parametrize(("text", "name"), [
    ("Stevie", "Stevie"), ("hi im Noor", "Noor"), ("jordan smith", "Jordan smith"),
    ("Hayley", "Hayley"), ("Noah", "Noah"),
])
def test_a_first_name_is_read(careers, text, name) -> None:
    assert read_first_name(text, careers) == name


@pytest.mark.parametrize("text", ["hiya", "hello there", "hey", "yes", "nope", "care worker",
                                  "stop it", "07700 900123"])
def test_a_greeting_a_yes_or_no_or_a_job_is_not_a_first_name(careers, text) -> None:
    with pytest.raises(InvalidAnswer, match="first name"):
        read_first_name(text, careers)


def test_a_postcode_after_sorry_i_meant_is_the_postcode(careers) -> None:
    gazetteer = default_gazetteer()
    assert typed_answer("postcode", "sorry i meant ST5 1AB", gazetteer, careers) == "ST5 1AB"
    assert corrected_answer("postcode", "soz i meant st4", gazetteer, careers) == "st4"
    assert corrected_answer("postcode", "ST4", gazetteer, careers) is None  # not a correction
    assert corrected_answer("postcode", "sorry i meant nursing", gazetteer, careers) is None
