"""Steps a resident takes, written once and used in every language and with JavaScript on or off."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlparse

SEARCH = "I can't pay my rent"


def until(page, script: str, timeout: float = 10.0) -> None:  # noqa: ANN001
    """Wait for a condition in the page (Playwright's wait_for_function needs eval, which the CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {script}")
        time.sleep(0.05)


def search_filter_open_save(page, base: str, language: str = "") -> str:  # noqa: ANN001
    """Search, filter to free and open now, open the first listing and save it; returns its path."""
    prefix = f"/{language}" if language else ""
    page.goto(f"{base}{prefix}/")
    page.fill("#q", SEARCH)
    page.press("#q", "Enter")
    page.wait_for_selector(".np-result")
    page.click(".np-filters > summary")
    page.check("#free")
    page.check("#open_now")
    if not page.evaluate("document.body.classList.contains('js-enabled')"):
        page.click(".np-search button[type=submit]")
    until(page, "location.search.includes('free=1') && location.search.includes('open_now=1')")
    page.wait_for_selector(".np-result")
    query = parse_qs(urlparse(page.url).query)
    assert query["q"] == [SEARCH] and query["free"] == ["1"] and query["open_now"] == ["1"]
    page.click(".np-result h2 a")
    page.wait_for_selector(".np-save button")
    listing = urlparse(page.url).path
    page.click(".np-save button")
    page.wait_for_selector("form[action$='/shortlist/remove']")
    return listing


def shortlist_has(page, base: str, listing: str, language: str = "") -> None:  # noqa: ANN001
    prefix = f"/{language}" if language else ""
    page.click(".np-header__links a[href$='/shortlist']")
    page.wait_for_url(f"{base}{prefix}/shortlist")
    assert page.locator(f".np-result a[href='{listing}']").count() == 1


STAFF_PASSWORD = "kettle orbit plum sandal"


def sign_in_as(page, base: str, email: str, language: str = "en") -> None:  # noqa: ANN001
    """A member of staff signs in, in a language, from a clean start (no one else's session)."""
    page.context.clear_cookies()
    page.goto(f"{base}/{language}/account/sign-in")
    page.fill("#email", email)
    page.fill("#password", STAFF_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r".*/account$"))
