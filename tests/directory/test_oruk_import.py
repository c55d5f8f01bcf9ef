"""Importing Open Referral UK feeds: validated, all or nothing, updating by id, round-tripping."""

import json
from pathlib import Path

import pytest

from directory import oruk
from directory.store import open_db
from tests.builders import service


def _snapshot(db) -> dict[str, list]:  # noqa: ANN001
    return {t: list(db[t].rows) for t in ("services", "organizations", "locations", "schedules", "attributes")}


def test_import_writes_every_record_and_reports_what_it_did(db) -> None:  # noqa: ANN001
    report = oruk.import_services(db, [service("a", "Debt advice", "Help with debt."),
                                       service("b", "Food bank", "Food parcels.")])
    assert (report.created, report.updated) == (2, 0)
    assert db["services"].count == 2
    assert db["search_words"].count == 2


def test_reimporting_updates_by_id_and_never_duplicates(db) -> None:  # noqa: ANN001
    first = service("a", "Debt advice", "Help with debt.", hours=(("MO", "09:00", "12:00"), ("TU", "13:00", "16:00")))
    oruk.import_services(db, [first])
    changed = service("a", "Debt and benefits advice", "Help with debt and benefits.",
                      hours=(("WE", "10:00", "15:00"),))
    report = oruk.import_services(db, [changed])
    assert (report.created, report.updated) == (0, 1)
    assert db["services"].count == 1
    assert db["services"].get(changed["id"])["name"] == "Debt and benefits advice"
    assert [s["byday"] for s in db["schedules"].rows] == ["WE"]


def test_a_malformed_record_rejects_the_whole_file_and_leaves_the_database_untouched(db) -> None:  # noqa: ANN001
    oruk.import_services(db, [service("keep", "Existing listing", "Already here.")])
    before = _snapshot(db)
    good = service("new", "New listing", "Would be added.")
    bad = service("bad", "Broken listing", "Bad hours.", hours=(("MO", "25:00", "17:00"),))
    with pytest.raises(oruk.ImportRejected) as rejected:
        oruk.import_services(db, [good, bad])
    assert _snapshot(db) == before
    message = str(rejected.value)
    assert "Nothing was imported" in message
    assert "record 2 ('Broken listing'): schedules[0].opens_at: '25:00' is not a time like 09:30" in message


