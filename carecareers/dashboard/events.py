"""The dashboard's event form, and which events an account may manage."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, time, timezone

from sqlalchemy.orm import Session

from carecareers.advisers.accounts import is_staff
from carecareers.campaigns.service import find_campaign
from carecareers.catalogue import text
from carecareers.clock import UK
from carecareers.events.catalogue import EventValues, events_for_provider
from carecareers.events.errors import EventFormError
from carecareers.events.wording import uk
from carecareers.geo import Gazetteer, normalise_postcode, outcode_of
from carecareers.models import Adviser, Event, Provider

TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
MAX_CAPACITY = 10_000




def events_managed_by(session: Session, adviser: Adviser) -> list[Event]:
    """The events an account may manage, newest first: every one for staff, the ones its
    provider runs for a provider user (none for an account with no provider)."""
    if is_staff(adviser):
        return events_for_provider(session, None)
    if adviser.provider_id is None:
        return []
    return events_for_provider(session, adviser.provider_id)


def may_manage(adviser: Adviser, event: Event) -> bool:
    """Staff manage every event; a provider user only those their organisation runs."""
    if is_staff(adviser):
        return True
    return adviser.provider_id is not None and \
        adviser.provider_id in {p.id for p in event.providers}


def _error(field: str) -> str:
    """What to fix in a field of the event form (dashboard.event_form.errors)."""
    return text(f"dashboard.event_form.errors.{field}")


def _text(data: Mapping[str, str], name: str, limit: int) -> str:
    return " ".join(str(data.get(name, "")).split())[:limit] if name in ("title", "place") \
        else str(data.get(name, "")).strip()[:limit]


def _when(data: Mapping[str, str], errors: dict[str, str]) -> tuple[datetime, datetime] | None:
    try:
        day = date.fromisoformat(data.get("day", "").strip())
    except ValueError:
        errors["day"] = _error("day")
        return None
    times = []
    for name in ("starts", "ends"):
        match = TIME.match(data.get(name, "").strip())
        if match is None:
            errors[name] = _error(name)
            continue
        times.append(datetime.combine(day, time(int(match.group(1)), int(match.group(2))), UK))
    if len(times) != 2:
        return None
    if times[1] <= times[0]:
        errors["ends"] = _error("ends_first")
        return None
    return times[0].astimezone(timezone.utc), times[1].astimezone(timezone.utc)


def _capacity(raw: str, errors: dict[str, str]) -> int | None:
    if not raw.strip():
        return None
    if not raw.strip().isdigit() or not 1 <= int(raw) <= MAX_CAPACITY:
        errors["capacity"] = _error("capacity")
        return None
    return int(raw)


def read_event_form(session: Session, data: Mapping[str, str], gazetteer: Gazetteer,
                    allowed: Sequence[Provider]) -> EventValues:
    """Read the posted form; raise EventFormError naming each field to fix."""
    errors: dict[str, str] = {}
    title, place = _text(data, "title", 200), _text(data, "place", 300)
    if not title:
        errors["title"] = _error("title")
    if not place:
        errors["place"] = _error("place")
    postcode = normalise_postcode(data.get("postcode", ""))
    located = gazetteer.find(postcode) if postcode else None
    if postcode is None or located is None:
        errors["postcode"] = _error("postcode")
    when = _when(data, errors)
    capacity = _capacity(data.get("capacity", ""), errors)
    chosen = tuple(p.id for p in allowed if data.get(f"provider_{p.id}"))
    if len(allowed) == 1:
        chosen = (allowed[0].id,)
    elif not chosen:
        errors["providers"] = _error("providers")
    campaign = find_campaign(session, data.get("campaign") or None)
    if data.get("campaign") and campaign is None:
        errors["campaign"] = _error("campaign")
    if errors or when is None or postcode is None or located is None:
        raise EventFormError(errors)
    return EventValues(
        title=title, starts_at=when[0], ends_at=when[1], place=place, postcode=postcode,
        outcode=outcode_of(postcode), latitude=located.latitude, longitude=located.longitude,
        what_to_expect=_text(data, "what_to_expect", 2000),
        accessibility=_text(data, "accessibility", 2000), capacity=capacity,
        under_16s_with_adult=bool(data.get("under_16s")), provider_ids=chosen,
        campaign_id=campaign.id if campaign else None)


def keeping_other_providers(values: EventValues, event: Event, adviser: Adviser) -> EventValues:
    """A provider user's change keeps the providers they cannot choose (a shared event)."""
    if is_staff(adviser):
        return values
    others = tuple(p.id for p in event.providers if p.id != adviser.provider_id)
    return replace(values, provider_ids=tuple(dict.fromkeys(values.provider_ids + others)))


def form_values(event: Event) -> dict[str, str]:
    """An event's values as the form shows them (UK times)."""
    starts, ends = event.starts_at, event.ends_at
    values = {
        "title": event.title, "day": uk(starts).date().isoformat(),
        "starts": uk(starts).strftime("%H:%M"), "ends": uk(ends).strftime("%H:%M"),
        "place": event.place, "postcode": event.postcode,
        "what_to_expect": event.what_to_expect, "accessibility": event.accessibility,
        "capacity": "" if event.capacity is None else str(event.capacity),
        "under_16s": "yes" if event.under_16s_with_adult else "",
        "campaign": event.campaign.code if event.campaign else "",
    }
    values.update({f"provider_{p.id}": "yes" for p in event.providers})
    return values
