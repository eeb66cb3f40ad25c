"""The care jobs widget for other websites: one tag, `<script async src=".../widget.js?...">`.

`/widget.js` answers with the widget's code (web/assets/widget.js) called with its data: the
open vacancies asked for (a provider's own, an area's or a role's, as the feeds), the words
from the catalogue, its style (web/assets/widget.css) and the chat's address for the tag's
campaign (`c`). One response, so the first jobs show with no second round trip. It sets no
cookie; each answer counts one view of the widget for the campaign and the website it is on
(the Referer's origin, which is all browsers send to another site), unless the website is
this one (the dashboard's preview). Browsers keep an answer for MAX_AGE seconds, so a person
who reloads within that time is not counted again.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from carecareers.campaigns.widget import count, site_of, widget_campaign
from carecareers.careers.content import load_content
from carecareers.catalogue import for_language, text
from carecareers.vacancies.listing import (
    JobsQuery,
    JobsQueryError,
    open_jobs,
    provider_name,
    read_jobs_query,
    widget_jobs,
)
from web.deps import AppClock, get_session

router = APIRouter()
ASSETS = Path(__file__).resolve().parent.parent / "assets"
CODE = (ASSETS / "widget.js").read_text(encoding="utf-8").strip()
STYLE = (ASSETS / "widget.css").read_text(encoding="utf-8")
MAX_AGE = 300
MOST_SHOWN = 10
# Any page may load the script and its style, including one that isolates itself (COEP).
SHARED = {"Cross-Origin-Resource-Policy": "cross-origin", "Access-Control-Allow-Origin": "*"}


def _heading(session: Session, query: JobsQuery) -> str:
    if query.provider:
        return text("web.widget.heading_provider",
                    provider=provider_name(session, query.provider) or query.provider)
    if query.area:
        return text("web.widget.heading_area", area=query.area)
    return text("web.widget.heading")


def _broken(message: str) -> Response:
    """A tag with a mistake: a script that tells the site's builder, in their console."""
    said = json.dumps(f"{text('web.widget.broken')}: {message}")
    return Response(f"console.warn({said});", status_code=400,
                    media_type="text/javascript; charset=utf-8",
                    headers={**SHARED, "Cache-Control": "no-store"})


@router.get("/widget.js")
def widget_script(request: Request, clock: AppClock,
                  session: Annotated[Session, Depends(get_session)],
                  provider: Annotated[str | None, Query(max_length=64)] = None,
                  area: Annotated[str | None, Query(max_length=4)] = None,
                  role: Annotated[str | None, Query(max_length=64)] = None,
                  limit: Annotated[int, Query(ge=1, le=MOST_SHOWN)] = 5,
                  c: Annotated[str | None, Query(max_length=64)] = None) -> Response:
    settings = request.app.state.settings
    roles = [r.code for r in load_content(settings.content_dir).roles]
    try:
        query = read_jobs_query(session, roles, provider, area, role, limit)
    except JobsQueryError as exc:
        return _broken(text(exc.text_id))
    base = settings.public_base_url.rstrip("/")
    campaign = widget_campaign(session, c)
    site = site_of(request.headers.get("referer"))
    if campaign is not None and site != base.lower():
        count(session, campaign, site, "views", clock.today())
    chat = f"{base}/embed/chat" + (f"?c={campaign.code}" if campaign else "")
    data = {
        "heading": _heading(session, query),
        "jobs": widget_jobs(open_jobs(session, query, clock.today()), base),
        "texts": for_language().section("web.widget"),
        "style": STYLE, "css": f"{base}/widget.css", "chat": chat, "privacy": f"{base}/privacy",
    }
    body = f"{CODE}({json.dumps(data, separators=(',', ':'))});\n".encode()
    headers = {**SHARED, "Cache-Control": f"public, max-age={MAX_AGE}", "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):  # a slow phone waits for bytes
        body = gzip.compress(body, compresslevel=6)
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type="text/javascript; charset=utf-8", headers=headers)


@router.get("/widget.css")
def widget_style() -> Response:
    """The widget's style as a file, for browsers that cannot take it from the script."""
    return Response(STYLE, media_type="text/css; charset=utf-8",
                    headers={**SHARED, "Cache-Control": f"public, max-age={MAX_AGE}"})
