"""content/geo/districts.yml against the gazetteer the product ships (uk_outcodes.csv): the
area's postcode districts are those it places in Staffordshire or Stoke-on-Trent, except the
ones left out with a reason, and no postcode district is in two local authority districts."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import yaml

CONTENT = Path(__file__).resolve().parents[2] / "content" / "geo"
COUNTIES = {"Staffordshire", "Stoke-on-Trent"}


def area() -> dict:
    return yaml.safe_load((CONTENT / "districts.yml").read_text(encoding="utf-8"))


def gazetteer() -> dict[str, str]:
    with (CONTENT / "uk_outcodes.csv").open(encoding="utf-8") as rows:
        return {row["postcode"]: row["county"].strip() for row in csv.DictReader(rows)}


def test_every_staffordshire_postcode_district_is_in_the_area_or_left_out_with_a_reason(
) -> None:
    data = area()
    listed = [code for codes in data["districts"].values() for code in codes]
    left_out = data.get("left_out") or {}
    in_counties = {code for code, county in gazetteer().items() if county in COUNTIES}
    assert not Counter(listed) - Counter(set(listed)), "a postcode district listed twice"
    assert in_counties - set(listed) - set(left_out) == set()
    assert all(str(reason).strip() for reason in left_out.values())
    assert set(left_out) <= in_counties and not set(left_out) & set(listed)


def test_every_listed_postcode_district_is_in_staffordshire_or_stoke_on_trent() -> None:
    places = gazetteer()
    listed = {code for codes in area()["districts"].values() for code in codes}
    assert {code: places.get(code) for code in listed
            if places.get(code) not in COUNTIES} == {}
    assert len(area()["districts"]) == 9  # Staffordshire's eight district councils and Stoke
