"""Loading and checking the careers content: the real files, and broken copies of them."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from carecareers.careers.content import load_content
from carecareers.careers.errors import ContentError
from carecareers.careers.records import Band, CareersContent
from carecareers.careers.roles import get_role
from carecareers.settings import PROJECT_ROOT

CONTENT_DIR = PROJECT_ROOT / "content"

# NLU training data and the vacancy importer rely on these: they must not change.
ROLE_NAMES_AND_SYNONYMS = {
    "care_worker": ("care worker", ("carer", "care assistant", "support worker",
                    "care support worker", "domiciliary carer", "home carer",
                    "personal assistant", "social care worker", "care worker")),
    "senior_care_worker": ("senior care worker", ("senior carer", "lead care worker",
                           "lead adult care worker", "team leader care",
                           "senior support worker")),
    "healthcare_assistant": ("healthcare assistant", ("hca", "healthcare support worker",
                             "health care assistant", "hcsw", "nursing assistant",
                             "clinical support worker", "auxiliary nurse")),
    "senior_healthcare_assistant": ("senior healthcare support worker", (
        "senior hca", "senior healthcare assistant", "senior healthcare support worker",
        "band 3 hca")),
    "assistant_practitioner": ("assistant practitioner", ("ap", "assistant practitioner")),
    "nursing_associate": ("nursing associate", ("trainee nursing associate", "tna",
                          "nursing associate")),
    "registered_nurse": ("registered nurse", ("nurse", "staff nurse", "rn", "nursing",
                         "adult nurse", "mental health nurse", "learning disability nurse")),
    "occupational_therapist": ("occupational therapist", ("ot", "occupational therapy",
                               "occy therapist")),
    "physiotherapist": ("physiotherapist", ("physio", "physiotherapy", "physical therapist")),
    "paramedic": ("paramedic", ("ambulance", "ambulance paramedic")),
    "social_worker": ("social worker", ("social work", "social worker")),
    "registered_manager": ("registered manager", ("care home manager", "care manager",
                           "home manager")),
}


def copy_content(destination: Path) -> Path:
    """Copy the careers content files (not the rest of content/) to `destination`."""
    shutil.copytree(CONTENT_DIR / "careers", destination / "careers")
    shutil.copy(CONTENT_DIR / "providers.yml", destination / "providers.yml")
    return destination


@pytest.fixture(scope="module")
def content() -> CareersContent:
    return load_content(CONTENT_DIR)


@pytest.fixture
def broken_copy(tmp_path: Path) -> Callable[[str, Callable[[Any], None]], Path]:
    """Copy the real content into tmp_path and let the test break one file of the copy."""
    copy = copy_content(tmp_path / "content")

    def edit(relative: str, change: Callable[[Any], None]) -> Path:
        path = copy / relative
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return copy

    return edit


def load_error(content_dir: Path) -> str:
    with pytest.raises(ContentError) as caught:
        load_content(content_dir)
    return str(caught.value)


# The real content.


def test_role_codes_names_and_synonyms_are_kept(content: CareersContent) -> None:
    found = {role.code: (role.name, role.synonyms) for role in content.roles}
    assert found == ROLE_NAMES_AND_SYNONYMS


def test_every_role_is_filled_in(content: CareersContent) -> None:
    codes = {role.code for role in content.roles}
    for role in content.roles:
        assert role.summary and role.entry, role.code
        assert role.sector in ("nhs", "social_care", "both")
        assert set(role.next) <= codes
        assert role.as_of <= date.today() and role.source.name


def test_nhs_roles_have_a_band_and_social_care_roles_the_minimum_wage(
    content: CareersContent,
) -> None:
    assert get_role(content, "healthcare_assistant").pay.bands == (2, 3)
    assert get_role(content, "registered_nurse").pay.bands == (5,)
    assert get_role(content, "care_worker").pay.kind == "minimum_wage"


def test_every_duration_carries_its_date_and_source(content: CareersContent) -> None:
    trainings = [role.apprenticeship for role in content.roles if role.apprenticeship]
    timed = [t for t in trainings if t.months is not None]
    timed += [step for step in content.steps if step.months is not None]
    timed += list(content.graduate_pathway.stages)
    assert timed
    for item in timed:
        assert item.as_of is not None and item.source is not None, item


def test_apprenticeship_standards_from_the_facts(content: CareersContent) -> None:
    hca = get_role(content, "healthcare_assistant").apprenticeship
    assert hca is not None and "ST0216" in hca.standard
    assert (hca.level, hca.months) == (2, 12)
    associate = get_role(content, "nursing_associate").apprenticeship
    assert associate is not None and (associate.level, associate.months) == (5, 24)
    nurse = get_role(content, "registered_nurse")
    assert nurse.registration == "the Nursing and Midwifery Council (NMC)"


def test_apprenticeship_levels(content: CareersContent) -> None:
    levels = {level.code: (level.levels, level.equivalent) for level in content.levels.levels}
    assert levels["intermediate"] == ((2,), "GCSEs")
    assert levels["advanced"] == ((3,), "A levels")
    assert levels["higher"][0] == (4, 5)
    assert levels["degree"][0] == (6, 7)


def test_minimum_wage_rows_are_dated(content: CareersContent) -> None:
    rates = content.pay.minimum_wage.rates
    assert [r.starts for r in rates] == [date(2025, 4, 1), date(2026, 4, 1)]
    assert (rates[0].age_21_plus, rates[0].age_18_to_20, rates[0].under_18,
            rates[0].apprentice) == (Decimal("12.21"), Decimal("10.00"), Decimal("7.55"),
                                     Decimal("7.55"))
    assert (rates[1].age_21_plus, rates[1].age_18_to_20, rates[1].under_18,
            rates[1].apprentice) == (Decimal("12.71"), Decimal("10.85"), Decimal("8.00"),
                                     Decimal("8.00"))
    assert content.pay.minimum_wage.apprentice_under_age == 19
    assert content.pay.minimum_wage.from_age == 16
    assert all(r.source.url == "gov.uk/national-minimum-wage-rates" for r in rates)


def test_agenda_for_change_is_dated_rows_and_2026_is_computed(content: CareersContent) -> None:
    first, second = content.pay.agenda_for_change.tables
    assert first.approximate and first.year == "2025/26" and first.starts == date(2025, 4, 1)
    assert [band.band for band in first.bands] == [2, 3, 4, 5, 6, 7]
    assert first.band(5) == Band(5, Decimal("31049"), Decimal("37796"))
    assert second.year == "2026/27" and second.starts == date(2026, 4, 1)
    assert second.approximate
    assert second.band(5) == Band(5, Decimal("32074"), Decimal("39043"))  # 2025/26 + 3.3%
    assert second.band(2) == Band(2, Decimal("25272"), Decimal("25272"))
    assert "third-party" not in second.source.name and "third-party" not in first.source.name


def test_rotational_programmes_are_dated_february_2019(content: CareersContent) -> None:
    status = {programme.code: programme.status for programme in content.programmes}
    assert status == {"end_of_life": "advertised", "therapy": "in_development",
                      "mental_health": "in_development", "social_work": "in_development",
                      "frailty": "in_development"}
    end_of_life = content.programme("end_of_life")
    assert end_of_life is not None
    assert (end_of_life.levels, end_of_life.months, end_of_life.places) == ((2, 3), 24, 10)
    assert all(p.as_of == date(2019, 2, 1) for p in content.programmes)


def test_graduate_pathway_climbs_from_support_worker_to_nurse(content: CareersContent) -> None:
    stages = content.graduate_pathway.stages
    assert [(s.role, s.level) for s in stages] == [
        ("healthcare_assistant", 2), ("nursing_associate", 5), ("registered_nurse", 6)]
    assert stages[-1].months == 24


def test_demo_providers_are_marked_and_linked(content: CareersContent) -> None:
    assert 4 <= len(content.providers) <= 6
    for provider in content.providers:
        assert provider.name.startswith("Demo: ")
        assert provider.contact_email.endswith("example.org")
        assert all(content.programme(code) for code in provider.programmes)
        assert all(content.role(code) for code in provider.roles)


def test_content_is_loaded_once_per_path() -> None:
    assert load_content(CONTENT_DIR) is load_content(CONTENT_DIR)


# Broken copies fail clearly, naming the file and the field.


def test_unknown_next_code_is_named(broken_copy: Any) -> None:
    def change(data: Any) -> None:
        data["roles"][0]["next"] = ["senior_care_worker", "astronaut"]

    message = load_error(broken_copy("careers/roles.yml", change))
    assert message.startswith("careers/roles.yml: roles[0].next:")
    assert "'astronaut'" in message


def test_missing_required_field_is_named(broken_copy: Any) -> None:
    message = load_error(broken_copy("careers/roles.yml",
                                     lambda data: data["roles"][2].pop("summary")))
    assert message == "careers/roles.yml: roles[2].summary: is required"


def test_unknown_source_is_named(broken_copy: Any) -> None:
    def change(data: Any) -> None:
        data["minimum_wage"]["rates"][0]["source"] = "a_blog"

    message = load_error(broken_copy("careers/pay.yml", change))
    assert "careers/pay.yml: minimum_wage.rates[0].source: unknown source 'a_blog'" in message


def test_bad_money_is_named(broken_copy: Any) -> None:
    def change(data: Any) -> None:
        data["minimum_wage"]["rates"][1]["under_18"] = "eight pounds"

    message = load_error(broken_copy("careers/pay.yml", change))
    assert "minimum_wage.rates[1].under_18" in message


def test_ladder_step_must_be_on_the_ladder(broken_copy: Any) -> None:
    def change(data: Any) -> None:
        data["steps"][0]["to"] = "paramedic"

    message = load_error(broken_copy("careers/ladder.yml", change))
    assert message.startswith("careers/ladder.yml: steps[0].to:")


def test_a_synonym_cannot_name_two_roles(broken_copy: Any) -> None:
    def change(data: Any) -> None:
        data["roles"][1]["synonyms"].append("nurse")

    message = load_error(broken_copy("careers/roles.yml", change))
    assert "'nurse'" in message and "registered_nurse" in message


def test_pathway_stages_must_follow_each_other(broken_copy: Any) -> None:
    def change(data: Any) -> None:
        data["graduate_pathway"]["stages"].reverse()

    message = load_error(broken_copy("careers/graduate_pathway.yml", change))
    assert "graduate_pathway.stages[1].role" in message


def test_provider_with_unknown_programme_is_named(broken_copy: Any) -> None:
    def change(data: Any) -> None:
        data["providers"][0]["programmes"] = ["knitting"]

    message = load_error(broken_copy("providers.yml", change))
    assert message.startswith("providers.yml: providers[0].programmes:")


def test_unreadable_file_is_named(tmp_path: Path) -> None:
    copy = copy_content(tmp_path / "content")
    (copy / "careers" / "levels.yml").write_text("levels: [unclosed", encoding="utf-8")
    assert load_error(copy).startswith("careers/levels.yml: (file): not valid YAML")


def test_missing_file_is_named(tmp_path: Path) -> None:
    copy = copy_content(tmp_path / "content")
    (copy / "providers.yml").unlink()
    assert load_error(copy).startswith("providers.yml: (file): not found")


def test_a_role_names_an_entry_requirement_that_exists(broken_copy: Any) -> None:
    def change(data: Any) -> None:
        data["roles"][5]["english_and_maths"] = "a_levels_in_everything"

    message = load_error(broken_copy("careers/roles.yml", change))
    assert message.startswith("careers/roles.yml: roles[5].english_and_maths:")
    assert "'a_levels_in_everything'" in message


def test_a_phrase_with_a_placeholder_it_cannot_fill_is_named(broken_copy: Any) -> None:
    def change(data: Any) -> None:
        data["phrases"]["advertised"] = "In {month} they wanted {how_many} apprentices."

    message = load_error(broken_copy("careers/programmes.yml", change))
    assert message.startswith("careers/programmes.yml: phrases.advertised:")
    assert "{month}, {area}, {places}, {topic}" in message


def test_the_under_16_words_may_use_only_the_age(broken_copy: Any) -> None:
    def change(data: Any) -> None:
        data["minimum_wage"]["too_young"]["says"][0] = "At {age} you earn {wage}."

    message = load_error(broken_copy("careers/pay.yml", change))
    assert message.startswith("careers/pay.yml: minimum_wage.too_young.says[0]:")


def test_a_yearly_change_day_must_be_a_day_of_the_year(broken_copy: Any) -> None:
    def change(data: Any) -> None:
        data["minimum_wage"]["changes_each_year"] = "02-29"

    message = load_error(broken_copy("careers/pay.yml", change))
    assert message == ("careers/pay.yml: minimum_wage.changes_each_year: '02-29' is not a "
                       "day of the year (MM-DD)")


def test_the_english_and_maths_rules_by_level(content: CareersContent) -> None:
    rules = content.levels.english_and_maths
    assert "level 1 English and maths" in rules.funding_rule(17, [2])
    assert "level 2 English and maths" in rules.funding_rule(17, [3])
    assert "level 2 English and maths" in rules.funding_rule(16, [5, 6])
    both = rules.funding_rule(18, [2, 3])
    assert "level 1 on a level 2" in both and "level 2 (like GCSE grade 4) on level 3" in both
    assert rules.funding_rule(18) == both
    assert "optional" in rules.funding_rule(19, [2]) and "must" not in rules.funding_rule(19, [3])
    unknown = rules.funding_rule(None, [2])
    assert "level 1 English and maths" in unknown and "From 19 it's optional" in unknown
    assert rules.starts == date(2025, 2, 11)


def test_a_row_date_may_be_written_as_text(broken_copy: Any) -> None:
    def quoted(data: Any) -> None:
        data["minimum_wage"]["rates"][1]["from"] = "2026-04-01"

    rates = load_content(broken_copy("careers/pay.yml", quoted)).pay.minimum_wage.rates
    assert rates[1].starts == date(2026, 4, 1)


def test_a_row_date_must_be_a_real_day(broken_copy: Any) -> None:
    def impossible(data: Any) -> None:
        data["minimum_wage"]["rates"][1]["from"] = "2026-02-30"

    message = load_error(broken_copy("careers/pay.yml", impossible))
    assert message == ("careers/pay.yml: minimum_wage.rates[1].from: '2026-02-30' is not a day "
                       "of the calendar")
