"""The consent question asked before a lead is stored (words: content/texts/*/consent.yml)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from carecareers.catalogue import load_catalogue
from carecareers.forms.consent import ConsentWording, consent_question

__all__ = ["ConsentWording", "consent_wording"]


def consent_wording(content_dir: Path, method: str, provider_names: Sequence[str],
                    privacy_url: str, retention_days: int) -> ConsentWording:
    """Word the consent question for one contact method and the providers who would receive it."""
    texts = load_catalogue(content_dir)
    recipients = texts.listed([*provider_names, texts.text("consent.interest.advisers")])
    return consent_question(content_dir, "interest", method, privacy_url=privacy_url,
                            retention_days=retention_days, recipients=recipients)
