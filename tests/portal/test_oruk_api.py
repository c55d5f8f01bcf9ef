"""The whole Open Referral UK 3.0 API over the demonstration directory, as the ORUK validator and a partner
polling it would use it: every endpoint and every item valid against the uk-profile, paging walked from the
first page through the middle to the last, every filter, answers in residents' languages, and conditional
requests that cost a 304."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.publishing import publish_listing
from directory.store import open_db
from directory.translations import load_listing
from tests.schemas.oruk_profile import openapi
from tests.schemas.oruk_profile import schema as schema_named

PROFILE = openapi()
LISTS = {"/services": 7, "/service_at_locations": 9, "/taxonomies": 1, "/taxonomy_terms": 4}
ITEM_OF = {"/services": "/services/{id}", "/service_at_locations": "/service_at_locations/{id}",
           "/taxonomies": "/taxonomies/{id}", "/taxonomy_terms": "/taxonomy_terms/{id}"}


def _response_schema(path: str) -> jsonschema.Draft202012Validator:
    if path == "/organizations":  # HSDS 3.0 has it; the uk-profile's OpenAPI does not, but has its schema
        schema = {"allOf": [{}], "properties": {"contents": {"type": "array",
                                                            "items": schema_named("compiled/organization_list.json")}}}
    else:
        schema = PROFILE["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    if "allOf" in schema:  # a page: the profile's Page, plus contents
        schema = {**schema, "allOf": [PROFILE["components"]["schemas"]["Page"]]}
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def assert_valid(path: str, body: Any) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _response_schema(path).iter_errors(body)]
    assert not errors, errors[:5]


def walk(client: TestClient, path: str, per_page: int, **params: Any) -> list[dict[str, Any]]:
    """Every page of a list, each checked as the validator checks paging; returns every item."""
    first = client.get(f"/api/v1{path}", params={**params, "per_page": per_page}).json()
    pages = first["total_pages"]
    items: list[dict[str, Any]] = []
    for number in range(1, pages + 1):
        body = client.get(f"/api/v1{path}", params={**params, "per_page": per_page, "page": number}).json()
        assert_valid(path, body)
        assert (body["page_number"], body["first_page"], body["last_page"]) == (number, number == 1,
                                                                               number == pages)
        assert body["size"] == len(body["contents"]) == (per_page if number < pages else
                                                         first["total_items"] - per_page * (pages - 1))
        assert body["total_items"] == first["total_items"] and body["total_pages"] == pages
        items += body["contents"]
    assert len({item["id"] for item in items}) == len(items) == first["total_items"]
    return items


@pytest.mark.parametrize("path", list(LISTS))
def test_every_list_pages_from_first_through_middle_to_last_and_every_item_is_valid(client: TestClient,
                                                                                    path: str) -> None:
    items = walk(client, path, LISTS[path])
    assert items, path
    for item in items:
        one = client.get(f"/api/v1{ITEM_OF[path].format(id=item['id'])}")
        assert one.status_code == 200, (path, item["id"])
        assert_valid(ITEM_OF[path], one.json())


def test_the_lists_hold_only_what_is_published(client: TestClient, seeded_path) -> None:  # noqa: ANN001
    db = open_db(seeded_path)
    published = {row["id"] for row in db["services"].rows_where("publication_status = 'published'")}
    assert {item["id"] for item in walk(client, "/services", 20)} == published
    assert {item["service_id"] for item in walk(client, "/service_at_locations", 20)} <= published
    organisations = walk(client, "/organizations", 10)
    assert {o["id"] for o in organisations} == {row[0] for row in db.execute(
        "select distinct organization_id from services where publication_status = 'published'")}


def test_a_page_past_the_last_is_empty_and_odd_paging_is_brought_within_range(client: TestClient) -> None:
    past = client.get("/api/v1/services", params={"page": 1000}).json()
    assert past["contents"] == [] and past["last_page"] and not past["empty"]
    assert client.get("/api/v1/services", params={"page": -3}).json()["page_number"] == 1
    assert client.get("/api/v1/services", params={"per_page": 5000}).json()["size"] == 66
    huge = client.get("/api/v1/services", params={"page": "1" + "0" * 29})
    assert huge.status_code == 200 and huge.json()["contents"] == []
    assert client.get("/api/v1/services", params={"page": "2.0"}).status_code == 400


def test_minimal_lists_every_service_with_when_it_changed_in_one_call(client: TestClient) -> None:
    body = client.get("/api/v1/services", params={"minimal": "true"}).json()
    assert body["total_items"] == body["size"] == 66 and body["last_page"]
    assert all(set(item) == {"id", "last_modified"} for item in body["contents"])


def test_full_gives_each_item_as_the_one_by_id_does(client: TestClient) -> None:
    body = client.get("/api/v1/services", params={"full": "true", "per_page": 3}).json()
    for item in body["contents"]:
        assert item == client.get(f"/api/v1/services/{item['id']}").json()
    places = client.get("/api/v1/service_at_locations", params={"full": "true", "per_page": 2}).json()
    assert all("service_at_locations" in place["service"] for place in places["contents"])


def test_a_service_at_a_location_is_its_service_with_only_that_place(client: TestClient) -> None:
    place = client.get("/api/v1/service_at_locations", params={"per_page": 1}).json()["contents"][0]
    body = client.get(f"/api/v1/service_at_locations/{place['id']}").json()
    assert body["id"] == place["service_id"]
    assert [sal["id"] for sal in body["service_at_locations"]] == [place["id"]]


def test_an_organisation_lists_its_published_services(client: TestClient) -> None:
    organisation = client.get("/api/v1/organizations", params={"per_page": 1}).json()["contents"][0]
    body = client.get(f"/api/v1/organizations/{organisation['id']}").json()
    assert_valid_organisation(body)
    by_filter = client.get("/api/v1/services", params={"organization_id": organisation["id"],
                                                       "per_page": 100}).json()
    assert [s["id"] for s in body["services"]] == [s["id"] for s in by_filter["contents"]]
    full = client.get(f"/api/v1/organizations/{organisation['id']}", params={"full_service": "true"}).json()
    assert all("schedules" in s or "service_at_locations" in s for s in full["services"])


def assert_valid_organisation(body: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(schema_named("compiled/organization.json"))
    assert not [e.message for e in validator.iter_errors(body)]


def test_taxonomy_filters_find_the_services_with_that_term(client: TestClient) -> None:
    terms = client.get("/api/v1/taxonomy_terms", params={"per_page": 100}).json()["contents"]
    food = next(t for t in terms if t["code"] == "food")
    found = walk(client, "/services", 10, taxonomy_term_id=food["id"])
    assert found and all(food["id"] in _terms(client, s["id"]) for s in found)
    assert {s["id"] for s in walk(client, "/services", 10, taxonomy_term_id="food")} == {s["id"] for s in found}
    every = walk(client, "/services", 50, taxonomy_id=food["taxonomy_id"])
    assert len(every) == 66
    assert client.get("/api/v1/services", params={"taxonomy_id": "no-such-taxonomy"}).json()["total_items"] == 0
    assert client.get("/api/v1/services", params={"taxonomy_term_id": "no-such-term"}).json()["empty"]


def _terms(client: TestClient, service_id: str) -> set[str]:
    record = client.get(f"/api/v1/services/{service_id}").json()
    return {a["taxonomy_term_id"] for a in record.get("attributes", [])}


def test_day_and_time_filters_read_opening_times(client: TestClient) -> None:
    saturday = walk(client, "/services", 20, day="Saturday")
    assert saturday
    for item in saturday:
        record = client.get(f"/api/v1/services/{item['id']}").json()
        schedules = record.get("schedules", []) + [s for sal in record.get("service_at_locations", [])
                                                   for s in sal.get("schedules", [])]
        assert any("SA" in (s.get("byday") or "") for s in schedules), item["name"]
    early = {s["id"] for s in walk(client, "/services", 50, start_time="09:00Z")}
    assert {s["id"] for s in walk(client, "/services", 50, start_time="9:00", day="SA")} <= early
    assert client.get("/api/v1/services", params={"day": "Caturday"}).status_code == 400
    assert client.get("/api/v1/services", params={"start_time": "9am"}).status_code == 400


def test_modified_after_finds_what_this_directory_changed_since(client: TestClient, seeded_path) -> None:  # noqa: ANN001
    later = (datetime.now(UTC) + timedelta(seconds=1)).isoformat(timespec="seconds")
    assert client.get("/api/v1/services", params={"modified_after": later}).json()["total_items"] == 0
    db = open_db(seeded_path)
    some_id = db.execute("select id from services where publication_status = 'published' limit 1").fetchone()[0]
    listing = load_listing(db, some_id)
    listing["description"] += " Now also on Saturdays."
    publish_listing(db, listing, "editor@example.org", "edited")
    since = (datetime.now(UTC) - timedelta(seconds=5)).isoformat(timespec="seconds")
    found = client.get("/api/v1/services", params={"modified_after": since}).json()
    assert [s["id"] for s in found["contents"]] == [some_id]
    assert client.get("/api/v1/services", params={"modified_after": "last tuesday"}).status_code == 400


FILTERS = st.fixed_dictionaries({}, optional={
    "taxonomy_term_id": st.sampled_from(["food", "money-debt", "mental-health", "carers", "housing"]),
    "day": st.sampled_from(["MO", "SA", "SU", "Wednesday"]),
    "start_time": st.sampled_from(["08:00", "09:30", "12:00"]),
    "end_time": st.sampled_from(["13:00", "17:00", "21:00"]),
    "minimum_age": st.sampled_from([0, 16, 18]),
    "maximum_age": st.sampled_from([18, 25, 120]),
    "modified_after": st.sampled_from(["2025-01-01", "2026-06-01T00:00:00Z"]),
})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=FILTERS, second=FILTERS)
def test_adding_a_filter_only_ever_narrows(client: TestClient, first: dict, second: dict) -> None:
    def ids(params: dict) -> set[str]:
        body = client.get("/api/v1/services", params={**params, "per_page": 100}).json()
        return {item["id"] for item in body["contents"]}

    assert ids({**second, **first}) <= ids(first)  # first's filters, and more of second's


def test_a_language_asked_for_gives_the_translated_text_and_says_so(client: TestClient, seeded_path) -> None:  # noqa: ANN001
    db = open_db(seeded_path)
    service_id, polish = db.execute("select service_id, name from service_translations where language = 'pl' "
                                    "limit 1").fetchone()
    english = client.get(f"/api/v1/services/{service_id}").json()
    assert english["text_language"] == "en" and "pl" in english["translations_available"]
    for request in ({"params": {"lang": "pl"}}, {"headers": {"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"}}):
        answer = client.get(f"/api/v1/services/{service_id}", **request)
        assert answer.json()["name"] == polish and answer.json()["text_language"] == "pl"
        assert answer.headers["content-language"] == "pl"
        assert "Accept-Language" in answer.headers["vary"]
    untranslated = db.execute("select id from services where publication_status = 'published' and id not in "
                              "(select service_id from service_translations where language = 'so')").fetchone()
    if untranslated:
        answer = client.get(f"/api/v1/services/{untranslated[0]}", params={"lang": "so"})
        assert answer.json()["text_language"] == "en" and answer.headers["content-language"] == "en"
    page = client.get("/api/v1/services", params={"lang": "ar", "per_page": 100})
    assert set(page.headers["content-language"].split(", ")) == {i["text_language"] for i in page.json()["contents"]}


def test_a_partner_polling_pays_for_a_304_until_something_changes(client: TestClient, seeded_path) -> None:  # noqa: ANN001
    first = client.get("/api/v1/services", params={"per_page": 5})
    assert first.headers["cache-control"].startswith("public, max-age=")
    etag, last_modified = first.headers["etag"], first.headers["last-modified"]
    again = client.get("/api/v1/services", params={"per_page": 5}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    by_date = client.get("/api/v1/services", params={"per_page": 5}, headers={"If-Modified-Since": last_modified})
    assert by_date.status_code == 304
    stale = format_datetime(datetime(2000, 1, 1, tzinfo=UTC), usegmt=True)
    assert client.get("/api/v1/services", params={"per_page": 5},
                      headers={"If-Modified-Since": stale}).status_code == 200
    db = open_db(seeded_path)
    listing = load_listing(db, first.json()["contents"][0]["id"])
    listing["name"] += " (Deptford)"
    publish_listing(db, listing, "editor@example.org", "edited")
    changed = client.get("/api/v1/services", params={"per_page": 5}, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag


def test_a_parameter_the_api_does_not_know_or_given_twice_is_refused_by_name(client: TestClient) -> None:
    unknown = client.get("/api/v1/services", params={"perpage": 100})
    assert unknown.status_code == 400 and "perpage" in unknown.json()["detail"]
    twice = client.get("/api/v1/taxonomies?page=1&page=2")
    assert twice.status_code == 400 and "page" in twice.json()["detail"]


def test_places_near_a_postcode_come_nearest_first_within_the_distance(client: TestClient) -> None:
    near = walk(client, "/service_at_locations", 5, postcode="SE6 4RU", proximity="2000")
    assert near
    from directory.postcodes import distance_km, lookup

    here = lookup("SE6 4RU")
    metres = [distance_km(here.latitude, here.longitude, p["location"]["latitude"], p["location"]["longitude"]) * 1000
              for p in near]
    assert metres == sorted(metres) and max(metres) <= 2000
    assert client.get("/api/v1/service_at_locations", params={"proximity": "500"}).status_code == 400
    assert client.get("/api/v1/service_at_locations", params={"postcode": "SE6 4RU",
                                                              "proximity": "far"}).status_code == 400
