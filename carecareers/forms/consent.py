"""The consent questions (interest, booking, job alert): worded from the catalogue, and kept
as the person saw them (version, words, the channels they cover).

The words are in content/texts/<language>/consent.yml, each question with its version; a
person's consent record keeps the version and the exact words they were shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carecareers.catalogue import DEFAULT_LANGUAGE, fill, load_catalogue, placeholders

KINDS = ("interest", "booking", "alert")


@dataclass(frozen=True)
class ConsentWording:
    version: str
    text: str
    channels: tuple[str, ...]


def retention_months(retention_days: int) -> int:
    return max(1, round(retention_days / 30.4))


def consent_question(content_dir: Path, kind: str, method: str, *, privacy_url: str,
                     retention_days: int, language: str = DEFAULT_LANGUAGE,
                     **values: Any) -> ConsentWording:
    """Word the consent question `kind` for one contact method.

    A part the question names that is given per method (`consent.<kind>.<part>.<method>`,
    such as the `detail` asked for) is filled in for `method`, with `values` in it too.
    """
    texts = load_catalogue(content_dir, language)
    question = " ".join(texts.template(f"consent.{kind}.question").split())
    filled: dict[str, Any] = {"privacy_url": privacy_url, "retention_days": retention_days,
                              "retention_months": retention_months(retention_days), **values}
    for part in placeholders(question):
        if f"consent.{kind}.{part}.{method}" in texts:
            filled[part] = texts.text(f"consent.{kind}.{part}.{method}", **filled)
    return ConsentWording(version=texts.template(f"consent.{kind}.version"),
                          text=fill(question, filled, f"consent.{kind}.question"),
                          channels=(method,))
