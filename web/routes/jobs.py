"""Open vacancies for other websites, and a page for each vacancy.

- `/jobs.json` and `/jobs.rss`: one provider's own vacancies (`?provider=<code>`), an
  area's (`?area=ST13`) or a role's (`?role=care_worker`). Public data: any site may read
  it (CORS `*`, no credentials, no cookies), with an ETag and `max-age` so that a busy site
  asks again rarely and is answered "not modified" when nothing changed. Each answer is
  kept in this process for CACHE_SECONDS, so repeated requests do not reach the database.
- `/jobs/<id>`: a vacancy's page, with schema.org JobPosting markup when its provider
  published it itself (carecareers/vacancies/listing.py).
"""

from __future__ import annotations

import json
import threading
import time
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from carecareers.careers.content import load_content
from carecareers.catalogue import text
from carecareers.models import Vacancy
from carecareers.vacancies.listing import (
    JobsQuery,
    JobsQueryError,
    etag_of,
    job_posting,
    jobs_json,
    jobs_rss,
    open_jobs,
    read_jobs_query,
    salary_words,
)
from web.deps import AppClock, get_session

router = APIRouter()
CACHE_SECONDS = 60
MAX_AGE = 300


class _Cache:
    """Answers by query and format for a short time: (body, etag, made at)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._answers: dict[str, tuple[bytes, str, float]] = {}

    def get(self, key: str) -> tuple[bytes, str] | None:
        with self._lock:
            found = self._answers.get(key)
        if found is None or time.monotonic() - found[2] > CACHE_SECONDS:
            return None
        return found[0], found[1]

    def put(self, key: str, body: bytes) -> tuple[bytes, str]:
        etag = etag_of(body)
        with self._lock:
            if len(self._answers) > 1000:
                self._answers.clear()
            self._answers[key] = (body, etag, time.monotonic())
        return body, etag


def _cache(request: Request) -> _Cache:
    if not hasattr(request.app.state, "jobs_cache"):
        request.app.state.jobs_cache = _Cache()
    return request.app.state.jobs_cache


def _problem(status: int, message: str) -> JSONResponse:
    return JSONResponse({"detail": message}, status_code=status,
                        headers={"Access-Control-Allow-Origin": "*"})


def _query(request: Request, session: Session, provider: str | None, area: str | None,
           role: str | None, limit: int) -> JobsQuery | JSONResponse:
    roles = [r.code for r in load_content(request.app.state.settings.content_dir).roles]
    try:
        return read_jobs_query(session, roles, provider, area, role, limit)
    except JobsQueryError as exc:
        return _problem(exc.status, text(exc.text_id))


def _answer(request: Request, body: bytes, etag: str, media_type: str) -> Response:
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={MAX_AGE}",
               "Access-Control-Allow-Origin": "*"}
    if etag in (request.headers.get("if-none-match") or ""):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)



def _feed(request: Request, session: Session, clock: AppClock, kind: str,
          provider: str | None, area: str | None, role: str | None, limit: int) -> Response:
    # Asked first, before any database work: only answers to valid queries are kept.
    key = f"{kind}|{provider or ''}|{(area or '').upper()}|{role or ''}|{limit}|" \
          f"{clock.today().isoformat()}"
    cached = _cache(request).get(key)
    if cached is None:
        query = _query(request, session, provider, area, role, limit)
        if isinstance(query, JSONResponse):
            return query
        base = request.app.state.settings.public_base_url
        jobs = open_jobs(session, query, clock.today())
        if kind == "json":
            body = jobs_json(jobs, base)
        else:
            body = jobs_rss(jobs, base, text("web.jobs.feed_title"),
                            text("web.jobs.feed_description"), str(request.url))
        cached = _cache(request).put(key, body)
    media = "application/json" if kind == "json" else "application/rss+xml; charset=utf-8"
    return _answer(request, *cached, media)


Provider_ = Annotated[str | None, Query(max_length=64)]
Area = Annotated[str | None, Query(max_length=4)]
Role = Annotated[str | None, Query(max_length=64)]
Limit = Annotated[int, Query(ge=1, le=50)]


@router.get("/jobs.json")
def jobs_as_json(request: Request, clock: AppClock,
                 session: Annotated[Session, Depends(get_session)], provider: Provider_ = None,
                 area: Area = None, role: Role = None, limit: Limit = 20) -> Response:
    return _feed(request, session, clock, "json", provider, area, role, limit)


@router.get("/jobs.rss")
def jobs_as_rss(request: Request, clock: AppClock,
                session: Annotated[Session, Depends(get_session)], provider: Provider_ = None,
                area: Area = None, role: Role = None, limit: Limit = 20) -> Response:
    return _feed(request, session, clock, "rss", provider, area, role, limit)


@router.get("/jobs/{vacancy_id}", response_class=HTMLResponse)
def job_page(request: Request, vacancy_id: int, clock: AppClock,
             session: Annotated[Session, Depends(get_session)]) -> HTMLResponse:
    vacancy = session.get(Vacancy, vacancy_id)
    templates = request.app.state.templates
    if vacancy is None or vacancy.status != "open" or (
            vacancy.closes_on is not None and vacancy.closes_on < clock.today()):
        return templates.TemplateResponse(request, "event_message.html", {
            "heading": text("web.jobs.closed_heading"), "message": text("web.jobs.closed")},
            status_code=404)
    posting = job_posting(vacancy)
    markup = Markup(json.dumps(posting).replace("<", "\\u003c")) if posting else None
    return templates.TemplateResponse(request, "job.html", {
        "vacancy": vacancy, "salary": salary_words(vacancy), "posting": markup})
