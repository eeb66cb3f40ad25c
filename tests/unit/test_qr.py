"""QR codes (decoded back to their URL) and the printable poster."""

from __future__ import annotations

import io
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from carecareers.campaigns.qr import (
    MIN_PRINT_MM,
    PNG_DPI,
    QUIET_ZONE,
    PosterDetails,
    campaign_poster,
    make_qr,
    png_scale,
    poster_html,
    qr_png,
    qr_svg,
)
from carecareers.campaigns.service import channel_link
from carecareers.channels import Channel, channel_named
from carecareers.models import Campaign
from tests.conftest import make_settings

URLS = [
    "http://127.0.0.1:8000/c/DEMO",
    "https://care.example.org/c/FOODBANK-HANLEY-MAY",
    "https://careers.staffordshire.example.nhs.uk/c/" + "A" * 64,
]


def decode(png: bytes) -> list:
    return zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))


@pytest.mark.parametrize("url", URLS)
def test_png_decodes_to_the_campaign_url_with_high_error_correction(url: str) -> None:
    [result] = decode(qr_png(url))
    assert result.text == url
    assert result.format == zxingcpp.BarcodeFormat.QRCode
    assert result.ec_level == "H"


@pytest.mark.parametrize("url", URLS)
def test_png_prints_at_least_six_centimetres_wide(url: str) -> None:
    image = Image.open(io.BytesIO(qr_png(url)))
    dpi = image.info["dpi"][0]
    assert round(dpi) == PNG_DPI
    assert image.width == image.height
    assert image.width / dpi * 25.4 >= MIN_PRINT_MM


def test_png_has_a_quiet_zone_of_four_modules() -> None:
    url = URLS[1]
    image = Image.open(io.BytesIO(qr_png(url))).convert("L")
    margin = QUIET_ZONE * png_scale(make_qr(url))
    inner = image.crop((margin, margin, image.width - margin, image.height - margin))
    assert inner.getextrema() == (0, 255)  # the symbol itself has dark modules
    for box in ((0, 0, image.width, margin), (0, 0, margin, image.height),
                (0, image.height - margin, image.width, image.height),
                (image.width - margin, 0, image.width, image.height)):
        assert image.crop(box).getextrema() == (255, 255)
    # ...and the first dark pixel is right where the quiet zone ends
    assert image.getpixel((margin, margin)) == 0


def test_svg_is_sized_in_millimetres_and_matches_the_png_symbol() -> None:
    url = URLS[1]
    svg = qr_svg(url)
    width = float(re.search(r'width="([\d.]+)mm"', svg).group(1))
    height = float(re.search(r'height="([\d.]+)mm"', svg).group(1))
    assert width == height >= MIN_PRINT_MM
    modules = make_qr(url).symbol_size(scale=1, border=QUIET_ZONE)[0]
    assert f'viewBox="0 0 {modules} {modules}"' in svg
    assert svg.startswith("<?xml") and "<script" not in svg


class Tags(HTMLParser):
    """Collect tags and attributes, to look for scripts and event handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(page)
    return parser.tags


def test_poster_has_the_qr_inline_a_headline_and_what_the_chat_does() -> None:
    page = poster_html(PosterDetails(url=URLS[1], place="Hanley", dates="3 May 2025"))
    tags = tags_of(page)
    svg = next(a for t, a in tags if t == "svg")
    assert svg.get("role") == "img" and svg.get("aria-label")
    assert "Thinking about a job in care?" in page
    assert "The chat can help you" in page and "apprenticeships" in page
    assert URLS[1] in page and "Hanley" in page and "3 May 2025" in page
    assert "size: A4" in page
    assert "Telegram" not in page
    assert not [t for t, _ in tags if t == "script"]
    assert not [a for _, a in tags if any(k.startswith("on") for k in a)]


def test_poster_offers_telegram_when_a_bot_is_configured() -> None:
    link = channel_link(telegram(), "@CareBot", "demo")
    assert link is not None
    page = poster_html(PosterDetails(url=URLS[0], elsewhere=(link,)))
    assert "Prefer Telegram? Search for <strong>@CareBot</strong> or open" in page
    assert '<a href="https://t.me/CareBot?start=DEMO">t.me/CareBot?start=DEMO</a>' in page


def test_a_campaign_poster_links_each_channel_whose_account_is_set(tmp_path: Path) -> None:
    campaign = Campaign(code="FB1", name="Food bank", kind="food_bank")
    without = campaign_poster(campaign, make_settings(tmp_path))
    named = campaign_poster(campaign, make_settings(tmp_path, telegram_bot_username="CareBot"))
    assert "t.me" not in without
    assert 'href="https://t.me/CareBot?start=FB1"' in named


def telegram() -> Channel:
    found = channel_named("telegram")
    assert found is not None
    return found


def test_poster_escapes_what_advisers_typed() -> None:
    page = poster_html(PosterDetails(url=URLS[0], place="<script>alert(1)</script>"))
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_campaign_poster_points_at_the_public_base_url(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, public_base_url="https://care.example.org/",
                             telegram_bot_username="@CareCareersBot")
    campaign = Campaign(code="FB1", name="Food bank", kind="food_bank", place="Stoke",
                        starts_on=date(2025, 5, 3), ends_on=date(2025, 5, 5))
    page = campaign_poster(campaign, settings)
    assert "https://care.example.org/c/FB1" in page
    assert "https://t.me/CareCareersBot?start=FB1" in page
    assert "3 May 2025 to 5 May 2025" in page
    assert "https://care.example.org/privacy" in page
