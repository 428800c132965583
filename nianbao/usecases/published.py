"""The published copy checked against the reviewed one, for every face: an agency (or the office)
gives what it published — a saved page (.html/.mht), a PDF, a .docx, or the page's address for
the server to fetch — and it is read by the engine and compared with the agency's deciding
draft (the one that passed, or whose errors a supervisor accepted): every table cell, the
headings, the title and the signature date. The publication date found on the page (or given)
and whether it was on time (31 January, 31 March for a government) are kept with the verdict
(``Store.add_publication``); ``publication_state`` is what every window shows of it.

Faces call ``check_published`` (async: the page fetched, the file read in the check pool, the
store in its threads); the command line calls ``published_copy`` (the same, in process)."""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import hashlib
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import unquote, urljoin, urlsplit

from .. import messages as say
from ..config import Config
from ..reports.published import Difference, compare_reports, publication_date
from ..states import State
from ..storage import Agency, AgencyState, Publication, Store, Submission
from ..validators.engine import CheckResult, check_bytes
from ..validators.render import result_json
from .office import Office
from .people import Action, Person, allowed
from .words import NotAllowed

__all__ = [
    "FetchError", "PublicationState", "PublishedOutcome", "PublishedState", "check_published", "fetch_published",
    "publication_state", "publication_states", "published_copy", "reviewed_draft",
]  # fmt: skip

FETCH_TIMEOUT_SECONDS = 20.0
MOST_REDIRECTS = 5


class PublishedState(enum.Enum):
    MATCHES = "matches"
    DIFFERS = "differs"
    NOT_PUBLISHED = "not_published"
    LATE = "late"

    @property
    def label(self) -> str:
        return say.PUBLICATION_LABELS[self.value]


class PublicationState(NamedTuple):
    """Where an agency's published report stands: 已发布（一致） / 发布稿与审核稿不一致 / 未发布 / 逾期发布."""

    label: str
    state: PublishedState
    deadline: dt.date
    published_on: dt.date | None = None
    on_time: bool | None = None
    differences: int = 0
    checked_at: dt.datetime | None = None
    stale: bool = False  # the agency's deciding draft changed after the check: compare again


@dataclass(frozen=True)
class PublishedOutcome:
    compared: bool  # False: unreadable, or no reviewed draft to compare with (``problem`` says which)
    matches: bool = False
    differences: tuple[Difference, ...] = ()
    lines: tuple[str, ...] = ()  # what the person is told, plain text
    problem: str | None = None
    publication: Publication | None = None
    state: PublicationState | None = None

    @property
    def exit_code(self) -> int:
        return 2 if not self.compared else (0 if self.matches else 1)

    @property
    def text(self) -> str:
        return "\n".join(self.lines) if self.compared else self.problem or ""

    def json(self) -> dict:
        kept = self.publication
        return {
            "compared": self.compared, "matches": self.matches, "problem": self.problem,
            "label": self.state.label if self.state else None,
            "published_on": kept.published_on.isoformat() if kept and kept.published_on else None,
            "on_time": kept.on_time if kept else None, "submission_id": kept.submission_id if kept else None,
            "differences": [difference.json() for difference in self.differences],
        }  # fmt: skip


class FetchError(Exception):
    """The page could not be fetched (the message is Chinese, for the person)."""


# ---------------------------------------------------------------- the state every window shows


def _state(config: Config, agency: Agency, year: int, kept: Publication | None, deciding_id: int | None) -> PublicationState:
    deadline = config.deadline_for(year, agency.level)
    if kept is None:
        return PublicationState(PublishedState.NOT_PUBLISHED.label, PublishedState.NOT_PUBLISHED, deadline)
    state = PublishedState.DIFFERS if not kept.matches else PublishedState.LATE if kept.on_time is False else PublishedState.MATCHES
    stale = deciding_id is not None and kept.submission_id != deciding_id
    return PublicationState(
        state.label, state, deadline, kept.published_on, kept.on_time, len(kept.differences), kept.checked_at, stale
    )


def publication_state(store: Store, config: Config, agency_id: int, year: int, today: dt.date | None = None) -> PublicationState:
    """One agency's publication state for ``year`` (its last check decides)."""
    agency = store.get_agency(agency_id)
    state = store.agency_state(agency_id, year, config, today or dt.datetime.now(config.tz).date())
    deciding = state.deciding.id if state and state.state == State.PASSING and state.deciding else None
    return _state(config, agency, year, store.latest_publication(agency_id, year), deciding)


