"""The pure parts of the indexed search: rings, what a better match needs, FTS5 queries."""

from __future__ import annotations

from datetime import date

import pytest

from carecareers.vacancies.ranking import (
    Criteria,
    Ranked,
    _fts_all,
    _fts_any,
    _next_ring,
    _required,
)
from carecareers.vacancies.search import SearchResult


def criteria(roles: tuple[str, ...] = (), terms: tuple[str, ...] = ()) -> Criteria:
    return Criteria(roles=roles, terms=terms, place=None, radius=None, filters=(),
                    today=date(2026, 11, 29))


def test_a_ring_widens_to_hold_the_window_and_stops_at_the_radius() -> None:
    assert _next_ring(1.0, 20, 40, 25) == pytest.approx(2 ** 0.5 * 1.2)  # 2x the matches
    assert _next_ring(1.0, 0, 40, 25) == 2.0  # nothing yet: at most 2x (4x the area)
    assert _next_ring(1.0, 39, 40, 25) == pytest.approx(2 ** 0.5)  # at least 1.41x
    assert _next_ring(20.0, 1, 40, 25) == 25


def test_the_best_score_counts_a_role_and_each_word_in_the_title() -> None:
    assert criteria(("care_worker",), ("night",)).best_score == 5
    assert criteria((), ("care", "home")).best_score == 4
    assert criteria().best_score == 0


@pytest.mark.parametrize("score, role, anywhere, in_title", [
    (4, True, (), ("night",)),   # only the best (5) beats 4: role and word in the title
    (3, True, ("night",), ()),   # 4 or 5: the role, and the word somewhere
    (2, True, (), ()),           # 3 needs the role, not the word
    (0, False, (), ()),          # 1 is the word in the employer's name alone
])
def test_what_a_match_needs_to_score_more(score: int, role: bool, anywhere: tuple[str, ...],
                                          in_title: tuple[str, ...]) -> None:
    required = _required(criteria(("care_worker",), ("night",)), score)
    assert (required.role, required.terms, required.title_terms) == (role, anywhere, in_title)


def test_past_what_employers_alone_give_one_word_must_be_in_the_title() -> None:
    required = _required(criteria((), ("deep", "sea", "diver")), 3)
    assert (required.terms, required.title_terms, required.any_in_title) == (
        (), (), ("deep", "sea", "diver"))
    assert _fts_all(required) == '(title : ("deep" OR "sea" OR "diver"))'
    assert _required(criteria((), ("deep", "sea", "diver")), 2).any_in_title == ()
    assert _required(criteria(("care_worker",), ("night",)), 3).any_in_title == ()


def test_short_words_are_never_required_of_the_trigram_index() -> None:
    required = _required(criteria((), ("ot", "nurse")), 3)
    assert required.title_terms == ("nurse",)


def test_fts_queries_quote_every_word() -> None:
    assert _fts_any(["care", "home"]) == '"care" OR "home"'
    required = _required(criteria((), ("care", "home")), 3)
    assert _fts_all(required) == '(title : "care") AND (title : "home")'


def test_ranked_rows_sort_by_score_distance_closing_date_and_id() -> None:
    rows = [Ranked(1, 2, 5.0, None), Ranked(2, 2, 5.0, date(2027, 1, 1)),
            Ranked(3, 3, 9.0, None), Ranked(4, 2, 1.0, None)]
    assert [r.id for r in sorted(rows, key=lambda r: r.key)] == [3, 4, 2, 1]


def test_a_capped_total_reads_more_than() -> None:
    assert SearchResult(total=1000, total_exact=False).total_text == "more than 1,000"
    assert SearchResult(total=42).total_text == "42"
    assert SearchResult(total=1000, total_exact=False).as_dict()["total_exact"] is False
