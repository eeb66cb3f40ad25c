"""The chat's vacancy search says "more than 1,000" when the total was capped."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.vacancies import SearchAction
from carecareers.vacancies.search import SearchResult, VacancyHit
from tests.support.responses import said


def hit(number: int) -> VacancyHit:
    return VacancyHit(
        id=number, title="Care Assistant", employer="Dove Meadows", place="Leek",
        distance_miles=1.0, salary="£12.21 an hour", salary_min=None, salary_max=None,
        salary_period=None, closing_date=None, posted_date=None, apply_url="https://x/1",
        source="nhs_jobs", attribution=None, is_apprenticeship=False, level=None,
        role_code="care_worker")


def test_a_capped_total_reads_more_than_and_offers_more() -> None:
    dispatcher = CollectingDispatcher()
    result = SearchResult(total=1000, total_exact=False, vacancies=[hit(1), hit(2), hit(3)])

    SearchAction.show(dispatcher, result, "ST4", 0, 10.0)

    messages = said(dispatcher.messages)
    assert messages[0]["text"] == "Jobs 1-3 of more than 1,000 within 10 miles of ST4:"
    buttons = messages[-1]["buttons"]
    assert buttons[0] == {"title": "More jobs", "payload": "/more_vacancies"}


def test_an_exact_total_reads_as_a_number() -> None:
    dispatcher = CollectingDispatcher()
    SearchAction.show(dispatcher, SearchResult(total=3, vacancies=[hit(1), hit(2), hit(3)]),
                      "ST4", 0, 10.0)
    assert said(dispatcher.messages)[0]["text"] == "Jobs 1-3 of 3 within 10 miles of ST4:"
