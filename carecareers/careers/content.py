"""Load and check the careers content (content/careers/*.yml and content/providers.yml)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import get_args

from carecareers.careers.errors import ContentError
from carecareers.careers.reader import Node, read_yaml
from carecareers.careers.records import (
    AgendaForChange,
    Apprenticeship,
    ApprenticeshipLevel,
    Band,
    BandTable,
    CareCertificate,
    CareersContent,
    EnglishAndMaths,
    Foundation,
    FundingRule,
    GraduatePathway,
    Levels,
    Lookalike,
    MinimumWage,
    PathwayStage,
    PayKind,
    PayTables,
    PayWording,
    Phrases,
    Programme,
    ProgrammeStatus,
    ProviderEntry,
    ProviderKind,
    Requirement,
    Role,
    RolePay,
    Sector,
    Source,
    StartingPoint,
    StepDetail,
    TooYoung,
    WageRates,
)
from carecareers.careers.roles import normalise

Sources = Mapping[str, Source]

ROLES = "careers/roles.yml"
SOURCES = "careers/sources.yml"
LEVELS = "careers/levels.yml"
PAY = "careers/pay.yml"
PROGRAMMES = "careers/programmes.yml"
PATHWAY = "careers/graduate_pathway.yml"
STARTING_POINTS = "careers/starting_points.yml"
LADDER = "careers/ladder.yml"
PROVIDERS = "providers.yml"

PROGRAMME_SETTINGS = ("acute", "community", "hospice", "care_home", "voluntary", "primary_care")
OUTWARD_CODE = re.compile(r"^[A-Z]{1,2}(\d[A-Z\d]?)?$")

# The phrases each file's replies use, and the {placeholders} each may fill in.
PhraseSpec = Mapping[str, tuple[str, ...]]
ROLE_PHRASES: PhraseSpec = {
    "how_to_become": ("role",), "training_time": ("level", "duration"),
    "registers": ("body",), "no_registration": (), "then_register": ("body",),
}
LEVELS_PHRASES: PhraseSpec = {
    "what_it_is": (), "level": ("name", "levels", "equivalent"),
}
PROGRAMME_PHRASES: PhraseSpec = {
    "what_it_is": (), "advertised": ("month", "area", "places", "topic"),
    "planned": ("topics",), "no_news": (),
}
TOO_YOUNG_FIELDS = ("age", "from_age")

__all__ = ["CareersContent", "ContentError", "load_content"]


@lru_cache(maxsize=8)
def load_content(content_dir: Path) -> CareersContent:
    """Read every careers content file under `content_dir`, checked, once per path."""
    sources = read_sources(read_yaml(content_dir, SOURCES))
    pay = read_pay(read_yaml(content_dir, PAY), sources)
    roles = read_yaml(content_dir, ROLES)
    programmes = read_yaml(content_dir, PROGRAMMES)
    content = CareersContent(
        roles=read_roles(roles, sources),
        starting_points=read_starting_points(read_yaml(content_dir, STARTING_POINTS)),
        steps=read_steps(read_yaml(content_dir, LADDER), sources),
        levels=read_levels(read_yaml(content_dir, LEVELS), sources),
        pay=pay,
        programmes=read_programmes(programmes, sources),
        graduate_pathway=read_pathway(
            read_yaml(content_dir, PATHWAY).child("graduate_pathway"), sources
        ),
        providers=read_providers(read_yaml(content_dir, PROVIDERS)),
        sources=tuple(sources.values()),
        role_phrases=read_phrases(roles, "phrases", ROLE_PHRASES),
        programme_phrases=read_phrases(programmes, "phrases", PROGRAMME_PHRASES),
    )
    check_links(content)
    return content


# Reading, one function per kind of record.


def read_sources(root: Node) -> dict[str, Source]:
    table = root.child("sources")
    sources = {}
    for code in table.data:
        entry = table.child(code)
        sources[code] = Source(
            code, entry.text("name"), entry.optional_text("url"), entry.optional_text("note")
        )
    return sources


def read_roles(root: Node, sources: Sources) -> tuple[Role, ...]:
    roles = tuple(read_role(node, sources) for node in root.children("roles"))
    _check_unique(root, "roles", [role.code for role in roles])
    return roles


def read_role(node: Node, sources: Sources) -> Role:
    return Role(
        code=node.text("code"),
        name=node.text("name"),
        synonyms=node.texts("synonyms"),
        summary=node.text("summary"),
        sector=node.choice("sector", get_args(Sector)),  # type: ignore[arg-type]
        entry=node.texts("entry"),
        apprenticeship=read_apprenticeship(node.optional_child("apprenticeship"), sources),
        registration=node.optional_text("registration"),
        pay=read_role_pay(node.child("pay")),
        next=node.texts("next"),
        as_of=node.month("as_of"),
        source=node.source("source", sources),
        not_the_same=read_lookalike(node.optional_child("not_the_same")),
        english_and_maths=node.optional_text("english_and_maths"),
    )


def read_lookalike(node: Node | None) -> Lookalike | None:
    if node is None:
        return None
    return Lookalike(words=node.texts("words"), note=node.text("note"))


def read_apprenticeship(node: Node | None, sources: Sources) -> Apprenticeship | None:
    if node is None:
        return None
    months = node.optional_integer("months")
    return Apprenticeship(
        standard=node.text("standard"),
        level=node.integer("level"),
        months=months,
        as_of=node.month("as_of") if months is not None else None,
        source=node.source("source", sources) if months is not None else None,
    )


def read_role_pay(node: Node) -> RolePay:
    kind = node.choice("kind", get_args(PayKind))
    return RolePay(
        kind=kind,  # type: ignore[arg-type]
        bands=node.integers("bands") if kind == "nhs_band" else (),
        wording=node.optional_text("wording"),
        note=node.text("note") if kind == "other" else node.optional_text("note"),
    )


def read_starting_points(root: Node) -> tuple[StartingPoint, ...]:
    points = tuple(read_starting_point(node) for node in root.children("starting_points"))
    _check_unique(root, "starting_points", [point.code for point in points])
    return points


def read_starting_point(node: Node) -> StartingPoint:
    return StartingPoint(
        code=node.text("code"),
        name=node.text("name"),
        aliases=node.texts("aliases"),
        next=node.texts("next"),
    )


def read_steps(root: Node, sources: Sources) -> tuple[StepDetail, ...]:
    return tuple(read_step(node, sources) for node in root.children("steps"))


def read_step(node: Node, sources: Sources) -> StepDetail:
    """Read a step; `as_of` and `source` may be missing (`content check` lists them)."""
    return StepDetail(
        start=node.text("from"),
        target=node.text("to"),
        how=node.text("how"),
        level=node.optional_integer("level"),
        months=node.optional_integer("months"),
        as_of=node.month("as_of") if node.has("as_of") else None,
        source=node.optional_source("source", sources),
        min_age=node.optional_integer("min_age"),
        max_age=node.optional_integer("max_age"),
    )


def read_levels(root: Node, sources: Sources) -> Levels:
    certificate = root.child("care_certificate")
    foundation = root.child("foundation")
    return Levels(
        levels=tuple(read_level(node, sources) for node in root.children("levels")),
        english_and_maths=read_english_and_maths(root.child("english_and_maths"), sources),
        care_certificate=CareCertificate(
            summary=certificate.text("summary"),
            weeks=certificate.integer("weeks"),
            as_of=certificate.month("as_of"),
            source=certificate.source("source", sources),
        ),
        foundation=Foundation(
            says=foundation.text("says"),
            starts=foundation.month("from"),
            source=foundation.source("source", sources),
        ),
        phrases=read_phrases(root, "phrases", LEVELS_PHRASES),
    )


def read_english_and_maths(node: Node, sources: Sources) -> EnglishAndMaths:
    young = node.child("start_16_to_18")
    requirements = tuple(
        Requirement(code, entry.text("says"), entry.month("as_of"),
                    entry.source("source", sources))
        for code, entry in node.child("entry_requirements").items()
    )
    return EnglishAndMaths(
        starts=node.month("from"),
        source=node.source("source", sources),
        optional_from_age=node.integer("optional_from_age"),
        young=tuple(FundingRule(rule.integers("levels"), rule.text("says"))
                    for rule in young.children("by_level")),
        young_any_level=young.text("any_level"),
        optional=node.text("optional"),
        optional_too=node.text("optional_too"),
        requirements=requirements,
    )


def read_phrases(root: Node, key: str, spec: PhraseSpec) -> Phrases:
    """Read a reply's phrases: each one in `spec`, using only the placeholders it lists."""
    node = root.child(key)
    return Phrases(node.file, {name: phrase(node, name, fields) for name, fields in spec.items()})


