"""Open data for the area's analysts: the weekly vacancy history, no people.

`/data/vacancies.csv` and `/data/vacancies.json` (docs/open-data.md): filters `from` and
`to` (ISO dates; the weeks that hold them, at most five years) and `district`. Public like
/jobs.json: any site may read it (CORS `*`), no cookie, an ETag and `max-age`; a bad filter
is a 400 whose `detail` is a text of the catalogue (web.open_data).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from carecareers.careers.content import load_content
from carecareers.catalogue import text
from carecareers.geo import districts_for
from carecareers.vacancies.listing import etag_of
from carecareers.vacancies.open_data import (
    OpenDataQueryError,
    area_weeks,
    as_csv,
    as_json,
    read_open_data_query,
)
from web.deps import AppClock, get_session

router = APIRouter()
MAX_AGE = 3600  # the history changes only when an import runs
CSV_TYPE = "text/csv; charset=utf-8"
PUBLIC = {"Access-Control-Allow-Origin": "*"}

From = Annotated[str | None, Query(alias="from")]
To = Annotated[str | None, Query(alias="to")]
District = Annotated[str | None, Query()]
DbSession = Annotated[Session, Depends(get_session)]


def _open_data(request: Request, session: Session, clock: AppClock, kind: str,
               first: str | None, last: str | None, district: str | None) -> Response:
    content_dir = request.app.state.settings.content_dir
    districts = districts_for(content_dir)
    try:
        query = read_open_data_query(districts, clock.today(), first, last, district)
    except OpenDataQueryError as exc:
        return JSONResponse({"detail": text(exc.text_id, **exc.values)},
                            status_code=exc.status, headers=PUBLIC)
    role_names = {role.code: role.name for role in load_content(content_dir).roles}
    rows = area_weeks(session, districts, query, role_names)
    body = as_csv(rows) if kind == "csv" else as_json(rows, query, districts.area)
    headers = {**PUBLIC, "ETag": etag_of(body), "Cache-Control": f"public, max-age={MAX_AGE}"}
    if headers["ETag"] in (request.headers.get("if-none-match") or ""):
        return Response(status_code=304, headers=headers)
    if kind == "csv":
        name = f"vacancies-{query.first.isoformat()}-{query.last.isoformat()}.csv"
        headers["Content-Disposition"] = f'inline; filename="{name}"'
        return Response(body, media_type=CSV_TYPE, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


@router.get("/data/vacancies.csv")
def vacancies_csv(request: Request, session: DbSession, clock: AppClock, first: From = None,
                  last: To = None, district: District = None) -> Response:
    return _open_data(request, session, clock, "csv", first, last, district)


@router.get("/data/vacancies.json")
def vacancies_json(request: Request, session: DbSession, clock: AppClock, first: From = None,
                   last: To = None, district: District = None) -> Response:
    return _open_data(request, session, clock, "json", first, last, district)
