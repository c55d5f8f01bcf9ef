"""Nothing falls through the gap: a referral not answered within working days (bank holidays not counted) is late,
its organisation is reminded once for each late step; a declined referral is passed on with its history; the
details of closed ones are erased with the staff notes that might name the person; every look is in the log."""

from datetime import UTC, date, datetime

import pytest
import sqlite_utils
import time_machine

from directory.messages import FieldError
from referrals import follow_up, intake, store
from referrals.sealing import Seal, new_key

KEY = new_key()


@pytest.fixture
def db(seeded_db: sqlite_utils.Database) -> sqlite_utils.Database:
    return seeded_db


@pytest.fixture
def listings(db) -> list[tuple[str, str]]:  # noqa: ANN001
    """Two published listings of different organisations, both taking referrals."""
    rows = db.execute("select id, organization_id from services where publication_status = 'published' "
                      "group by organization_id order by name limit 2").fetchall()
    for service_id, _org in rows:
        intake.save(db, service_id, "t", True, "", [])
    return rows


def refer(db, service_id: str, **changes) -> store.Referral:  # noqa: ANN001, ANN003
    fields = dict(service_id=service_id, channel=store.REFERRER, name="Amina Yusuf", phone="07700 900123",
                  story="Needs a food parcel", consent_text="Amina agreed.", consent_by="link-worker",
                  referrer_id="link-worker", referrer_organization_id="org-link", language="so")
    return store.refer(db, Seal([KEY]), **(fields | changes))


def test_a_referral_is_late_after_its_working_days_and_christmas_does_not_count(db, listings) -> None:  # noqa: ANN001
    service_id, org = listings[0]
    with time_machine.travel(datetime(2026, 12, 23, 10, tzinfo=UTC), tick=False):  # a Wednesday
        waiting = refer(db, service_id)
    assert follow_up.overdue(db, today=date(2026, 12, 24)) == []  # Thursday: one working day
    # Friday 25th and Monday 28th are bank holidays, the weekend between: still only one working day.
    assert follow_up.overdue(db, today=date(2026, 12, 28)) == []
    late = follow_up.overdue(db, today=date(2026, 12, 29))
    assert [(item.reference, item.step, item.working_days) for item in late] == [(waiting.reference, "accept", 2)]
    assert follow_up.overdue(db, today=date(2026, 12, 29), accept_days=3) == []  # the setting is respected

    with time_machine.travel(datetime(2026, 12, 29, 10, tzinfo=UTC), tick=False):
        store.accept(db, waiting.id, "receiver", org)
    assert follow_up.overdue(db, today=date(2027, 1, 4)) == []  # accepted: now it needs a try at contact
    late = follow_up.overdue(db, today=date(2027, 1, 6), contact_days=5)  # 30, 31, 4, 5, 6 (1 January is off)
    assert [(item.step, item.working_days) for item in late] == [("contact", 5)]
    store.attempt(db, waiting.id, "", "receiver", org)
    assert follow_up.overdue(db, today=date(2027, 2, 1)) == []


def test_each_late_step_is_reminded_once(db, listings) -> None:  # noqa: ANN001
    service_id, org = listings[0]
    with time_machine.travel(datetime(2026, 12, 1, 10, tzinfo=UTC), tick=False):
        made = refer(db, service_id)
    [late] = follow_up.overdue(db, today=date(2026, 12, 7))
    assert not late.reminded
    follow_up.mark_reminded(db, late)
    [again] = follow_up.overdue(db, today=date(2026, 12, 8))
    assert again.reminded and [k for k, *_ in store.events(db, made.id)] == ["sent", "reminded"]
    with time_machine.travel(datetime(2026, 12, 8, 10, tzinfo=UTC), tick=False):
        store.accept(db, made.id, "receiver", org)
    [contact] = follow_up.overdue(db, today=date(2026, 12, 31))
    assert contact.step == "contact" and not contact.reminded  # a new late step: a new reminder