def phrase(node: Node, key: str, fields: tuple[str, ...]) -> str:
    text = node.text(key)
    check_placeholders(node, key, text, fields)
    return text


def check_placeholders(node: Node, key: str, text: str, fields: tuple[str, ...]) -> None:
    try:
        text.format(**{field: "" for field in fields})
    except (KeyError, IndexError, ValueError) as error:
        allowed = ", ".join("{" + field + "}" for field in fields) or "none"
        raise node.error(key, f"has a placeholder it cannot fill ({error}); it can use "
                         f"{allowed}") from None


def read_level(node: Node, sources: Sources) -> ApprenticeshipLevel:
    return ApprenticeshipLevel(
        code=node.text("code"),
        name=node.text("name"),
        levels=node.integers("levels"),
        equivalent=node.text("equivalent"),
        as_of=node.month("as_of"),
        source=node.source("source", sources),
    )


def read_pay(root: Node, sources: Sources) -> PayTables:
    return PayTables(
        minimum_wage=read_minimum_wage(root.child("minimum_wage"), sources),
        agenda_for_change=read_agenda_for_change(root.child("agenda_for_change"), sources),
        wording=read_pay_wording(root.child("wording")),
    )


def read_pay_wording(node: Node) -> PayWording:
    return PayWording(
        band=node.text("band"),
        band_one_rate=node.text("band_one_rate"),
        band_jobs=node.text("band_jobs"),
        before_tax=node.text("before_tax"),
        tax_check_at=node.text("tax_check_at"),
    )


