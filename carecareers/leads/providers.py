"""Providers come from content/providers.yml; the database mirrors them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from carecareers.models import Provider


class ProviderContentError(Exception):
    """content/providers.yml is missing or malformed."""


def load_provider_content(content_dir: Path) -> list[dict[str, Any]]:
    path = content_dir / "providers.yml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ProviderContentError(f"cannot read {path}: {exc}") from exc
    entries = data.get("providers")
    if not isinstance(entries, list):
        raise ProviderContentError(f"{path}: expected a list under 'providers'")
    for index, entry in enumerate(entries):
        for key in ("code", "name", "kind"):
            if not isinstance(entry, dict) or not entry.get(key):
                raise ProviderContentError(f"{path}: provider {index + 1} has no {key!r}")
    return entries


def sync_providers(session: Session, content_dir: Path) -> int:
    """Create or update a Provider row for each provider in the content; return the count."""
    entries = load_provider_content(content_dir)
    existing = {p.code: p for p in session.scalars(select(Provider))}
    for entry in entries:
        provider = existing.get(entry["code"]) or Provider(code=entry["code"])
        provider.name = entry["name"]
        provider.kind = entry["kind"]
        provider.areas = [str(a).upper() for a in entry.get("areas", [])]
        provider.programmes = list(entry.get("programmes", []))
        provider.roles = list(entry.get("roles", []))
        provider.contact_email = entry.get("contact_email")
        provider.active = True
        session.add(provider)
    return len(entries)
