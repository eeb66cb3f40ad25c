"""Contact details are masked before unanswered questions are shown or stored."""

from __future__ import annotations

import pytest

from carecareers.questions.masking import mask_contact_details


@pytest.mark.parametrize("text, expected", [
    ("email me at jo.bloggs+care@example.co.uk please",
     "email me at [email] please"),
    ("JO@EXAMPLE.COM", "[email]"),
    ("call 07700 900123", "call [phone]"),
    ("call 07700900123.", "call [phone]."),
    ("ring +44 7700 900 123 after 5", "ring [phone] after 5"),
    ("ring +447700900123", "ring [phone]"),
    ("0044 7700 900123", "[phone]"),
    ("+44 (0)1782 123456", "[phone]"),
    ("(01782) 123456 is home", "[phone] is home"),
    ("020-7946-0018", "[phone]"),
    ("0121 496 0000 or 07700 900456", "[phone] or [phone]"),
    ("I live at ST4 6QG", "I live at [postcode]"),
    ("postcode st46qg ok", "postcode [postcode] ok"),
    ("B1 1AA and SW1A 1AA", "[postcode] and [postcode]"),
])
def test_contact_details_are_masked(text: str, expected: str) -> None:
    assert mask_contact_details(text) == expected


@pytest.mark.parametrize("text", [
    "jobs near ST4",
    "how much do band 3 HCAs earn",
    "I am 17 and live in Stoke",
    "is it £12.21 an hour",
    "the 2024-09-01 intake",
    "level 2 or level 3 apprenticeship",
    "12345",
    "",
])
def test_other_text_is_left_alone(text: str) -> None:
    assert mask_contact_details(text) == text


def test_everything_in_one_message() -> None:
    masked = mask_contact_details("I'm Sam, sam@example.org, 07700 900123, WS15 2AB")
    assert masked == "I'm Sam, [email], [phone], [postcode]"
