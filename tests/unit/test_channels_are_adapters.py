"""The core speaks of channels and addresses: one channel's name appears only in its adapter.

What is particular to a channel lives in its front end (`bot/` for Telegram), its sender in
`carecareers/delivery/`, the settings that configure it, and the migrations that once had
its name; everything else learns about it from content/channels.yml.
"""

from __future__ import annotations

import re
from pathlib import Path

from carecareers.channels import registered
from carecareers.settings import PROJECT_ROOT

CODE = ("*.py", "*.html", "*.js", "*.css")
# Where a channel's own name may appear: its adapter, the senders, settings, old migrations.
ADAPTER_PLACES = {"telegram": ("bot/", "carecareers/delivery/", "carecareers/settings.py",
                               "migrations/")}
SCANNED = ("carecareers", "actions", "web", "rasa_plugins", "bot")


def places_naming(name: str, root: Path = PROJECT_ROOT) -> list[str]:
    """Files of the product's code that name the channel (any case), outside its places."""
    allowed = ADAPTER_PLACES.get(name, ())
    pattern = re.compile(re.escape(name), re.IGNORECASE)
    found = []
    for folder in SCANNED:
        for glob in CODE:
            for path in sorted((root / folder).rglob(glob)):
                relative = path.relative_to(root).as_posix()
                if relative.startswith(allowed) or "node_modules" in relative:
                    continue
                if pattern.search(path.read_text(encoding="utf-8")):
                    found.append(relative)
    return found


def test_every_chat_channel_with_a_sender_is_listed_with_its_places() -> None:
    delivering = {c.name for c in registered() if c.delivers_later}
    assert delivering <= set(ADAPTER_PLACES)


def test_no_code_outside_a_channels_adapter_names_it() -> None:
    for name in ADAPTER_PLACES:
        assert places_naming(name) == [], f"{name} is named outside its adapter"


def test_the_scan_finds_a_channel_named_in_the_core(tmp_path: Path) -> None:
    (tmp_path / "carecareers" / "leads").mkdir(parents=True)
    (tmp_path / "carecareers" / "delivery").mkdir(parents=True)
    (tmp_path / "web" / "templates").mkdir(parents=True)
    (tmp_path / "carecareers" / "leads" / "rules.py").write_text('if m == "telegram": pass\n')
    (tmp_path / "carecareers" / "delivery" / "telegram.py").write_text("class Telegram: ...\n")
    (tmp_path / "web" / "templates" / "lead.html").write_text("<dt>Telegram</dt>\n")
    assert places_naming("telegram", tmp_path) == [
        "carecareers/leads/rules.py", "web/templates/lead.html"]
