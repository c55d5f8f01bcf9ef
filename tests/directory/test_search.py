"""Hybrid search as residents use it: their own words, their own language, filters, near a postcode."""

from datetime import UTC, datetime

import pytest

from directory import index, oruk
from directory.embeddings import Embedder, load_embedder
from directory.postcodes import PostcodeError
from directory.search import SearchInputError, SearchQuery, fts_query, search
from tests.builders import service

N1, N3 = "Neighbourhood 1 (North Lewisham)", "Neighbourhood 3 (South East Lewisham)"
WEDNESDAY_NOON = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)
SATURDAY_NOON = datetime(2026, 1, 17, 12, 0, tzinfo=UTC)

LISTINGS = [
    service("debt", "Lewisham Money Advice", "Free confidential advice if you are behind on rent, council tax or "
            "energy bills, or worried about bailiffs and debt.", ("money-debt",), postcode="SE6 4RU",
            neighbourhood=N3, languages=(("English", "en"), ("Polish", "pl"))),
    service("food", "Deptford Community Pantry", "Low-cost groceries and free emergency food parcels for "
            "anyone struggling to afford food.", ("food",), postcode="SE8 4BG", neighbourhood=N1,
            hours=(("SA", "10:00", "13:00"),)),
    service("therapy", "Black Therapists Hub", "Counselling and talking therapy with Black therapists who "
            "understand racism, culture and identity.", ("mental-health",), postcode=None,
            fees="£10 per session"),
    service("youth", "GP Youth Clinic", "Confidential drop-in for young people aged 11 to 25: sexual health, "
            "contraception, mental health and growing up.", ("young-people",), postcode="SE13 6LH"),
    service("carers", "Carers Support Lewisham", "Support, breaks and advice for people who look after a "
            "family member or friend who is ill, disabled or elderly.", ("carers",), postcode="SE26 4PU"),
    service("bp", "Blood pressure checks at the pharmacy", "Walk in for a free blood pressure check; the "
            "pharmacist explains your result.", ("health-checks",), postcode="SE14 6LD", neighbourhood=N1),
    service("draft", "Unapproved listing about debt", "Debt help that is still a draft.", ("money-debt",),
            publication_status="draft"),
]


@pytest.fixture
def directory(db, embedder: Embedder):  # noqa: ANN001, ANN201
    oruk.import_services(db, LISTINGS)
    index.refresh_embeddings(db, embedder)
    return db


def names(results) -> list[str]:  # noqa: ANN001
    return [hit.listing.name for hit in results.hits]


def test_a_residents_own_words_find_debt_advice(directory, embedder: Embedder) -> None:  # noqa: ANN001
    results = search(directory, SearchQuery(text="I can't pay my rent"), embedder)
    assert names(results)[0] == "Lewisham Money Advice"
    assert results.mode == "hybrid"


@pytest.mark.parametrize(("text", "expected"), [
    ("nie mogę zapłacić czynszu", "Lewisham Money Advice"),  # Polish: I can't pay my rent
    ("não tenho dinheiro para comprar comida", "Deptford Community Pantry"),  # Portuguese: no money for food
    ("necesito hablar con un terapeuta", "Black Therapists Hub"),  # Spanish: I need to talk to a therapist
    ("tansiyonumu ölçtürmek istiyorum", "Blood pressure checks at the pharmacy"),  # Turkish
    ("أعتني بأمي المريضة وأحتاج إلى دعم", "Carers Support Lewisham"),  # Arabic: I care for my sick mother
])
def test_a_need_written_in_another_language_finds_the_english_listing(
    directory, embedder: Embedder, text: str, expected: str  # noqa: ANN001
) -> None:
    """Ranking across languages; whether a six-listing directory holds enough to show anything is the scope
    gate's business, tested over the demonstration directory in test_search_trust."""
    assert names(search(directory, SearchQuery(text=text), embedder, reject=False))[0] == expected


def test_drafts_never_appear_in_search(directory, embedder: Embedder) -> None:  # noqa: ANN001
    results = search(directory, SearchQuery(text="debt", limit=50), embedder)
    assert "Unapproved listing about debt" not in names(results)


