"""On a hub kiosk, strangers use one screen in turn: a visit needs no keyboard, and left alone the screen
counts down in view, then wipes the visit and returns to the language choice.

The kiosk's timers run on Playwright's test clock, not real seconds: the portal's own settings (90 s idle,
a 20 s countdown) are tried exactly, however busy the machine is.
"""

from pathlib import Path

import pytest

from directory.schedules import london_today
from tests.browser.conftest import live_database

pytestmark = [pytest.mark.browser, pytest.mark.slow]
IDLE_MS, COUNTDOWN_MS = 90_000, 20_000  # Settings.kiosk_idle_s and kiosk_countdown_s


@pytest.fixture
def kiosk(browser):  # noqa: ANN001, ANN201 - a portrait touch screen whose timers the test drives
    context = browser.new_context(viewport={"width": 1080, "height": 1920}, has_touch=True)
    context.clock.install()
    yield context.new_page()
    context.close()


def _countdown_open(page) -> bool:  # noqa: ANN001
    return page.evaluate("document.getElementById('np-idle').open")


def test_a_visit_by_touch_alone_then_left_idle_is_wiped(kiosk, live_server: str) -> None:
    page = kiosk
    page.goto(f"{live_server}/kiosk")
    page.tap("a[hreflang=pl]")
    page.wait_for_url(f"{live_server}/pl/kiosk/chat")
    page.tap(".np-kiosk__needs button >> nth=2")  # food
    page.wait_for_selector("#np-chat-log .np-chat__listings a")
    page.goto(f"{live_server}/pl/kiosk/take-away")
    assert page.locator("img.np-qr").count() == 1
    page.goto(f"{live_server}/pl/kiosk/chat")
    page.clock.run_for(IDLE_MS - 1_000)
    assert not _countdown_open(page)  # a minute and a half of reading is not "gone"
    page.clock.run_for(2_000)
    assert _countdown_open(page) and page.locator("#np-idle-seconds").inner_text() == "19"
    page.clock.run_for(COUNTDOWN_MS)
    page.wait_for_url(f"{live_server}/kiosk")
    page.goto(f"{live_server}/pl/kiosk/take-away")
    assert page.locator("img.np-qr").count() == 0 and page.locator(".np-result").count() == 0


def test_a_touch_during_the_countdown_keeps_the_visit(kiosk, live_server: str) -> None:
    page = kiosk
    page.goto(f"{live_server}/en/kiosk/chat")
    page.clock.run_for(IDLE_MS + 1_000)
    assert _countdown_open(page)
    page.tap("#np-idle-stay")
    assert not _countdown_open(page)
    page.clock.run_for(COUNTDOWN_MS + 5_000)  # past when the countdown would have ended: the idle time began again
    assert page.url.endswith("/en/kiosk/chat") and not _countdown_open(page)


def test_a_survey_left_half_answered_on_a_kiosk_starts_again_empty(kiosk, live_server: str,
                                                                    live_db: Path) -> None:
    from surveys import store
    from surveys.questions import TEXT, Question

    page = kiosk
    db = live_database(live_db)
    made = store.create_survey(db, "Kiosk survey", "Why", "", london_today().isoformat(), "2099-12-31", "lead")
    store.save_question(db, made.id, Question("", TEXT, "What would help?"))
    store.update_survey(db, made.id, published=1)
    page.goto(f"{live_server}/s/{made.code}?channel=kiosk")
    page.fill("textarea", "Something private I started to type")
    with page.expect_navigation():  # the countdown ends and the kiosk starts the survey again
        page.clock.run_for(IDLE_MS + COUNTDOWN_MS + 1_000)
    page.wait_for_url(f"{live_server}/s/{made.code}?channel=kiosk")
    assert page.locator("textarea").input_value() == ""


def test_a_visitor_opens_a_listing_and_comes_back_and_after_the_wipe_back_shows_nothing(kiosk, live_server: str,
                                                                                         ) -> None:
    page = kiosk
    page.goto(f"{live_server}/en/kiosk/chat")
    page.tap(".np-kiosk__needs button >> nth=2")  # food
    answer = page.locator("#np-latest")
    answer.wait_for()
    assert page.evaluate("document.activeElement.id") == "np-latest"  # the answer takes focus, in view
    assert page.evaluate("(() => { const r = document.getElementById('np-latest').getBoundingClientRect();"
                         " return r.top >= 0 && r.top < window.innerHeight; })()")
    page.locator("#np-chat-log .np-chat__listings a").first.tap()
    page.wait_for_url(f"{live_server}/kiosk/services/**")
    listing_url = page.url
    assert page.locator("body.np-kiosk").count() == 1 and page.locator("text=Start again").count() >= 1
    hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))")
    assert all(h.startswith(("/kiosk", "tel:", "#")) for h in hrefs), hrefs
    page.go_back()
    page.wait_for_selector("#np-chat-log .np-chat__listings a")  # the conversation is still there
    page.clock.run_for(IDLE_MS + COUNTDOWN_MS + 1_000)
    page.wait_for_url(f"{live_server}/kiosk")
    page.go_back()
    page.wait_for_load_state()
    assert page.locator("#np-chat-log .np-chat__listings a").count() == 0
    page.goto(listing_url)  # the last visitor's listing, straight from the history
    page.wait_for_url(f"{live_server}/kiosk")


def test_the_take_away_prints_what_to_go_there_with_and_no_link_addresses(kiosk, live_server: str) -> None:
    page = kiosk
    page.goto(f"{live_server}/en/kiosk/chat")
    page.tap(".np-kiosk__needs button >> nth=2")  # food
    page.wait_for_selector("#np-latest")
    page.goto(f"{live_server}/en/kiosk/take-away")
    page.emulate_media(media="print")
    after = page.eval_on_selector_all("main a", "links => links.map(a => getComputedStyle(a, '::after').content)")
    assert after and all(content in ("none", "normal") for content in after)
    assert page.locator("main .govuk-button:visible").count() == 0  # "Back" and "Print" are for the screen
    printed = page.inner_text("main")
    assert "Address:" in printed and "Phone:" in printed and "(/" not in printed