def publication_states(
    store: Store, config: Config, year: int, today: dt.date, states: list[AgencyState] | None = None
) -> dict[int, PublicationState]:
    """Every agency's publication state, by agency id (the overview's column, ``nianbao status``);
    ``states``: the campaign states already read (else read here)."""
    kept = store.latest_publications(year)
    states = store.campaign(year, config, today) if states is None else states
    return {
        s.agency.id: _state(config, s.agency, year, kept.get(s.agency.id), s.deciding.id if s.state == State.PASSING and s.deciding else None)
        for s in states
    }


# ---------------------------------------------------------------- the comparison


def reviewed_draft(store: Store, config: Config, agency: Agency, year: int, today: dt.date) -> tuple[Submission | None, str | None]:
    """The agency's draft that passed (or whose errors were accepted), with its report; else why not."""
    state = store.agency_state(agency.id, year, config, today)
    if state is not None and state.state == State.PASSING and state.deciding is not None:
        return store.get_submission(state.deciding.id), None
    if state is not None and state.state == State.IMPORTED:
        return None, say.published_imported_only(agency.name)
    return None, say.published_not_passing(agency.name, state.label) if state else say.PUBLISHED_NO_DRAFT


def _check_options(agency: Agency, year: int) -> dict:
    return dict(level=agency.level, expected_year=year, expected_agency=agency.name)


def _record(
    store: Store, config: Config, agency: Agency, year: int, draft: Submission, result: CheckResult, data: bytes, *,
    file_name: str, url: str | None, published_on: dt.date | None, by: int | None, now: dt.datetime,
) -> PublishedOutcome:  # fmt: skip
    """Compare a published copy the engine read with the reviewed draft, and keep the verdict."""
    if result.error is not None:
        return PublishedOutcome(False, problem=say.published_unreadable(file_name, result.error.message))
    today = now.astimezone(config.tz).date()
    given = published_on is not None
    if published_on is None:
        published_on = publication_date(data, [p.text for p in result.report.paragraphs], year, today)
    deadline = config.deadline_for(year, agency.level)
    on_time = None if published_on is None else published_on <= deadline
    differences = tuple(compare_reports(draft.report or {}, result_json(result)))
    kept = store.add_publication(
        agency.id, year, submission_id=draft.id, matches=not differences, differences=[d.json() for d in differences],
        file_name=file_name, sha256=hashlib.sha256(data).hexdigest(), url=url, published_on=published_on,
        on_time=on_time, checked_by=by, now=now,
    )
    if differences:
        lines = [say.published_differs(agency.name, year, len(differences), draft.file_name)]
        lines += [f"{number}. {difference.text}" for number, difference in enumerate(differences, start=1)]
    else:
        lines = [say.published_matches(agency.name, year, draft.file_name)]
    lines.append(say.published_date_note(published_on, deadline, on_time, given))
    state = _state(config, agency, year, kept, draft.id)
    return PublishedOutcome(True, not differences, differences, tuple(lines), None, kept, state)


def published_copy(
    store: Store, config: Config, agency: Agency, year: int, data: bytes, file_name: str, *,
    url: str | None = None, published_on: dt.date | None = None, by: int | None = None, now: dt.datetime | None = None,
) -> PublishedOutcome:  # fmt: skip
    """The sync core (the command line): the reviewed draft, the copy read in this process, the
    verdict kept."""
    now = now or dt.datetime.now(dt.timezone.utc)
    draft, problem = reviewed_draft(store, config, agency, year, now.astimezone(config.tz).date())
    if draft is None:
        return PublishedOutcome(False, problem=problem)
    result = check_bytes(data, file_name, **_check_options(agency, year))
    return _record(store, config, agency, year, draft, result, data, file_name=file_name, url=url,
                   published_on=published_on, by=by, now=now)  # fmt: skip


async def check_published(
    office: Office, person: Person, agency: Agency, data: bytes | None = None, file_name: str = "", *,
    url: str | None = None, published_on: dt.date | None = None, year: int | None = None, allow_private: bool = False,
) -> PublishedOutcome:  # fmt: skip
    """What any face calls: ``data`` (a file given) or ``url`` (the page, fetched by the server);
    staff for their own agency, supervisors within their scope (``NotAllowed`` otherwise)."""
    from ..drafts.pool import CheckFailed, CheckTimedOut

    if not allowed(person, Action.SEE_AGENCY, agency.id):
        raise NotAllowed(person.user_id)
    now, year = office.clock(), year or office.year()
    draft, problem = await office.db.read(reviewed_draft, office.config, agency, year, now.astimezone(office.config.tz).date())
    if draft is None:
        return PublishedOutcome(False, problem=problem)
    limit = int(office.config.max_file_mb * 1024 * 1024)
    if url is not None:
        try:
            data, file_name = await fetch_published(url, max_bytes=limit, allow_private=allow_private)
        except FetchError as error:
            return PublishedOutcome(False, problem=str(error))
    elif data is None or len(data) > limit:
        problem = say.PUBLISHED_TOO_BIG if data else say.PUBLISHED_EMPTY
        return PublishedOutcome(False, problem=say.published_unreadable(file_name, problem))
    try:
        result = await office.pool.run(check_bytes, data, file_name, **_check_options(agency, year))
    except (CheckTimedOut, CheckFailed):
        return PublishedOutcome(False, problem=say.published_unreadable(file_name, say.PUBLISHED_CHECK_FAILED))
    return await office.db.write(
        _record, office.config, agency, year, draft, result, data, file_name=file_name, url=url,
        published_on=published_on, by=person.user_id, now=now,
    )  # fmt: skip


