"""A referral link's label (a member of staff's first name, or a code) and its own code."""

from __future__ import annotations

import re

import pytest

from carecareers.referrals import LABEL_LIMIT, ReferralError, new_code, read_label


@pytest.mark.parametrize("typed, kept", [
    ("Jade", "Jade"),
    ("  Jade   Brown ", "Jade Brown"),
    ("Siân", "Siân"),
    ("Ana-María", "Ana-María"),
    ("O'Neil", "O'Neil"),
    ("O’Neil", "O’Neil"),
    ("Team 2", "Team 2"),
    ("X" * LABEL_LIMIT, "X" * LABEL_LIMIT),
])
def test_a_label_is_kept_trimmed(typed: str, kept: str) -> None:
    assert read_label(typed) == kept


@pytest.mark.parametrize("typed", ["", "   ", "X" * (LABEL_LIMIT + 1), "<b>Jade</b>",
                                   "jade@example.org", "Jade_B", "--", "' '", "Jade!"])
def test_what_cannot_be_a_label_is_refused_saying_what_to_type(typed: str) -> None:
    with pytest.raises(ReferralError) as refused:
        read_label(typed)
    assert refused.value.field == "label"
    assert str(refused.value) == ("Enter a first name or a code: up to 40 letters, numbers, "
                                  "spaces, hyphens or apostrophes")


def test_codes_are_random_and_easy_to_read_out() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(re.fullmatch(r"R[A-HJKMNP-Z2-9]{7}", code) for code in codes)
    assert not any(char in code[1:] for code in codes for char in "IL01O")
