"""One agency: its page (history, latest draft), one draft's page (issues, tables with the cells
of each issue marked, changes since the draft before), and its files to download."""

from __future__ import annotations

from aiohttp import web

from ..storage.acceptances import holding, issue_key, key_text
from ..storage.campaign import OFF_TARGET_REASONS
from ..usecases.invites import make_invite
from ..usecases.published import publication_state
from ..names import DRAFT_SUFFIX, safe_file_name
from ..storage import Submission
from ..validators.readers import sniff
from ..levels import LEVELS
from ..roles import Role
from .common import agency_of_url, desk_of, page, plain, require_agency, require_supervisor, url_id, viewer_of
from .desk import Desk, Viewer
from .overview import attachment
from .people_pages import agency_people
from .views import SEVERITY_LABELS, changes_since, place, places_text, table_views

routes = web.RouteTableDef()


def _agency_view(desk: Desk, agency_id: int, viewer: Viewer) -> dict | None:
    agency = desk.store.get_agency(agency_id)
    if agency is None:
        return None
    year = desk.year()
    state = desk.store.agency_state(agency_id, year, desk.config, desk.today())
    publication = publication_state(desk.store, desk.config, agency_id, year, desk.today())
    submissions = desk.store.list_submissions(agency_id, year, full=False)  # the list shows no issues
    acceptances = desk.store.acceptances_of(agency_id, year)
    people = [a.accepted_by for a in acceptances] + [a.revoked_by for a in acceptances if a.revoked_by]
    return {
        "agency": agency, "state": state, "submissions": submissions, "publication": publication,
        "acceptances": acceptances, "names": desk.names(people + [s.user_id for s in submissions]),
        "people": agency_people(desk, viewer, agency_id),
        "level_label": desk.store.level_words(agency_id).get(agency_id) or LEVELS.get(agency.level, agency.level),
    }


@routes.get("/agency/{agency_id}")
async def agency_page(request: web.Request) -> web.StreamResponse:
    agency_id = url_id(request, "agency_id")
    viewer = require_agency(request, agency_id)
    desk = desk_of(request)
    return await render_agency(request, desk, agency_id, may_upload=not viewer.supervises)


async def render_agency(
    request: web.Request, desk: Desk, agency_id: int, *, may_upload: bool, invite: str | None = None,
    problem: str | None = None, pasted: str = "", status: int = 200,
) -> web.Response:
    """The agency's page; ``problem``: what is missing from an upload just refused (the pasted
    text kept in its box)."""
    viewer = viewer_of(request)
    view = await desk.run(_agency_view, desk, agency_id, viewer)
    if view is None:
        raise web.HTTPNotFound()
    # what a supervisor decided about this person's drafts (or a new code made for them), shown once
    notices = await desk.run(desk.store.take_notices, viewer.user_id, desk.clock()) if viewer and not viewer.supervises else []
    return page(
        request,
        "agency.html",
        status=status,
        **view,
        state_label=view["state"].label,
        tz=desk.config.tz,
        may_upload=may_upload,
        max_upload_mb=desk.web.max_upload_mb,
        invite=invite,
        signin_url=f"{desk.office.web_url or desk.web.base_url}/signin",
        chat=bool(desk.config.token),
        notices=[plain(notice.text) for notice in notices],
        problem=problem,
        pasted=pasted,
        role_labels=Role.labels(),
    )


