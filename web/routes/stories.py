"""A staff story's public page, to share: the story, the day in the life, the photo, and a
link into the chat. Open Graph tags give link previews; nothing on the page tracks anyone.

A link with a campaign (`/stories/7?c=LEEK-FOODBANK`) counts one visit to that campaign, and
its chat link opens the chat tagged with the campaign without counting the visit twice.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from carecareers.campaigns.service import record_landing
from carecareers.careers.content import load_content
from carecareers.catalogue import text
from carecareers.stories import shown_story, story_photo, story_url
from web.deps import get_clock, get_session

router = APIRouter(prefix="/stories")
STORY_CHANNEL = "story"  # how a visit counted on a story page is marked in the campaign


def _missing(request: Request) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(
        request, "event_message.html", {
            "heading": text("web.story_page.not_found_heading"),
            "message": text("web.story_page.not_found")}, status_code=404)


@router.get("/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: int, c: str | None = None,
               session: Session = Depends(get_session)) -> HTMLResponse:
    story = shown_story(session, story_id)
    if story is None:
        return _missing(request)
    settings = request.app.state.settings
    campaign = record_landing(session, c[:64], None, STORY_CHANNEL,
                              now=get_clock(request).now()) if c else None
    role = load_content(settings.content_dir).role(story.role)
    role_name = role.name if role else story.role
    words = {"name": story.first_name, "role": role_name, "place": story.place}
    chat = f"/c/{campaign.code}?via=story" if campaign else "/chat"
    base = settings.public_base_url.rstrip("/")
    response = request.app.state.templates.TemplateResponse(request, "story.html", {
        "story": story, "title": text("web.story_page.title", **words),
        "preview": text("web.story_page.preview", **words),
        "url": story_url(settings.public_base_url, story),
        "photo_url": f"{base}/stories/{story.id}/photo" if story.photo_type else None,
        "paragraphs": story.story.split("\n\n"), "chat": chat,
        "shared_by": text("web.story_page.shared_by", provider=story.provider.name,
                          name=story.first_name)})
    response.headers["Cache-Control"] = "no-cache"
    return response


@router.get("/{story_id}/photo")
def photo(request: Request, story_id: int, session: Session = Depends(get_session)) -> Response:
    found = story_photo(session, story_id)
    if found is None:
        return Response(status_code=404)
    data, content_type = found
    # Revalidated on every view, so a withdrawn story's photo goes at once.
    return Response(data, media_type=content_type, headers={"Cache-Control": "no-cache"})
