"""The incremental JSON reader: elements one at a time, whatever the chunk size."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from carecareers.vacancies.errors import FeedError
from carecareers.vacancies.jsonstream import JsonArrayReader

DOCUMENT = {
    "total": 3,
    "vacancies": [
        {"title": "Care Assistant", "text": "a \"quoted\" \\ backslash, {braces} [and] , commas",
         "n": 12345678901234567890, "f": -1.5e-3, "ok": True, "none": None},
        {"title": "Nurse \u00e9\u4e2d", "nested": {"list": [1, [2, {"x": "]"}]]}},
        {},
    ],
    "pager": {"page": 1},
    "after": [1, 2],
}


def read(text: str, keys: tuple[str, ...] = ("vacancies",), chunk: int = 7
         ) -> tuple[list[Any], JsonArrayReader]:
    reader = JsonArrayReader(io.StringIO(text), keys, what="test feed", chunk_chars=chunk)
    return list(reader), reader


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 1 << 16])
@pytest.mark.parametrize("indent", [None, 2])
def test_elements_come_out_whole_at_any_chunk_size(chunk: int, indent: int | None) -> None:
    items, reader = read(json.dumps(DOCUMENT, indent=indent), chunk=chunk)

    assert items == DOCUMENT["vacancies"]
    assert reader.found_key == "vacancies"
    assert reader.meta == {"total": 3, "pager": {"page": 1}, "after": [1, 2]}


def test_a_bare_array_and_an_empty_array() -> None:
    assert read('[{"a": 1}, 2, "three"]', ())[0] == [{"a": 1}, 2, "three"]
    assert read('{"vacancies": []}')[0] == []
    assert read("  []  ")[0] == []


def test_a_document_without_the_array_keeps_its_values_in_meta() -> None:
    items, reader = read('{"count": 0, "results": []}')
    assert items == [] and reader.found_key is None
    assert reader.meta == {"count": 0, "results": []}


def test_a_large_element_is_read_in_growing_chunks() -> None:
    big = {"description": "x" * 500_000}
    items, _ = read(json.dumps({"vacancies": [big, big]}), chunk=1024)
    assert items == [big, big]


@pytest.mark.parametrize("cut", [5, 20, 60, 150, 200])
def test_a_truncated_document_is_a_feed_error(cut: int) -> None:
    text = json.dumps(DOCUMENT)[:cut]
    with pytest.raises(FeedError, match="test feed is truncated"):
        read(text)


@pytest.mark.parametrize(("text", "problem"), [
    ('{"vacancies": [{"a": 1} {"b": 2}]}', "expected ',' or ']'"),
    ('{"vacancies": [{"a": 1,}]}', "Expecting property name"),
    ('{"vacancies": [1] "x": 2}', "expected ',' or '}'"),
    ('{"vacancies": [1]} trailing', "unexpected text"),
    ('{1: 2}', "expected a property name"),
    ('{"a" 1}', "expected ':'"),
])
def test_a_malformed_document_is_a_feed_error(text: str, problem: str) -> None:
    with pytest.raises(FeedError, match="test feed is not valid JSON") as error:
        read(text)
    assert problem in str(error.value)


@pytest.mark.parametrize(("text", "message"), [("", "is empty"), ("   ", "is empty"),
                                               ("<xml/>", "is not JSON")])
def test_not_json_at_all(text: str, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        read(text)


def test_a_number_cut_by_a_chunk_is_read_whole() -> None:
    items, _ = read('{"vacancies": [123456789, 1.25e10, true, null]}', chunk=3)
    assert items == [123456789, 1.25e10, True, None]
