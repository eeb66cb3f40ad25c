"""Open vacancies as plain data for other websites: one provider's own, an area's or a
role's, as JSON and as an RSS feed, and schema.org JobPosting markup for the vacancies a
provider published itself.

A provider's own vacancies are those of its own feeds: a source labelled with its code
(`provider_csv:<code>`, `jsonld:<code>`, content/feeds.yml). Vacancies from other job boards
are never marked up as JobPostings: those boards publish them already.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timezone
from email.utils import format_datetime
from typing import Any
from xml.etree import ElementTree

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from carecareers.models import Provider, Vacancy
from carecareers.vacancies.salary import format_salary
from carecareers.vacancies.search import hit_for

OWN_FORMATS = ("provider_csv", "jsonld")  # the formats a provider publishes itself in
MOST = 50
PERIOD_UNITS = {"hour": "HOUR", "day": "DAY", "week": "WEEK", "month": "MONTH", "year": "YEAR"}


@dataclass(frozen=True)
class JobsQuery:
    """Which open vacancies: a provider's own, an area's (a postcode district or its
    prefix, such as ST or ST13) and a role's, each optional; at most `limit`."""

    provider: str | None = None
    area: str | None = None
    role: str | None = None
    limit: int = 20


class JobsQueryError(ValueError):
    """A filter that names nothing: `status` for the answer, `text_id` its words."""

    def __init__(self, status: int, text_id: str) -> None:
        super().__init__(text_id)
        self.status, self.text_id = status, text_id


AREA = re.compile(r"^[A-Za-z]{1,2}(\d[A-Za-z\d]?)?$")
CODE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def read_jobs_query(session: Session, role_codes: Collection[str], provider: str | None,
                    area: str | None, role: str | None, limit: int) -> JobsQuery:
    """The filters asked for, checked: a provider that exists, an area that is a postcode
    district or its letters, a known role; JobsQueryError otherwise."""
    if provider and (not CODE.fullmatch(provider) or session.scalar(
            select(Provider.id).where(Provider.code == provider)) is None):
        raise JobsQueryError(404, "web.jobs.no_provider")
    if area and not AREA.fullmatch(area):
        raise JobsQueryError(400, "web.jobs.bad_area")
    if role and role not in role_codes:
        raise JobsQueryError(400, "web.jobs.bad_role")
    return JobsQuery(provider or None, area.upper() if area else None, role or None, limit)


def own_sources(provider_code: str) -> list[str]:
    return [f"{kind}:{provider_code}" for kind in OWN_FORMATS]


def is_own(vacancy: Vacancy) -> bool:
    """Whether a provider published this vacancy itself (a feed labelled with its code)."""
    kind, _, label = vacancy.source.partition(":")
    return kind in OWN_FORMATS and bool(label)


def open_jobs(session: Session, query: JobsQuery, today: date) -> list[Vacancy]:
    """The open vacancies asked for, newest first, without duplicates of one another."""
    where = [Vacancy.status == "open", Vacancy.duplicate_of_id.is_(None),
             or_(Vacancy.closes_on.is_(None), Vacancy.closes_on >= today)]
    if query.provider:
        where.append(Vacancy.source.in_(own_sources(query.provider)))
    if query.area:
        where.append(Vacancy.outcode.like(f"{query.area.upper()}%"))
    if query.role:
        where.append(Vacancy.role_code == query.role)
    rows = session.scalars(select(Vacancy).where(*where).order_by(
        Vacancy.posted_on.desc().nulls_last(), Vacancy.id.desc()).limit(min(query.limit, MOST)))
    return list(rows)


def job_page_url(base_url: str, vacancy_id: int) -> str:
    return f"{base_url.rstrip('/')}/jobs/{vacancy_id}"


def job_data(vacancy: Vacancy, base_url: str) -> dict[str, Any]:
    hit = hit_for(vacancy).as_dict()
    hit.pop("distance_miles")
    return {**hit, "page_url": job_page_url(base_url, vacancy.id)}