def _submission_view(desk: Desk, submission_id: int) -> dict | None:
    submission = desk.store.get_submission(submission_id)
    if submission is None:
        return None
    previous = None
    if submission.parsed and not submission.off_target:  # another agency's or year's report is compared with nothing
        previous = desk.store.latest_submission(
            submission.agency_id, submission.year, before_id=submission.id, parsed_only=True
        )
    state = desk.store.agency_state(submission.agency_id, submission.year, desk.config, desk.today())
    deciding = state is not None and state.deciding is not None and state.deciding.id == submission.id
    drafts = desk.store.list_submissions(submission.agency_id, submission.year, limit=200)
    held = holding(desk.store.acceptances_of(submission.agency_id, submission.year), drafts, submission)
    explanations = desk.store.explanations_of(submission.agency_id, submission.year)
    return {
        "submission": submission,
        "agency": desk.store.get_agency(submission.agency_id),
        "tables": table_views(submission),
        "changes": changes_since(previous, submission),
        "has_file": bool(submission.sha256) and desk.files.exists(submission.sha256),
        "marked_up": desk.store.marked_up_copy(submission.id),
        "held": held,
        "accepted_here": sum(1 for i in submission.issues if i.get("severity") == "error" and key_text(issue_key(i)) in held),
        "state": state,
        "deciding": deciding,
        "off_target": OFF_TARGET_REASONS.get(submission.off_target_reason or "", "其他单位或非本年度的报告") if submission.off_target else None,
        "explanations": explanations,
        "names": desk.names(
            [a.accepted_by for a in held.values()] + [e.user_id for e in explanations.values()] + [submission.user_id]
        ),
    }


async def _visible_submission(request: web.Request) -> tuple[Desk, Submission, dict]:
    """The submission of the URL, if the viewer may see its agency (else "not found")."""
    desk = desk_of(request)
    submission_id = url_id(request, "submission_id")
    view = await desk.run(_submission_view, desk, submission_id)
    if view is None:
        require_agency(request, -1)  # signed in or off to sign in; then not found either way
        raise web.HTTPNotFound()
    require_agency(request, view["submission"].agency_id)
    return desk, view["submission"], view


@routes.get("/submission/{submission_id}")
async def submission_page(request: web.Request) -> web.StreamResponse:
    return await render_submission(request)


async def render_submission(request: web.Request, problem: str | None = None, number=None, status: int = 200) -> web.Response:
    """A draft's page; ``problem``: what is missing from the form of issue ``number`` just
    refused (shown at that issue, its form open)."""
    desk, submission, view = await _visible_submission(request)
    return page(
        request, "submission.html", status=status, **view, place=place, places_text=places_text, severity=SEVERITY_LABELS,
        tz=desk.config.tz, key_of=lambda issue: key_text(issue_key(issue)), problem=problem, problem_number=number,
    )


@routes.get("/submission/{submission_id}/original")
async def original(request: web.Request) -> web.StreamResponse:
    desk, submission, view = await _visible_submission(request)
    data = await desk.run(desk.files.get, submission.sha256) if submission.sha256 else None
    if data is None:
        raise web.HTTPNotFound()
    received = submission.received_at.astimezone(desk.config.tz)
    suffix = DRAFT_SUFFIX.get(sniff(data), "")  # from the content: the sender's file name is not trusted
    name = f"{safe_file_name(view['agency'].name, 'draft')}_{received:%Y%m%d-%H%M}{suffix}"
    return attachment(data, name, "application/octet-stream")


@routes.get("/submission/{submission_id}/marked.docx")
async def marked_up(request: web.Request) -> web.StreamResponse:
    """The draft with a Word comment per issue, as decided when it was checked."""
    desk, submission, view = await _visible_submission(request)
    part = view["marked_up"]
    data = await desk.run(desk.files.get, part["document"]) if part else None
    if data is None:
        raise web.HTTPNotFound()
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return attachment(data, part["filename"], docx)


@routes.post("/agency/{agency_id}/invite")
async def new_invite(request: web.Request) -> web.StreamResponse:
    """A supervisor makes a staff invite code for the agency, from its page."""
    viewer = require_supervisor(request)
    desk = desk_of(request)
    agency = await agency_of_url(request, viewer)
    agency_id = agency.id
    outcome = await make_invite(desk.office, viewer.person, agency)
    if outcome.code is None:
        return page(request, "message.html", status=409, title="不能生成邀请码", text=plain(outcome.text))
    return await render_agency(request, desk, agency_id, may_upload=False, invite=outcome.code)
