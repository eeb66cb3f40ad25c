"""Normalising vacancy records: text, dates, roles, levels, places, keys."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from carecareers.geo import gazetteer_for
from carecareers.vacancies.normalise import (
    Normaliser,
    content_hash,
    dedupe_key,
    detect_apprenticeship,
    detect_level,
)
from carecareers.vacancies.records import EntryProblem, VacancyRecord
from carecareers.vacancies.roles import RoleIndex, role_index_for
from carecareers.vacancies.salary import pay_rates_for
from carecareers.vacancies.search import parse_query
from carecareers.vacancies.text import parse_date, source_id_of, strip_html

CONTENT = Path(__file__).resolve().parents[2] / "content"
TODAY = date(2026, 12, 6)


@pytest.fixture(scope="module")
def roles() -> RoleIndex:
    return role_index_for(CONTENT)


@pytest.fixture(scope="module")
def normaliser(roles: RoleIndex) -> Normaliser:
    return Normaliser(gazetteer_for(CONTENT), roles, pay_rates_for(CONTENT), TODAY)


def test_html_is_stripped_and_entities_unescaped() -> None:
    html = ("<p>Care &amp; support</p><ul><li>Shifts&nbsp;7&ndash;7</li></ul>"
            "<script>alert(1)</script><style>p{}</style>Fish &lt;3 chips")
    assert strip_html(html) == "Care & support\n\nShifts 7–7\n\nFish <3 chips"
    assert strip_html("Plain &amp; simple") == "Plain & simple"
    assert strip_html("") == ""


@pytest.mark.parametrize(("value", "expected"), [
    ("2027-01-15", date(2027, 1, 15)),
    ("2027-01-15T23:59:59", date(2027, 1, 15)),
    ("2027-01-15T00:00:00Z", date(2027, 1, 15)),
    ("2027-01-15T00:00:00.000+00:00", date(2027, 1, 15)),
    ("15/01/2027", date(2027, 1, 15)),
    ("15 January 2027", date(2027, 1, 15)),
    ("15 Jan 2027", date(2027, 1, 15)),
    ("", None),
    (None, None),
])
def test_dates(value: str | None, expected: date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["soon", "2027-13-01", "32/01/2027", 20270115])
def test_bad_dates(value: object) -> None:
    with pytest.raises(ValueError):
        parse_date(value)


def test_ids() -> None:
    assert source_id_of(" 12 ") == "12"
    assert source_id_of(123) == "123"
    for bad in (None, "", {"a": 1}, True):
        with pytest.raises(EntryProblem, match="missing id"):
            source_id_of(bad)
    with pytest.raises(EntryProblem, match="bad id"):
        source_id_of("x" * 129)


@pytest.mark.parametrize(("title", "code"), [
    ("Healthcare Support Worker", "healthcare_assistant"),
    ("Apprentice Healthcare Support Worker (Level 2)", "healthcare_assistant"),
    ("Senior Healthcare Support Worker", "senior_healthcare_assistant"),
    ("Health Care Assistant - Nights", "healthcare_assistant"),
    ("HCA bank", "healthcare_assistant"),
    ("Trainee Nursing Associate", "nursing_associate"),
    ("Staff Nurse - Ward 108", "registered_nurse"),
    ("Care Assistant", "care_worker"),
    ("Senior Carer (Nights)", "senior_care_worker"),
    ("Ambulance Care Assistant", "care_worker"),
    ("Registered Manager - Domiciliary Care", "registered_manager"),
    ("Receptionist", None),
    ("Apprenticeship in maps", None),
])
def test_roles_of_titles(roles: RoleIndex, title: str, code: str | None) -> None:
    assert roles.role_of_title(title) == code


def test_roles_resolve_codes_names_and_synonyms(roles: RoleIndex) -> None:
    assert roles.resolve("healthcare_assistant") == "healthcare_assistant"
    assert roles.resolve("Healthcare Assistant") == "healthcare_assistant"
    assert roles.resolve("carer") == "care_worker"
    assert roles.resolve("astronaut") is None
    assert "paramedic" in roles.codes


@pytest.mark.parametrize(("texts", "apprenticeship", "level"), [
    (("Apprentice Healthcare Support Worker (Level 2)",), True, 2),
    (("Adult Care Worker Apprenticeship", "Lead adult care worker (level 3)"), True, 3),
    (("Nursing Associate Apprentice L5",), True, 5),
    (("Advanced Apprenticeship in Care",), True, 3),
    (("Degree Apprenticeship - Registered Nurse",), True, 6),
    (("Care Assistant",), False, None),
])
def test_apprenticeship_and_level(texts: tuple[str, ...], apprenticeship: bool,
                                  level: int | None) -> None:
    assert detect_apprenticeship(*texts) is apprenticeship
    assert detect_level(*texts) == level


def test_the_dedupe_key_ignores_case_punctuation_and_company_words() -> None:
    one = dedupe_key("Apprentice HCSW (Level 2)", "Good Care Ltd", "ST4")
    two = dedupe_key("apprentice hcsw - level 2", "GOOD CARE LIMITED", "ST4")
    assert one == two == "apprentice hcsw level 2|good care|ST4"
    assert dedupe_key("Care Assistant", "Good Care", None) == ""
    assert dedupe_key("Care Assistant", "", "ST4") == ""


def test_records_are_normalised(normaliser: Normaliser) -> None:
    record = VacancyRecord(
        source_id="1",
        title="  Apprentice <b>Healthcare</b>   Support Worker ",
        employer="UHNM",
        description="<p>Hello &amp; welcome</p>",
        location_text="County Hospital, Stafford, ST16 3SA",
        postcode="st16 3sa",
        salary_text="£24,465 a year",
        closes_on=date(2027, 1, 1),
    )
    values = normaliser.normalise(record).values

    assert values["title"] == "Apprentice Healthcare Support Worker"
    assert values["description"] == "Hello & welcome"
    assert (values["postcode"], values["outcode"]) == ("ST16 3SA", "ST16")
    assert values["latitude"] == pytest.approx(52.81315)
    assert (values["salary_min"], values["salary_max"], values["salary_period"]) == (
        24465, 24465, "year")
    assert (values["role_code"], values["is_apprenticeship"], values["level"]) == (
        "healthcare_assistant", True, None)
    assert values["dedupe_key"] == "apprentice healthcare support worker|uhnm|ST16"


def test_a_place_from_coordinates_or_town(normaliser: Normaliser) -> None:
    by_point = normaliser.normalise(VacancyRecord("1", "Carer", latitude=53.0246,
                                                  longitude=-2.1747)).values
    by_town = normaliser.normalise(VacancyRecord("2", "Carer",
                                                 location_text="Leek, Staffordshire")).values
    nowhere = normaliser.normalise(VacancyRecord("3", "Carer", location_text="Remote",
                                                 latitude=0, longitude=0)).values

    assert (by_point["outcode"], by_point["latitude"]) == ("ST1", 53.0246)
    assert (by_town["outcode"], by_town["postcode"]) == ("ST13", None)
    assert (nowhere["outcode"], nowhere["latitude"]) == (None, None)


def test_salary_figures_become_text(normaliser: Normaliser) -> None:
    values = normaliser.normalise(VacancyRecord("1", "Carer", salary_min=24000,
                                                salary_max=26000, salary_period="year")).values
    assert values["salary_text"] == "£24,000 to £26,000 a year"


@pytest.mark.parametrize(("record", "figures"), [
    # A band is priced from the careers pay table in force on the day it was posted.
    (VacancyRecord("1", "Nurse", salary_text="Band 5", posted_on=date(2026, 3, 2)),
     (31049, 37796, "year")),
    (VacancyRecord("2", "Nurse", salary_text="Band 5", posted_on=date(2026, 4, 1)),
     (32074, 39043, "year")),
    (VacancyRecord("3", "HCA", salary_text="NHS AfC: Band 3"), (25760, 27476, "year")),
    # Stated figures win over the band they name.
    (VacancyRecord("4", "HCA", salary_text="Band 3, £25,000 a year",
                   posted_on=date(2026, 4, 1)), (25000, 25000, "year")),
    # A minimum wage named by rule, on the posting day.
    (VacancyRecord("5", "Care apprentice", salary_text="Apprenticeship minimum wage",
                   pay_rule="apprentice_minimum", posted_on=date(2026, 3, 31)),
     (7.55, None, "hour")),
    (VacancyRecord("6", "Care apprentice", salary_text="Apprenticeship minimum wage",
                   pay_rule="apprentice_minimum", posted_on=date(2026, 4, 1)),
     (8.00, None, "hour")),
    (VacancyRecord("7", "Carer", salary_text="National Minimum Wage for your age",
                   pay_rule="national_minimum"), (8.00, 12.71, "hour")),
])
def test_named_pay_gets_the_figures_in_force_when_posted(
    normaliser: Normaliser, record: VacancyRecord,
    figures: tuple[float | None, float | None, str],
) -> None:
    values = normaliser.normalise(record).values
    assert (values["salary_min"], values["salary_max"], values["salary_period"]) == figures
    assert values["salary_text"] == record.salary_text


def test_the_content_hash_changes_with_content_only(normaliser: Normaliser) -> None:
    first = normaliser.normalise(VacancyRecord("1", "Carer", salary_text="£12 an hour"))
    same = normaliser.normalise(VacancyRecord("2", "Carer", salary_text="£12 an hour"))
    other = normaliser.normalise(VacancyRecord("1", "Carer", salary_text="£13 an hour"))
    assert first.content_hash == same.content_hash != other.content_hash
    assert content_hash(first.values) == first.content_hash


def test_queries_split_into_roles_and_words(roles: RoleIndex) -> None:
    query = parse_query("HCA apprenticeship jobs in the hospital", None, roles)
    assert query.roles == {"healthcare_assistant"}
    assert query.terms == ("hospital",)
    assert query.wants_apprenticeship
    by_role = parse_query(None, "support worker", roles)
    assert by_role.roles == {"care_worker"}
    unknown = parse_query(None, "porter", roles)
    assert (unknown.roles, unknown.terms) == (frozenset(), ("porter",))


def test_an_unknown_postcode_falls_back_to_the_location_text(normaliser: Normaliser) -> None:
    values = normaliser.normalise(VacancyRecord("1", "Carer", postcode="ZZ9 9ZZ",
                                                location_text="Leek, Staffordshire")).values
    assert (values["postcode"], values["outcode"]) == ("ZZ9 9ZZ", "ST13")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>x</script>",
                                 "ftp://jobs.example.org/1", "//jobs.example.org/1",
                                 "https://jobs.example.org/a b", "vbscript:msgbox(1)",
                                 " JAVASCRIPT:alert(1)", "https:///nohost", "http://[::1"])
def test_a_feed_link_that_is_not_a_web_page_is_dropped(normaliser: Normaliser,
                                                       url: str) -> None:
    assert normaliser.normalise(VacancyRecord("1", "Carer", url=url)).values["url"] == ""


def test_a_web_link_is_kept(normaliser: Normaliser) -> None:
    for url in ("https://jobs.example.org/apply?id=1", "http://jobs.example.org/1"):
        assert normaliser.normalise(VacancyRecord("1", "Carer", url=url)).values["url"] == url
