"""Salary text to figures: "£24,465 - £26,598 a year", "£12.21 per hour", "Band 3".

Pay a vacancy names without amounts ("Band 3", "Apprenticeship minimum wage") gets its
figures from the careers pay tables (content/careers/pay.yml): the dated row in force on
the day the vacancy was posted. There is one table for the careers answers and the
vacancies alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal, TypeVar

from carecareers.careers.content import load_content
from carecareers.careers.dated import in_force
from carecareers.careers.records import PayTables, WageRates

PERIODS = ("hour", "day", "week", "month", "year")
# Pay a feed names by rule, not by amount.
PayRule = Literal["apprentice_minimum", "national_minimum"]
T = TypeVar("T")

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
    """Return the figures a salary text states; empty when it states none ("Competitive",
    "Band 3": see `band_named` and `PayRates`)."""
    if not text:
        return Salary()
    amounts, up_to = _amounts(text)
    if not amounts:
        return Salary()
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


def band_named(text: str) -> int | None:
    """The Agenda for Change band a salary text names ("NHS AfC: Band 5" -> 5), if any."""
    match = _BAND_RE.search(text or "")
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class PayRates:
    """Figures for pay named without amounts, from the dated careers pay tables."""

    tables: PayTables

    def band(self, number: int, on: date) -> Salary:
        """A band's full-time yearly range on `on`; empty for a band the tables lack."""
        table = row_on(self.tables.agenda_for_change.tables, on, lambda row: row.starts)
        band = table.band(number)
        if band is None:
            return Salary()
        return Salary(float(band.low), float(band.high), "year")

    def rule(self, rule: str, on: date) -> Salary:
        """The hourly figures of a minimum wage rule on `on` (empty for a rule not known)."""
        rates = self.minimum_wage(on)
        if rule == "apprentice_minimum":
            return Salary(float(rates.apprentice), None, "hour")
        if rule == "national_minimum":
            return Salary(float(rates.under_18), float(rates.age_21_plus), "hour")
        return Salary()

    def minimum_wage(self, on: date) -> WageRates:
        return row_on(self.tables.minimum_wage.rates, on, lambda row: row.starts)


def row_on(rows: Sequence[T], on: date, starts: Callable[[T], date]) -> T:
    """The row in force on `on`; for a day before every row, the earliest row."""
    return in_force(rows, on, starts) or min(rows, key=starts)


def pay_rates_for(content_dir: Path) -> PayRates:
    return PayRates(load_content(content_dir).pay)


def default_pay_rates() -> PayRates:
    from carecareers.settings import get_settings

    return pay_rates_for(get_settings().content_dir)


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
