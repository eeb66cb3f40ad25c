"""What a referral link is called and its code: the staff member's first name (or a code the
provider chooses) as the provider reads it, and a random code for the link itself."""

from __future__ import annotations

import re
import secrets

from carecareers.catalogue import text

LABEL_LIMIT = 40
# Letters (any alphabet), digits, spaces, hyphens and apostrophes, with a letter or digit.
_LABEL = re.compile(r"(?:[^\W_]|[ '’-])+")
CODE_PREFIX = "R"
CODE_LENGTH = 7
# Capital letters and digits a person cannot mistake for one another (no I, L, O, 0 or 1).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class ReferralError(ValueError):
    """A referral link that cannot be made as asked; the message says why, to the provider
    (the text dashboard.referrals.errors.<why>)."""

    def __init__(self, why: str, field: str = "label", **values: object) -> None:
        self.why = why
        self.field = field
        super().__init__(text(f"dashboard.referrals.errors.{why}", **values))


def read_label(typed: str) -> str:
    """The label as kept (spaces trimmed and single); raise ReferralError when it cannot be one."""
    label = " ".join(typed.split())
    if (not label or len(label) > LABEL_LIMIT or not _LABEL.fullmatch(label)
            or not any(char.isalnum() for char in label)):
        raise ReferralError("label", limit=LABEL_LIMIT)
    return label


def new_code() -> str:
    """A code nobody can guess from the label: R and 7 capitals or digits, like RK7MX2QA."""
    return CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
