"""A referral keeps only what the hand-over needs, sealed: nothing of the resident is readable in the database
file, only the receiving and referring organisations can open it, every look is recorded, and the details are
erased a year after it closes while the counts stay."""

from datetime import UTC, datetime

import pytest
import sqlite_utils
import time_machine

from directory.messages import FieldError
from referrals import store
from referrals.sealing import Seal, new_key

KEY, NEWER = new_key(), new_key()


@pytest.fixture
def db(seeded_db: sqlite_utils.Database) -> sqlite_utils.Database:
    return seeded_db


@pytest.fixture
def listing(db) -> tuple[str, str]:  # noqa: ANN001
    return db.execute("select id, organization_id from services where publication_status = 'published' "
                      "order by name limit 1").fetchone()


def refer(db, listing, **changes) -> store.Referral:  # noqa: ANN001, ANN003
    fields = dict(service_id=listing[0], channel=store.REFERRER, name="Amina Yusuf", phone="07700 900123",
                  contact_times="Weekday mornings", story="Needs help with a food parcel; cares for her mother.",
                  consent_text="Amina agreed we share her name and number with the food bank.",
                  consent_by="link-worker", referrer_id="link-worker", referrer_organization_id="org-link",
                  language="so", interpreter=True)
    return store.refer(db, Seal([KEY]), **(fields | changes))


def test_nothing_of_the_resident_can_be_read_in_the_database_file(db, listing) -> None:  # noqa: ANN001
    made = refer(db, listing)
    row = db.execute("select * from referrals where id = ?", [made.id]).fetchone()
    stored = " ".join(str(v) for v in row)
    for secret in ("Amina", "Yusuf", "07700", "7700900123", "food parcel", "mornings", "agreed"):
        assert secret not in stored
    assert made.reference.startswith("R-") and made.status == store.SENT and made.organization_id == listing[1]


def test_the_receiving_and_referring_organisations_open_it_and_each_look_is_recorded(db, listing) -> None:  # noqa: ANN001
    made = refer(db, listing)
    opened = store.open_details(db, Seal([KEY]), made.id, "receiver-1", listing[1])
    assert opened.resident.name == "Amina Yusuf" and opened.resident.phone.shown == "07700 900123"
    assert opened.resident.consent.startswith("Amina agreed") and opened.consent_by == "link-worker"
    store.open_details(db, Seal([KEY]), made.id, "link-worker", "org-link")
    with pytest.raises(store.NotYours):
        store.open_details(db, Seal([KEY]), made.id, "someone", "another-organisation")
    assert [(u, o) for u, o, _ in store.views(db, made.id)] == [("receiver-1", listing[1]), ("link-worker", "org-link")]


@pytest.mark.parametrize(("changes", "field"), [
    ({"name": " "}, "name"), ({"phone": "", "email": ""}, "phone"), ({"phone": "12"}, "phone"),
    ({"email": "nope", "phone": ""}, "email"), ({"story": "x" * 2001}, "story"), ({"consent_text": ""}, "consent"),
    ({"service_id": "not-a-listing"}, "service"),
])
def test_a_referral_missing_what_the_hand_over_needs_is_not_made(db, listing, changes, field) -> None:  # noqa: ANN001
    before = db.execute("select count(*) from referrals").fetchone()[0]
    with pytest.raises(FieldError) as refused:
        refer(db, listing, **changes)
    assert refused.value.field == field
    assert db.execute("select count(*) from referrals").fetchone()[0] == before


def test_details_are_erased_a_year_after_closing_and_the_counts_stay(db, listing) -> None:  # noqa: ANN001
    with time_machine.travel(datetime(2027, 1, 10, 9, tzinfo=UTC), tick=False):
        closed = refer(db, listing)
        store.accept(db, closed.id, "receiver-1", listing[1])
        store.close(db, closed.id, "attended", "receiver-1", listing[1])
        still_open = refer(db, listing)
    assert store.erase_closed(db, now=datetime(2027, 12, 20, tzinfo=UTC)) == 0  # not yet a year
    assert store.erase_closed(db, now=datetime(2028, 1, 20, tzinfo=UTC)) == 1
    erased = store.open_details(db, Seal([KEY]), closed.id, "receiver-1", listing[1])
    assert erased.resident is None and erased.erased_at and erased.need == "" and erased.language == "so"
    assert store.open_details(db, Seal([KEY]), still_open.id, "receiver-1", listing[1]).resident.name == "Amina Yusuf"
    kinds = [k for (k,) in db.execute("select kind from referral_events where referral_id = ?", [closed.id])]
    assert kinds == [store.SENT, store.ACCEPTED, store.CLOSED]


def test_every_field_is_resealed_by_a_rotation_and_the_old_key_can_then_go(db, listing) -> None:  # noqa: ANN001
    made = refer(db, listing)
    assert store.rotate_all(db, Seal([NEWER, KEY])) == 7  # every sealed field of it
    assert store.open_details(db, Seal([NEWER]), made.id, "receiver-1", listing[1]).resident.story.startswith(
        "Needs help with a food parcel")


def test_the_receiving_organisation_accepts_tries_and_closes_and_only_it_can(db, listing) -> None:  # noqa: ANN001
    made = refer(db, listing)
    with pytest.raises(store.NotYours):
        store.accept(db, made.id, "link-worker", "org-link")  # the referrer watches; the receiver answers
    store.accept(db, made.id, "receiver-1", listing[1])
    with pytest.raises(FieldError):
        store.accept(db, made.id, "receiver-1", listing[1])
    store.attempt(db, made.id, "No answer, left a message", "receiver-1", listing[1])
    store.attempt(db, made.id, "Spoke to her", "receiver-1", listing[1])
    first = db.execute("select first_contact_at from referrals where id = ?", [made.id]).fetchone()[0]
    with pytest.raises(FieldError):
        store.close(db, made.id, "maybe", "receiver-1", listing[1])
    store.close(db, made.id, "attended", "receiver-1", listing[1])
    assert [k for k, *_ in store.events(db, made.id)] == ["sent", "accepted", "attempt", "attempt", "closed"]
    assert db.execute("select first_contact_at from referrals where id = ?", [made.id]).fetchone()[0] == first


def test_a_decline_needs_a_reason_and_no_capacity_is_kept_as_such(db, listing) -> None:  # noqa: ANN001
    made = refer(db, listing)
    with pytest.raises(FieldError):
        store.decline(db, made.id, "", "", "receiver-1", listing[1])
    store.decline(db, made.id, "capacity", "Waiting list is full until March", "receiver-1", listing[1])
    row = db.execute("select status, decline_reason from referrals where id = ?", [made.id]).fetchone()
    assert row == (store.DECLINED, "capacity")