def jobs_json(vacancies: list[Vacancy], base_url: str) -> bytes:
    body = {"vacancies": [job_data(v, base_url) for v in vacancies]}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def jobs_rss(vacancies: list[Vacancy], base_url: str, title: str, description: str,
             feed_url: str) -> bytes:
    """An RSS 2.0 feed of the vacancies, each linking to its page on this site."""
    rss = ElementTree.Element("rss", version="2.0")
    channel = ElementTree.SubElement(rss, "channel")
    for name, value in (("title", title), ("link", feed_url), ("description", description),
                        ("language", "en-gb")):
        ElementTree.SubElement(channel, name).text = value
    for vacancy in vacancies:
        item = ElementTree.SubElement(channel, "item")
        data = job_data(vacancy, base_url)
        where = ", ".join(part for part in (data["employer"], data["place"]) if part)
        summary = " · ".join(part for part in (where, data["salary"],
                                               f"closes {data['closing_date']}"
                                               if data["closing_date"] else "") if part)
        ElementTree.SubElement(item, "title").text = vacancy.title
        ElementTree.SubElement(item, "link").text = data["page_url"]
        ElementTree.SubElement(item, "description").text = summary
        ElementTree.SubElement(item, "guid", isPermaLink="true").text = data["page_url"]
        if vacancy.posted_on:
            posted = datetime.combine(vacancy.posted_on, datetime.min.time(), timezone.utc)
            ElementTree.SubElement(item, "pubDate").text = format_datetime(posted)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(
        rss, encoding="utf-8", xml_declaration=False)


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def job_posting(vacancy: Vacancy) -> dict[str, Any] | None:
    """schema.org JobPosting for a vacancy its provider published itself; None otherwise
    (or when it lacks what search engines require: a date posted and a place)."""
    if not is_own(vacancy) or vacancy.posted_on is None or not (
            vacancy.postcode or vacancy.location_text):
        return None
    posting: dict[str, Any] = {
        "@context": "https://schema.org/", "@type": "JobPosting", "title": vacancy.title,
        "description": vacancy.description or vacancy.title,
        "datePosted": vacancy.posted_on.isoformat(),
        "hiringOrganization": {"@type": "Organization", "name": vacancy.employer},
        "jobLocation": {"@type": "Place", "address": {
            "@type": "PostalAddress", "addressCountry": "GB",
            **({"postalCode": vacancy.postcode} if vacancy.postcode else {}),
            **({"addressLocality": vacancy.location_text} if vacancy.location_text else {})}},
        "directApply": False,
    }
    if vacancy.closes_on:
        posting["validThrough"] = f"{vacancy.closes_on.isoformat()}T23:59:59+00:00"
    if vacancy.contract_type:
        posting["employmentType"] = vacancy.contract_type.upper().replace(" ", "_")
    unit = PERIOD_UNITS.get(vacancy.salary_period or "")
    if unit and vacancy.salary_min is not None:
        value: dict[str, Any] = {"@type": "QuantitativeValue", "unitText": unit,
                                 "minValue": vacancy.salary_min}
        if vacancy.salary_max is not None:
            value["maxValue"] = vacancy.salary_max
        posting["baseSalary"] = {"@type": "MonetaryAmount", "currency": "GBP", "value": value}
    return posting


def salary_words(vacancy: Vacancy) -> str:
    return vacancy.salary_text or format_salary(vacancy.salary_min, vacancy.salary_max,
                                                vacancy.salary_period)


def widget_jobs(vacancies: list[Vacancy], base_url: str) -> list[dict[str, str | None]]:
    """The vacancies as the widget on another website shows them: words ready to read
    (the closing day as "30 December 2026"), the apply link and the page on this site."""
    shown = []
    for vacancy in vacancies:
        hit = hit_for(vacancy)
        shown.append({
            "title": hit.title, "employer": hit.employer, "place": hit.place,
            "salary": hit.salary,
            "closes": (f"{hit.closing_date.day} {hit.closing_date:%B %Y}"
                       if hit.closing_date else None),
            "apply_url": hit.apply_url, "page_url": job_page_url(base_url, vacancy.id),
            "attribution": hit.attribution.text if hit.attribution else None,
        })
    return shown


def provider_name(session: Session, code: str) -> str | None:
    return session.scalar(select(Provider.name).where(Provider.code == code))
