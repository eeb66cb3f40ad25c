"""The alert consent question, in words from content/alerts/consent.yml, with its version."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from carecareers.forms.consent import ConsentWording


@lru_cache
def _content(content_dir: Path) -> dict[str, Any]:
    return yaml.safe_load((content_dir / "alerts" / "consent.yml").read_text(encoding="utf-8"))


def alert_consent_wording(content_dir: Path, channel: str, watch: str, privacy_url: str,
                          retention_days: int) -> ConsentWording:
    """Word the consent question for alerts about `watch` on one channel."""
    content = _content(content_dir)
    text = " ".join(str(content["question"]).split()).format(
        offer=content["offers"][channel].format(watch=watch), detail=content["details"][channel],
        stop=content["stop"][channel], retention_months=max(1, round(retention_days / 30.4)),
        privacy_url=privacy_url)
    return ConsentWording(version=str(content["version"]), text=text, channels=(channel,))
