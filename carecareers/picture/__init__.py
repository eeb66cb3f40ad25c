"""The programme board's whole-system picture: where the workforce gaps are and whether the
campaigns close them, with no personal data and the small-number rule on every count of
people (docs/programme-picture.md)."""

from carecareers.picture.counting import count_people, minutes_between_counts, recount_after
from carecareers.picture.exports import export_csv, record_report
from carecareers.picture.months import month_key, month_label, offered, read_month
from carecareers.picture.service import (
    Picture,
    PlaceView,
    UnknownDistrict,
    build_picture,
    scope_note,
)
from carecareers.picture.slices import Slice, slice_for
from carecareers.picture.tables import Column, Row, Table, Value

__all__ = [
    "Column",
    "Picture",
    "PlaceView",
    "Row",
    "Slice",
    "Table",
    "UnknownDistrict",
    "Value",
    "build_picture",
    "count_people",
    "export_csv",
    "month_key",
    "minutes_between_counts",
    "month_label",
    "offered",
    "read_month",
    "recount_after",
    "record_report",
    "scope_note",
    "slice_for",
]
