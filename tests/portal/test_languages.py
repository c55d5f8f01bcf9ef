"""Residents read the portal in their language: chosen in the URL, remembered in a cookie, guessed from
the browser; right-to-left for Arabic; dates, distances and plurals in the locale's own way."""

import re

import pytest
from fastapi.testclient import TestClient

from directory.publishing import publish_translation
from directory.store import open_db
from portal.languages import LANGUAGES, choose, from_accept_language
from tests.portal.pages import listing_links, set_last_reviewed


def test_the_language_comes_from_the_url_then_the_cookie_then_the_browser() -> None:
    assert choose("pl", None, "fr", "es") == "pl"
    assert choose(None, "ar", "fr", "es") == "ar"
    assert choose(None, None, "fr", "es") == "fr"
    assert choose(None, None, None, "es-ES,es;q=0.9,en;q=0.5") == "es"
    assert choose(None, None, "xx", "de-DE,de") == "en"


def test_accept_language_honours_quality_values() -> None:
    assert from_accept_language("en;q=0.3, so;q=0.9, tr;q=0.5") == "so"
    assert from_accept_language("de, ja") is None
    assert from_accept_language("pt-BR;q=0") is None


@pytest.mark.parametrize("language", [lang.code for lang in LANGUAGES])
def test_every_language_has_a_home_page_with_lang_and_dir(client: TestClient, language: str) -> None:
    page = client.get(f"/{language}/").text
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{language}" dir="{direction}"' in page
    if language != "en":
        assert "What do you need help with?" not in page


def test_the_picker_lists_every_language_in_its_own_name_and_keeps_the_page(client: TestClient) -> None:
    page = client.get("/search", params={"q": "food"}).text
    for name in ("Polski", "Português", "Español", "Türkçe", "Soomaali", "Français", "العربية", "বাংলা"):
        assert name in page
    assert 'href="/ar/search?q=food" lang="ar" hreflang="ar" dir="rtl"' in page


def test_a_choice_in_the_url_is_remembered_in_a_cookie(client: TestClient) -> None:
    first = client.get("/", params={"lang": "tr"})
    assert "lang=tr" in first.headers["set-cookie"]
    assert '<html lang="tr"' in client.get("/privacy").text


def test_the_browser_language_is_used_when_nothing_else_says(client: TestClient) -> None:
    page = client.get("/", headers={"Accept-Language": "so-SO,so;q=0.9"}).text
    assert '<html lang="so"' in page


def test_links_stay_in_the_chosen_language(client: TestClient) -> None:
    page = client.get("/pl/search", params={"q": "jedzenie"}).text
    assert 'action="/pl/search"' in page and 'href="/pl/services/' in page


def test_searching_from_any_language_page_searches_the_whole_directory(client: TestClient) -> None:
    english = listing_links(client.get("/en/search", params={"q": "food bank"}).text)
    arabic = listing_links(client.get("/ar/search", params={"q": "food bank"}).text)
    assert english and set(english) == set(arabic)


def test_dates_distances_and_plurals_follow_the_locale(client: TestClient, seeded_path) -> None:
    sid = set_last_reviewed(seeded_path, None, "2026-03-05")
    assert "5 marca 2026" in client.get(f"/pl/services/{sid}").text
    assert "5 mars 2026" in client.get(f"/fr/services/{sid}").text
    polish = client.get("/pl/search", params={"q": "food", "postcode": "SE6 4RU"}).text
    assert re.search(r"\d,\d\W?km", polish)  # Polish writes 1,2 km
    assert re.search(r"\d\.\d\W?km", client.get("/en/search", params={"q": "food", "postcode": "SE6 4RU"}).text)
    assert "poniedziałek" in client.get(f"/pl/services/{sid}").text.lower()


def test_a_translated_listing_shows_in_the_language_and_others_say_they_are_in_english(client, seeded_path) -> None:
    db = open_db(seeded_path)
    rows = db.execute("select id from services where publication_status='published' "
                      "and id not in (select service_id from service_translations) limit 2").fetchall()
    translated, untranslated = rows[0][0], rows[1][0]
    publish_translation(db, translated, "tr", "Deneme hizmeti", "Türkçe açıklama. İkinci cümle.")
    db.close()
    page = client.get(f"/tr/services/{translated}").text
    assert "Deneme hizmeti" in page and "Türkçe açıklama" in page
    other = client.get(f"/tr/services/{untranslated}").text
    assert 'lang="en" dir="ltr"' in other and 'class="govuk-inset-text"' in other
    assert 'class="govuk-inset-text"' not in page
