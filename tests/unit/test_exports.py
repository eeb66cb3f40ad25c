"""Lead exports: CSV that Excel opens as UTF-8 and never runs as formulas; JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone

import pytest

from carecareers.leads.exports import COLUMNS, csv_text, leads_csv, leads_json
from carecareers.spreadsheets import excel_safe


def row(**values: object) -> dict[str, object]:
    base: dict[str, object] = {column: None for column in COLUMNS}
    base.update(id=1, first_name="Zoë", status="new", interests=["care_worker", "nurse"],
                wants_callback=True, created=datetime(2025, 7, 1, 9, 30, tzinfo=timezone.utc))
    base.update(values)
    return base


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.mark.parametrize("text, expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+447700900123", "'+447700900123"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"),
    ("\rcmd", "'\rcmd"),
    ("Sam", "Sam"),
    ("a=b", "a=b"),
    ("", ""),
])
def test_cells_that_excel_would_run_are_quoted(text: str, expected: str) -> None:
    assert excel_safe(text) == expected


def test_csv_starts_with_a_bom_and_has_a_header() -> None:
    buffer = io.StringIO()
    assert leads_csv([row()], buffer) == 1
    text = buffer.getvalue()
    assert text.startswith("\ufeff")
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    assert text.removeprefix("\ufeff").splitlines()[0] == ",".join(COLUMNS)


def test_csv_values_are_readable_text() -> None:
    buffer = io.StringIO()
    leads_csv([row(phone="07700 900123", email="zoe@example.org")], buffer)
    (parsed,) = read_csv(buffer.getvalue())
    assert parsed["first_name"] == "Zoë"
    assert parsed["interests"] == "care_worker; nurse"
    assert parsed["wants_callback"] == "yes"
    assert parsed["created"] == "2025-07-01 10:30:00"  # UK summer time
    assert parsed["age"] == ""
    assert parsed["phone"] == "07700 900123"


def test_csv_neutralises_formulas_in_every_column() -> None:
    buffer = io.StringIO()
    leads_csv([row(first_name="=1+1", email="@evil", phone="+44 7700 900123",
                   campaign="-X", interests=["=cmd|' /C calc'!A0"])], buffer)
    (parsed,) = read_csv(buffer.getvalue())
    assert parsed["first_name"] == "'=1+1"
    assert parsed["email"] == "'@evil"
    assert parsed["phone"] == "'+44 7700 900123"
    assert parsed["campaign"] == "'-X"
    assert parsed["interests"].startswith("'=")


def test_csv_keeps_commas_quotes_and_newlines_inside_cells() -> None:
    buffer = io.StringIO()
    leads_csv([row(first_name='Jo "JJ", Smith\nJr')], buffer)
    (parsed,) = read_csv(buffer.getvalue())
    assert parsed["first_name"] == 'Jo "JJ", Smith\nJr'


def test_an_empty_export_still_has_its_header() -> None:
    buffer = io.StringIO()
    assert leads_csv([], buffer) == 0
    assert buffer.getvalue() == "\ufeff" + ",".join(COLUMNS) + "\r\n"


def test_csv_text_of_values() -> None:
    assert csv_text(None) == ""
    assert csv_text(False) == "no"
    assert csv_text(3) == "3"
    assert csv_text(datetime(2025, 1, 2, 3, 4, 5)) == "2025-01-02 03:04:05"  # naive is UTC


def test_json_keeps_types_and_iso_times() -> None:
    buffer = io.StringIO()
    assert leads_json([row(first_name="=1+1")], buffer) == 1
    (item,) = json.loads(buffer.getvalue())
    assert list(item) == list(COLUMNS)
    assert item["first_name"] == "=1+1"  # JSON is not run by spreadsheets: left as typed
    assert item["interests"] == ["care_worker", "nurse"]
    assert item["wants_callback"] is True
    assert item["created"] == "2025-07-01T09:30:00+00:00"
