"""The alert consent question (words: content/texts/*/consent.yml), with its version."""

from __future__ import annotations

from pathlib import Path

from carecareers.forms.consent import ConsentWording, consent_question


def alert_consent_wording(content_dir: Path, channel: str, watch: str, privacy_url: str,
                          retention_days: int) -> ConsentWording:
    """Word the consent question for alerts about `watch` on one channel."""
    return consent_question(content_dir, "alert", channel, privacy_url=privacy_url,
                            retention_days=retention_days, watch=watch)
