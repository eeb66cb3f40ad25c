"""Answers in the interest form: names, ages, contact details and postcodes."""

from __future__ import annotations

import pytest

from carecareers.channels import channel_named
from carecareers.forms.validation import (
    InvalidAnswer,
    parse_age,
    parse_contact_detail,
    parse_contact_method,
    parse_email,
    parse_first_name,
    parse_phone,
    parse_postcode,
)
from carecareers.geo import default_gazetteer


@pytest.mark.parametrize("text, name", [
    ("Zainab", "Zainab"), ("my name is jordan", "Jordan"), ("i'm Aoife", "Aoife"),
    ("Mary-Jane", "Mary-Jane"), ("hi im sam", "Sam"),
])
def test_first_names(text: str, name: str) -> None:
    assert parse_first_name(text) == name


@pytest.mark.parametrize("text", ["", "07700900123", "sam@example.com", "x" * 60, "!!!"])
def test_not_names(text: str) -> None:
    with pytest.raises(InvalidAnswer, match="first name"):
        parse_first_name(text)


@pytest.mark.parametrize("text, years, band", [
    ("17", 17, "16_17"), ("im 19", 19, "18_24"), ("16-17", None, "16_17"),
    ("25+", None, "25_plus"), ("under 16", None, "under_16"), ("15", 15, "under_16"),
    ("42", 42, "25_plus"),
])
def test_ages(text: str, years: int | None, band: str) -> None:
    age = parse_age(text)
    assert (age.years, age.band) == (years, band)
    assert age.can_consent == (band != "under_16")


@pytest.mark.parametrize("text", ["old", "1000", "5", "17 or 18 or 19"])
def test_not_ages(text: str) -> None:
    with pytest.raises(InvalidAnswer):
        parse_age(text)


@pytest.mark.parametrize("text, number", [
    ("07700 900123", "07700 900123"), ("+44 7700 900123", "07700 900123"),
    ("0044-7700-900123", "07700 900123"), ("01782 123456", "01782 123456"),
    ("(01782) 123 456", "01782 123456"),
])
def test_uk_phone_numbers(text: str, number: str) -> None:
    assert parse_phone(text) == number


@pytest.mark.parametrize("text", ["12345", "07700 9001", "+1 555 123 4567", "08000 111111x",
                                  "077009001234"])
def test_not_uk_phone_numbers(text: str) -> None:
    with pytest.raises(InvalidAnswer, match="07700 900123"):
        parse_phone(text)


def test_emails() -> None:
    assert parse_email(" Sam.Jones+care@Example.CO.UK ") == "Sam.Jones+care@example.co.uk"
    for bad in ["sam@", "sam@example", "sam example.com", "a@b@c.com", "<script>@x.com"]:
        with pytest.raises(InvalidAnswer, match="name@example.com"):
            parse_email(bad)


@pytest.mark.parametrize("text", ["sam@example.org\n.", "<sam@example.org\n>",
                                  "sam@example.org\n,", "sam@example.org\r\n."])
def test_an_email_with_a_line_break_inside_is_refused(text: str) -> None:
    """A newline kept after the address would reach the email's To: header."""
    with pytest.raises(InvalidAnswer, match="name@example.com"):
        parse_email(text)


def test_spaces_and_line_breaks_around_an_email_are_dropped() -> None:
    assert parse_email(" sam@example.org\r\n") == "sam@example.org"


def test_contact_methods() -> None:
    telegram = channel_named("telegram").contact_method
    assert parse_contact_method("email please", offered=None) == "email"
    assert parse_contact_method("text me", offered=None) == "phone"
    assert parse_contact_method("Telegram", offered=telegram) == "telegram"
    with pytest.raises(InvalidAnswer, match="Telegram works when you chat with me on Telegram"):
        parse_contact_method("telegram", offered=None)
    with pytest.raises(InvalidAnswer):
        parse_contact_method("carrier pigeon", offered=None)


def test_a_chat_account_is_read_by_its_channels_pattern() -> None:
    assert parse_contact_detail("telegram", "jordan_smith") == "@jordan_smith"
    assert parse_contact_detail("telegram", "@jordan_smith") == "@jordan_smith"
    with pytest.raises(InvalidAnswer, match="Telegram username"):
        parse_contact_detail("telegram", "@ab")
    with pytest.raises(InvalidAnswer):
        parse_contact_detail("pigeon", "jordan_smith")


def test_postcodes_and_districts() -> None:
    gazetteer = default_gazetteer()
    assert parse_postcode("st4 6qg", gazetteer) == ("ST4 6QG", "ST4")
    assert parse_postcode("ST4", gazetteer) == (None, "ST4")
    for bad in ["Stoke", "ZZ99 9ZZ", "12345"]:
        with pytest.raises(InvalidAnswer, match="ST4 6QG"):
            parse_postcode(bad, gazetteer)
