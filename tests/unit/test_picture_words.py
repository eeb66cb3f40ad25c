"""The programme picture's words for its codes are in the catalogue, and its question themes
file is sound (content/picture/question_themes.yml)."""

from __future__ import annotations

from pathlib import Path

from carecareers.catalogue import load_catalogue
from carecareers.picture.conversion import STEPS
from carecareers.picture.places import OUTSIDE, UNKNOWN
from carecareers.picture.themes import OTHER, load_themes
from carecareers.picture.views import GENERAL_INTEREST_ORDER

CONTENT = Path(__file__).resolve().parents[2] / "content"
TABLES = ("demand_by_month", "demand_by_role", "demand_by_district", "pay_by_role",
          "supply_by_month", "supply_by_place", "supply_by_age", "supply_by_place_age",
          "supply_by_role",
          "gap_by_role", "conversion_by_campaign", "conversion_by_channel",
          "questions_by_month")
COLUMNS = ("open", "new", "closed", "readvertised", "long_open", "long_open_share",
           "readvertised_share", "pay_known", "mean_pay", "legal_floor", "band_entry",
           "below_floor", "leads", "alerts", "bookings", "arrivals", "values_checks",
           "interested", "recent_leads", "open_per_person", *STEPS, "lead_rate",
           "contact_rate", "start_rate", "all_themes")


def test_every_id_the_picture_builds_from_a_code_is_in_the_catalogue() -> None:
    texts = load_catalogue(CONTENT)
    ids = [*(f"dashboard.picture.tables.{t}" for t in TABLES),
           *(f"dashboard.picture.row_heads.{t}" for t in TABLES),
           *(f"dashboard.picture.columns.{c}" for c in COLUMNS),
           *(f"dashboard.picture.themes.{t}" for t in load_themes(CONTENT).codes),
           *(f"dashboard.picture.interests.{i}" for i in GENERAL_INTEREST_ORDER),
           *(f"dashboard.picture.places.{p}" for p in (OUTSIDE, UNKNOWN)),
           *(f"dashboard.picture.states.{s}" for s in ("small", "hidden")),
           *(f"dashboard.picture.states_short.{s}" for s in ("small", "hidden")),
           "dashboard.frame.picture"]
    assert [text_id for text_id in ids if text_id not in texts] == []


def test_questions_go_to_the_first_theme_with_one_of_their_words() -> None:
    themes = load_themes(CONTENT)
    assert themes.codes[-1] == OTHER
    assert themes.theme_of("How much is the PAY?") == "pay"
    assert themes.theme_of("can i do night shifts") == "hours"
    assert themes.theme_of("do I need a DBS check") == "checks"
    assert themes.theme_of("is there a train station near") == "getting_there"
    assert themes.theme_of("payment plans for uniforms") == OTHER  # whole words only
    assert themes.theme_of("") == OTHER
