"""Organisations propose changes to their listings; moderators approve them or send them back with a reason."""

import copy
from datetime import UTC, datetime

import pytest
import time_machine

from directory import index, oruk
from directory.changes import (
    ChangeError,
    ChangeRejected,
    approve,
    archive,
    change,
    changes_for,
    compare,
    organization_of,
    pending,
    propose,
    publish,
    record_organization,
    restore,
    send_back,
    unarchive,
)
from directory.embeddings import Embedder
from directory.history import FieldChange, flatten, versions
from directory.search import SearchQuery, search, word_scores
from directory.services import load_service
from tests.builders import service

DEBT = service("debt", "Lewisham Money Advice", "Free advice about debt and bills.", ("money-debt",),
               organisation="Money Advice Lewisham")
FOOD = service("food", "Deptford Community Pantry", "Low-cost groceries and food parcels.", ("food",),
               postcode="SE8 4BG", organisation="Deptford Pantry Network")
DEBT_ID, DEBT_ORG, FOOD_ORG = DEBT["id"], DEBT["organization"]["id"], FOOD["organization"]["id"]
EDITOR, MODERATOR = "u-editor", "u-moderator"


def edited(record: dict, **fields: object) -> dict:
    changed = copy.deepcopy(record)
    changed.update(fields)
    return changed


@pytest.fixture
def live(db):  # noqa: ANN001, ANN201
    """Two listings from two organisations, as imported: version 1 of each."""
    oruk.import_services(db, [DEBT, FOOD])
    return db


def resident_sees(db, text: str = "") -> list[str]:  # noqa: ANN001
    return [hit.listing.name for hit in search(db, SearchQuery(text=text, limit=50), None).hits]


def test_a_change_waits_for_a_moderator_and_the_live_listing_stays_as_it_was(live) -> None:  # noqa: ANN001
    before = load_service(live, DEBT_ID)
    proposed = propose(live, edited(DEBT, description="Advice about debt, benefits and pensions."), EDITOR)
    assert (proposed.status, proposed.base_version, proposed.submitted_by) == ("pending", 1, EDITOR)
    assert load_service(live, DEBT_ID) == before
    assert [v.version for v in versions(live, DEBT_ID)] == [1]
    assert [c.id for c in pending(live)] == [proposed.id]
    assert word_scores(live, "pensions") == {}


def test_an_invalid_change_is_refused_and_nothing_is_stored(live) -> None:  # noqa: ANN001
    before = load_service(live, DEBT_ID)
    bad = service("debt", "Lewisham Money Advice", "Bad hours.", hours=(("MO", "25:00", "17:00"),),
                  organisation="Money Advice Lewisham")
    for publish_directly in (False, True):
        with pytest.raises(ChangeRejected) as refused:
            propose(live, bad, EDITOR, publish_directly=publish_directly)
        assert "schedules[0].opens_at: '25:00' is not a time like 09:30" in str(refused.value)
        assert [p.path for p in refused.value.problems] == ["schedules[0].opens_at"]
    assert live["listing_changes"].count == 0
    assert live["listing_versions"].count == 2
    assert load_service(live, DEBT_ID) == before


def test_a_newer_change_replaces_the_one_still_waiting(live) -> None:  # noqa: ANN001
    first = propose(live, edited(DEBT, fees="Free for everyone"), EDITOR)
    second = propose(live, edited(DEBT, fees="Free for Lewisham residents"), "u-another-editor")
    assert change(live, first.id).status == "superseded"
    assert [c.id for c in pending(live)] == [second.id]
    with pytest.raises(ChangeError, match="A newer change to this listing has replaced this one"):
        approve(live, first.id, MODERATOR)


