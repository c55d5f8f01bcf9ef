"""Organisations are asked to check listings not confirmed for six months, the ones residents are warned about."""

from datetime import date

import pytest

from directory import oruk
from directory.changes import ChangeError
from directory.corpus import corpus, is_out_of_date
from directory.freshness import confirm, due_for_review, stale_by_organization
from directory.history import FieldChange, versions
from directory.services import load_service
from tests.builders import service

TODAY = date(2026, 11, 23)
FRESH = service("fresh", "Fresh listing", "Checked last month.", assured_date="2026-10-20", organisation="Alpha Trust")
FIVE_MONTHS = service("five", "Five months", "Checked in June.", assured_date="2026-06-25", organisation="Alpha Trust")
OLD = service("old", "Old listing", "Checked long ago.", assured_date="2026-01-10", organisation="Alpha Trust")
NEVER = service("never", "Never checked", "No date at all.", organisation="Beta Group")
del NEVER["assured_date"]
HIDDEN = service("hidden", "Archived listing", "Old and hidden.", assured_date="2025-01-01",
                 publication_status="archived", organisation="Beta Group")
ALPHA, BETA = OLD["organization"]["id"], NEVER["organization"]["id"]


@pytest.fixture
def listings(db):  # noqa: ANN001, ANN201
    oruk.import_services(db, [FRESH, FIVE_MONTHS, OLD, NEVER, HIDDEN])
    return db


def due_ids(db, today: date = TODAY, **options) -> list[str]:  # noqa: ANN001, ANN003
    return [due.service_id for due in due_for_review(db, today=today, **options)]


def test_published_listings_not_checked_for_six_months_are_due(listings) -> None:  # noqa: ANN001
    assert due_ids(listings) == [OLD["id"], NEVER["id"]]
    old, never = due_for_review(listings, today=TODAY)
    assert (old.name, old.organization_id, old.organization_name, old.last_reviewed) == \
        ("Old listing", ALPHA, "Alpha Trust", "2026-01-10")
    assert (never.organization_name, never.last_reviewed) == ("Beta Group", None)


def test_the_rule_is_the_one_residents_see(listings) -> None:  # noqa: ANN001
    published = (FRESH, FIVE_MONTHS, OLD, NEVER)
    for day in (date(2026, 7, 1), TODAY, date(2027, 1, 1), date(2027, 6, 1)):
        warned = {r["id"] for r in published if is_out_of_date(r.get("assured_date"), day)}
        assert set(due_ids(listings, today=day)) == warned
    assert due_ids(listings, today=date(2027, 1, 1)) == [OLD["id"], FIVE_MONTHS["id"], NEVER["id"]]
    assert due_ids(listings, months=4) == [OLD["id"], FIVE_MONTHS["id"], NEVER["id"]]


def test_due_for_review_can_be_limited_to_one_organisation(listings) -> None:  # noqa: ANN001
    assert due_ids(listings, organization_id=ALPHA) == [OLD["id"]]
    assert due_ids(listings, organization_id=BETA) == [NEVER["id"]]
    assert due_ids(listings, organization_id="no-such-organisation") == []


def test_a_confirmed_listing_is_no_longer_due(listings) -> None:  # noqa: ANN001
    generation_before = corpus(listings, None).generation
    number = confirm(listings, OLD["id"], "u-editor", today=TODAY)
    assert OLD["id"] not in due_ids(listings)
    assert load_service(listings, OLD["id"])["assured_date"] == "2026-11-23"
    newest = versions(listings, OLD["id"])[0]
    assert (newest.version, newest.action, newest.changed_by) == (number, "confirmed", "u-editor")
    assert newest.changes == [FieldChange("last reviewed", "2026-01-10", "2026-11-23")]
    seen = corpus(listings, None)
    assert seen.generation > generation_before
    assert seen.listings[seen.index_of[OLD["id"]]].last_reviewed == "2026-11-23"


def test_stale_listings_are_grouped_by_organisation(listings) -> None:  # noqa: ANN001
    grouped = stale_by_organization(listings, today=TODAY)
    assert list(grouped) == ["Alpha Trust", "Beta Group"]
    assert [d.name for d in grouped["Alpha Trust"]] == ["Old listing"]
    assert [d.name for d in grouped["Beta Group"]] == ["Never checked"]
    confirm(listings, OLD["id"], "system", today=TODAY)
    assert list(stale_by_organization(listings, today=TODAY)) == ["Beta Group"]


def test_confirming_a_listing_that_does_not_exist_says_so(listings) -> None:  # noqa: ANN001
    with pytest.raises(ChangeError, match="could not find that listing"):
        confirm(listings, "no-such-listing", "u-editor", today=TODAY)
