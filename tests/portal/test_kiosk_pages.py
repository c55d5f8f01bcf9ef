"""A kiosk keeps each visitor to themselves: every page reached from it stays in the kiosk's layout and no
link leads away; a listing opens only for the visitor who was shown it; nothing is cached; the take-away
carries what a person needs to go there; and the first screen asks in every language it offers."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.portal.pages import csrf_token, reset_link
from tests.portal.test_chat import _press

LINK = re.compile(r'href="([^"]*)"')
KIOSK_LINK = re.compile(r"^(/[a-z]{2})?/(kiosk|static)(/|$)|^tel:|^#")


def _links_leaving(page: str) -> list[str]:
    main = page.split('id="main-content"', 1)[1]
    return [link for link in LINK.findall(main) if not KIOSK_LINK.match(link)]


def _first_listing(page: str) -> str:
    return re.search(r'href="(/[a-z]{2}/kiosk/services/[0-9a-f-]{36}|/kiosk/services/[0-9a-f-]{36})"', page).group(1)


def test_a_need_on_the_kiosk_shows_places_that_open_in_the_kiosk(no_assistant: TestClient) -> None:
    page = _press(no_assistant, "/pl/kiosk/chat", "Jedzenie").text
    assert "/pl/services/" not in page and _links_leaving(page) == []
    listing = no_assistant.get(_first_listing(page))
    assert listing.status_code == 200 and "np-kiosk" in listing.text and 'href="/kiosk/reset?t=' in listing.text
    assert listing.headers["cache-control"] == "no-store" and _links_leaving(listing.text) == []
    assert "Zgłoś problem" not in listing.text and "openstreetmap" not in listing.text


def test_a_listing_not_shown_to_this_visitor_goes_back_to_the_start(no_assistant: TestClient) -> None:
    page = _press(no_assistant, "/kiosk/chat", "Food").text
    shown = _first_listing(page)
    no_assistant.get(reset_link(page))
    after = no_assistant.get(shown, follow_redirects=False)  # Back, after the screen started again
    assert after.status_code == 303 and after.headers["location"] == "/kiosk"


def test_see_more_on_a_kiosk_is_the_kiosks_own_list(no_assistant: TestClient) -> None:
    more = no_assistant.get("/ar/kiosk/search", params={"q": "food", "category": "food"})
    assert more.status_code == 200 and 'dir="rtl"' in more.text and _links_leaving(more.text) == []
    opened = no_assistant.get(_first_listing(more.text))
    assert opened.status_code == 200 and "np-kiosk" in opened.text
    odd = no_assistant.get("/kiosk/search", params={"q": "food", "postcode": "NOT A PLACE", "category": "nope"})
    assert odd.status_code == 200  # a place or topic it cannot use is dropped, not an error


def test_the_take_away_carries_address_phone_hours_and_how_to_get_there(no_assistant: TestClient) -> None:
    _press(no_assistant, "/kiosk/chat", "Food")
    take_away = no_assistant.get("/kiosk/take-away").text
    assert "Address:" in take_away and "Phone:" in take_away and re.search(r"day(–\w+day)?: \d\d:\d\d", take_away)
    assert re.search(r"Getting there: <span[^>]*>[^<]*(station|[Bb]us)", take_away)
    assert _links_leaving(take_away) == []


def test_every_kiosk_page_is_never_cached(no_assistant: TestClient) -> None:
    for path in ("/kiosk", "/kiosk/chat", "/kiosk/take-away", "/pl/kiosk/search?q=food", "/chat"):
        assert no_assistant.get(path).headers["cache-control"] == "no-store", path


def test_the_first_screen_asks_in_every_language(no_assistant: TestClient) -> None:
    page = no_assistant.get("/kiosk").text
    asks = {"pl": "Wybierz swój język", "ar": "اختر لغتك", "so": "Dooro luqaddaada", "bn": "আপনার ভাষা বেছে নিন"}
    for code, ask in asks.items():
        assert re.search(rf'<a [^>]*lang="{code}"[^>]*>[^<]*<span class="np-kiosk__ask">{ask}</span>', page), code


def test_a_link_from_elsewhere_cannot_wipe_a_visit_only_the_visitors_own_start_again(no_assistant: TestClient) -> None:
    page = _press(no_assistant, "/kiosk/chat", "Food").text
    for forged in ("/kiosk/reset", "/kiosk/reset?t=0123456789abcdef0123456789abcdef"):
        asked = no_assistant.get(forged, follow_redirects=False)
        assert asked.status_code == 200 and "Start again?" in asked.text  # asks; forgets nothing
        assert 'class="np-result"' in no_assistant.get("/kiosk/take-away").text
    assert no_assistant.post("/kiosk/reset", data={"csrf_token": "forged"}).status_code == 400
    token = csrf_token(no_assistant, "/kiosk/reset")
    button = no_assistant.post("/kiosk/reset", data={"csrf_token": token}, follow_redirects=False)
    assert button.status_code == 303 and button.headers["location"] == "/kiosk"
    assert 'class="np-result"' not in no_assistant.get("/kiosk/take-away").text
    assert reset_link(page).startswith("/kiosk/reset?t=")
