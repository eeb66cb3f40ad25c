"""Postcodes, districts, towns and distances."""

from __future__ import annotations

from pathlib import Path

import pytest

from carecareers.geo import (
    Gazetteer,
    UnknownPlace,
    bounding_box,
    find_postcodes,
    gazetteer_for,
    haversine_miles,
    is_correction,
    normalise_postcode,
    outcode_of,
    place_said,
)

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return gazetteer_for(CONTENT)


def test_the_outcode_file_has_every_district(gazetteer: Gazetteer) -> None:
    assert len(gazetteer) == 2848
    st4 = gazetteer.outcode("st4")
    assert st4 is not None
    assert (round(st4.latitude, 2), round(st4.longitude, 2)) == (52.99, -2.18)
    assert st4.county == "Stoke-on-Trent"


@pytest.mark.parametrize(("text", "postcode", "outcode"), [
    ("ST4 6QG", "ST4 6QG", "ST4"),
    ("st46qg", "ST4 6QG", "ST4"),
    (" ws11 1aa ", "WS11 1AA", "WS11"),
    ("EC1A 1BB", "EC1A 1BB", "EC1A"),
    ("ST4", None, "ST4"),
    ("Stoke", None, None),
    ("", None, None),
])
def test_postcodes_and_outward_codes(text: str, postcode: str | None,
                                     outcode: str | None) -> None:
    assert normalise_postcode(text) == postcode
    assert outcode_of(text) == outcode


def test_postcodes_are_found_in_free_text() -> None:
    assert find_postcodes("Royal Stoke, Stoke-on-Trent, ST4 6QG / County Hospital ST16 3SA") == [
        "ST4 6QG", "ST16 3SA"]
    assert find_postcodes("Band 5, 37.5 hours") == []


def test_distances_in_miles() -> None:
    assert haversine_miles(52.99468, -2.18328, 52.99468, -2.18328) == 0
    # Stoke (ST4) to Stafford (ST16) is about 13 miles as the crow flies.
    assert 12 < haversine_miles(52.99468, -2.18328, 52.81315, -2.11871) < 14
    # London to Edinburgh is about 330 miles.
    assert 325 < haversine_miles(51.5074, -0.1278, 55.9533, -3.1883) < 335


def test_the_bounding_box_holds_the_whole_circle() -> None:
    min_lat, max_lat, min_lon, max_lon = bounding_box(53.0, -2.18, 10)
    for lat, lon in [(max_lat, -2.18), (min_lat, -2.18), (53.0, max_lon), (53.0, min_lon)]:
        assert haversine_miles(53.0, -2.18, lat, lon) >= 9.9
    assert min_lat < 53.0 < max_lat and min_lon < -2.18 < max_lon


@pytest.mark.parametrize(("place", "outcode"), [
    ("ST4 6QG", "ST4"),
    ("st16", "ST16"),
    ("Leek", "ST13"),
    ("Hanley", "ST1"),
    ("newcastle-under-lyme", "ST5"),
])
def test_places_are_located(gazetteer: Gazetteer, place: str, outcode: str) -> None:
    assert gazetteer.locate(place).outcode == outcode


def test_a_town_of_several_districts_is_their_centre(gazetteer: Gazetteer) -> None:
    stoke = gazetteer.locate("Stoke-on-Trent")
    assert stoke.outcode is None
    assert 52.9 < stoke.latitude < 53.1 and -2.25 < stoke.longitude < -2.1
    assert gazetteer.locate("stoke on trent") == stoke.__class__(
        "stoke on trent", stoke.latitude, stoke.longitude, None)


@pytest.mark.parametrize("place", ["Atlantis", "ZZ9", "ZZ9 9ZZ", "   "])
def test_unknown_places_raise(gazetteer: Gazetteer, place: str) -> None:
    with pytest.raises(UnknownPlace) as error:
        gazetteer.locate(place)
    assert "postcode" in str(error.value)


def test_free_text_locations(gazetteer: Gazetteer) -> None:
    assert gazetteer.locate_text("Royal Stoke University Hospital, ST4 6QG").name == "ST4 6QG"
    assert gazetteer.locate_text("Kidsgrove, ST7").outcode == "ST7"
    cheadle = gazetteer.locate_text("Cheadle, Staffordshire")
    assert cheadle is not None and cheadle.outcode == "ST10"
    assert gazetteer.locate_text("Somewhere nice") is None


def test_the_nearest_district(gazetteer: Gazetteer) -> None:
    assert gazetteer.nearest_outcode(52.995, -2.183) == "ST4"
    assert gazetteer.nearest_outcode(0.0, 0.0) is None


def test_a_gazetteer_from_any_csv(tmp_path: Path) -> None:
    path = tmp_path / "outcodes.csv"
    path.write_text("postcode,latitude,longitude,city,county,country_name\n"
                    "AB1,57.1,-2.1,Aberdeen,Aberdeen,Scotland\nbad,x,y,,,\n", encoding="utf-8")
    gazetteer = Gazetteer.from_csv(path)
    assert len(gazetteer) == 1
    assert gazetteer.locate("Aberdeen").outcode == "AB1"


@pytest.mark.parametrize(("text", "place", "corrects"), [
    ("sorry, I meant Stone", "Stone", True), ("no i meant ST5 not ST4", "ST5", True),
    ("soz meant to put leek", "leek", True), ("Oops i meant Newcastle-under-Lyme!",
                                              "Newcastle-under-Lyme", True),
    ("i meant in stoke", "stoke", True), ("Leek", "Leek", False), ("ST4 6QG", "ST4 6QG", False),
    ("Stafford.", "Stafford", False), ("meant", "meant", False), ("no", "no", False),
])
def test_the_place_in_a_correction(text: str, place: str, corrects: bool) -> None:
    assert place_said(text) == place
    assert is_correction(text) is corrects
