"""Events in plain words, and as an iCalendar file, on a fixed clock."""

from __future__ import annotations

from datetime import datetime, timezone

from carecareers.events.calendar import event_ics
from carecareers.events.wording import time_words, when_words
from carecareers.models import Event

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)  # type: ignore[misc]


def test_a_winter_morning_reads_in_uk_time():
    # GMT in December: UTC and the UK clock agree.
    assert when_words(utc(2026, 12, 12, 10), utc(2026, 12, 12, 13)) == \
        "Saturday 12 December, 10am to 1pm"


def test_summer_times_move_to_british_summer_time():
    # 9:30 UTC in June is 10:30 on the UK's clock.
    assert when_words(utc(2027, 6, 5, 9, 30), utc(2027, 6, 5, 11)) == \
        "Saturday 5 June, 10:30am to 12 noon"


def test_midnight_and_noon_have_their_words():
    assert time_words(utc(2026, 12, 1, 0, 0)) == "12am"
    assert time_words(utc(2026, 12, 1, 12, 0)) == "12 noon"
    assert time_words(utc(2026, 12, 1, 12, 15)) == "12:15pm"


def test_an_event_over_midnight_names_both_days():
    assert when_words(utc(2026, 12, 31, 20), utc(2027, 1, 1, 1)) == \
        "Thursday 31 December, 8pm to Friday 1 January, 1am"


def event(**values: object) -> Event:
    defaults: dict[str, object] = dict(
        id=7, title="Hospice open day", starts_at=utc(2026, 12, 12, 10),
        ends_at=utc(2026, 12, 12, 13), place="Douglas Macmillan Hospice, Barlaston Road",
        postcode="ST3 3NZ", what_to_expect="Meet the nurses; try a hoist.",
        accessibility="Step-free; parking at the front.", status="active")
    defaults.update(values)
    return Event(**defaults)


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_the_calendar_file_has_the_event_in_utc_with_escaped_text():
    text = event_ics(event(), "https://care.example.org", NOW)
    assert text.endswith("\r\n") and all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and "END:VCALENDAR" in lines
    assert "DTSTART:20261212T100000Z" in lines and "DTEND:20261212T130000Z" in lines
    assert "UID:event-7@care.example.org" in lines and "DTSTAMP:20261130T090000Z" in lines
    assert "SUMMARY:Hospice open day" in lines
    assert "LOCATION:Douglas Macmillan Hospice\\, Barlaston Road\\, ST3 3NZ" in lines
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert "Meet the nurses\\; try a hoist." in description
    assert "\\n\\nAccess: Step-free\\; parking at the front." in description
    assert "STATUS:CONFIRMED" in lines and "URL:https://care.example.org/events/7" in lines


def test_a_cancelled_event_says_so_in_the_calendar():
    assert "STATUS:CANCELLED" in unfold(event_ics(event(status="cancelled"),
                                                  "http://127.0.0.1:8000", NOW))


def test_every_line_break_an_adviser_typed_is_escaped_in_the_description():
    """A lone CR (as some browsers send) would end the line: calendars read it as a new one."""
    typed = "Meet the nurses\rSTATUS:CANCELLED\r\nBring ID\nWear flat shoes"
    text = event_ics(event(what_to_expect=typed, title="Open\rday"), "https://x.org", NOW)
    lines = unfold(text)
    assert "\r" not in text.replace("\r\n", "")
    assert "STATUS:CANCELLED" not in lines and "SUMMARY:Open\\nday" in lines
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert description.startswith(
        "DESCRIPTION:Meet the nurses\\nSTATUS:CANCELLED\\nBring ID\\nWear flat shoes")