# ---------------------------------------------------------------- fetching the page


Resolver = Callable[[str, int], Awaitable[list[str]]]


async def _system_resolver(host: str, port: int) -> list[str]:
    found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(item[4][0].split("%")[0] for item in found))


async def _address_to_use(host: str, port: int, resolve: Resolver, allow_private: bool) -> str | None:
    """The one address the request goes to: the name is resolved once, every address it has
    must be public (unless ``allow_private``), and the connection is made to the address that was
    checked, so a name that resolves elsewhere a moment later (DNS rebinding) changes nothing."""
    try:
        ipaddress.ip_address(host)
        addresses = [host]
    except ValueError:
        try:
            addresses = await resolve(host, port)
        except OSError:
            addresses = []
    if not addresses:
        return None
    if not allow_private and not all(ip.is_global and not ip.is_multicast for ip in map(ipaddress.ip_address, addresses)):
        raise FetchError(say.PUBLISHED_URL_PRIVATE)
    return addresses[0]


def _pinned(parts, address: str, port: int) -> str:
    """The URL with its host name replaced by ``address`` (the Host header and TLS name stay the host's)."""
    netloc = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
    return parts._replace(netloc=netloc).geturl()


def _file_name(url: str, content_type: str) -> str:
    name = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]) or "index"
    if "html" in content_type and not name.lower().endswith((".html", ".htm", ".shtml")):
        name += ".html"
    return name


async def fetch_published(
    url: str, *, max_bytes: int, timeout: float = FETCH_TIMEOUT_SECONDS, allow_private: bool = False, resolve: Resolver = _system_resolver
) -> tuple[bytes, str]:
    """The page at ``url`` (bytes, a file name for the engine), fetched with a time and size
    limit, following at most five redirects; an address on the server's own network is refused
    unless ``allow_private`` (the command line, run by the office itself), at every hop, and the
    connection goes to the address that was checked."""
    import httpx

    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False) as client:
        for _ in range(MOST_REDIRECTS + 1):
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise FetchError(say.PUBLISHED_URL_BAD)
            port = parts.port or (443 if parts.scheme == "https" else 80)
            address = await _address_to_use(parts.hostname, port, resolve, allow_private)
            if address is None:
                raise FetchError(say.published_fetch_failed(url, say.FETCH_PROBLEMS["connect"]))
            host_header = parts.netloc.rsplit("@", 1)[-1]
            try:
                async with asyncio.timeout(timeout):
                    request = client.stream("GET", _pinned(parts, address, port), headers={"Host": host_header}, extensions={"sni_hostname": parts.hostname})
                    async with request as response:
                        if response.is_redirect and "location" in response.headers:
                            url = urljoin(url, response.headers["location"])
                            continue
                        if response.status_code != 200:
                            raise FetchError(say.published_fetch_failed(url, f"HTTP {response.status_code}"))
                        body = bytearray()
                        async for chunk in response.aiter_bytes():
                            body += chunk
                            if len(body) > max_bytes:
                                raise FetchError(say.PUBLISHED_URL_TOO_BIG)
                        return bytes(body), _file_name(url, response.headers.get("content-type", ""))
            except (httpx.TimeoutException, TimeoutError):
                raise FetchError(say.published_fetch_failed(url, say.FETCH_PROBLEMS["timeout"])) from None
            except httpx.ConnectError:
                raise FetchError(say.published_fetch_failed(url, say.FETCH_PROBLEMS["connect"])) from None
            except httpx.HTTPError:
                raise FetchError(say.published_fetch_failed(url, say.FETCH_PROBLEMS["other"])) from None
    raise FetchError(say.published_fetch_failed(url, say.FETCH_PROBLEMS["redirects"]))
