"""The listing form reads any listing into answers and back without changing it, so an editor who changes
one thing changes only that; and every answer it cannot take is named against its own field."""

import pytest

from directory import seed
from directory.history import diff
from directory.services import prepare
from portal import listing_form


@pytest.mark.parametrize("record", [prepare(r) for r in seed.demo_records()], ids=lambda r: r["name"][:30])
def test_every_demo_listing_survives_the_form_unchanged(record: dict) -> None:
    values = listing_form.values_from_record(record)
    back, problems = listing_form.record_from_values(values, record, record["id"], record["organization"])
    assert problems == []
    assert diff(record, back) == []


def test_one_answer_changed_is_the_only_change() -> None:
    record = prepare(seed.demo_records()[0])
    values = listing_form.values_from_record(record)
    values["schedules"][0]["closes_at"] = "18:30"
    back, _ = listing_form.record_from_values(values, record, record["id"], record["organization"])
    assert [c.field for c in diff(record, back)] == ["schedules 1: closes at"]


def test_a_shared_place_gets_its_own_copy_when_one_listing_changes_it() -> None:
    record = prepare(seed.demo_records()[0])
    values = listing_form.values_from_record(record)
    old_id = record["service_at_locations"][0]["location_id"]
    values["locations"][0]["address_2"] = "Side door"
    shared, _ = listing_form.record_from_values(values, record, record["id"], record["organization"], lambda _: True)
    alone, _ = listing_form.record_from_values(values, record, record["id"], record["organization"], lambda _: False)
    assert shared["service_at_locations"][0]["location_id"] != old_id
    assert alone["service_at_locations"][0]["location_id"] == old_id


def test_opening_times_and_changes_to_them_are_checked() -> None:
    values = listing_form.values_from_record(None)
    values.update(name="Pantry", description="Food")
    values["schedules"] = [{"days": [], "week": "", "opens_at": "9.30", "closes_at": "9:30", "description": ""}]
    values["exceptions"] = [{"from": "24/12/2026", "to": "", "opens_at": "", "closes_at": "", "description": ""}]
    _, problems = listing_form.record_from_values(values, None, "s-1", {"id": "o-1", "name": "Org"})
    assert {p.field: p.message for p in problems} == {
        "schedules-0-days": "Choose the days it is open.",
        "schedules-0-closes_at": "The closing time must be different from the opening time.",
        "exceptions-0-from": "Enter a date like 2026-12-24.",
    }


def test_every_resident_facing_text_can_be_translated_and_needs_a_name_beside_it() -> None:
    record = prepare(seed.demo_records()[0])
    values = listing_form.values_from_record(record)
    values["tr-ar-name"], values["tr-ar-eligibility"] = "اسم", "لكل من يسكن في لويشام"
    values["tr-so-access"] = "Albaab aan jaranjaro lahayn"  # a Somali text with no Somali name
    back, problems = listing_form.record_from_values(values, record, record["id"], record["organization"])
    assert back[listing_form.TRANSLATIONS]["ar"]["eligibility"] == "لكل من يسكن في لويشام"
    assert [p.field for p in problems] == ["tr-so-name"]
    again = listing_form.values_from_record(back)
    assert again["tr-ar-eligibility"] == "لكل من يسكن في لويشام"


@pytest.mark.parametrize("typed, saved", [("www.sydenhamgarden.org.uk", "https://www.sydenhamgarden.org.uk"),
                                          ("lewisham.gov.uk/food?x=1", "https://lewisham.gov.uk/food?x=1"),
                                          ("HTTP://Example.org", "HTTP://Example.org")])
def test_a_web_address_without_https_is_fixed_up_not_refused(typed: str, saved: str) -> None:
    record = prepare(seed.demo_records()[0])
    values = listing_form.values_from_record(record)
    values["url"] = typed
    back, problems = listing_form.record_from_values(values, record, record["id"], record["organization"])
    assert problems == [] and back["url"] == saved


@pytest.mark.parametrize("typed", ["javascript:alert(1)", "not a web address", "ftp://example.org"])
def test_what_cannot_be_a_web_address_is_still_refused(typed: str) -> None:
    record = prepare(seed.demo_records()[0])
    values = listing_form.values_from_record(record)
    values["url"] = typed
    _, problems = listing_form.record_from_values(values, record, record["id"], record["organization"])
    assert [p.field for p in problems] == ["url"]
