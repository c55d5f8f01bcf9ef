"""Every change to a listing is kept as a numbered version that says, field by field, what changed."""

import copy
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from directory import changes, history, migrations, oruk, upkeep
from directory.history import FieldChange, diff, flatten, record_version, version, versions
from directory.services import load_service, prepare, save_service
from tests.builders import service

CONTACT = {"id": "9a1c7a52-7d1e-4c55-a3a8-0c0e1f3b2a01", "name": "Jo", "email": "jo@example.org",
           "phones": [{"id": "9a1c7a52-7d1e-4c55-a3a8-0c0e1f3b2a02", "number": "020 7946 0002"}]}
PHONE = {"id": "9a1c7a52-7d1e-4c55-a3a8-0c0e1f3b2a03", "number": "020 7946 0001", "description": "Main line"}
DEBT = service("debt", "Lewisham Money Advice", "Help with debt.", ("money-debt",),
               languages=(("English", "en"), ("Polish", "pl")), contacts=[CONTACT], phones=[PHONE], minimum_age=18)


def edited(record: dict, **fields: object) -> dict:
    changed = copy.deepcopy(record)
    changed.update(fields)
    return changed


def _identifiers(value: object) -> set[str]:
    if isinstance(value, dict):
        found = {v for k, v in value.items() if (k == "id" or k.endswith("_id")) and isinstance(v, str)}
        return found.union(*(_identifiers(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_identifiers(v) for v in value))
    return set()


def test_every_field_gets_a_readable_label_and_identifiers_are_left_out() -> None:
    flat = flatten(prepare(DEBT))
    assert list(flat)[:3] == ["name", "description", "status"]
    assert flat["schedules 1: opens at"] == "09:00"
    assert flat["schedules 1: days"] == "MO,TU,WE,TH,FR"
    assert flat["languages"] == "English, Polish"
    assert flat["categories"] == "Money and debt"
    assert flat["phone"] == "020 7946 0001 (Main line)"
    assert flat["contacts 1: name"] == "Jo" and flat["contacts 1: phone"] == "020 7946 0002"
    assert flat["locations 1: addresses 1: postcode"] == "SE6 4RU"
    assert flat["organisation: name"] == "Test Community Trust"
    assert flat["minimum age"] == "18" and flat["last reviewed"] == "2026-10-01"
    assert "publication status" not in flat and "last modified" not in flat
    assert not _identifiers(DEBT) & set(flat.values())
    assert not any(label.split()[-1] == "id" for label in flat)


def test_a_listing_reads_the_same_typed_into_a_form_or_loaded_from_the_database(db) -> None:  # noqa: ANN001
    oruk.import_services(db, [DEBT])
    loaded = load_service(db, DEBT["id"])
    assert loaded != DEBT  # SQLite adds links and turns 18 into 18.0
    assert list(flatten(loaded).items()) == list(flatten(DEBT).items())


def test_a_diff_shows_each_changed_field_before_and_after() -> None:
    before = service("a", "Debt advice", "Help with debt.", hours=(("MO", "09:00", "12:00"),))
    after = service("a", "Debt advice", "Help with debt and benefits.", hours=(("MO", "10:00", "12:00"),),
                    languages=(("English", "en"), ("Polish", "pl")))
    assert diff(before, after) == [
        FieldChange("description", "Help with debt.", "Help with debt and benefits."),
        FieldChange("schedules 1: opens at", "09:00", "10:00"),
        FieldChange("languages", "English", "English, Polish"),
    ]
    assert diff(after, copy.deepcopy(after)) == []


def test_a_removed_field_is_shown_where_it_used_to_be() -> None:
    before = service("a", "Debt advice", "Help.", hours=(("MO", "09:00", "12:00"), ("TU", "13:00", "16:00")))
    after = service("a", "Debt advice", "Help.", hours=(("MO", "09:00", "12:00"),))
    changed = diff(before, after)
    assert [c.field for c in changed] == ["schedules 2: repeats", "schedules 2: days", "schedules 2: opens at",
                                          "schedules 2: closes at"]
    assert all(c.after is None for c in changed) and changed[1].before == "TU"
    fields = list(flatten(before))
    assert fields.index("schedules 2: repeats") < fields.index("languages")


def test_a_new_listing_is_diffed_against_nothing() -> None:
    record = prepare(DEBT)
    changed = diff(None, record)
    assert changed[0] == FieldChange("publication status", None, "published")
    assert [(c.field, c.after) for c in changed[1:]] == list(flatten(record).items())
    assert all(c.before is None for c in changed)


def test_versions_are_numbered_per_listing_and_listed_newest_first(db) -> None:  # noqa: ANN001
    other = service("food", "Food bank", "Food parcels.")
    oruk.import_services(db, [DEBT, other])
    record_version(db, edited(DEBT, fees="£5"), "edited", "u-1")
    assert record_version(db, edited(DEBT, fees="£6"), "edited", "u-2") == 3
    newest, middle, first = versions(db, DEBT["id"])
    assert [v.version for v in (newest, middle, first)] == [3, 2, 1]
    assert (first.action, first.changed_by) == ("imported", "system")
    assert (newest.action, newest.changed_by) == ("edited", "u-2")
    assert newest.changes == [FieldChange("fees", "£5", "£6")]
    assert newest.changed_at.endswith("+00:00")
    assert version(db, DEBT["id"], 2).record["fees"] == "£5"
    assert version(db, DEBT["id"], 4) is None
    assert [v.version for v in versions(db, other["id"])] == [1]


def test_only_known_actions_are_recorded(db) -> None:  # noqa: ANN001
    with pytest.raises(ValueError, match="'deleted' is not one of"):
        record_version(db, DEBT, "deleted", "u-1")
    assert db["listing_versions"].count == 0


def test_imports_are_recorded_by_the_system_and_an_unchanged_feed_adds_nothing(db) -> None:  # noqa: ANN001
    oruk.import_services(db, [DEBT])
    oruk.import_services(db, [DEBT])
    oruk.import_services(db, [edited(DEBT, name="Lewisham Money and Benefits Advice")])
    newest, first = versions(db, DEBT["id"])
    assert (newest.action, newest.changed_by) == ("imported", "system")
    assert newest.changes == [FieldChange("name", "Lewisham Money Advice", "Lewisham Money and Benefits Advice")]
    assert newest.record == load_service(db, DEBT["id"])


def test_nothing_is_ever_deleted_from_history(db) -> None:  # noqa: ANN001
    oruk.import_services(db, [DEBT])
    changes.publish(db, edited(DEBT, fees="£5"), "u-1", "edited")
    kept = list(db["listing_versions"].rows)
    changes.archive(db, DEBT["id"], "u-2")
    changes.restore(db, DEBT["id"], 1, "u-2")
    assert list(db["listing_versions"].rows)[:len(kept)] == kept
    assert db["listing_versions"].count == 4
    with pytest.raises(sqlite3.DatabaseError, match="never changed or deleted"):
        db.execute("delete from listing_versions")
    with pytest.raises(sqlite3.DatabaseError, match="never changed or deleted"):
        db.execute("update listing_versions set changed_by = 'someone else'")
    assert list(db["listing_versions"].rows)[:len(kept)] == kept
    assert not [name for name in dir(history) if "delete" in name or "remove" in name]


def test_listings_already_there_when_history_began_get_a_first_version(tmp_path: Path) -> None:
    old = sqlite_utils.Database(tmp_path / "before-history.db")
    migrations.migrate(old, upto=6)
    save_service(old, prepare(DEBT))
    assert 7 in migrations.migrate(old)
    assert upkeep.after_upgrade(old) == ["a first history version for 1 listings", "word index rebuilt"]
    assert upkeep.after_upgrade(old) == []
    [first] = versions(old, DEBT["id"])
    assert (first.version, first.action, first.changed_by) == (1, "imported", "system")
    assert first.record == load_service(old, DEBT["id"])
    changes.publish(old, edited(DEBT, fees="£5"), "u-1", "edited")
    assert versions(old, DEBT["id"])[0].changes == [FieldChange("fees", "Free", "£5")]
