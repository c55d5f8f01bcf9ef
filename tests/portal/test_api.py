"""The Open Referral UK 3.0 API: responses valid against the ORUK 3.0 schemas kept in tests/schemas/oruk3."""

import json
from pathlib import Path

import jsonschema
import pytest
from fastapi.testclient import TestClient

from directory import index, oruk
from directory.store import open_db
from directory.taxonomy import category_by_code
from portal.app import create_app
from portal.settings import Settings
from tests.builders import service

SCHEMAS = Path(__file__).parent.parent / "schemas" / "oruk3"
LISTINGS = [
    service("debt", "Lewisham Money Advice", "Free advice if you are behind on rent or bills.", ("money-debt",),
            postcode="SE6 4RU", phones=[{"id": "0b7e7c1a-9a52-4a8e-8f7e-0d6f3f1d2a01", "number": "020 7946 0100"}]),
    service("food", "Deptford Community Pantry", "Low-cost groceries and free food parcels.", ("food",),
            postcode="SE8 4BG"),
    service("online", "Online wellbeing course", "A free six-week course on managing stress.", ("mental-health",),
            postcode=None),
    service("hidden", "Draft listing", "Not yet approved.", ("food",), publication_status="draft"),
]


def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / "compiled" / name).read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def _page_schema() -> dict:
    return json.loads((SCHEMAS / "openapi.json").read_text())["components"]["schemas"]["Page"]


def assert_valid(validator: jsonschema.Draft202012Validator, item: dict) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(item)]
    assert not errors, errors


def assert_page(body: dict, item_validator: jsonschema.Draft202012Validator | None = None) -> None:
    jsonschema.validate(body, _page_schema())
    assert set(body) == {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty",
                         "contents"}
    assert body["size"] == len(body["contents"])
    for item in body["contents"]:
        if item_validator:
            assert_valid(item_validator, item)


@pytest.fixture
def client(tmp_path: Path, embedder):  # noqa: ANN001, ANN201
    db = open_db(tmp_path / "portal.db")
    oruk.import_services(db, LISTINGS)
    index.refresh_embeddings(db, embedder)
    db.close()
    with TestClient(create_app(Settings(db=tmp_path / "portal.db"))) as test_client:
        yield test_client


def test_services_page_is_an_oruk_page_of_valid_service_list_items(client: TestClient) -> None:
    body = client.get("/api/v1/services", params={"per_page": 2}).json()
    assert_page(body, _validator("service_list.json"))
    assert (body["total_items"], body["total_pages"], body["size"], body["first_page"], body["last_page"]) == \
        (3, 2, 2, True, False)
    second = client.get("/api/v1/services", params={"per_page": 2, "page": 2}).json()
    assert (second["page_number"], second["size"], second["last_page"]) == (2, 1, True)


def test_text_search_finds_by_meaning_and_the_oruk_search_name_works_too(client: TestClient) -> None:
    for param in ("text", "search"):
        body = client.get("/api/v1/services", params={param: "I can't pay my rent"}).json()
        assert body["contents"][0]["name"] == "Lewisham Money Advice"
        assert body["contents"][0]["organization"]["name"] == "Test Community Trust"


def test_taxonomy_term_postcode_and_proximity_filter(client: TestClient) -> None:
    food = category_by_code("food")
    by_term = client.get("/api/v1/services", params={"taxonomy_term_id": food.id}).json()
    assert [s["name"] for s in by_term["contents"]] == ["Deptford Community Pantry"]
    near = client.get("/api/v1/services", params={"postcode": "SE8 4BG", "proximity": 1500}).json()
    assert [s["name"] for s in near["contents"]] == ["Deptford Community Pantry"]
    nearest_first = client.get("/api/v1/services", params={"postcode": "SE6 4RU"}).json()
    assert [s["name"] for s in nearest_first["contents"]][:2] == ["Lewisham Money Advice", "Deptford Community Pantry"]


def test_a_bad_postcode_is_a_400_with_a_clear_message(client: TestClient) -> None:
    response = client.get("/api/v1/services", params={"postcode": "nowhere", "proximity": 1000})
    assert response.status_code == 400
    assert "does not look like a postcode" in response.json()["detail"]