def test_approving_publishes_the_change_and_history_says_who_changed_what(live) -> None:  # noqa: ANN001
    proposed = propose(live, edited(DEBT, description="Advice about debt, benefits and pensions."), EDITOR)
    with time_machine.travel(datetime(2026, 12, 7, 23, 30, tzinfo=UTC), tick=False):  # 7 December, in London too
        approved = approve(live, proposed.id, MODERATOR)
    assert (approved.status, approved.decided_by, approved.submitted_by) == ("approved", MODERATOR, EDITOR)
    now_live = load_service(live, DEBT_ID)
    assert now_live["description"] == "Advice about debt, benefits and pensions."
    assert now_live["last_modified"] > "2026"
    newest = versions(live, DEBT_ID)[0]
    assert (newest.version, newest.action, newest.changed_by) == (2, "edited", MODERATOR)
    assert newest.changes == [FieldChange("description", "Free advice about debt and bills.",
                                          "Advice about debt, benefits and pensions."),
                              FieldChange("last reviewed", "2026-10-01", "2026-12-07")]  # a moderator checked it
    assert pending(live) == []
    assert list(word_scores(live, "pensions")) == [DEBT_ID]


def test_approving_updates_the_search_index_at_once(live, embedder: Embedder) -> None:  # noqa: ANN001
    index.refresh_embeddings(live, embedder)
    proposed = propose(live, edited(DEBT, description="Free bicycle repairs and cycling lessons for adults."), EDITOR)
    assert "Lewisham Money Advice" not in resident_sees(live, "bicycle repairs")
    approve(live, proposed.id, MODERATOR, embedder=embedder)
    assert index.stale_documents(live, embedder) == []
    assert resident_sees(live, "bicycle repairs") == ["Lewisham Money Advice"]
    by_meaning = search(live, SearchQuery(text="someone to fix my bike"), embedder, method="meaning", reject=False)
    assert by_meaning.hits[0].listing.name == "Lewisham Money Advice"


def test_an_organisation_trusted_to_publish_directly_goes_live_at_once(live, embedder: Embedder) -> None:  # noqa: ANN001
    index.refresh_embeddings(live, embedder)
    published = propose(live, edited(DEBT, fees="Free, donations welcome"), EDITOR, publish_directly=True,
                        embedder=embedder)
    assert (published.status, published.decided_by) == ("approved", EDITOR)
    assert load_service(live, DEBT_ID)["fees"] == "Free, donations welcome"
    newest = versions(live, DEBT_ID)[0]
    assert (newest.action, newest.changed_by) == ("edited", EDITOR)
    assert pending(live) == []
    assert index.stale_documents(live, embedder) == []
    assert [c.id for c in changes_for(live, DEBT_ORG)] == [published.id]


def test_a_new_listing_is_created_only_when_approved(live) -> None:  # noqa: ANN001
    lunch = service("lunch", "Lunch club", "Hot lunches for older people.", organisation="Money Advice Lewisham")
    proposed = propose(live, lunch, EDITOR)
    assert (proposed.base_version, proposed.organization_id) == (None, DEBT_ORG)
    assert load_service(live, lunch["id"]) is None and "Lunch club" not in resident_sees(live)
    approve(live, proposed.id, MODERATOR)
    [first] = versions(live, lunch["id"])
    assert (first.version, first.action) == (1, "created")
    assert first.changes[0] == FieldChange("publication status", None, "published")
    assert "Lunch club" in resident_sees(live)


@time_machine.travel(datetime(2026, 12, 7, 10, 0, tzinfo=UTC), tick=False)
def test_approving_after_someone_else_published_compares_with_the_live_listing(live) -> None:  # noqa: ANN001
    proposed = propose(live, edited(DEBT, description="The editor's new words."), EDITOR)
    assert not compare(live, proposed.id).moved_on
    oruk.import_services(live, [edited(DEBT, fees="Free for Lewisham residents")])  # version 2, by the system
    comparison = compare(live, proposed.id)
    assert comparison.moved_on and comparison.live["fees"] == "Free for Lewisham residents"
    assert comparison.changes == [
        FieldChange("description", "Free advice about debt and bills.", "The editor's new words."),
        FieldChange("fees", "Free for Lewisham residents", "Free"),
        FieldChange("last reviewed", "2026-10-01", "2026-12-07"),  # approving marks it reviewed today
    ]
    approve(live, proposed.id, MODERATOR)
    newest = versions(live, DEBT_ID)[0]
    assert newest.version == 3 and newest.changes == comparison.changes


