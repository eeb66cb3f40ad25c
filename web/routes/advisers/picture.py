"""The programme board's picture: the page (whole area or one district), its CSV, and the
monthly report to print (one page per area). Staff see the whole programme; a provider user
its own slice."""

from __future__ import annotations

import io
import re

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from carecareers.catalogue import text
from carecareers.picture import (
    Picture,
    PlaceView,
    Table,
    UnknownDistrict,
    Value,
    build_picture,
    export_csv,
    minutes_between_counts,
    month_key,
    month_label,
    offered,
    read_month,
    record_report,
    recount_after,
    scope_note,
    slice_for,
)
from web.auth import CurrentViewer, DataViewer, DbSession, Viewer
from web.deps import get_clock
from web.routes.advisers.charts import month_chart, paired_bars, value_bars
from web.routes.advisers.common import (
    PageNotFound,
    dashboard_router,
    render,
    uk_date,
    uk_time,
)

router = dashboard_router()


def shown(value: Value) -> str:
    """A value as the page shows it: 1,234, £12.71, 40%, 2.5, "fewer than 5" or "–"."""
    words = value.words
    if not value.shown or not words:
        return words or "–"
    if value.unit == "pounds":
        return f"£{value.number:,.2f}"
    if value.unit == "percent":
        return f"{words}%"
    if value.unit == "ratio":
        return words
    return f"{int(value.number or 0):,}"


def _picture(request: Request, session: DbSession, viewer: Viewer,
             ) -> tuple[Picture, PlaceView]:
    today = get_clock(request).today()
    raw = request.query_params.get("month")
    month = read_month(raw, today) if raw else today.replace(day=1)
    if month is None:
        raise PageNotFound(text("dashboard.picture.no_such_month"))
    settings = request.app.state.settings
    picture = build_picture(session, settings.content_dir, month,
                            slice_for(session, viewer.adviser), get_clock(request),
                            recount_after(settings))
    try:
        view = picture.view(request.query_params.get("district") or None)
    except UnknownDistrict:
        raise PageNotFound(text("dashboard.picture.no_such_district")) from None
    return picture, view


def _charts(view: PlaceView) -> dict[str, object]:
    """The geometry of the view's charts, from the same tables the page shows."""
    found: dict[str, object] = {}
    if (demand := view.table("demand_by_month")) is not None:
        found["open"] = month_chart(demand.rows, 0)
    if (supply := view.table("supply_by_month")) is not None:
        found["leads"] = month_chart(supply.rows, 0)
    if (gap := view.table("gap_by_role")) is not None and gap.rows:
        found["gap"] = paired_bars(gap.rows, 0, 1, area=330)
    if (conversion := view.table("conversion_by_campaign")) is not None and conversion.total:
        found["funnel"] = value_bars([(c.label, v) for c, v in zip(
            conversion.columns[:4], conversion.total.values[:4], strict=True)])
    if (questions := view.table("questions_by_month")) is not None and questions.total:
        found["themes"] = value_bars([(c.label, v) for c, v in zip(
            questions.columns[:-1], questions.total.values[:-1], strict=True)])
    return found


def gap_items(table: Table) -> str:
    """The gap chart's numbers in words, for its description."""
    return "; ".join(text("dashboard.picture.charts.gap_item", role=row.label,
                          open=shown(row.values[0]), people=shown(row.values[1]))
                     for row in table.rows)


def total_items(table: Table, count: int) -> str:
    """The first `count` totals of a table in words, for a chart's description."""
    if table.total is None:
        return ""
    return "; ".join(text("dashboard.picture.charts.item", label=c.label, value=shown(v))
                     for c, v in zip(table.columns[:count], table.total.values[:count],
                                     strict=True))


def _context(request: Request, picture: Picture) -> dict[str, object]:
    return {"counted_at": uk_time(picture.counted_at),
            "count_every": minutes_between_counts(request.app.state.settings),
            "picture": picture, "shown": shown, "gap_items": gap_items,
            "total_items": total_items, "month_key": month_key(picture.month),
            "month_label": month_label(picture.month), "scope": scope_note(picture.who),
            "week": uk_date(picture.latest_week)}


@router.get("/picture", response_class=HTMLResponse)
def picture_page(request: Request, session: DbSession, viewer: CurrentViewer) -> Response:
    picture, view = _picture(request, session, viewer)
    return render(request, "picture.html", viewer, view=view, charts=_charts(view),
                  months=[(month_key(m), month_label(m))
                          for m in offered(get_clock(request).today())],
                  **_context(request, picture))


@router.get("/picture.csv")
def picture_csv(request: Request, session: DbSession, viewer: DataViewer) -> Response:
    picture, view = _picture(request, session, viewer)
    buffer = io.StringIO()
    export_csv(session, picture, view, viewer.adviser.email, buffer)
    place = re.sub(r"[^a-z0-9]+", "-", (view.district or "area").lower()).strip("-")
    filename = f"picture-{month_key(picture.month)}-{place}.csv"
    return Response(buffer.getvalue().encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/picture/report", response_class=HTMLResponse)
def picture_report(request: Request, session: DbSession, viewer: CurrentViewer) -> Response:
    picture, _ = _picture(request, session, viewer)
    record_report(session, picture, viewer.adviser.email)
    pages = [(view, _charts(view)) for view in picture.views]
    return render(request, "picture_report.html", viewer, pages=pages,
                  **_context(request, picture))


