"""Static files' fingerprinted names and the CSP hash of an inlined style sheet."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest

from web.fingerprints import StaticAssets


def folder_with(tmp_path: Path, **files: str) -> Path:
    for name, body in files.items():
        (tmp_path / name.replace("_", ".")).write_text(body, encoding="utf-8")
    return tmp_path


def test_a_name_carries_the_hash_of_the_content_and_leads_back_to_the_file(
        tmp_path: Path) -> None:
    assets = StaticAssets(folder_with(tmp_path, chat_js="let a = 1;\n"))
    digest = hashlib.sha256(b"let a = 1;\n").hexdigest()[:10]
    assert assets.url("chat.js") == f"/static/chat.{digest}.js"
    assert assets.plain_name(f"chat.{digest}.js") == "chat.js"
    assert assets.plain_name("chat.js") is None  # the plain name is itself
    assert assets.plain_name("chat.0123456789.js") is None  # an old or made-up hash
    (tmp_path / "chat.js").write_text("let a = 2;\n", encoding="utf-8")
    assert StaticAssets(tmp_path).url("chat.js") != assets.url("chat.js")  # read at start-up
    with pytest.raises(LookupError, match="missing.css"):
        assets.url("missing.css")


def test_an_inlined_style_sheet_and_its_csp_source_are_the_same_bytes(tmp_path: Path) -> None:
    css = "a > b { color: #123; }\n"
    assets = StaticAssets(folder_with(tmp_path, site_css=css, bad_css="p{} </style><script>"))
    assert assets.inline("site.css") == css  # as it is: not escaped
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert assets.csp_source("site.css") == f"'sha256-{digest}'"
    with pytest.raises(ValueError, match="bad.css"):
        assets.inline("bad.css")  # it would end the <style> element early
