"""Salary text to figures: "£24,465 - £26,598 a year", "£12.21 per hour", "Band 3"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

PERIODS = ("hour", "day", "week", "month", "year")

# NHS Agenda for Change 2025/26, England, full-time annual; third-party copy of the
# NHS Employers tables (see shared/facts/care-careers.md), so treat as approximate.
AFC_BANDS_2025_26: dict[str, tuple[float, float]] = {
    "2": (24465, 24465),
    "3": (24937, 26598),
    "4": (27485, 30162),
    "5": (31049, 37796),
    "6": (38682, 46580),
    "7": (47810, 54710),
}

# National minimum wage per hour (gov.uk/national-minimum-wage-rates), by the date it holds from.
MINIMUM_WAGE: tuple[tuple[date, dict[str, float]], ...] = (
    (date(2025, 4, 1), {"21_and_over": 12.21, "18_to_20": 10.00, "under_18": 7.55,
                        "apprentice": 7.55}),
    (date(2026, 4, 1), {"21_and_over": 12.71, "18_to_20": 10.85, "under_18": 8.00,
                        "apprentice": 8.00}),
)

_AMOUNT_RE = re.compile(
    r"(?P<upto>up\s+to\s+)?(?:£|gbp\s*)\s*(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d{1,2})?"
    r"\s*(?P<k>k\b)?",
    re.IGNORECASE,
)
_BAND_RE = re.compile(r"\bband\s*([2-9])(?![a-d0-9])", re.IGNORECASE)
_PERIOD_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("hour", re.compile(r"\b(?:per|an|a|each)\s+(?:hour|hr)\b|\bhourly\b|\bph\b|/\s*(?:hour|hr|h)\b"
                        r"|\bp/h\b", re.IGNORECASE)),
    ("day", re.compile(r"\b(?:per|a)\s+day\b|\bdaily\b|/\s*day\b", re.IGNORECASE)),
    ("week", re.compile(r"\b(?:per|a)\s+week\b|\bweekly\b|\bp/?w\b|/\s*(?:week|wk)\b",
                        re.IGNORECASE)),
    ("month", re.compile(r"\b(?:per|a)\s+(?:month|calendar month)\b|\bmonthly\b|\bpcm\b"
                         r"|/\s*(?:month|mth)\b", re.IGNORECASE)),
    ("year", re.compile(r"\b(?:per|a)\s+(?:year|yr)\b|\bper\s+annum\b|\bannum\b|\bannual(?:ly)?\b"
                        r"|\byearly\b|\bp\.?a\.?(?=\s|$|[),;])|/\s*(?:year|yr|annum)\b",
                        re.IGNORECASE)),
)


@dataclass(frozen=True)
class Salary:
    minimum: float | None = None
    maximum: float | None = None
    period: str | None = None


@lru_cache(maxsize=4096)
def parse_salary(text: str) -> Salary:
    """Return the figures a salary text states; empty when it states none ("Competitive")."""
    if not text:
        return Salary()
    amounts, up_to = _amounts(text)
    if not amounts:
        return _band_salary(text)
    period = _period(text) or _period_by_size(max(amounts))
    if up_to:
        return Salary(None, amounts[0], period)
    minimum = amounts[0]
    maximum = amounts[1] if len(amounts) > 1 and amounts[1] >= minimum else minimum
    return Salary(minimum, maximum, period)


def _amounts(text: str) -> tuple[list[float], bool]:
    amounts: list[float] = []
    up_to = False
    for index, match in enumerate(_AMOUNT_RE.finditer(text)):
        value = float(match.group("whole").replace(",", "") + (match.group("frac") or ""))
        if match.group("k"):
            value *= 1000
        if index == 0:
            up_to = bool(match.group("upto"))
        amounts.append(value)
        if len(amounts) == 2:
            break
    return amounts, up_to


def _period(text: str) -> str | None:
    for period, pattern in _PERIOD_PATTERNS:
        if pattern.search(text):
            return period
    return None


def _period_by_size(amount: float) -> str | None:
    if amount >= 5000:
        return "year"
    if amount <= 100:
        return "hour"
    return None


def _band_salary(text: str) -> Salary:
    match = _BAND_RE.search(text)
    if match is None or match.group(1) not in AFC_BANDS_2025_26:
        return Salary()
    low, high = AFC_BANDS_2025_26[match.group(1)]
    return Salary(low, high, "year")


def minimum_wage(on: date) -> dict[str, float]:
    """Return the national minimum wage rates that held on a date (the earliest known before)."""
    rates = MINIMUM_WAGE[0][1]
    for start, table in MINIMUM_WAGE:
        if on >= start:
            rates = table
    return rates


_PERIOD_WORDS = {"hour": "an hour", "day": "a day", "week": "a week", "month": "a month",
                 "year": "a year"}


def format_salary(minimum: float | None, maximum: float | None, period: str | None) -> str:
    """Return figures as text: "£24,465 to £26,598 a year", "£12.21 an hour", or ""."""
    if minimum is None and maximum is None:
        return ""
    suffix = f" {_PERIOD_WORDS[period]}" if period in _PERIOD_WORDS else ""
    if minimum is None:
        return f"up to {_money(maximum)}{suffix}"
    if maximum is None or maximum == minimum:
        return f"{_money(minimum)}{suffix}"
    return f"{_money(minimum)} to {_money(maximum)}{suffix}"


def _money(amount: float | None) -> str:
    if amount is None:
        return ""
    if amount == int(amount) and amount >= 100:
        return f"£{int(amount):,}"
    return f"£{amount:,.2f}"
