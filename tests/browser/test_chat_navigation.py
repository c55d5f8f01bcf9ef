"""The conversation lasts the visit in a real browser: open a listing (the only way to its phone and
address) or "See more", press Back, and the whole conversation is there, with JavaScript on or off, in
English and in Arabic."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _send(page, words: str) -> None:  # noqa: ANN001
    page.fill("input[name=message]", words)
    page.press("input[name=message]", "Enter")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_back_from_a_listing_shows_the_whole_conversation(phone, live_server: str, language: str) -> None:  # noqa: ANN001
    page = phone
    page.goto(f"{live_server}/{language}/chat")
    _send(page, "food bank")
    page.wait_for_selector(".np-chat__message--resident >> nth=0")
    _send(page, "debt advice")
    page.wait_for_selector(".np-chat__message--resident >> nth=1")
    page.locator(".np-chat__listings a").first.click()
    page.wait_for_url("**/services/**")
    page.go_back()
    page.wait_for_selector(".np-chat__message--resident >> nth=1")
    said = page.locator(".np-chat__message--resident").all_inner_texts()
    assert any("food bank" in s for s in said) and any("debt advice" in s for s in said)


def test_without_javascript_every_turn_stays_and_back_keeps_them(phone_without_javascript, live_server: str) -> None:  # noqa: ANN001
    page = phone_without_javascript
    page.goto(f"{live_server}/pl/chat")
    for words in ("bank żywności", "porada w sprawie długów"):
        _send(page, words)
        page.wait_for_url("**/pl/chat#np-latest")
    assert page.locator(".np-chat__message--resident").count() == 2
    page.locator(".np-chat__listings a").first.click()
    page.wait_for_url("**/pl/services/**")
    page.go_back()
    page.wait_for_load_state()
    assert page.locator(".np-chat__message--resident").count() == 2