def test_every_problem_in_every_record_is_reported_with_its_position() -> None:
    no_name = service("x", "x", "Nameless.")
    del no_name["name"]
    bad_postcode = service("y", "Bad postcode", "Somewhere.")
    bad_postcode["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] = "NOT A CODE"
    bad_status = service("z", "Bad status", "Oops.", status="open", publication_status="live")
    problems = oruk.validate([no_name, bad_postcode, bad_status, "not an object"])
    described = [str(p) for p in problems]
    assert any(p.startswith("record 1") and "'name' is a required property" in p for p in described)
    assert any(p.startswith("record 2") and "'NOT A CODE' is not a UK postcode" in p for p in described)
    assert any(p.startswith("record 3") and p.count("status") for p in described)
    assert any(p.startswith("record 3") and "publication_status" in p for p in described)
    assert any(p.startswith("record 4") and "not a JSON object" in p for p in described)


def test_duplicate_ids_in_one_file_are_rejected() -> None:
    problems = oruk.validate([service("a", "One", "First."), service("a", "Two", "Second.")])
    assert [str(p) for p in problems] == ["record 2 ('Two'): id: same id as record 1"]


def test_a_failure_while_writing_rolls_back_every_record(db) -> None:  # noqa: ANN001
    db.execute("create trigger refuse before insert on services when new.name = 'Boom' "
               "begin select raise(abort, 'refused by test trigger'); end")
    with pytest.raises(Exception, match="refused by test trigger"):
        oruk.import_services(db, [service("a", "Fine", "First."), service("b", "Boom", "Second.")])
    assert db["services"].count == 0
    assert db["organizations"].count == 0


def test_files_that_are_not_feeds_get_a_clear_message(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"contents": [', encoding="utf-8")
    with pytest.raises(oruk.FeedError, match="is not valid JSON"):
        oruk.read_feed_file(broken)
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"hello": "world"}', encoding="utf-8")
    with pytest.raises(oruk.FeedError, match="not an Open Referral UK feed"):
        oruk.read_feed_file(wrong)
    with pytest.raises(oruk.FeedError, match="No such file"):
        oruk.read_feed_file(tmp_path / "missing.json")


def test_export_then_import_round_trips_exactly(db, tmp_path: Path) -> None:  # noqa: ANN001
    records = [service("a", "Debt advice", "Help with debt.", ("money-debt",), neighbourhood="Neighbourhood 2",
                       phones=[{"id": "5b0ef6d0-37a4-4b8e-9a38-5f0f3c3a1f11", "number": "020 7946 0001"}],
                       funding=[{"id": "1d2e3f40-0000-4000-8000-000000000001", "source": "Lewisham Council"}]),
               service("b", "Food bank", "Food parcels.", ("food",), postcode=None)]
    oruk.import_services(db, records)
    exported = oruk.export_services(db)
    feed = tmp_path / "feed.json"
    oruk.write_feed(exported, feed)
    again = open_db(tmp_path / "again.db")
    oruk.import_services(again, oruk.read_feed_file(feed))
    assert oruk.export_services(again) == exported
    assert exported[0]["funding"][0]["source"] == "Lewisham Council"  # kept though not modelled


def test_an_oruk_3_page_is_read_from_its_contents() -> None:
    page = {"total_items": 1, "total_pages": 1, "page_number": 1, "size": 1, "first_page": True,
            "last_page": True, "empty": False, "contents": [service("a", "Hub", "A hub.")]}
    assert [r["name"] for r in oruk.read_feed(page)] == ["Hub"]


V1_FEED = {
    "totalElements": 1, "totalPages": 1, "number": 1, "size": 1, "first": True, "last": True,
    "content": [{
        "id": "1234", "name": "Carers Lewisham drop-in", "description": "Support for unpaid carers.",
        "status": "active", "fees": "Free", "assured_date": "2025-01-10",
        "organization": {"id": "org-7", "name": "Carers Lewisham", "url": "https://carers.example.org/"},
        "eligibilitys": [{"id": "e1", "eligibility": "Adult carers", "minimum_age": 18}],
        "regular_schedules": [{"id": "r1", "weekday": "Tuesday", "opens_at": "10:00", "closes_at": "14:00"}],
        "service_taxonomys": [{"id": "t1", "taxonomy": {"id": "carers", "name": "Carers", "vocabulary": "esdNeeds"}}],
        "languages": [{"id": "l1", "language": "Polish"}],
        "contacts": [{"id": "c1", "name": "Reception", "phones": [{"id": "p1", "number": "020 7946 0555"}]}],
        "service_at_locations": [{"id": "s1", "location": {
            "id": "loc1", "name": "Catford hub", "latitude": 51.445, "longitude": -0.02,
            "physical_addresses": [{"id": "a1", "address_1": "1 Rushey Green", "city": "London",
                                    "postal_code": "SE6 4RU", "country": "GB"}],
            "accessibility_for_disabilities": [{"id": "ad1", "accessibility": "Step-free access"}]}}],
    }],
}


def test_an_oruk_1_feed_is_upgraded_and_reimporting_it_does_not_duplicate(db) -> None:  # noqa: ANN001
    records = oruk.read_feed(V1_FEED)
    assert oruk.validate(records) == []
    oruk.import_services(db, records)
    oruk.import_services(db, oruk.read_feed(json.loads(json.dumps(V1_FEED))))
    assert db["services"].count == 1
    [stored] = oruk.export_services(db)
    assert stored["organization"]["website"] == "https://carers.example.org/"
    assert stored["schedules"][0]["byday"] == "TU"
    assert stored["eligibility_description"] == "Adult carers" and stored["minimum_age"] == 18
    assert stored["languages"][0]["name"] == "Polish"
    assert stored["contacts"][0]["phones"][0]["number"] == "020 7946 0555"
    location = stored["service_at_locations"][0]["location"]
    assert location["addresses"][0]["postal_code"] == "SE6 4RU"
    assert location["accessibility"][0]["description"] == "Step-free access"
    assert stored["attributes"][0]["taxonomy_term"]["name"] == "Carers"
