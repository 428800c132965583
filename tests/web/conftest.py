"""The web desk under test: the real aiohttp application on 127.0.0.1 (its own event loop in a
thread) over a real SQLite file, driven by a real headless Chromium through Selenium."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import threading
from pathlib import Path

import pytest

from nianbao.config import Config
from nianbao.storage import Store
from nianbao.config import WebConfig
from nianbao.web.server import RunningDesk, build_desk, start_desk

from web.harness import CHROMEDRIVER, CHROMIUM, SUPERVISOR, Clock, DeskUnderTest, seed

@pytest.fixture
def desk(tmp_path: Path):
    store = Store(tmp_path / "nianbao.db")
    ids = seed(store)
    clock = Clock()
    config = Config(database=str(tmp_path / "nianbao.db"), supervisors=frozenset({SUPERVISOR}), check_workers=1)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="web-desk", daemon=True)
    thread.start()

    async def start() -> RunningDesk:
        web_config = WebConfig(host="127.0.0.1", port=0)
        return await start_desk(build_desk(config, store, web_config, clock))

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
