"""The picture's exports: its tables as CSV, and the printed report; each one audited (who,
when, which month, place and slice, how many figures), never with a figure in the log."""

from __future__ import annotations

from typing import TextIO

from sqlalchemy.orm import Session

from carecareers.advisers import audit
from carecareers.picture.months import month_key
from carecareers.picture.service import Picture, PlaceView
from carecareers.picture.tables import csv_rows, write_csv


def _which(picture: Picture, view: PlaceView | None) -> dict[str, object]:
    return {"month": month_key(picture.month),
            "district": view.district if view is not None else "every",
            "provider": picture.who.provider_code}


def export_csv(session: Session, picture: Picture, view: PlaceView, actor: str,
               stream: TextIO) -> int:
    """Write one view's tables as CSV and audit the export; returns the figures written."""
    written = write_csv(csv_rows(view.tables, view.label), stream)
    audit.record(session, actor, "picture.exported", None, format="csv", figures=written,
                 **_which(picture, view))
    return written


def record_report(session: Session, picture: Picture, actor: str) -> None:
    """Audit the printable report (every area's page) being opened."""
    audit.record(session, actor, "picture.exported", None, format="report",
                 **_which(picture, None))
