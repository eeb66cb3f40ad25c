"""Staff stories from the dashboard to the public: a provider writes one with the staff
member's consent and a photo, an admin approves it before anyone sees it, a change waits for
an admin again, and a withdrawn story is deleted and shown nowhere (page, photo, chat)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import Engine, func, select

from carecareers.geo import default_gazetteer
from carecareers.models import AuditEvent, CampaignVisit, Provider, StaffStory
from carecareers.stories import approved_stories, story_answer
from tests.conftest import make_settings
from tests.factories import (
    Dashboard,
    dashboard,
    make_adviser,
    make_campaign,
    make_provider,
)

STORY = ("I started at 17 and thought it would be all washing and dressing. Mostly it is "
         "people: Mary likes her tea strong and Frank talks about the football.")
WORDING = "I agree that my first name, my role, where I work, my story"


@pytest.fixture
def dash(engine: Engine, tmp_path: Path) -> Iterator[Dashboard]:
    with dashboard(engine, make_settings(tmp_path, carecareers_today="2026-12-06")) as harness:
        yield harness


def photo_with_location() -> bytes:
    """A PNG carrying a GPS position in its EXIF block, as a phone's photo might."""
    image = Image.new("RGB", (1600, 1200), (200, 120, 40))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (53.0, 1.0, 30.0)}  # GPSInfo: a place on Earth
    out = io.BytesIO()
    image.save(out, format="PNG", exif=exif.tobytes())
    return out.getvalue()


def form(provider: Provider, **changes: str) -> dict[str, str]:
    data = {"provider": str(provider.id), "first_name": "Jade", "role": "care_worker",
            "place": "Oakwood care home, Leek", "postcode": "ST13 5NR", "story": STORY,
            "photo_alt": "Jade smiling in the garden of the home",
            "consent_given_by": "Jade Brown", "consent_date": "2026-12-01", "consent": "yes"}
    for row, (when, what) in enumerate([("07:30", "Handover"), ("08:00", "Breakfasts"),
                                        ("10:00", "Walk in the garden"), ("12:30", "Lunch"),
                                        ("14:45", "Write my notes")], start=1):
        data[f"time_{row}"], data[f"moment_{row}"] = when, what
    return {**data, **changes}


def write(dash: Dashboard, provider: Provider, photo: bytes | None = None,
          **changes: str) -> int:
    files = {"photo": ("jade.png", photo, "image/png")} if photo else None
    response = dash.post("/advisers/stories/new", form(provider, **changes),
                         token=dash.token("/advisers/stories/new"), files=files)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].split("/")[3].split("?")[0])


def test_a_story_is_shown_only_once_an_admin_approves_it(dash: Dashboard) -> None:
    provider = make_provider(dash.session, name="Oakwood Care")
    writer = make_adviser(dash.session, "manager@oakwood.example", "provider", provider)
    admin = make_adviser(dash.session, "admin@example.org", "admin")
    dash.log_in_as(writer)
    uploaded = photo_with_location()
    with Image.open(io.BytesIO(uploaded)) as original:
        assert 0x8825 in original.getexif()  # the upload does carry a position
    story_id = write(dash, provider, uploaded)

    story = dash.session.get(StaffStory, story_id)
    assert story is not None and story.status == "waiting"
    assert story.consent_given_by == "Jade Brown" and story.consent_wording.startswith(WORDING)
    assert story.consent_recorded_by == "manager@oakwood.example"
    assert story.outcode == "ST13" and len(story.day) == 5
    # The photo was made smaller and lost its metadata (no GPS position is kept).
    with Image.open(io.BytesIO(story.photo or b"")) as kept:
        assert kept.format == "JPEG" and max(kept.size) == 800
        assert 0x8825 not in kept.getexif()
    page = dash.client.get(f"/advisers/stories/{story_id}").text
    assert "Jade Brown agreed on 1 Dec 2026" in page and WORDING in page
    assert "Only an admin can approve a story." in page
    # Not shown anywhere before approval, and a provider user cannot approve it.
    assert dash.client.get(f"/stories/{story_id}").status_code == 404
    assert dash.client.get(f"/stories/{story_id}/photo").status_code == 404
    assert approved_stories(dash.session) == []
    assert dash.post(f"/advisers/stories/{story_id}/approve",
                     token=dash.token(f"/advisers/stories/{story_id}")).status_code == 403

    dash.client.cookies.clear()
    dash.log_in_as(admin)
    approved = dash.post(f"/advisers/stories/{story_id}/approve",
                         token=dash.token(f"/advisers/stories/{story_id}"))
    assert approved.status_code == 303
    public = dash.client.get(f"/stories/{story_id}")
    assert public.status_code == 200
    assert "Jade, care worker at Oakwood care home, Leek" in public.text
    assert 'property="og:title"' in public.text and 'property="og:image"' in public.text
    assert 'alt="Jade smiling in the garden of the home"' in public.text
    assert "<time>14:45</time> Write my notes" in public.text
    assert "sample" not in public.text.lower()
    photo = dash.client.get(f"/stories/{story_id}/photo")
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    assert [s.id for s in approved_stories(dash.session)] == [story_id]