def test_filters_narrow_results(directory, embedder: Embedder) -> None:  # noqa: ANN001
    def found(**filters) -> set[str]:  # noqa: ANN003
        return set(names(search(directory, SearchQuery(limit=50, **filters), embedder)))

    assert found(categories=["food"]) == {"Deptford Community Pantry"}
    assert "Black Therapists Hub" not in found(free_only=True)
    assert found(language="Polish") == found(language="pl") == {"Lewisham Money Advice"}
    assert found(neighbourhood="1") == {"Deptford Community Pantry", "Blood pressure checks at the pharmacy"}
    assert found(open_now=True, at=SATURDAY_NOON) == {"Deptford Community Pantry"}
    assert "Deptford Community Pantry" not in found(open_now=True, at=WEDNESDAY_NOON)


def test_a_postcode_puts_the_nearest_first_and_near_km_limits_distance(directory, embedder) -> None:  # noqa: ANN001
    results = search(directory, SearchQuery(postcode="SE8 4BG", limit=50), embedder)
    distances = [h.distance_km for h in results.hits if h.distance_km is not None]
    assert names(results)[0] == "Deptford Community Pantry" and distances == sorted(distances)
    assert names(results)[-1] == "Black Therapists Hub"  # no place to visit: listed last
    near = search(directory, SearchQuery(postcode="SE8 4BG", near_km=2.0, limit=50), embedder)
    assert set(names(near)) == {"Deptford Community Pantry", "Blood pressure checks at the pharmacy"}
    assert all(h.distance_km <= 2.0 for h in near.hits)


def test_sort_by_distance_keeps_only_relevant_results(directory, embedder) -> None:  # noqa: ANN001
    results = search(directory, SearchQuery(text="food", postcode="SE26 4PU", sort="distance"), embedder)
    assert names(results)[0] == "Deptford Community Pantry"
    assert "Carers Support Lewisham" not in names(results)


def test_input_a_person_must_correct_gets_a_clear_message(directory, embedder) -> None:  # noqa: ANN001
    with pytest.raises(PostcodeError, match="does not look like a postcode"):
        search(directory, SearchQuery(text="food", postcode="12345"), embedder)
    with pytest.raises(SearchInputError, match="no category called “pets”"):
        search(directory, SearchQuery(categories=["pets"]), embedder)
    with pytest.raises(SearchInputError, match="Give a postcode"):
        search(directory, SearchQuery(near_km=2), embedder)


def test_without_a_model_search_falls_back_to_words(directory) -> None:  # noqa: ANN001
    results = search(directory, SearchQuery(text="blood pressure"), None)
    assert results.mode == "keyword"
    assert names(results) == ["Blood pressure checks at the pharmacy"]


def test_a_model_that_cannot_load_is_logged_and_search_carries_on(directory, caplog) -> None:  # noqa: ANN001
    embedder = load_embedder("no-such-model")
    assert embedder is None
    assert "could not load" in caplog.text and "keyword search only" in caplog.text
    assert names(search(directory, SearchQuery(text="pantry"), embedder)) == ["Deptford Community Pantry"]


def test_a_changed_listing_is_searchable_at_once(directory, embedder: Embedder) -> None:  # noqa: ANN001
    renamed = service("food", "Deptford Community Pantry", "Free hot meals and a warm space every Saturday.",
                      ("food",), postcode="SE8 4BG", neighbourhood=N1)
    oruk.import_services(directory, [renamed])
    assert index.refresh_embeddings(directory, embedder) == 1  # only the changed listing is embedded again
    assert names(search(directory, SearchQuery(text="hot meals"), embedder))[0] == "Deptford Community Pantry"


def test_reindexing_unchanged_listings_embeds_nothing(directory, embedder: Embedder) -> None:  # noqa: ANN001
    oruk.import_services(directory, LISTINGS)
    assert index.refresh_embeddings(directory, embedder) == 0


def test_the_word_query_forgives_punctuation_and_matches_what_is_being_typed() -> None:
    assert fts_query('help with "debt" AND rent') == '"debt" OR "rent"'
    assert fts_query("counselling for anxiety", prefix=True) == '"counsel" OR "anxieti"*'
    assert fts_query("the") is None


def test_words_are_stemmed_in_the_language_searched_in_and_its_small_words_never_count() -> None:
    assert fts_query("nie mogę zapłacić czynszu", "pl") == \
        '"mog" OR "moge" OR "zapłac" OR "zapłacic" OR "czynsz" OR "czynszu"'  # "nie" (not) is gone
    assert fts_query("de la comida", "es") == '"com" OR "comida"'
    assert fts_query("mam problem z universal credit", "pl") == '"probl" OR "problem" OR "universal" OR "credit"'
