"""A live portal on 127.0.0.1 and Debian's Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils
import time_machine

from directory.store import Database
from portal.settings import Settings
from tests.conftest import london
from tests.live import free_port, serve

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def live_db(seeded_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The live portal's private copy of the demonstration directory, for tests to add accounts to."""
    db = tmp_path_factory.mktemp("live") / "portal.db"
    shutil.copy(seeded_file, db)
    return db


def live_database(path: Path) -> sqlite_utils.Database:
    """The live portal's database as a test writes to it: waiting up to 30 s for the server's own writes
    (a listing re-embedded under load) rather than failing after Python's default 5 s."""
    return Database(sqlite3.connect(path, timeout=30))


@pytest.fixture(scope="session")
def live_server(live_db: Path) -> Iterator[str]:
    """The portal over `live_db` (the assistant switched off)."""
    with serve(Settings(db=live_db, secret_key="browser-tests", rasa_url=""), free_port()) as base:
        yield base


@pytest.fixture
def weekday_morning() -> Iterator[None]:
    """A Wednesday at 10:30 in London for the live portal (it runs in this process), when most listings are open:
    an "open now" journey needs some to be, whenever the suite runs."""
    with time_machine.travel(london("2026-12-09T10:30"), tick=True):
        yield


@pytest.fixture(scope="session")
def browser():  # noqa: ANN201 - a playwright Browser
    if not Path(CHROMIUM).exists():
        if os.environ.get("PORTAL_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium is not at {CHROMIUM}: `make test` installs Debian's chromium package")
        pytest.skip(f"Chromium is not at {CHROMIUM} (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking"]
        )
        yield launched
        launched.close()


@pytest.fixture
def phone(browser):  # noqa: ANN001, ANN201 - a page at phone size, JavaScript on
    context = browser.new_context(viewport=PHONE, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_without_javascript(browser):  # noqa: ANN001, ANN201
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.fixture
def audited(browser):  # noqa: ANN001, ANN201 - axe-core needs its script let in past the portal's CSP
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    yield context.new_page()
    context.close()
