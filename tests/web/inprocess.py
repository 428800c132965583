"""The web desk in process: the real application (``create_app`` over a real SQLite file) served
by pytest-aiohttp's test server, and visitors, each with their own cookies, who read a page as a
person sees it (its text, its elements by id) and post forms with their CSRF token."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Awaitable, Callable

import lxml.html
from yarl import URL

from nianbao.storage import Store
from nianbao.web.desk import Desk

from web.harness import SUPERVISOR, Clock

SPACES = re.compile(r"\s+")


def squeeze(text: str) -> str:
    return SPACES.sub(" ", text).strip()


@dataclass
class Page:
    """One answer as a person meets it: where the browser ended up, and what it shows."""

    status: int
    url: str  # the path and query the browser shows, after redirects
    body: bytes
    headers: Any
    redirects: list[tuple[int, str]]  # (status, Location) of each redirect followed

    @property
    def html(self) -> str:
        return self.body.decode("utf-8", "replace")

    @cached_property
    def doc(self):
        return lxml.html.fromstring(self.html or "<html></html>")

    @property
    def text(self) -> str:
        """The page's words (the body's text, spaces squeezed)."""
        bodies = self.doc.xpath("//body")
        return squeeze((bodies[0] if bodies else self.doc).text_content())

    @property
    def title(self) -> str:
        return squeeze(self.doc.findtext(".//title") or "")

    def has(self, element_id: str) -> bool:
        return bool(self.doc.xpath("//*[@id=$id]", id=element_id))

    def text_of(self, element_id: str) -> str:
        found = self.doc.xpath("//*[@id=$id]", id=element_id)
        assert found, f"no #{element_id} on {self.url} ({self.status}): {self.text[:300]}"
        return squeeze(found[0].text_content())

    def all(self, xpath: str) -> list:
        return self.doc.xpath(xpath)

    def texts(self, xpath: str) -> list[str]:
        return [squeeze(e.text_content()) if hasattr(e, "text_content") else str(e) for e in self.doc.xpath(xpath)]

    def link(self, text: str) -> str:
        """The address of the link with this text (as a click on it would open)."""
        hrefs = [a.get("href") for a in self.doc.xpath("//a") if squeeze(a.text_content()) == text]
        assert hrefs, f"no link 「{text}」 on {self.url}"
        return hrefs[0]

    def form_fields(self, form_xpath: str) -> dict[str, str]:
        """The named fields of a form as the page filled them in (hidden ones included)."""
        form = self.doc.xpath(form_xpath)
        assert form, f"no form {form_xpath} on {self.url}"
        return {i.get("name"): i.get("value") or "" for i in form[0].xpath(".//input[@name]")}


@dataclass
class Visitor:
    """A browser of one person: a client with its own cookie jar."""

    client: Any  # aiohttp.test_utils.TestClient
    headers: dict[str, str] = field(default_factory=dict)
    csrf: str = ""
    personal_code: str | None = None  # shown once at the first sign-in, as the person notes it down

    async def request(self, method: str, path: str, *, follow: bool = True, **kwargs) -> Page:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        async with self.client.request(method, path, headers=headers, allow_redirects=follow, **kwargs) as response:
            body = await response.read()
            page = Page(
                response.status, response.url.path_qs, body, response.headers,
                [(r.status, r.headers.get("Location", "")) for r in response.history],
            )
        if not follow and response.status in (301, 302, 303):
            page.url = response.headers.get("Location", "")
        if "text/html" in response.headers.get("Content-Type", ""):
            token = page.doc.xpath("//input[@name='csrf']/@value")
            if token:
                self.csrf = token[0]
        return page

    async def get(self, path: str, **kwargs) -> Page:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, data: Any = None, *, csrf: bool = True, **kwargs) -> Page:
        """Post a form as its page would: with this browser's CSRF token, unless told not to."""
        if csrf and not self.csrf:
            await self.get("/signin")
        if isinstance(data, dict) or data is None:
            data = dict(data or {})
            if csrf:
                data.setdefault("csrf", self.csrf)
        return await self.request("POST", path, data=data, **kwargs)

    def cookie(self, name: str) -> str | None:
        for cookie in self.client.session.cookie_jar:
            if cookie.key == name:
                return cookie.value
        return None

    def set_cookie(self, name: str, value: str) -> None:
        self.client.session.cookie_jar.update_cookies({name: value}, URL(str(self.client.make_url("/"))))

    def forget_cookies(self) -> None:
        self.client.session.cookie_jar.clear()
        self.csrf = ""


@dataclass
class Seeded:
    """What a seeded database holds beyond the roster: a draft of two agencies (one error each,
    with its marked-up copy) and a supervisor's acceptance of the other agency's error."""

    submissions: dict[str, int]
    acceptances: dict[str, int]


@dataclass
class Site:
    """The desk in process: its store, clock and roster, and visitors of its test server."""

    desk: Desk
    store: Store
    clock: Clock
    ids: dict[str, int]
    server: Any  # aiohttp.test_utils.TestServer
    new_client: Callable[..., Awaitable[Any]]  # pytest-aiohttp's aiohttp_client
    database: str
    seeded: Seeded | None = None

    @property
    def app(self):
        return self.server.app

    async def visitor(self, headers: dict[str, str] | None = None) -> Visitor:
        """A new browser, signed out, that has opened the sign-in page (so it has a form token)."""
        visitor = Visitor(await self.new_client(self.server), dict(headers or {}))
        await visitor.get("/signin")
        return visitor

    async def staff(self, agency: str, name: str = "张三", **kwargs) -> Visitor:
        """Staff of ``agency``, signed in with a fresh invite code typed on the sign-in page, who
        give their name and note down the personal code shown."""
        visitor = await self.visitor(**kwargs)
        page = await visitor.post("/signin", {"code": self.invite(agency)})
        assert page.url == "/welcome", (page.status, page.text[:300])
        await self.named(visitor, name)
        page = await visitor.get("/")
        assert page.url == f"/agency/{self.ids[agency]}", (page.status, page.text[:300])
        return visitor

    async def named(self, visitor: Visitor, name: str) -> Page:
        """The name given on the welcome page; the personal code it shows, noted down."""
        page = await visitor.post("/welcome", {"name": name})
        assert page.has("personal-code"), (page.status, page.text[:300])
        visitor.personal_code = page.text_of("personal-code")
        return page

    async def supervisor(self, user_id: int = SUPERVISOR) -> Visitor:
        """A supervisor, signed in through a one-time link: open it, press the button."""
        visitor = await self.visitor()
        link = self.login_path(user_id)
        await visitor.get(link)
        page = await visitor.post(link)
        assert page.url == "/overview", (page.status, page.text[:300])
        return visitor

    def invite(self, agency: str) -> str:
        return self.store.create_invite(self.ids[agency], now=self.clock())

    def login_path(self, user_id: int = SUPERVISOR) -> str:
        return URL(self.desk.login_link(user_id)).path

    async def submit(self, agency: str, data: bytes, file_name: str) -> int:
        """A staff member of ``agency`` sends a draft through the desk's pipeline; its submission id."""
        from nianbao.drafts import Sender

        user_id = 1000 + self.ids[agency]
        self.store.bind_member(user_id, self.ids[agency], "staff", f"{agency}工作人员")
        await self.desk.pipeline.submit_draft(Sender(user_id, user_id), self.store.get_agency(self.ids[agency]), file_name, data)
        return self.store.latest_submission(self.ids[agency], self.desk.year()).id
