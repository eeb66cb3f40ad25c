"""Read and check the answers a person types in a details form (interest, job alert, booking)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from carecareers import catalogue, channels
from carecareers.channels import ContactMethod
from carecareers.geo import Gazetteer, normalise_postcode, outcode_of

AGE_BANDS = ("under_16", "16_17", "18_24", "25_plus")
MIN_AGE_TO_CONSENT = 16

_NAME_PREFIX = re.compile(
    r"^(?:hi+|hey|hello)?[\s,!]*(?:my name(?:'s| is)|i'?m|i am|it'?s|call me)\s+", re.IGNORECASE)
_NAME = re.compile(r"^[^\W\d_][^\W\d_'\- ]*(?:[ '\-][^\W\d_]+){0,3}$")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"^[A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]+@{_LABEL}(?:\.{_LABEL})+$")


class InvalidAnswer(ValueError):
    """An answer that cannot be used; the message says how to answer instead."""


@dataclass(frozen=True)
class Age:
    years: int | None
    band: str

    @property
    def can_consent(self) -> bool:
        return self.band != "under_16"


def parse_first_name(text: str) -> str:
    name = _NAME_PREFIX.sub("", text.strip()).strip(" .!")
    if not name or len(name) > 50 or not _NAME.fullmatch(name):
        raise InvalidAnswer(catalogue.text("chat.answers.first_name"))
    return name[:1].upper() + name[1:]


def parse_age(text: str) -> Age:
    """Read '17', 'im 17', '16-17', 'under 16' or '25+' into an age and its band."""
    lowered = text.strip().lower()
    if "under 16" in lowered or "under16" in lowered:
        return Age(None, "under_16")
    numbers = [int(n) for n in re.findall(r"\d{1,3}", lowered)]
    if len(numbers) == 2 and numbers[0] < numbers[1]:
        return Age(None, band_of(numbers[0]))
    if len(numbers) != 1 or not 10 <= numbers[0] <= 99:
        raise InvalidAnswer(catalogue.text("chat.answers.age"))
    if "+" in lowered:
        return Age(None, band_of(numbers[0]))
    return Age(numbers[0], band_of(numbers[0]))


def band_of(years: int) -> str:
    if years < MIN_AGE_TO_CONSENT:
        return "under_16"
    if years < 18:
        return "16_17"
    if years < 25:
        return "18_24"
    return "25_plus"


def parse_contact_method(text: str, offered: ContactMethod | None) -> str:
    """Phone, email, or the way the person's own channel adds (`offered`, if it has one).

    Naming another channel's way (that channel's name, in the web chat) is refused kindly: that
    channel can only reach people who chat in it.
    """
    lowered = text.strip().lower()
    for channel in channels.registered():
        method = channel.contact_method
        if method is None or not any(word in lowered for word in method.words):
            continue
        if method != offered:
            raise InvalidAnswer(catalogue.text("chat.answers.only_in_its_chat",
                                               channel=channel.label))
        return method.answer
    if "mail" in lowered:
        return "email"
    if any(word in lowered for word in ("phone", "call", "text", "sms", "ring", "mobile")):
        return "phone"
    raise InvalidAnswer(catalogue.text("chat.answers.contact_method"))


def parse_phone(text: str) -> str:
    """Return a UK phone number in the form 07700 900123 or 01782 123456."""
    digits = re.sub(r"[\s\-().]", "", text.strip())
    if digits.startswith("+44"):
        digits = "0" + digits[3:].lstrip("0")
    elif digits.startswith("0044"):
        digits = "0" + digits[4:].lstrip("0")
    mobile_length_wrong = digits.startswith("07") and len(digits) != 11
    if not re.fullmatch(r"0[1-37]\d{8,9}", digits) or mobile_length_wrong:
        raise InvalidAnswer(catalogue.text("chat.answers.phone"))
    return f"{digits[:5]} {digits[5:]}"


def parse_email(text: str) -> str:
    email = text.strip().strip("<>.,")
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise InvalidAnswer(catalogue.text("chat.answers.email"))
    local, domain = email.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def parse_channel_account(method: ContactMethod, text: str) -> str:
    """The person's account in the channel whose way of being contacted they chose."""
    account = method.read_account(text)
    if account is None:
        channel = next(c.name for c in channels.registered() if c.contact_method == method)
        raise InvalidAnswer(catalogue.text(f"chat.answers.channel_account.{channel}"))
    return account


def parse_contact_detail(method: str, text: str) -> str:
    if method == "phone":
        return parse_phone(text)
    if method == "email":
        return parse_email(text)
    chat_method = channels.contact_method_named(method)
    if chat_method is not None:
        return parse_channel_account(chat_method, text)
    raise InvalidAnswer(catalogue.text("chat.answers.contact_method"))


def parse_postcode(text: str, gazetteer: Gazetteer) -> tuple[str | None, str]:
    """Return (full postcode or None, outward code) for a postcode or postcode district."""
    cleaned = text.strip()
    full = normalise_postcode(cleaned)
    outcode = outcode_of(cleaned)
    if outcode is None or gazetteer.outcode(outcode) is None:
        raise InvalidAnswer(catalogue.text("chat.answers.postcode"))
    return full, outcode
