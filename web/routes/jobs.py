"""Open vacancies for other websites, and a page for each vacancy.

- `/jobs.json` and `/jobs.rss`: one provider's own vacancies (`?provider=<code>`), an
  area's (`?area=ST13`) or a role's (`?role=care_worker`). Public data: any site may read
  it (CORS `*`, no credentials, no cookies), with an ETag and `max-age` so that a busy site
  asks again rarely and is answered "not modified" when nothing changed. Each answer is
  kept in this process for CACHE_SECONDS, so repeated requests do not reach the database:
  they are answered in the event loop, with no session and no worker thread
  (bench/jobs_feed.py: 500 requests a second from one process).
- `/jobs/<id>`: a vacancy's page, with schema.org JobPosting markup when its provider
  published it itself (carecareers/vacancies/listing.py).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Coroutine
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from carecareers.careers.content import load_content
from carecareers.catalogue import text
from carecareers.models import Vacancy
from carecareers.vacancies.listing import (
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
MOST_KEPT = 1000
RSS_TYPE = "application/rss+xml; charset=utf-8"


class _Cache:
    """Answers by query and format for a short time: (body, etag, made at). And, for each
    query string already validated and answered, the key its answer is kept under (without
    the day), so that the same query string can be answered without validating it again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._answers: dict[str, tuple[bytes, str, float]] = {}
        self._keys: dict[tuple[str, bytes], str] = {}

    def get(self, key: str) -> tuple[bytes, str] | None:
        with self._lock:
            found = self._answers.get(key)
        if found is None or time.monotonic() - found[2] > CACHE_SECONDS:
            return None
        return found[0], found[1]

    def put(self, key: str, body: bytes) -> tuple[bytes, str]:
        etag = etag_of(body)
        with self._lock:
            if len(self._answers) > MOST_KEPT:
                self._answers.clear()
            self._answers[key] = (body, etag, time.monotonic())
        return body, etag

    def learn(self, kind: str, query_string: bytes, key: str) -> None:
        """Remember that this query string (valid) asks for the answer kept under `key`."""
        with self._lock:
            if len(self._keys) > MOST_KEPT:
                self._keys.clear()
            self._keys[kind, query_string] = key

    def known(self, kind: str, query_string: bytes, day: date) -> tuple[bytes, str] | None:
        """The fresh answer to a query string validated before, if there is one."""
        key = self._keys.get((kind, query_string))
        return None if key is None else self.get(f"{key}{day.isoformat()}")


def _cache(request: Request) -> _Cache:
    if not hasattr(request.app.state, "jobs_cache"):
        request.app.state.jobs_cache = _Cache()
    return request.app.state.jobs_cache


def _problem(status: int, message: str) -> JSONResponse:
    return JSONResponse({"detail": message}, status_code=status,
                        headers={"Access-Control-Allow-Origin": "*"})


def _media_type(kind: str) -> str:
    return "application/json" if kind == "json" else RSS_TYPE


def _answer(request: Request, body: bytes, etag: str, media_type: str) -> Response:
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={MAX_AGE}",
               "Access-Control-Allow-Origin": "*"}
    if etag in (request.headers.get("if-none-match") or ""):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


class _FeedRoute(APIRoute):
    """A feed's route: a query string already validated and answered is answered from the
    cache at once, before FastAPI reads and validates the parameters again (about half of a
    cached answer's time in the app); anything else takes the ordinary way (validation and
    its 422, then `_feed`), as does any request once the answer has expired.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        ordinary = super().get_route_handler()
        kind = self.path.rpartition(".")[2]

        async def handler(request: Request) -> Response:
            cached = _cache(request).known(kind, request.scope["query_string"],
                                           request.app.state.clock.today())
            if cached is not None:
                return _answer(request, *cached, _media_type(kind))
            return await ordinary(request)

        return handler


def _make(request: Request, today: date, kind: str, provider: str | None, area: str | None,
          role: str | None, limit: int) -> bytes | JSONResponse:
    """The feed's body from the database (in a worker thread), or the answer to a bad filter."""
    settings = request.app.state.settings
    roles = [r.code for r in load_content(settings.content_dir).roles]
    with request.app.state.session_factory() as session, session.begin():
        try:
            query = read_jobs_query(session, roles, provider, area, role, limit)
        except JobsQueryError as exc:
            return _problem(exc.status, text(exc.text_id))
        jobs = open_jobs(session, query, today)
        if kind == "json":
            return jobs_json(jobs, settings.public_base_url)
        return jobs_rss(jobs, settings.public_base_url, text("web.jobs.feed_title"),
                        text("web.jobs.feed_description"), str(request.url))


async def _feed(request: Request, kind: str, provider: str | None, area: str | None,
                role: str | None, limit: int) -> Response:
    # Asked first, in the event loop: a hit opens no database session and needs no worker
    # thread (a sync route or dependency costs a thread hand-off each, several times the
    # answer's own work). Only answers to valid queries are kept.
    today = request.app.state.clock.today()
    key = f"{kind}|{provider or ''}|{(area or '').upper()}|{role or ''}|{limit}|"
    cache = _cache(request)
    cached = cache.get(f"{key}{today.isoformat()}")
    if cached is None:
        made = await run_in_threadpool(_make, request, today, kind, provider, area, role, limit)
        if isinstance(made, JSONResponse):
            return made
        cached = cache.put(f"{key}{today.isoformat()}", made)
    cache.learn(kind, request.scope["query_string"], key)
    return _answer(request, *cached, _media_type(kind))


Provider_ = Annotated[str | None, Query(max_length=64)]
Area = Annotated[str | None, Query(max_length=4)]
Role = Annotated[str | None, Query(max_length=64)]
Limit = Annotated[int, Query(ge=1, le=50)]


async def jobs_as_json(request: Request, provider: Provider_ = None, area: Area = None,
                       role: Role = None, limit: Limit = 20) -> Response:
    return await _feed(request, "json", provider, area, role, limit)


async def jobs_as_rss(request: Request, provider: Provider_ = None, area: Area = None,
                      role: Role = None, limit: Limit = 20) -> Response:
    return await _feed(request, "rss", provider, area, role, limit)


router.add_api_route("/jobs.json", jobs_as_json, methods=["GET"], route_class_override=_FeedRoute)
router.add_api_route("/jobs.rss", jobs_as_rss, methods=["GET"], route_class_override=_FeedRoute)


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
