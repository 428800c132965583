"""Who may reach what, for every route of the real application: the routes are read from
``app.router`` (a route added tomorrow is checked without anyone listing it), their ids filled
from a seeded database. Anonymous visitors are sent to sign in; a form without its CSRF token is
refused; staff never reach another agency nor a supervisor's page (404, and not a word of the
other agency); a supervisor reaches every page."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from aiohttp import web

from nianbao.config import WebConfig
from nianbao.web.app import create_app

from web.harness import sample_bytes

A, B = "学张乡人民政府", "策勒乡人民政府"  # staff of A look at B's pages
PUBLIC = {"/signin", "/login/{token}"}  # open to anyone (and /static)
STAFF_FREE = PUBLIC | {"/", "/signout", "/welcome", "/me", "/me/name", "/me/code"}  # about themselves: staff may use them
OWN_AGENCY = {  # staff reach these for their own agency only
    ("GET", "/agency/{agency_id}"), ("GET", "/submission/{submission_id}"),
    ("GET", "/submission/{submission_id}/original"), ("GET", "/submission/{submission_id}/marked.docx"),
    ("POST", "/agency/{agency_id}/upload"), ("POST", "/submission/{submission_id}/explain"),
    ("POST", "/agency/{agency_id}/published"),
    ("POST", "/person/{person}/code"),  # a new personal code for a colleague of the agency
}
# a supervisor of the configuration alone has no member row to name: the server's admin names them
CONFIGURED_SUPERVISOR_REFUSED = {("POST", "/me/name")}
STAFF_ONLY = {("POST", "/agency/{agency_id}/upload"), ("POST", "/submission/{submission_id}/explain")}


def app_routes() -> list[tuple[str, str]]:
    """(method, path) of every route of the real application (HEAD and the static files aside)."""
    app = create_app(SimpleNamespace(web=WebConfig(), office=SimpleNamespace(machine_routes=[])), "only-the-router-is-read")
    return sorted(
        (route.method, resource.canonical)
        for resource in app.router.resources()
        if not isinstance(resource, web.StaticResource)
        for route in resource
        if route.method != "HEAD"
    )


ROUTES = app_routes()
GETS = [path for method, path in ROUTES if method == "GET"]
POSTS = [path for method, path in ROUTES if method == "POST"]


def ids(routes):
    return [" ".join(r) if isinstance(r, tuple) else r for r in routes]


def fill(site, path: str, agency: str) -> str:
    """The path with a real id of ``agency`` (and a fresh one-time link) in each parameter."""
    values = {
        "agency_id": site.ids[agency],
        "submission_id": site.seeded.submissions[agency],
        "acceptance_id": site.seeded.acceptances.get(agency),
        "token": site.login_path().rsplit("/", 1)[1],
        "person": 1000 + site.ids[agency],  # the agency's clerk who sent its seeded draft
    }
    for name in re.findall(r"{(\w+)}", path):
        if values.get(name) is None:
            pytest.fail(f"test_routes does not know what to put in {{{name}}} of {path} for {agency}: teach fill()")
    return path.format(**values)


def form(site, path: str, agency: str) -> dict:
    """What a person would fill in on the page that posts to ``path``."""
    forms = {
        "/signin": lambda: {"code": site.invite(agency)},
        "/agency/{agency_id}/upload": lambda: {"text": sample_bytes("004").decode("utf-8")},
        "/submission/{submission_id}/accept": lambda: {"number": "2", "reason": "经核实无误"},
        "/submission/{submission_id}/explain": lambda: {"number": "3", "text": "本年机构改革"},
        "/agency/{agency_id}/published": lambda: {"url": "http://127.0.0.1:9/not-there"},
        "/export/region-report": lambda: {"region": "东区"},
        "/peers/{agency_id}/note": lambda: {"figure": "本年新收申请", "verdict": "confirmed", "note": "经核实，本年新设服务中心"},
        "/acceptance/{acceptance_id}/revoke": lambda: {"reason": "复核", "back": f"/submission/{site.seeded.submissions[agency]}"},
        "/welcome": lambda: {"name": "王五"},
        "/me/name": lambda: {"name": "王五"},
    }
    return forms.get(path, dict)()


async def ask(visitor, site, method: str, path: str, agency: str, **kwargs):
    target = fill(site, path, agency)
    if method == "GET":
        return await visitor.get(target, follow=False)
    return await visitor.post(target, form(site, path, agency), follow=False, **kwargs)


def test_every_route_is_found_in_the_router():
    assert ("POST", "/acceptance/{acceptance_id}/revoke") in ROUTES  # the hand-kept list missed it
    assert {("GET", "/overview"), ("POST", "/signin"), ("GET", "/submission/{submission_id}/marked.docx")} <= set(ROUTES)
    assert {path for _, path in OWN_AGENCY | STAFF_ONLY} <= {path for _, path in ROUTES}  # no stale names here


@pytest.mark.parametrize("path", [p for p in GETS if p not in PUBLIC], ids=ids)
async def test_an_anonymous_visit_is_sent_to_sign_in(seeded_site, path):
    visitor = await seeded_site.visitor()
    page = await ask(visitor, seeded_site, "GET", path, B)
    assert (page.status, page.url) == (302, "/signin")


@pytest.mark.parametrize("path", [p for p in POSTS if p not in PUBLIC], ids=ids)
async def test_an_anonymous_form_does_nothing_but_send_to_sign_in(seeded_site, path):
    visitor = await seeded_site.visitor()
    page = await ask(visitor, seeded_site, "POST", path, B)
    assert page.status == 302 and page.url.split("?")[0] == "/signin"


@pytest.mark.parametrize("who", ["anonymous", "supervisor"])
@pytest.mark.parametrize("path", POSTS, ids=ids)
async def test_a_form_without_its_csrf_token_is_refused(seeded_site, path, who):
    site = seeded_site
    visitor = await site.supervisor() if who == "supervisor" else await site.visitor()
    page = await ask(visitor, site, "POST", path, B, csrf=False)
    assert page.status == 403 and "表单已失效" in page.text


@pytest.mark.parametrize("method,path", [r for r in ROUTES if r[1] not in STAFF_FREE], ids=ids)
async def test_staff_never_reach_another_agency_nor_a_supervisors_page(seeded_site, method, path):
    site = seeded_site
    staff = await site.staff(A)
    page = await ask(staff, site, method, path, B)
    assert page.status == 404 and "找不到页面" in page.text
    assert "策勒乡" not in page.html


@pytest.mark.parametrize("method,path", [r for r in ROUTES if r[1] not in STAFF_FREE], ids=ids)
async def test_staff_reach_their_own_agency_and_no_supervisors_page(seeded_site, method, path):
    site = seeded_site
    staff = await site.staff(B)
    page = await ask(staff, site, method, path, B)
    if (method, path) in OWN_AGENCY:
        assert page.status in (200, 302), (page.status, page.text[:300])
    else:
        assert page.status == 404 and "找不到页面" in page.text


@pytest.mark.parametrize("method,path", ROUTES, ids=ids)
async def test_a_supervisor_reaches_every_page(seeded_site, method, path):
    site = seeded_site
    supervisor = await site.supervisor()
    page = await ask(supervisor, site, method, path, B)
    if (method, path) in STAFF_ONLY:  # a supervisor's draft or explanation is not the agency's
        assert page.status == 404
    elif (method, path) in CONFIGURED_SUPERVISOR_REFUSED:
        assert page.status == 409 and "nianbao members add" in page.text
    else:
        assert page.status in (200, 302), (page.status, page.text[:300])
