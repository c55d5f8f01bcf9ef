"""A resident on a phone finds help for "I can't pay my rent", narrows it to free and open now, saves a
listing and sees it on their shortlist: in English, in Arabic (right to left) and with JavaScript off."""

import pytest

from tests.browser.journeys import search_filter_open_save, shortlist_has, until

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.usefixtures("weekday_morning")
def test_a_resident_searches_filters_saves_and_sees_the_shortlist(phone, live_server: str) -> None:
    listing = search_filter_open_save(phone, live_server)
    assert phone.locator("#np-shortlist-count").inner_text() == "(1)"
    shortlist_has(phone, live_server, listing)


@pytest.mark.usefixtures("weekday_morning")
def test_the_same_journey_in_arabic_reads_right_to_left(phone, live_server: str) -> None:
    listing = search_filter_open_save(phone, live_server, "ar")
    assert phone.get_attribute("html", "dir") == "rtl" and phone.get_attribute("html", "lang") == "ar"
    direction = phone.evaluate("getComputedStyle(document.querySelector('main')).direction")
    assert direction == "rtl"
    shortlist_has(phone, live_server, listing, "ar")


@pytest.mark.usefixtures("weekday_morning")
def test_the_same_journey_works_with_javascript_off(phone_without_javascript, live_server: str) -> None:
    listing = search_filter_open_save(phone_without_javascript, live_server)
    shortlist_has(phone_without_javascript, live_server, listing)


def test_typing_shows_results_live_and_updates_the_address(phone, live_server: str) -> None:
    phone.goto(f"{live_server}/search?q=food")
    phone.wait_for_selector(".np-result")
    phone.fill("#q", "")
    phone.type("#q", "debt advice", delay=20)
    until(phone, "new URLSearchParams(location.search).get('q') === 'debt advice'")
    until(phone, "document.querySelector('#np-live').textContent.includes('found')")
    assert "debt" in phone.locator(".np-result").first.inner_text().lower()


def test_three_shift_presses_leave_a_sensitive_listing(browser, live_server: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.route("https://www.bbc.co.uk/**", lambda route: route.fulfill(status=200, body="<title>Weather</title>"))
    page.goto(f"{live_server}/services/872b5070-bd7b-5b1e-b78b-a74844553b26")
    until(page, "document.body.classList.contains('govuk-frontend-supported')")
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url("https://www.bbc.co.uk/weather", timeout=10000)
    context.close()