def test_one_service_is_fully_nested_and_valid(client: TestClient) -> None:
    listing = LISTINGS[0]
    body = client.get(f"/api/v1/services/{listing['id']}").json()
    assert_valid(_validator("service.json"), body)
    assert body["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "SE6 4RU"
    assert body["attributes"][0]["taxonomy_term"]["name"] == "Money and debt"
    assert body["phones"][0]["number"] == "020 7946 0100"
    assert "publication_status" not in body


def test_drafts_and_unknown_ids_are_not_found(client: TestClient) -> None:
    assert client.get(f"/api/v1/services/{LISTINGS[3]['id']}").status_code == 404
    assert client.get("/api/v1/services/00000000-0000-4000-8000-000000000000").status_code == 404


def test_taxonomies_terms_and_service_at_locations_are_valid_pages(client: TestClient) -> None:
    taxonomies = client.get("/api/v1/taxonomies").json()
    assert_page(taxonomies)
    taxonomy_schema = json.loads((SCHEMAS / "taxonomy.json").read_text())
    for item in taxonomies["contents"]:
        jsonschema.validate(item, taxonomy_schema)
    terms = client.get("/api/v1/taxonomy_terms", params={"taxonomy_id": taxonomies["contents"][0]["id"]}).json()
    assert_page(terms)
    term_schema = json.loads((SCHEMAS / "taxonomy_term.json").read_text())
    for item in terms["contents"]:
        jsonschema.validate(item, term_schema)
    assert terms["total_items"] == 15
    places = client.get("/api/v1/service_at_locations").json()
    assert_page(places, _validator("service_at_location_list.json"))
    assert places["total_items"] == 2  # the draft's location is not published


def test_cors_is_open_for_get_and_openapi_is_published(client: TestClient) -> None:
    response = client.get("/api/v1/services", headers={"Origin": "https://partner.example.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    spec = client.get("/openapi.json").json()
    assert "/api/v1/services" in spec["paths"] and "/api/v1/services/{service_id}" in spec["paths"]


def test_every_api_search_is_logged_without_personal_data(client: TestClient, tmp_path: Path) -> None:
    client.get("/api/v1/services", params={"text": "debt help call me on 07700 900123", "postcode": "SE6 4RU",
                                           "lang": "pl"})
    client.app.state.search_log.flush()
    [row] = open_db(tmp_path / "portal.db")["search_log"].rows
    assert row["query"] == "debt help call me on [phone]"
    assert (row["outcode"], row["language"]) == ("SE6", "pl")


@pytest.mark.parametrize("name, most", [("text", 500), ("search", 500), ("taxonomy_term_id", 100),
                                        ("postcode", 20), ("neighbourhood", 100), ("language", 100), ("lang", 100)])
def test_every_text_parameter_has_a_documented_most_and_longer_is_a_clear_400(client: TestClient, name: str,
                                                                              most: int) -> None:
    spec = client.get("/openapi.json").json()["paths"]["/api/v1/services"]["get"]["parameters"]
    assert next(p for p in spec if p["name"] == name)["schema"]["anyOf"][0]["maxLength"] == most
    response = client.get("/api/v1/services", params={name: "x" * (most + 1)})
    assert response.status_code == 400
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["query", name] and f"at most {most} characters" in problem["msg"]
    assert "x" * (most + 1) not in response.text  # the input is not echoed back


def test_an_essay_sent_as_a_search_is_refused_before_anything_is_embedded(client: TestClient, monkeypatch) -> None:  # noqa: ANN001
    from directory import search

    embedded: list[str] = []
    monkeypatch.setattr(search, "_query_vector", lambda embedder, text: embedded.append(text))
    assert client.get("/api/v1/services", params={"text": "help " * 4000}).status_code == 400
    assert embedded == []


@pytest.mark.parametrize("params", [{"page": "1e29"}, {"proximity": "1e308"}, {"proximity": "nan"}])
def test_numbers_that_cannot_be_used_are_a_400_not_a_crash(client: TestClient, params: dict) -> None:
    assert client.get("/api/v1/services", params=params).status_code == 400
    # (paging out of range is brought within it instead: see test_oruk_api)


def test_a_language_the_portal_does_not_speak_is_not_kept_in_the_search_log(client: TestClient,
                                                                           tmp_path: Path) -> None:
    client.get("/api/v1/services", params={"text": "food", "lang": "=HYPERLINK(\"http://x\")"})
    client.app.state.search_log.flush()
    [row] = open_db(tmp_path / "portal.db")["search_log"].rows
    assert row["language"] is None
