"""Staff stories in the dashboard: list, write, change, approve (admins), withdraw."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from carecareers.advisers.scope import providers_for
from carecareers.careers.content import load_content
from carecareers.catalogue import text
from carecareers.geo import gazetteer_for
from carecareers.models import StaffStory
from carecareers.stories import (
    APPROVED,
    Photo,
    StoryFormError,
    StoryValues,
    approve_story,
    change_story,
    consent_wording,
    create_story,
    get_story,
    may_approve,
    may_manage,
    read_photo,
    read_story_form,
    stories_managed_by,
    story_url,
    withdraw_story,
)
from carecareers.stories.form import FEWEST_MOMENTS, MOMENTS, STORY_LIMIT
from web.auth import CurrentViewer, DbSession, Forbidden, Viewer
from web.csrf import CSRF_FIELD, check_token
from web.deps import get_clock
from web.routes.advisers.common import CheckedForm, PageNotFound, dashboard_router, render

router = dashboard_router()


def _roles(request: Request) -> list[tuple[str, str]]:
    content = load_content(request.app.state.settings.content_dir)
    return [(r.code, r.name[:1].upper() + r.name[1:]) for r in content.roles]


def _story(session: DbSession, viewer: Viewer, story_id: int) -> StaffStory:
    story = get_story(session, story_id)
    if story is None:
        raise PageNotFound(text("dashboard.stories.not_found"))
    if not may_manage(viewer.adviser, story):
        raise Forbidden()
    return story


@router.get("/stories", response_class=HTMLResponse)
def stories_page(request: Request, session: DbSession, viewer: CurrentViewer) -> Response:
    roles = dict(_roles(request))
    return render(request, "stories.html", viewer, stories=stories_managed_by(
        session, viewer.adviser), roles=roles, done=request.query_params.get("done"),
        may_write=bool(providers_for(session, viewer.adviser)))


def form_values(story: StaffStory) -> dict[str, str]:
    values = {"provider": str(story.provider_id), "first_name": story.first_name,
              "role": story.role, "place": story.place, "postcode": story.outcode or "",
              "story": story.story, "photo_alt": story.photo_alt or "",
              "consent_given_by": story.consent_given_by, "consent": "yes",
              "consent_date": story.consent_at.date().isoformat()}
    for row, (when, what) in enumerate(story.day, start=1):
        values[f"time_{row}"], values[f"moment_{row}"] = when, what
    return values


def _form_page(request: Request, session: DbSession, viewer: Viewer, story: StaffStory | None,
               values: dict[str, str], errors: dict[str, str] | None = None) -> Response:
    return render(request, "story_form.html", viewer, status_code=400 if errors else 200,
                  story=story, values=values, errors=errors or {}, roles=_roles(request),
                  providers=(providers := providers_for(session, viewer.adviser)),
                  provider_options=[(str(p.id), p.name) for p in providers], moments=MOMENTS,
                  fewest=FEWEST_MOMENTS, limit=STORY_LIMIT, wording=consent_wording())


async def _posted(request: Request, viewer: Viewer) -> tuple[dict[str, str], bytes | None]:
    """The multipart form's text fields once its CSRF token is checked, and the photo's bytes
    when one was chosen."""
    form = await request.form()
    check_token(viewer.csrf_token, form.get(CSRF_FIELD))
    fields = {k: v for k, v in form.items() if isinstance(v, str) and k != CSRF_FIELD}
    upload = form.get("photo")
    photo = await upload.read() if isinstance(upload, UploadFile) and upload.filename else None
    return fields, photo or None


def _read(request: Request, session: DbSession, viewer: Viewer, fields: dict[str, str],
          upload: bytes | None, has_photo: bool) -> tuple[StoryValues, Photo | None]:
    errors: dict[str, str] = {}
    photo = None
    if upload is not None:
        try:
            photo = read_photo(upload)
        except StoryFormError as exc:
            errors.update(exc.errors)
    try:
        values = read_story_form(
            fields, [code for code, _ in _roles(request)],
            [p.id for p in providers_for(session, viewer.adviser)],
            gazetteer_for(request.app.state.settings.content_dir), get_clock(request).today(),
            has_photo or upload is not None)
    except StoryFormError as exc:
        raise StoryFormError({**errors, **exc.errors}) from None
    if errors:
        raise StoryFormError(errors)
    return values, photo


@router.get("/stories/new", response_class=HTMLResponse)
def new_story_form(request: Request, session: DbSession, viewer: CurrentViewer) -> Response:
    providers = providers_for(session, viewer.adviser)
    if not providers:
        raise Forbidden()
    values = {"provider": str(providers[0].id)} if len(providers) == 1 else {}
    return _form_page(request, session, viewer, None, values)


@router.post("/stories/new", response_class=HTMLResponse)
async def create(request: Request, session: DbSession, viewer: CurrentViewer) -> Response:
    if not providers_for(session, viewer.adviser):
        raise Forbidden()
    fields, upload = await _posted(request, viewer)
    try:
        values, photo = _read(request, session, viewer, fields, upload, False)
    except StoryFormError as exc:
        return _form_page(request, session, viewer, None, fields, exc.errors)
    story = create_story(session, values, photo, viewer.adviser.email, get_clock(request).now())
    return RedirectResponse(f"/advisers/stories/{story.id}?done=created", status_code=303)


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: int, session: DbSession,
               viewer: CurrentViewer) -> Response:
    story = _story(session, viewer, story_id)
    return render(request, "story.html", viewer, story=story, roles=dict(_roles(request)),
                  public_url=story_url(request.app.state.settings.public_base_url, story),
                  may_approve=may_approve(viewer.adviser), shown=story.status == APPROVED,
                  done=request.query_params.get("done"))


@router.get("/stories/{story_id}/photo")
def photo(story_id: int, session: DbSession, viewer: CurrentViewer) -> Response:
    """The photo as the admin checks it, before the story is shown."""
    story = _story(session, viewer, story_id)
    if story.photo is None or story.photo_type is None:
        raise PageNotFound(text("dashboard.stories.no_photo"))
    return Response(story.photo, media_type=story.photo_type)


@router.get("/stories/{story_id}/edit", response_class=HTMLResponse)
def edit_form(request: Request, story_id: int, session: DbSession,
              viewer: CurrentViewer) -> Response:
    story = _story(session, viewer, story_id)
    return _form_page(request, session, viewer, story, form_values(story))


@router.post("/stories/{story_id}/edit", response_class=HTMLResponse)
async def edit(request: Request, story_id: int, session: DbSession,
               viewer: CurrentViewer) -> Response:
    story = _story(session, viewer, story_id)
    fields, upload = await _posted(request, viewer)
    remove = fields.get("remove_photo") == "yes"
    try:
        values, photo = _read(request, session, viewer, fields, upload,
                              story.photo_type is not None and not remove)
    except StoryFormError as exc:
        return _form_page(request, session, viewer, story, fields, exc.errors)
    change_story(session, story, values, photo, remove and photo is None, viewer.adviser.email,
                 get_clock(request).now())
    return RedirectResponse(f"/advisers/stories/{story.id}?done=saved", status_code=303)


@router.post("/stories/{story_id}/approve", response_class=HTMLResponse)
def approve(request: Request, story_id: int, session: DbSession, viewer: CurrentViewer,
            form: CheckedForm) -> Response:
    story = _story(session, viewer, story_id)
    if not may_approve(viewer.adviser):
        raise Forbidden()
    approve_story(session, story, viewer.adviser.email, get_clock(request).now())
    return RedirectResponse(f"/advisers/stories/{story.id}?done=approved", status_code=303)


@router.post("/stories/{story_id}/withdraw", response_class=HTMLResponse)
def withdraw(request: Request, story_id: int, session: DbSession, viewer: CurrentViewer,
             form: CheckedForm) -> Response:
    story = _story(session, viewer, story_id)
    withdraw_story(session, story, viewer.adviser.email)
    return RedirectResponse("/advisers/stories?done=withdrawn", status_code=303)