def test_a_change_waits_for_an_admin_again_and_a_withdrawal_deletes_it(
        dash: Dashboard) -> None:
    provider = make_provider(dash.session, name="Oakwood Care")
    admin = make_adviser(dash.session, "admin@example.org", "admin")
    dash.log_in_as(admin)
    story_id = write(dash, provider)
    dash.post(f"/advisers/stories/{story_id}/approve",
              token=dash.token(f"/advisers/stories/{story_id}"))
    assert dash.client.get(f"/stories/{story_id}").status_code == 200

    changed = dash.post(f"/advisers/stories/{story_id}/edit",
                        form(provider, story=STORY + " Nights are calmer."),
                        token=dash.token(f"/advisers/stories/{story_id}/edit"))
    assert changed.status_code == 303
    assert dash.client.get(f"/stories/{story_id}").status_code == 404  # waits again

    dash.post(f"/advisers/stories/{story_id}/approve",
              token=dash.token(f"/advisers/stories/{story_id}"))
    assert "Nights are calmer." in dash.client.get(f"/stories/{story_id}").text
    withdrawn = dash.post(f"/advisers/stories/{story_id}/withdraw",
                          token=dash.token(f"/advisers/stories/{story_id}"))
    assert withdrawn.headers["location"] == "/advisers/stories?done=withdrawn"
    assert dash.session.get(StaffStory, story_id) is None
    assert dash.client.get(f"/stories/{story_id}").status_code == 404
    assert dash.client.get(f"/stories/{story_id}/photo").status_code == 404
    assert approved_stories(dash.session) == []
    actions = list(dash.session.scalars(select(AuditEvent.action).where(
        AuditEvent.subject == f"story:{story_id}").order_by(AuditEvent.id)))
    assert actions == ["story_written", "story_approved", "story_changed", "story_approved",
                       "story_withdrawn"]


def test_the_form_says_what_to_fix_and_keeps_nothing(dash: Dashboard) -> None:
    provider = make_provider(dash.session)
    dash.log_in_as(make_adviser(dash.session, "manager@example.org", "provider", provider))
    token = dash.token("/advisers/stories/new")
    bad = form(provider, consent="", story="Too short.", postcode="ZZ99 9ZZ", time_6="25:00",
               moment_6="Home", photo_alt="")
    bad.pop("time_5"), bad.pop("moment_5")
    response = dash.post("/advisers/stories/new", bad, token=token,
                         files={"photo": ("not.png", b"this is not a picture", "image/png")})
    assert response.status_code == 400
    page = response.text
    for message in ("Tick the box once the staff member has read the words and agreed",
                    "Write their story in 40 to 1200 characters (it has 10)",
                    "Enter the postcode of their workplace, or leave it empty",
                    "Give this moment a time like 07:30",
                    "The photo must be a JPEG, PNG or WebP picture",
                    "Describe the photo for people who cannot see it"):
        assert message in page, message
    four = form(provider)
    four.pop("time_5"), four.pop("moment_5")
    short_day = dash.post("/advisers/stories/new", four, token=token)
    assert short_day.status_code == 400
    assert "Fill in 5 to 8 moments of the day, or leave them all empty" in short_day.text
    assert dash.session.scalar(select(func.count()).select_from(StaffStory)) == 0