def test_sending_back_needs_a_reason_and_the_editor_sees_it(live) -> None:  # noqa: ANN001
    before = load_service(live, DEBT_ID)
    proposed = propose(live, edited(DEBT, description="Everything is free!!!"), EDITOR)
    for blank in ("", "   "):
        with pytest.raises(ChangeError, match="Say why you are sending this change back"):
            send_back(live, proposed.id, MODERATOR, blank)
    assert change(live, proposed.id).status == "pending"
    send_back(live, proposed.id, MODERATOR, " Please say what is free and who can come. ")
    [mine] = changes_for(live, DEBT_ORG)
    assert (mine.status, mine.decided_by) == ("sent_back", MODERATOR)
    assert mine.reason == "Please say what is free and who can come."
    assert load_service(live, DEBT_ID) == before
    with pytest.raises(ChangeError, match="already been sent back"):
        approve(live, proposed.id, MODERATOR)


def test_a_change_is_decided_once(live) -> None:  # noqa: ANN001
    proposed = propose(live, edited(DEBT, fees="£2"), EDITOR)
    approve(live, proposed.id, MODERATOR)
    with pytest.raises(ChangeError, match="already been approved"):
        approve(live, proposed.id, "u-second-moderator")
    with pytest.raises(ChangeError, match="already been approved"):
        send_back(live, proposed.id, "u-second-moderator", "Too late")
    assert [v.version for v in versions(live, DEBT_ID)] == [2, 1]
    with pytest.raises(ChangeError, match="could not find that change"):
        approve(live, 999, MODERATOR)


def test_a_failure_while_publishing_leaves_the_change_waiting_and_history_untouched(live) -> None:  # noqa: ANN001
    before = load_service(live, DEBT_ID)
    proposed = propose(live, edited(DEBT, name="Boom"), EDITOR)
    live.execute("create trigger refuse before insert on services when new.name = 'Boom' "
                 "begin select raise(abort, 'refused by test trigger'); end")
    with pytest.raises(Exception, match="refused by test trigger"):
        approve(live, proposed.id, MODERATOR)
    assert change(live, proposed.id).status == "pending"
    assert [v.version for v in versions(live, DEBT_ID)] == [1]
    assert load_service(live, DEBT_ID) == before


def test_changes_belong_to_the_organisation_that_runs_the_listing(live) -> None:  # noqa: ANN001
    assert organization_of(live, DEBT_ID) == DEBT_ORG
    assert organization_of(live, "no-such-listing") is None
    assert record_organization({"organization_id": "org-7"}) == "org-7"
    debt_change = propose(live, edited(DEBT, fees="£1"), EDITOR)
    food_change = propose(live, edited(FOOD, fees="£1"), "u-food-editor")
    assert [c.id for c in pending(live, DEBT_ORG)] == [debt_change.id]
    assert [c.id for c in changes_for(live, FOOD_ORG)] == [food_change.id]
    assert food_change.name == "Deptford Community Pantry"


def test_restoring_an_old_version_makes_a_new_version(live) -> None:  # noqa: ANN001
    publish(live, edited(DEBT, description="Vandalised text."), "u-someone", "edited")
    assert restore(live, DEBT_ID, 1, MODERATOR) == 3
    assert load_service(live, DEBT_ID)["description"] == "Free advice about debt and bills."
    restored, vandalised, first = versions(live, DEBT_ID)
    assert (restored.action, restored.changed_by) == ("restored", MODERATOR)
    assert restored.changes == [FieldChange("description", "Vandalised text.", "Free advice about debt and bills.")]
    assert vandalised.record["description"] == "Vandalised text." and first.version == 1
    with pytest.raises(ChangeError, match="no version 9"):
        restore(live, DEBT_ID, 9, MODERATOR)


