"""What a resident sees after searching, in a real browser at phone width, in English and in Arabic: cards
that say where, when, what it costs and which languages are spoken; and, when nothing fits, an honest page
with topics and a phone line they can tap."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WORDS = {
    "en": {"nothing": "We could not find anything for that", "free": ("Free", "May cost money"), "away": "away",
           "open": ("Open now", "Opens")},
    "ar": {"nothing": "لم نجد شيئًا لهذا البحث", "free": ("مجاني", "قد لا تكون مجانية"), "away": "على بُعد",
           "open": ("مفتوح الآن",)},
}


def _fits_the_phone(page) -> bool:  # noqa: ANN001
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("javascript", [True, False])
def test_nothing_found_offers_topics_the_assistant_and_a_line_to_tap(browser, live_server: str, language: str,
                                                                     javascript: bool, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{live_server}/{language}/search?q=fix+my+car")
    assert page.locator(".np-result").count() == 0
    assert page.get_by_role("heading", name=WORDS[language]["nothing"]).is_visible()
    line = page.locator('main a[href^="tel:"]')
    assert line.is_visible() and line.get_attribute("href") == "tel:02079460000"
    assert page.locator("main .np-topics a, main a[href*='category=']").count() >= 5
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    assert _fits_the_phone(page)
    page.screenshot(path=str(tmp_path / f"nothing-{language}.png"), full_page=True)
    context.close()


@pytest.mark.usefixtures("weekday_morning")
@pytest.mark.parametrize("language", ["en", "ar"])
def test_result_cards_say_how_far_whether_open_and_what_it_costs(phone, live_server: str, language: str,
                                                                 tmp_path: Path) -> None:
    phone.goto(f"{live_server}/{language}/search?q=food+bank&postcode=SE6+4RU&sort=nearest")
    cards = phone.locator(".np-result")
    assert cards.count() >= 2
    texts = [cards.nth(i).inner_text() for i in range(cards.count())]
    assert all(WORDS[language]["away"] in text for text in texts), texts
    assert all(any(word in text for word in WORDS[language]["free"]) for text in texts), texts
    assert any(any(word in text for word in WORDS[language]["open"]) for text in texts), texts
    assert _fits_the_phone(phone)
    phone.screenshot(path=str(tmp_path / f"cards-{language}.png"), full_page=True)