def read_minimum_wage(node: Node, sources: Sources) -> MinimumWage:
    rule = node.child("apprentice_rate")
    rows = [read_wage_rates(row, sources) for row in node.children("rates")]
    rates = tuple(sorted(rows, key=attrgetter("starts")))
    if not rates:
        raise node.error("rates", "needs at least one row")
    _check_unique(node, "rates", [rate.starts.isoformat() for rate in rates])
    return MinimumWage(
        rates=rates,
        from_age=node.integer("from_age"),
        apprentice_under_age=rule.integer("under_age"),
        apprentice_first_year_any_age=rule.flag("first_year_any_age"),
        check_at=node.text("check_at"),
        too_young=read_too_young(node.child("too_young"), sources),
        changes_each_year=node.month_day("changes_each_year"),
    )


def read_too_young(node: Node, sources: Sources) -> TooYoung:
    says = node.texts("says")
    for i, text in enumerate(says):
        check_placeholders(node, f"says[{i}]", text, TOO_YOUNG_FIELDS)
    return TooYoung(says, node.month("as_of"), node.source("source", sources))


def read_wage_rates(node: Node, sources: Sources) -> WageRates:
    return WageRates(
        starts=node.month("from"),
        source=node.source("source", sources),
        age_21_plus=node.money("age_21_plus"),
        age_18_to_20=node.money("age_18_to_20"),
        under_18=node.money("under_18"),
        apprentice=node.money("apprentice"),
    )


def read_agenda_for_change(node: Node, sources: Sources) -> AgendaForChange:
    tables: list[BandTable] = []
    for row in node.children("rates"):
        tables.append(read_band_table(row, sources, tables[-1] if tables else None))
    if not tables:
        raise node.error("rates", "needs at least one row")
    _check_unique(node, "rates", [table.starts.isoformat() for table in tables])
    return AgendaForChange(
        basis=node.text("basis"), check_at=node.text("check_at"), tables=tuple(tables),
        changes_each_year=node.month_day("changes_each_year"),
    )


