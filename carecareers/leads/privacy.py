"""The privacy notice: content, versioned, shown on the web and in the bot.

The notice names how long each kind of data is kept with placeholders ({lead_retention},
{chat_retention}, {alert_retention}, {booking_retention}) filled from the settings that
the retention jobs enforce, so the promise and the practice cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from carecareers.settings import Settings


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class PrivacyNotice:
    version: str
    updated: date
    title: str
    summary: str
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class RetentionPeriods:
    """Days each kind of personal data is kept, as the retention jobs enforce them."""

    lead_days: int
    chat_days: int
    alert_days: int
    booking_days: int

    def in_words(self) -> dict[str, str]:
        return {"lead_retention": period_in_words(self.lead_days),
                "chat_retention": period_in_words(self.chat_days),
                "alert_retention": period_in_words(self.alert_days),
                "booking_retention": period_in_words(self.booking_days)}


def retention_periods(settings: Settings) -> RetentionPeriods:
    return RetentionPeriods(lead_days=settings.lead_retention_days,
                            chat_days=settings.tracker_retention_days,
                            alert_days=settings.alert_retention_days,
                            booking_days=settings.event_booking_retention_days)


def period_in_words(days: int) -> str:
    """'30 days', '12 months', '1 month': days under two months stay days."""
    if days < 60:
        return f"{days} day" if days == 1 else f"{days} days"
    months = max(1, round(days / 30.4))
    return f"{months} month" if months == 1 else f"{months} months"


@lru_cache
def load_privacy_notice(content_dir: Path, periods: RetentionPeriods) -> PrivacyNotice:
    data = yaml.safe_load((content_dir / "privacy" / "notice.yml").read_text(encoding="utf-8"))
    words = periods.in_words()

    def fill(text: str) -> str:
        return text.format_map(words)

    sections = tuple(
        Section(fill(s["heading"]), tuple(fill(p) for p in s["paragraphs"]))
        for s in data["sections"]
    )
    return PrivacyNotice(version=str(data["version"]), updated=data["updated"],
                         title=data["title"], summary=fill(data["summary"]), sections=sections)
