"""Pay offered against the law and the NHS: the legal minimum for a worker aged 21 or over, and
an NHS band's entry point as an hourly rate, on a given day (content/careers/pay.yml)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from carecareers.careers.errors import NoPayRate
from carecareers.careers.pay import band_row, wage_row
from carecareers.careers.records import CareersContent, Role

# A full-time NHS week is 37.5 hours; a year has 52.14 weeks (365 / 7).
HOURS_A_YEAR = Decimal("37.5") * Decimal("52.14")


def legal_floor(careers: CareersContent, on: date) -> float | None:
    """The minimum wage per hour for a worker aged 21 or over on the day, or None."""
    try:
        return float(wage_row(careers.pay.minimum_wage, on).age_21_plus)
    except NoPayRate:
        return None


def band_entry_hourly(careers: CareersContent, role: Role | None, on: date) -> float | None:
    """The entry point of the role's lowest NHS band per hour, or None (not on a band)."""
    if role is None or role.pay.kind != "nhs_band" or not role.pay.bands:
        return None
    try:
        band = band_row(careers, on).band(min(role.pay.bands))
    except NoPayRate:
        return None
    return float(band.low / HOURS_A_YEAR) if band else None