def read_band_table(node: Node, sources: Sources, before: BandTable | None) -> BandTable:
    """Read one year of bands: given in full, or the year before plus `rise_percent`."""
    starts = node.month("from")
    if before is not None and starts <= before.starts:
        raise node.error("from", "must come after the row before")
    if node.has("rise_percent"):
        if before is None:
            raise node.error("rise_percent", "needs a row before it to rise from")
        rise = node.money("rise_percent")
        bands = tuple(raised(band, rise) for band in before.bands)
        approximate = True
    else:
        bands = tuple(read_band(row) for row in node.children("bands"))
        _check_unique(node, "bands", [str(band.band) for band in bands])
        approximate = node.flag("approximate")
    return BandTable(
        year=str(node.value("year")),
        starts=starts,
        source=node.source("source", sources),
        approximate=approximate,
        bands=bands,
    )


def raised(band: Band, percent: Decimal) -> Band:
    factor = 1 + percent / 100
    return Band(
        band.band,
        (band.low * factor).quantize(Decimal("1"), ROUND_HALF_UP),
        (band.high * factor).quantize(Decimal("1"), ROUND_HALF_UP),
    )


def read_band(node: Node) -> Band:
    band = Band(node.integer("band"), node.money("low"), node.money("high"))
    if band.high < band.low:
        raise node.error("high", "is below low")
    return band


def read_programmes(root: Node, sources: Sources) -> tuple[Programme, ...]:
    programmes = tuple(read_programme(node, sources) for node in root.children("programmes"))
    _check_unique(root, "programmes", [programme.code for programme in programmes])
    return programmes


def read_programme(node: Node, sources: Sources) -> Programme:
    settings = node.texts("settings")
    unknown = [setting for setting in settings if setting not in PROGRAMME_SETTINGS]
    if unknown:
        raise node.error(
            "settings", f"{unknown[0]!r} is not one of {', '.join(PROGRAMME_SETTINGS)}"
        )
    return Programme(
        code=node.text("code"),
        name=node.text("name"),
        topic=node.text("topic"),
        area=node.text("area"),
        status=node.choice("status", get_args(ProgrammeStatus)),  # type: ignore[arg-type]
        summary=node.text("summary"),
        settings=settings,
        levels=node.integers("levels") if node.has("levels") else (),
        months=node.optional_integer("months"),
        places=node.optional_integer("places"),
        as_of=node.month("as_of"),
        source=node.source("source", sources),
    )


def read_pathway(node: Node, sources: Sources) -> GraduatePathway:
    return GraduatePathway(
        name=node.text("name"),
        summary=node.text("summary"),
        stages=tuple(read_stage(stage, sources) for stage in node.children("stages")),
        other_routes=node.text("other_routes"),
    )


def read_stage(node: Node, sources: Sources) -> PathwayStage:
    return PathwayStage(
        role=node.text("role"),
        how=node.text("how"),
        level=node.integer("level"),
        months=node.optional_integer("months"),
        as_of=node.month("as_of"),
        source=node.source("source", sources),
    )


def read_providers(root: Node) -> tuple[ProviderEntry, ...]:
    providers = tuple(read_provider(node) for node in root.children("providers"))
    _check_unique(root, "providers", [provider.code for provider in providers])
    return providers


def read_provider(node: Node) -> ProviderEntry:
    areas = tuple(area.upper() for area in node.texts("areas"))
    bad = [area for area in areas if not OUTWARD_CODE.match(area)]
    if bad:
        raise node.error("areas", f"{', '.join(bad)} is not an outward code such as ST4 or ST")
    email = node.text("contact_email")
    if "@" not in email:
        raise node.error("contact_email", f"{email!r} is not an email address")
    return ProviderEntry(
        code=node.text("code"),
        name=node.text("name"),
        kind=node.choice("kind", get_args(ProviderKind)),  # type: ignore[arg-type]
        areas=areas,
        programmes=node.texts("programmes"),
        roles=node.texts("roles"),
        contact_email=email,
    )


