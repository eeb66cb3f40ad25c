"""QR codes and printable posters that point at a campaign's chat link.

Every code uses error correction H (readable with up to 30 % of it smudged or
covered) and a quiet zone of 4 modules, and is drawn at least MIN_PRINT_MM wide, so
that a phone can read it from about a metre away.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import lru_cache

import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from carecareers.campaigns.service import (
    ChannelLink,
    campaign_url,
    channel_links,
    describe_dates,
)
from carecareers.catalogue import template_globals, text
from carecareers.models import Campaign
from carecareers.settings import PROJECT_ROOT, Settings

ERROR_CORRECTION = "h"
QUIET_ZONE = 4
MIN_PRINT_MM = 60.0
PNG_DPI = 300
POSTER_QR_MM = 80
TEMPLATES = PROJECT_ROOT / "web" / "templates"


@dataclass(frozen=True)
class PosterDetails:
    """What a poster says besides its QR code."""

    url: str
    headline: str | None = None  # None: the catalogue's (web.poster.headline)
    place: str | None = None
    dates: str | None = None
    elsewhere: tuple[ChannelLink, ...] = ()  # the other channels people can chat in
    privacy_url: str | None = None


def make_qr(url: str) -> segno.QRCode:
    return segno.make(url, error=ERROR_CORRECTION, micro=False)


def _modules(code: segno.QRCode) -> int:
    return int(code.symbol_size(scale=1, border=QUIET_ZONE)[0])


def png_scale(code: segno.QRCode) -> int:
    """Pixels per module so that the PNG is at least MIN_PRINT_MM wide at PNG_DPI."""
    min_pixels = MIN_PRINT_MM / 25.4 * PNG_DPI
    return math.ceil(min_pixels / _modules(code))


def svg_width_mm(code: segno.QRCode) -> float:
    """The SVG's printed width: at least MIN_PRINT_MM, a whole tenth of a mm per module."""
    per_module = math.ceil(MIN_PRINT_MM * 10 / _modules(code)) / 10
    return round(per_module * _modules(code), 1)


def qr_png(url: str) -> bytes:
    """A PNG of the QR code for `url`, at least 6 cm wide when printed at 300 dpi."""
    code = make_qr(url)
    out = io.BytesIO()
    code.save(out, kind="png", scale=png_scale(code), border=QUIET_ZONE, dpi=PNG_DPI,
              dark="#000", light="#fff")
    return out.getvalue()


def qr_svg(url: str) -> str:
    """A standalone SVG of the QR code for `url`, sized in millimetres (at least 6 cm)."""
    code = make_qr(url)
    out = io.BytesIO()
    code.save(out, kind="svg", scale=1, border=QUIET_ZONE, omitsize=True, dark="#000",
              light="#fff", title=text("web.poster.qr_title", url=url))
    width = f"{svg_width_mm(code):g}mm"
    return out.getvalue().decode("utf-8").replace(
        "<svg ", f'<svg width="{width}" height="{width}" ', 1)


def qr_svg_inline(url: str) -> Markup:
    """The QR code as an <svg> element to put in a page; size it with CSS."""
    svg = make_qr(url).svg_inline(scale=1, border=QUIET_ZONE, omitsize=True, dark="#000",
                                  light="#fff", svgclass="qr",
                                  title=text("web.poster.qr_title", url=url))
    label = escape(text("web.poster.qr_label"))
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))


@lru_cache(maxsize=1)
def _templates() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES),
                      autoescape=select_autoescape(default=True))
    env.globals.update(template_globals())
    return env


def find_us(link: ChannelLink) -> Markup:
    """'Prefer <channel>? Search for <account> or open <link>', the account bold, the link live."""
    return link.words(
        "find_us", account=Markup("<strong>{}</strong>").format(link.shown_account),
        link=Markup('<a href="{}">{}</a>').format(link.url, link.url.removeprefix("https://")))


def poster_html(details: PosterDetails) -> str:
    """A printable A4 poster page (HTML with its styles and the QR code inline)."""
    template = _templates().get_template("poster.html")
    return template.render(poster=details, qr=qr_svg_inline(details.url),
                           qr_mm=POSTER_QR_MM, min_mm=MIN_PRINT_MM,
                           find_us=[find_us(link) for link in details.elsewhere])


def campaign_poster_details(campaign: Campaign, settings: Settings) -> PosterDetails:
    return PosterDetails(
        url=campaign_url(settings.public_base_url, campaign.code),
        place=campaign.place,
        dates=describe_dates(campaign.starts_on, campaign.ends_on),
        elsewhere=tuple(channel_links(settings, campaign.code)),
        privacy_url=settings.privacy_url,
    )


def campaign_poster(campaign: Campaign, settings: Settings) -> str:
    """The poster of one campaign, pointing at PUBLIC_BASE_URL/c/CODE."""
    return poster_html(campaign_poster_details(campaign, settings))