def test_archived_listings_are_hidden_from_residents(live) -> None:  # noqa: ANN001
    assert "Lewisham Money Advice" in resident_sees(live, "debt")
    archive(live, DEBT_ID, MODERATOR)
    assert "Lewisham Money Advice" not in resident_sees(live, "debt")
    assert resident_sees(live) == ["Deptford Community Pantry"]
    newest = versions(live, DEBT_ID)[0]
    assert newest.action == "archived"
    assert newest.changes == [FieldChange("publication status", "published", "archived")]
    assert archive(live, DEBT_ID, MODERATOR) == newest.version  # already archived: nothing new to record
    unarchive(live, DEBT_ID, MODERATOR)
    assert "Lewisham Money Advice" in resident_sees(live, "debt")
    assert [v.action for v in versions(live, DEBT_ID)] == ["unarchived", "archived", "imported"]


@time_machine.travel(datetime(2026, 12, 7, 10, 0, tzinfo=UTC), tick=False)
def test_an_edit_never_changes_whether_residents_can_see_a_listing(live) -> None:  # noqa: ANN001
    proposed = propose(live, edited(DEBT, description="Advice about debt and bills, by phone."), EDITOR)
    archive(live, DEBT_ID, MODERATOR)
    assert compare(live, proposed.id).changes == [
        FieldChange("description", "Free advice about debt and bills.", "Advice about debt and bills, by phone."),
        FieldChange("last reviewed", "2026-10-01", "2026-12-07")]
    approve(live, proposed.id, MODERATOR)
    assert load_service(live, DEBT_ID)["publication_status"] == "archived"
    assert "Lewisham Money Advice" not in resident_sees(live, "debt")
    restore(live, DEBT_ID, 1, MODERATOR)  # version 1 was published; restoring its words does not show it
    assert load_service(live, DEBT_ID)["publication_status"] == "archived"


def test_script_typed_into_a_listing_is_stored_verbatim(live) -> None:  # noqa: ANN001
    text = 'Advice <script>alert("hi")</script> & <b>more</b>'
    proposed = propose(live, edited(DEBT, description=text), EDITOR)
    assert change(live, proposed.id).record["description"] == text
    approve(live, proposed.id, MODERATOR)
    assert load_service(live, DEBT_ID)["description"] == text
    assert versions(live, DEBT_ID)[0].changes[0].after == text
    assert flatten(load_service(live, DEBT_ID))["description"] == text


def test_translations_travel_with_a_change_and_are_in_its_history(live) -> None:  # noqa: ANN001
    from directory.translations import load_listing, translations_of

    proposed = propose(live, edited(DEBT, translations={"pl": {"name": "Porady finansowe", "description": "Długi"}}),
                       EDITOR)
    assert translations_of(live, DEBT_ID) == {}
    assert FieldChange("translation: pl: name", None, "Porady finansowe") in compare(live, proposed.id).changes
    approve(live, proposed.id, MODERATOR)
    assert translations_of(live, DEBT_ID)["pl"].name == "Porady finansowe"
    assert DEBT["name"] in resident_sees(live, "porady finansowe")
    assert versions(live, DEBT_ID)[0].record["translations"]["pl"]["description"] == "Długi"
    without = edited(load_listing(live, DEBT_ID), translations={})
    approve(live, propose(live, without, EDITOR).id, MODERATOR)
    assert translations_of(live, DEBT_ID) == {}
    restore(live, DEBT_ID, versions(live, DEBT_ID)[1].version, MODERATOR)
    assert translations_of(live, DEBT_ID)["pl"].description == "Długi"


@time_machine.travel(datetime(2026, 12, 7, 10, 0, tzinfo=UTC), tick=False)
def test_a_change_published_by_a_trusted_organisation_or_approved_is_reviewed_today(live) -> None:  # noqa: ANN001
    propose(live, edited(FOOD, fees="£1 a bag"), EDITOR, publish_directly=True)
    assert load_service(live, FOOD["id"])["assured_date"] == "2026-12-07"
    approve(live, propose(live, edited(DEBT, fees="Free, by appointment"), EDITOR).id, MODERATOR)
    assert load_service(live, DEBT_ID)["assured_date"] == "2026-12-07"
