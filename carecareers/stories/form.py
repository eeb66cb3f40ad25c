"""The dashboard's story form, read and checked: what a provider writes about a member of
staff, the staff member's consent, and an optional photo (re-encoded, so that nothing but
the picture is kept: no location or camera details)."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from carecareers.catalogue import text
from carecareers.clock import UK
from carecareers.geo import Gazetteer, normalise_postcode, outcode_of

STORY_LIMIT = 1200
STORY_FLOOR = 40
MOMENTS = 8  # the rows the form offers for "a day in the life"
FEWEST_MOMENTS = 5
MOMENT_LIMIT = 200
PHOTO_LIMIT = 3 * 1024 * 1024  # bytes as uploaded
PHOTO_SIDE = 800  # the longest side kept, in pixels
PHOTO_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
NAME = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ '’-])*$")
TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


class StoryFormError(ValueError):
    """The form has mistakes: `errors` maps each field to what to fix, in the catalogue's
    words (dashboard.stories.errors)."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(", ".join(sorted(errors)))
        self.errors = dict(errors)


@dataclass(frozen=True)
class Photo:
    data: bytes
    content_type: str


@dataclass(frozen=True)
class StoryValues:
    provider_id: int
    first_name: str
    role: str
    place: str
    outcode: str | None
    story: str
    day: tuple[tuple[str, str], ...]
    photo_alt: str | None
    consent_given_by: str
    consent_at: datetime


def _error(field: str, **values: object) -> str:
    return text(f"dashboard.stories.errors.{field}", **values)


def _clean(data: Mapping[str, str], name: str) -> str:
    return " ".join(str(data.get(name) or "").split())


def read_day(data: Mapping[str, str], errors: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The timed moments of "a day in the life": none, or 5 to 8 with a time and words each."""
    moments = []
    for row in range(1, MOMENTS + 1):
        when, what = _clean(data, f"time_{row}"), _clean(data, f"moment_{row}")
        if not when and not what:
            continue
        found = TIME.fullmatch(when)
        if not found or not what or len(what) > MOMENT_LIMIT:
            errors[f"moment_{row}"] = _error("moment", limit=MOMENT_LIMIT)
            continue
        moments.append((f"{int(found.group(1)):02d}:{found.group(2)}", what))
    if moments and len(moments) < FEWEST_MOMENTS and "day" not in errors:
        errors["day"] = _error("day", fewest=FEWEST_MOMENTS, most=MOMENTS)
    return tuple(moments)


def read_story_form(data: Mapping[str, str], role_codes: Sequence[str],
                    provider_ids: Sequence[int], gazetteer: Gazetteer, today: date,
                    has_photo: bool) -> StoryValues:
    """The story in the form, or StoryFormError naming every field to fix.

    `has_photo`: a photo comes with the form or the story has one already; then its
    description for people who cannot see it (alt text) is needed.
    """
    errors: dict[str, str] = {}
    provider = _clean(data, "provider")
    provider_id = int(provider) if provider.isdigit() else None
    if provider_id not in provider_ids:
        errors["provider"] = _error("provider")
    first_name = _clean(data, "first_name")
    if not NAME.fullmatch(first_name) or len(first_name) > 40:
        errors["first_name"] = _error("first_name")
    role = _clean(data, "role")
    if role not in role_codes:
        errors["role"] = _error("role")
    place = _clean(data, "place")
    if not place or len(place) > 120:
        errors["place"] = _error("place")
    outcode = None
    postcode = _clean(data, "postcode")
    if postcode:
        outcode = outcode_of(normalise_postcode(postcode) or postcode)
        if outcode is None or gazetteer.outcode(outcode) is None:
            errors["postcode"] = _error("postcode")
    story = "\n\n".join(" ".join(p.split()) for p in str(data.get("story") or "").split("\n\n")
                        if p.strip())
    if not STORY_FLOOR <= len(story) <= STORY_LIMIT:
        errors["story"] = _error("story", floor=STORY_FLOOR, limit=STORY_LIMIT, length=len(story))
    day = read_day(data, errors)
    alt = _clean(data, "photo_alt") or None
    if has_photo and (alt is None or len(alt) > 250):
        errors["photo_alt"] = _error("photo_alt")
    given_by = _clean(data, "consent_given_by")
    if not NAME.fullmatch(given_by) or len(given_by) > 100:
        errors["consent_given_by"] = _error("consent_given_by")
    consent_day = _consent_day(_clean(data, "consent_date"), today)
    if data.get("consent") != "yes":
        errors["consent"] = _error("consent")
    elif consent_day is None:
        errors["consent_date"] = _error("consent_date")
    if errors:
        raise StoryFormError(errors)
    assert provider_id is not None and consent_day is not None
    return StoryValues(provider_id=provider_id, first_name=first_name, role=role, place=place,
                       outcode=outcode, story=story, day=day,
                       photo_alt=alt if has_photo else None, consent_given_by=given_by,
                       consent_at=datetime.combine(consent_day, time(12), UK)
                       .astimezone(timezone.utc))


def _consent_day(value: str, today: date) -> date | None:
    """The day the staff member agreed: not in the future, and not years ago."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if (today - day).days in range(0, 366 * 2) else None


def read_photo(upload: bytes) -> Photo:
    """An uploaded photo, checked and re-encoded (at most PHOTO_SIDE pixels on its longest
    side, no metadata), or StoryFormError when it is not a JPEG, PNG or WebP picture."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if len(upload) > PHOTO_LIMIT:
        raise StoryFormError({"photo": _error("photo_size", limit=PHOTO_LIMIT // (1024 * 1024))})
    try:
        with Image.open(io.BytesIO(upload)) as image:
            kind = image.format or ""
            if kind not in PHOTO_TYPES:
                raise StoryFormError({"photo": _error("photo")})
            image.load()
            picture = ImageOps.exif_transpose(image)
            picture.thumbnail((PHOTO_SIDE, PHOTO_SIDE))
            if picture.mode not in ("RGB", "L"):
                picture = picture.convert("RGB")
            out = io.BytesIO()
            picture.save(out, format="JPEG", quality=82, optimize=True)
    except StoryFormError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise StoryFormError({"photo": _error("photo")}) from None
    return Photo(out.getvalue(), "image/jpeg")
