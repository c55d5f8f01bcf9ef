"""On a hub kiosk, strangers use one screen in turn: a visit needs no keyboard, and left alone the screen
counts down in view, then wipes the visit and returns to the language choice."""

import shutil
import socket
from pathlib import Path

import pytest

from portal.settings import Settings
from tests.browser.conftest import serve
from tests.browser.journeys import until

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def kiosk_db(seeded_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The kiosk portal's own copy of the directory, for a test to add a survey to."""
    db = tmp_path_factory.mktemp("kiosk") / "portal.db"
    shutil.copy(seeded_file, db)
    return db


@pytest.fixture(scope="module")
def impatient_kiosk(kiosk_db: Path):  # noqa: ANN201
    """A portal whose kiosk starts again after 3 s idle and a 2 s countdown (90 s and 20 s in use)."""
    db = kiosk_db
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = Settings(db=db, secret_key="kiosk", rasa_url="", kiosk_idle_s=3, kiosk_countdown_s=2)
    with serve(settings, port) as base:
        yield base


def test_a_visit_by_touch_alone_then_left_idle_is_wiped(browser, impatient_kiosk: str) -> None:
    context = browser.new_context(viewport={"width": 1080, "height": 1920}, has_touch=True)
    page = context.new_page()
    page.goto(f"{impatient_kiosk}/kiosk")
    page.tap("a[hreflang=pl]")
    page.wait_for_url(f"{impatient_kiosk}/pl/kiosk/chat")
    page.tap(".np-kiosk__needs button >> nth=2")  # food
    page.wait_for_selector("#np-chat-log .np-chat__listings a")
    page.goto(f"{impatient_kiosk}/pl/kiosk/take-away")
    assert page.locator("img.np-qr").count() == 1
    page.goto(f"{impatient_kiosk}/pl/kiosk/chat")
    until(page, "document.getElementById('np-idle').open", timeout=10)
    assert page.locator("#np-idle-seconds").inner_text() in ("1", "2")
    page.wait_for_url(f"{impatient_kiosk}/kiosk", timeout=10000)
    page.goto(f"{impatient_kiosk}/pl/kiosk/take-away")
    assert page.locator("img.np-qr").count() == 0 and page.locator(".np-result").count() == 0
    context.close()


def test_a_touch_during_the_countdown_keeps_the_visit(browser, impatient_kiosk: str) -> None:
    context = browser.new_context(viewport={"width": 1080, "height": 1920}, has_touch=True)
    page = context.new_page()
    page.goto(f"{impatient_kiosk}/en/kiosk/chat")
    until(page, "document.getElementById('np-idle').open", timeout=10)
    page.tap("#np-idle-stay")
    assert not page.evaluate("document.getElementById('np-idle').open")
    assert page.url.endswith("/en/kiosk/chat")
    context.close()


def test_a_survey_left_half_answered_on_a_kiosk_starts_again_empty(browser, impatient_kiosk: str,
                                                                    kiosk_db: Path) -> None:
    import sqlite3
    from datetime import date

    from directory.store import Database
    from surveys import store
    from surveys.questions import TEXT, Question

    context = browser.new_context(viewport={"width": 1080, "height": 1920}, has_touch=True)
    page = context.new_page()
    db = Database(sqlite3.connect(kiosk_db, timeout=30))
    made = store.create_survey(db, "Kiosk survey", "Why", "", date.today().isoformat(), "2099-12-31", "lead")
    store.save_question(db, made.id, Question("", TEXT, "What would help?"))
    store.update_survey(db, made.id, published=1)
    page.goto(f"{impatient_kiosk}/s/{made.code}?channel=kiosk")
    with page.expect_navigation(timeout=15000):  # the countdown ends and the kiosk starts again
        page.fill("textarea", "Something private I started to type")
    page.wait_for_load_state()
    assert page.url == f"{impatient_kiosk}/s/{made.code}?channel=kiosk"
    assert page.locator("textarea").input_value() == ""
    context.close()
