"""Staff referrals: a provider makes a link and QR code for a member of its staff (a first
name or a code), a friend who scans it chats as usual, and the provider sees how far the
friends each one brought in have come, as counts only. A link can be switched off and on.
The leads such a friend agrees to share also go to the provider (carecareers/leads/recording.py).
"""

from carecareers.referrals.funnel import CONTACTED, STARTED, ReferralRow, referral_funnel
from carecareers.referrals.labels import LABEL_LIMIT, ReferralError, new_code, read_label
from carecareers.referrals.service import (
    REFERRAL,
    NotYours,
    ReferralNotFound,
    chosen_provider,
    create_referral,
    may_manage,
    referral_for,
    referrals_of,
    switch_off,
    switch_on,
)

__all__ = [
    "CONTACTED",
    "LABEL_LIMIT",
    "REFERRAL",
    "STARTED",
    "NotYours",
    "ReferralError",
    "ReferralNotFound",
    "ReferralRow",
    "chosen_provider",
    "create_referral",
    "may_manage",
    "new_code",
    "read_label",
    "referral_for",
    "referral_funnel",
    "referrals_of",
    "switch_off",
    "switch_on",
]
