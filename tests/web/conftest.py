"""The web desk under test, two ways over a real SQLite file: in process (``site``: the real
application behind pytest-aiohttp's test server, visited by clients that read pages as a person
sees them), and served as in production (``desk``: ``start_desk`` on 127.0.0.1, its own event loop
in a thread) for the few tests only a real headless Chromium (through Selenium) can tell."""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import shutil
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from nianbao.config import Config
from nianbao.storage import Store
from nianbao.storage.acceptances import issue_key
from nianbao.config import WebConfig
from nianbao.web.app import create_app
from nianbao.usecases.office import Office
from nianbao.web.server import RunningDesk, build_desk, start_desk

from web.harness import CHROMEDRIVER, CHROMIUM, SUPERVISOR, Clock, DeskUnderTest, one_mistake_docx, sample_docx, seed
from web.inprocess import Seeded, Site

OTHER_AGENCY = "策勒乡人民政府"  # the agency whose pages staff of 学张乡 must never reach
OWN_AGENCY = "学张乡人民政府"


def desk_config(database: Path) -> Config:
    return Config(database=str(database), supervisors=frozenset({SUPERVISOR}), check_workers=1)


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory) -> tuple[Path, dict[str, int], Seeded]:
    """Once per test run (the first xdist worker to ask builds it, under a lock): a database
    (and its drafts folder) with the roster, a Word draft of two agencies, each with its
    marked-up copy (学张乡: one error; 策勒乡: its own report, two errors and two warnings), and a
    supervisor's acceptance of 策勒乡's first error. Each test gets its own copy."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, shared by its workers
    folder, made = root / "seeded-web", root / "seeded-web.json"
    with open(root / "seeded-web.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not made.exists():
            made.write_text(json.dumps(_seed_database(folder)), encoding="utf-8")
    ids, submissions, acceptances = json.loads(made.read_text(encoding="utf-8"))
    return folder, ids, Seeded(submissions, acceptances)


def _seed_database(folder: Path) -> tuple[dict, dict, dict]:
    shutil.rmtree(folder, ignore_errors=True)  # what a worker that failed half-way left
    folder.mkdir()
    store = Store(folder / "nianbao.db")
    ids = seed(store)
    clock = Clock()
    desk = build_desk(Office.open(desk_config(folder / "nianbao.db"), store, clock), WebConfig(host="127.0.0.1", port=0), owns_office=True)
    site = Site(desk, store, clock, ids, server=None, new_client=None, database=str(folder / "nianbao.db"))
    drafts_of = {OWN_AGENCY: one_mistake_docx(), OTHER_AGENCY: sample_docx("004")}

    async def drafts() -> dict[str, int]:
        return {agency: await site.submit(agency, data, f"{agency}.docx") for agency, data in drafts_of.items()}

    try:
        with ThreadPoolExecutor(1) as thread:  # its own event loop, away from the tests' loops
            submissions = thread.submit(asyncio.run, drafts()).result(120)
        theirs = store.get_submission(submissions[OTHER_AGENCY])
        issue = theirs.issues[0]
        accepted = store.accept_issue(
            theirs.agency_id, theirs.year, issue_key(issue), code=issue["code"], message=issue.get("message"),
            submission_id=theirs.id, reason="经核实无误", by=SUPERVISOR, now=clock(),
        )
    finally:
        desk.close()
        store.close()
    return ids, submissions, {OTHER_AGENCY: accepted.id}


@pytest.fixture
def make_site(tmp_path: Path, aiohttp_client, request):
    """Build the desk in process: ``seeded=True`` on a copy of the seeded database, else on the
    bare roster; ``web`` and ``limits`` replace the desk's web settings and the app's limits."""
    made: list[Site] = []

    async def make(*, seeded: bool = False, web: WebConfig | None = None, limits=None) -> Site:
        folder = tmp_path / f"site{len(made)}"
        seeded_database = request.getfixturevalue("seeded_database") if seeded else None
        if seeded:
            shutil.copytree(seeded_database[0], folder)
        else:
            folder.mkdir()
        store = Store(folder / "nianbao.db")
        ids = seed(store) if not seeded else dict(seeded_database[1])
        clock = Clock()
        desk = build_desk(Office.open(desk_config(folder / "nianbao.db"), store, clock), web or WebConfig(host="127.0.0.1", port=0), owns_office=True)
        secret = store.web_secret()
        app = create_app(desk, secret) if limits is None else create_app(desk, secret, limits=limits)
        client = await aiohttp_client(app)
        site = Site(desk, store, clock, ids, client.server, aiohttp_client, str(folder / "nianbao.db"),
                    seeded_database[2] if seeded else None)
        made.append(site)
        return site

    yield make
    for site in made:
        site.desk.close()
        site.store.close()


@pytest.fixture
async def site(make_site) -> Site:
    """The desk in process on a database with the roster only."""
    return await make_site()


@pytest.fixture
async def seeded_site(make_site) -> Site:
    """The desk in process on a copy of the seeded database (drafts and an acceptance)."""
    return await make_site(seeded=True)


@pytest.fixture
def desk(tmp_path: Path):
    store = Store(tmp_path / "nianbao.db")
    ids = seed(store)
    clock = Clock()
    config = desk_config(tmp_path / "nianbao.db")
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="web-desk", daemon=True)
    thread.start()

    async def start() -> RunningDesk:
        web_config = WebConfig(host="127.0.0.1", port=0)
        return await start_desk(build_desk(Office.open(config, store, clock), web_config, owns_office=True))

    running = asyncio.run_coroutine_threadsafe(start(), loop).result(30)
    under_test = DeskUnderTest(running.url, store, clock, running, ids, loop)
    try:
        yield under_test
    finally:
        asyncio.run_coroutine_threadsafe(running.stop(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
        store.close()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium per test process (each test starts with no cookies, see chrome)."""
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="nianbao-chromium-")
    downloads = tempfile.mkdtemp(prefix="nianbao-downloads-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--no-first-run",
        "--disable-sync", f"--user-data-dir={profile}", "--window-size=1400,1000",
    ):
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs", {"download.default_directory": downloads, "download.prompt_for_download": False}
    )
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    driver.downloads = Path(downloads)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
        shutil.rmtree(downloads, ignore_errors=True)


@pytest.fixture
def chrome(browser, desk):
    """The module's browser, signed out, pointed at this test's desk."""
    browser.delete_all_cookies()
    browser.get(desk.url + "/signin")
    browser.delete_all_cookies()
    for old in browser.downloads.iterdir():
        old.unlink()
    return browser