def test_a_declined_referral_is_passed_on_with_its_history_and_the_story_is_not_asked_again(db, listings) -> None:  # noqa: ANN001
    (first, first_org), (second, second_org) = listings
    made = refer(db, first)
    with pytest.raises(FieldError):  # only once it is declined
        store.pass_on(db, Seal([KEY]), made.id, second, "They agreed.", "receiver", first_org)
    store.decline(db, made.id, "capacity", "Full until March", "receiver", first_org)
    with pytest.raises(store.NotYours):
        store.pass_on(db, Seal([KEY]), made.id, second, "They agreed.", "someone", "another-org")
    with pytest.raises(FieldError) as same:
        store.pass_on(db, Seal([KEY]), made.id, first, "They agreed.", "receiver", first_org)
    assert same.value.field == "service"
    passed = store.pass_on(db, Seal([KEY]), made.id, second, "They agreed to the second.", "receiver", first_org)
    assert passed.organization_id == second_org and passed.referrer_organization_id == "org-link"
    assert passed.passed_on_from == made.id and store.summary(db, made.id).passed_on_to == passed.id
    opened = store.open_details(db, Seal([KEY]), passed.id, "receiver-2", second_org)
    assert opened.resident.story == "Needs a food parcel" and opened.resident.consent == "They agreed to the second."
    assert [k for k, *_ in store.events(db, passed.id)] == ["sent", "declined", "passed_on", "sent"]
    with pytest.raises(FieldError):  # once only
        store.pass_on(db, Seal([KEY]), made.id, second, "They agreed.", "receiver", first_org)


def test_a_service_that_takes_no_referrals_cannot_be_passed_to(db, listings) -> None:  # noqa: ANN001
    (first, first_org), (second, _org) = listings
    made = refer(db, first)
    store.decline(db, made.id, "eligibility", "", "receiver", first_org)
    intake.save(db, second, "t", False, "", [])
    with pytest.raises(FieldError):
        store.pass_on(db, Seal([KEY]), made.id, second, "They agreed.", "receiver", first_org)


def test_erasing_details_also_clears_staff_notes_that_might_name_them(db, listings) -> None:  # noqa: ANN001
    service_id, org = listings[0]
    with time_machine.travel(datetime(2026, 1, 5, 10, tzinfo=UTC), tick=False):
        tried = refer(db, service_id)
        store.accept(db, tried.id, "receiver", org)
        store.attempt(db, tried.id, "Left a message with her son Ahmed", "receiver", org)
        store.close(db, tried.id, "unreachable", "receiver", org)
        declined = refer(db, service_id)
        store.decline(db, declined.id, "other", "Amina already sees our Tuesday group", "receiver", org)
    assert store.erase_closed(db, now=datetime(2027, 2, 1, tzinfo=UTC)) == 2
    details = " ".join(d for _k, d, *_ in store.events(db, tried.id) + store.events(db, declined.id))
    assert "Ahmed" not in details and "Amina" not in details
    assert [(k, d) for k, d, *_ in store.events(db, declined.id)] == [("sent", ""), ("declined", "other")]


def test_an_organisation_sees_the_referrals_it_made_and_every_look_at_its_referrals(db, listings) -> None:  # noqa: ANN001
    (service_id, org), (_other, other_org) = listings
    made = refer(db, service_id, referrer_organization_id=other_org)
    store.open_details(db, Seal([KEY]), made.id, "receiver", org)
    store.open_details(db, Seal([KEY]), made.id, "referrer", other_org)
    assert [r.id for r in store.made(db, other_org)] == [made.id] and store.made(db, org) == []
    for organisation in (org, other_org):
        assert [(look.reference, look.user_id) for look in store.access_log(db, organisation)] == [
            (made.reference, "referrer"), (made.reference, "receiver")]
    assert store.access_log(db, "nobody") == []


def test_one_listing_is_the_hub_team_for_requests_with_no_listing_chosen(db, listings) -> None:  # noqa: ANN001
    (first, _org), (second, _other) = listings
    assert intake.hub_service(db) is None
    intake.make_hub(db, first, "admin")
    intake.make_hub(db, second, "admin")
    assert intake.hub_service(db) == second and intake.intake(db, second).accepts
    intake.save(db, second, "t", False, "", [])
    assert intake.hub_service(db) is None  # a hub that stopped taking referrals is no hub


def test_the_need_counted_is_the_listings_category(db, listings) -> None:  # noqa: ANN001
    from directory.translations import load_listing

    food = db.execute("select id from services where name = 'Catford food bank'").fetchone()[0]
    assert store.need_of(load_listing(db, food)) == "food"
    assert store.need_of({"attributes": []}) == ""