def _check_unique(node: Node, key: str, codes: list[str]) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise node.error(key, f"{code!r} appears twice")
        seen.add(code)


# Checking the links between files.


def check_links(content: CareersContent) -> None:
    """Fail on any code that points at nothing, and on words claimed by two roles."""
    role_codes = {role.code for role in content.roles}
    check_role_links(content, role_codes)
    check_starting_points(content, role_codes)
    check_steps(content)
    check_pathway(content, role_codes)
    check_providers(content, role_codes)
    check_words(content)


def check_role_links(content: CareersContent, role_codes: set[str]) -> None:
    bands = content.pay.agenda_for_change.band_numbers()
    for i, role in enumerate(content.roles):
        _check_known(ROLES, f"roles[{i}].next", role.next, role_codes, "role code")
        _check_known(
            ROLES,
            f"roles[{i}].pay.bands",
            [str(b) for b in role.pay.bands],
            {str(b) for b in bands},
            "Agenda for Change band in careers/pay.yml",
        )
        if role.english_and_maths is not None:
            _check_known(
                ROLES, f"roles[{i}].english_and_maths", [role.english_and_maths],
                {item.code for item in content.levels.english_and_maths.requirements},
                "entry requirement in careers/levels.yml english_and_maths.entry_requirements",
            )
        if role.pay.kind == "nhs_band" and not role.pay.bands:
            raise ContentError(ROLES, f"roles[{i}].pay.bands", "is required for kind nhs_band")


def check_starting_points(content: CareersContent, role_codes: set[str]) -> None:
    known = role_codes | {point.code for point in content.starting_points}
    for i, point in enumerate(content.starting_points):
        if point.code in role_codes:
            raise ContentError(
                STARTING_POINTS, f"starting_points[{i}].code", f"{point.code!r} is also a role code"
            )
        _check_known(
            STARTING_POINTS, f"starting_points[{i}].next", point.next, known,
            "role code or starting point",
        )


def check_steps(content: CareersContent) -> None:
    for i, step in enumerate(content.steps):
        start = content.role(step.start) or content.starting_point(step.start)
        if start is None:
            raise ContentError(
                LADDER, f"steps[{i}].from", f"unknown role or starting point {step.start!r}"
            )
        if step.target not in start.next:
            raise ContentError(
                LADDER,
                f"steps[{i}].to",
                f"{step.target!r} is not in the `next` list of {step.start!r}",
            )


def check_pathway(content: CareersContent, role_codes: set[str]) -> None:
    previous: str | None = None
    for i, stage in enumerate(content.graduate_pathway.stages):
        field = f"graduate_pathway.stages[{i}].role"
        _check_known(PATHWAY, field, [stage.role], role_codes, "role code")
        before = content.role(previous) if previous else None
        if before is not None and stage.role not in before.next:
            raise ContentError(
                PATHWAY, field, f"{stage.role!r} does not follow {previous!r} on the ladder"
            )
        previous = stage.role


def check_providers(content: CareersContent, role_codes: set[str]) -> None:
    programme_codes = {programme.code for programme in content.programmes}
    for i, provider in enumerate(content.providers):
        _check_known(
            PROVIDERS,
            f"providers[{i}].programmes",
            provider.programmes,
            programme_codes,
            "programme code in careers/programmes.yml",
        )
        _check_known(PROVIDERS, f"providers[{i}].roles", provider.roles, role_codes, "role code")


def check_words(content: CareersContent) -> None:
    """Fail when one word or phrase would name two different roles or starting points."""
    owners: dict[str, str] = {}
    named = [(r.code, ROLES, (r.code, r.name, *r.synonyms)) for r in content.roles]
    named += [(p.code, STARTING_POINTS, (p.code, *p.aliases)) for p in content.starting_points]
    for code, file, words in named:
        for word in {normalise(word) for word in words}:
            if owners.setdefault(word, code) != code:
                raise ContentError(file, code, f"{word!r} already names {owners[word]!r}")


def _check_known(file: str, field: str, codes: Iterable[str], known: set[str], what: str) -> None:
    for code in codes:
        if code not in known:
            raise ContentError(file, field, f"unknown {what} {code!r}")
