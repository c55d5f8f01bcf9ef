"""Editors translate every text a resident reads on a listing (who it is for, how to start, cost, notes on
opening times, how to get there, access), not only its name and description; a translated page shows them, a
text left in English is isolated and said to be English, and words in any of them find the listing."""

from __future__ import annotations

import sqlite_utils
from fastapi.testclient import TestClient

from directory.publishing import publish_translation
from directory.search import SearchQuery, search
from directory.translations import translations_of

CATFORD_FOOD_BANK = "7d8d757b-6e46-575a-8d1f-25e26ec743a2"  # for "People referred with a food bank voucher."


def test_a_translated_listing_shows_every_translated_text_and_marks_what_is_still_english(
        client: TestClient, seeded_db: sqlite_utils.Database) -> None:
    publish_translation(seeded_db, CATFORD_FOOD_BANK, "pl", "Bank żywności w Catford", "Żywność na trzy dni.",
                     {"how_to_start": "Przyjdź z talonem na żywność.", "access": "Wejście bez schodów."})
    page = client.get(f"/pl/services/{CATFORD_FOOD_BANK}").text
    assert "Przyjdź z talonem na żywność." in page and "Wejście bez schodów." in page
    assert '<span lang="en" dir="ltr">People referred with a food bank voucher.</span> ' \
           '<span class="np-in-english">(po angielsku)</span>' in page  # who it is for: not translated


def test_words_from_a_translated_field_find_the_listing(seeded_db: sqlite_utils.Database) -> None:
    publish_translation(seeded_db, CATFORD_FOOD_BANK, "pl", "Bank żywności w Catford", "Żywność na trzy dni.",
                     {"access": "Wejście bez schodów, pętla indukcyjna."})
    found = search(seeded_db, SearchQuery(text="pętla indukcyjna", query_language="pl"), None)
    assert CATFORD_FOOD_BANK in [hit.listing.id for hit in found.hits]


def test_only_known_texts_are_kept_and_blank_ones_are_dropped(seeded_db: sqlite_utils.Database) -> None:
    publish_translation(seeded_db, CATFORD_FOOD_BANK, "ar", "بنك الطعام", "طعام", {"fees": " مجاني ", "access": "  ",
                                                                            "password": "x"})
    assert translations_of(seeded_db, CATFORD_FOOD_BANK)["ar"].fields == {"fees": "مجاني"}


def test_how_to_get_there_shows_in_english_until_an_editor_translates_it(
        client: TestClient, seeded_db: sqlite_utils.Database) -> None:
    english = client.get(f"/ar/services/{CATFORD_FOOD_BANK}").text
    assert '<span lang="en" dir="ltr">Next to Catford Bridge station.' in english
    publish_translation(seeded_db, CATFORD_FOOD_BANK, "ar", "بنك الطعام في كاتفورد", "طعام لثلاثة أيام.",
                     {"transportation": "بجانب محطة كاتفورد بريدج."})
    translated = client.get(f"/ar/services/{CATFORD_FOOD_BANK}").text
    assert "بجانب محطة كاتفورد بريدج." in translated and "Next to Catford Bridge station." not in translated
