"""The consent question, in words from content/privacy/consent.yml, with its version."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from carecareers.forms.consent import ConsentWording


@lru_cache
def _consent_content(content_dir: Path) -> dict[str, Any]:
    return yaml.safe_load((content_dir / "privacy" / "consent.yml").read_text(encoding="utf-8"))


def consent_wording(content_dir: Path, method: str, provider_names: Sequence[str],
                    privacy_url: str, retention_days: int) -> ConsentWording:
    """Word the consent question for one contact method and the providers who would receive it."""
    content = _consent_content(content_dir)
    recipients = [*provider_names, content["advisers"]]
    listed = recipients[0] if len(recipients) == 1 else (
        ", ".join(recipients[:-1]) + " and " + recipients[-1])
    text = " ".join(str(content["question"]).split()).format(
        detail=content["details"][method], channel=content["channels"][method],
        recipients=listed, retention_months=max(1, round(retention_days / 30.4)),
        privacy_url=privacy_url,
    )
    return ConsentWording(version=str(content["version"]), text=text, channels=(method,))
