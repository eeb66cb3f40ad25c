"""Mask contact details (emails, UK phone numbers, postcodes) in free text."""

from __future__ import annotations

import re

EMAIL_MASK = "[email]"
PHONE_MASK = "[phone]"
POSTCODE_MASK = "[postcode]"

_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}\b", re.IGNORECASE)
_PHONE = re.compile(
    r"""
    (?<![\w+])
    (?: (?:\+|\b00)\s*44\s*(?:\(0\)\s*)?   # +44 or 0044, perhaps with (0)
      | \(?0 )                             # or a national number starting with 0
    (?:[\s\-.()]*\d){9,10}                 # the remaining 9 or 10 digits, spaced any way
    (?!\d)
    """,
    re.VERBOSE,
)


def mask_contact_details(text: str) -> str:
    """Replace emails, UK phone numbers and full postcodes with placeholders."""
    text = _EMAIL.sub(EMAIL_MASK, text)
    text = _POSTCODE.sub(POSTCODE_MASK, text)
    return _PHONE.sub(PHONE_MASK, text)