def test_a_provider_manages_only_its_own_stories(dash: Dashboard) -> None:
    ours, theirs = make_provider(dash.session), make_provider(dash.session, name="Other Care")
    admin = make_adviser(dash.session, "admin@example.org", "admin")
    dash.log_in_as(admin)
    story_id = write(dash, theirs)
    dash.client.cookies.clear()
    dash.log_in_as(make_adviser(dash.session, "manager@example.org", "provider", ours))
    assert dash.client.get(f"/advisers/stories/{story_id}").status_code == 403
    assert dash.post(f"/advisers/stories/{story_id}/withdraw",
                     token=dash.token("/advisers/stories")).status_code == 403
    assert "Other Care" not in dash.client.get("/advisers/stories").text
    # Nor may it write one for another organisation.
    response = dash.post("/advisers/stories/new", form(theirs),
                         token=dash.token("/advisers/stories/new"))
    assert response.status_code == 400
    assert dash.session.scalar(select(func.count()).select_from(StaffStory)) == 1


def test_a_campaign_link_counts_one_visit_and_tags_the_chat(dash: Dashboard) -> None:
    provider = make_provider(dash.session)
    campaign = make_campaign(dash.session, "LEEK-STORIES")
    dash.log_in_as(make_adviser(dash.session, "admin@example.org", "admin"))
    story_id = write(dash, provider)
    dash.post(f"/advisers/stories/{story_id}/approve",
              token=dash.token(f"/advisers/stories/{story_id}"))
    dash.client.cookies.clear()

    page = dash.client.get(f"/stories/{story_id}?c=leek-stories")
    assert page.status_code == 200 and 'href="/c/LEEK-STORIES?via=story"' in page.text
    assert "set-cookie" not in page.headers  # nothing about the reader is kept
    chat = dash.client.get("/c/LEEK-STORIES?via=story")
    assert chat.status_code == 200
    visits = list(dash.session.scalars(select(CampaignVisit.channel).where(
        CampaignVisit.campaign_id == campaign.id)))
    assert visits == ["story"]  # the story page's visit, not counted again by the chat
    plain = dash.client.get(f"/stories/{story_id}")
    assert 'href="/chat"' in plain.text


def test_the_chat_offers_the_nearest_story_for_the_role_asked(dash: Dashboard) -> None:
    provider = make_provider(dash.session)
    dash.log_in_as(make_adviser(dash.session, "admin@example.org", "admin"))
    near = write(dash, provider, place="Oakwood, Leek", postcode="ST13 5NR")
    far = write(dash, provider, first_name="Tom", place="Seaview, Brighton", postcode="BN1 1AA")
    nurse = write(dash, provider, first_name="Ola", role="registered_nurse",
                  story=STORY + " I work nights on a busy ward.")
    for story_id in (near, far, nurse):
        dash.post(f"/advisers/stories/{story_id}/approve",
                  token=dash.token(f"/advisers/stories/{story_id}"))
    stories = approved_stories(dash.session)
    gazetteer = default_gazetteer()
    names = {"care_worker": "care worker", "registered_nurse": "registered nurse"}
    themes = {"nights": ("night", "nights")}

    def ask(role: str | None, said: str = "", where: str | None = None,
            seen: tuple[int, ...] = ()):  # noqa: ANN202
        return story_answer(stories, role, said, gazetteer.find(where) if where else None,
                            list(seen), gazetteer, themes, names, "https://example.org")

    brighton = ask("care_worker", where="BN2")
    assert brighton.story_id == far and "Tom, care worker at Seaview, Brighton:" in brighton.text
    assert ask("care_worker", where="ST13").story_id == near
    assert ask("care_worker", where="ST13", seen=(near,)).story_id == far
    after_both = ask("care_worker", where="ST13", seen=(near, far))
    assert after_both.story_id == nurse
    assert after_both.text.startswith("That's all the stories from people who work as a care")
    assert ask("care_worker", seen=(near, far, nurse)).story_id in (near, far)  # round again
    assert ask(None, "tell me about night shifts").story_id == nurse
    other = ask("paramedic")
    assert other.story_id is not None
    assert other.text.startswith("Nobody who works as a paramedic has shared a story yet.")
    titles = [b["title"] for b in brighton.buttons]
    assert titles == ["Another story", "Jobs like this"]
    assert brighton.buttons[1]["payload"] == '/search_vacancies{"role":"care_worker"}'
    assert f"https://example.org/stories/{far}" in brighton.text
