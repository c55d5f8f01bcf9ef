"""Editing a listing a section at a time, as a VCSE editor does: a task list, each section saved as they go,
"check your answers", then sending it; times read the way people write them; and the moderator's comparison
in the form's own words."""

from __future__ import annotations

import re

import pytest
import sqlite_utils
from fastapi.testclient import TestClient

from accounts import users
from directory import changes, organisations
from directory.translations import load_listing
from portal.listing_form import read_time
from tests.portal.staff import post, send_changed, sign_in, staff


@pytest.fixture
def people(seeded_db: sqlite_utils.Database) -> dict[str, users.User]:
    made = staff(seeded_db)
    organisations.set_publishes_directly(seeded_db, made["editor_a"].organizations[0], False)
    return made


@pytest.fixture
def listing(seeded_db: sqlite_utils.Database, people) -> str:  # noqa: ANN001
    org = people["editor_a"].organizations[0]
    return seeded_db.execute("select id from services where organization_id = ? and publication_status = "
                             "'published' order by name limit 1", [org]).fetchone()[0]


save_section = send_changed  # open a section's page, change some answers as a person would, and save it


def status_of(page: str, key: str) -> str:
    found = re.search(rf'id="{key}-status">(.*?)</div>', page, re.S)
    assert found, key
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


@pytest.mark.parametrize("typed, meant", [
    ("9", "09:00"), ("9am", "09:00"), ("12pm", "12:00"), ("12am", "00:00"), ("4.30pm", "16:30"),
    ("4:30 p.m.", "16:30"), ("09:30", "09:30"), ("1730", "17:30"), ("noon", "12:00"), ("7 AM", "07:00"),
    ("25:00", None), ("13pm", None), ("9.75", None), ("half nine", None), ("", None),
])
def test_times_are_read_the_way_people_write_them(typed: str, meant: str | None) -> None:
    assert read_time(typed) == meant


def test_a_new_listing_is_written_a_section_at_a_time_and_sent_after_checking(client: TestClient, seeded_db,
                                                                              people) -> None:  # noqa: ANN001
    sign_in(client, people["editor_a"].email)
    org = people["editor_a"].organizations[0]
    start = f"/manage/organisations/{org}/listings/new"
    assert "About the service" in client.get(start).text
    began = save_section(client, start, name="Catford knit and natter", categories=["activities"],
                         description="Knitting and a chat over tea, every week.")
    assert began.status_code == 303
    tasks = began.headers["location"].split("?")[0]
    listing_id = tasks.rsplit("/", 1)[1]
    page = client.get(began.headers["location"]).text
    assert "“About the service” is saved" in page
    assert status_of(page, "about") == "Completed" and status_of(page, "times") == "Not started"
    assert "Catford knit and natter" in client.get(f"/manage/organisations/{org}").text  # not sent yet, kept
    timed = save_section(client, f"{tasks}/edit/times", **{"schedules-0-days": ["MO", "TU", "WE", "TH", "FR"],
                                                           "schedules-0-opens_at": "9am",
                                                           "schedules-0-closes_at": "4.30pm"})
    assert timed.status_code == 303
    check = client.get(f"{tasks}/check").text
    assert "Monday–Friday: 09:00–16:30" in check
    assert changes.pending(seeded_db, org) == []  # nothing sent until the editor sends it
    sent = post(client, f"{tasks}/check", f"{tasks}/check")
    assert sent.status_code == 303 and "saved=queued" in sent.headers["location"]
    [waiting] = changes.pending(seeded_db, org)
    assert waiting.service_id == listing_id and waiting.record["schedules"][0]["closes_at"] == "16:30"
    assert seeded_db["listing_drafts"].count == 0


def test_a_section_with_a_mistake_keeps_what_was_typed_and_says_which_box(client: TestClient, listing,
                                                                          people) -> None:  # noqa: ANN001
    sign_in(client, people["editor_a"].email)
    times = f"/manage/listings/{listing}/edit/times"
    wrong = save_section(client, times, **{"schedules-0-days": ["SA"], "schedules-0-opens_at": "25:00",
                                           "schedules-0-closes_at": "5pm"})
    assert wrong.status_code == 400
    assert "Opening times 1, Opens: Enter a time like 9am, 4.30pm or 17:00." in wrong.text
    assert 'id="schedules-0-opens_at-error"' in wrong.text
    again = client.get(times).text  # saved as typed: nothing is lost by leaving the page
    assert 'value="25:00"' in again and 'value="5pm"' in again
    tasks = client.get(f"/manage/listings/{listing}").text
    assert status_of(tasks, "times") == "Has a problem" and status_of(tasks, "who") == "No changes"
    check = client.get(f"/manage/listings/{listing}/check").text
    assert f'href="/manage/listings/{listing}/edit/times#schedules-0-opens_at"' in check


def test_changing_one_section_of_a_live_listing_shows_what_changed_then_waits_for_a_moderator(
        client: TestClient, seeded_db, listing, people) -> None:  # noqa: ANN001
    sign_in(client, people["editor_a"].email)
    saved = save_section(client, f"/manage/listings/{listing}/edit/who",
                         eligibility_description="Anyone over 16 living in Lewisham.")
    assert saved.status_code == 303
    tasks = client.get(f"/manage/listings/{listing}").text
    assert status_of(tasks, "who") == "Changed" and status_of(tasks, "about") == "No changes"
    check = client.get(f"/manage/listings/{listing}/check").text
    changed = check[check.index("What you changed"):check.index("</table>", check.index("What you changed"))]
    assert "Who can use it" in changed and "Anyone over 16 living in Lewisham." in changed
    assert "Name" not in changed  # only what changed
    live_before = load_listing(seeded_db, listing)["eligibility_description"]
    assert post(client, f"/manage/listings/{listing}/check", f"/manage/listings/{listing}/check").status_code == 303
    assert load_listing(seeded_db, listing)["eligibility_description"] == live_before  # until approved
    assert changes.pending(seeded_db)[-1].record["eligibility_description"] == "Anyone over 16 living in Lewisham."


def test_a_change_made_by_someone_else_meanwhile_is_shown_beside_yours_never_replaced(
        client: TestClient, seeded_db, listing, people) -> None:  # noqa: ANN001
    sign_in(client, people["editor_a"].email)
    save_section(client, f"/manage/listings/{listing}/edit/about", alert="No session on 3 March.")
    theirs = load_listing(seeded_db, listing)
    theirs["alert"] = "Closed for refurbishment in March."
    changes.propose(seeded_db, theirs, people["moderator"].id, publish_directly=True)
    clash = post(client, f"/manage/listings/{listing}/check", f"/manage/listings/{listing}/check")
    assert clash.status_code == 409
    assert "Closed for refurbishment in March." in clash.text and "No session on 3 March." in clash.text
    assert load_listing(seeded_db, listing)["alert"] == "Closed for refurbishment in March."
    # Having seen both, sending again sends the editor's version for a moderator.
    assert post(client, f"/manage/listings/{listing}/check", f"/manage/listings/{listing}/check").status_code == 303


def test_what_was_not_sent_can_be_thrown_away(client: TestClient, seeded_db, listing, people) -> None:  # noqa: ANN001
    sign_in(client, people["editor_a"].email)
    save_section(client, f"/manage/listings/{listing}/edit/cost", fees="£2 a session")
    assert seeded_db["listing_drafts"].count == 1
    post(client, f"/manage/listings/{listing}/discard", f"/manage/listings/{listing}")
    assert seeded_db["listing_drafts"].count == 0
    assert status_of(client.get(f"/manage/listings/{listing}").text, "cost") == "No changes"


def test_another_organisations_editor_cannot_see_or_save_a_section(client: TestClient, listing, people) -> None:  # noqa: ANN001
    sign_in(client, people["editor_b"].email)
    for path in (f"/manage/listings/{listing}", f"/manage/listings/{listing}/edit/about",
                 f"/manage/listings/{listing}/check"):
        assert client.get(path).status_code == 403, path
    assert client.get(f"/manage/listings/{listing}/edit/nonsense").status_code in (403, 404)


def test_the_moderator_reads_the_change_in_the_forms_words(client: TestClient, seeded_db, listing,
                                                          people) -> None:  # noqa: ANN001
    sign_in(client, people["editor_a"].email)
    save_section(client, f"/manage/listings/{listing}/edit/times", **{
        "exceptions-0-from": "2026-12-24", "exceptions-0-to": "2026-12-26", "exceptions-0-description": "Christmas"})
    post(client, f"/manage/listings/{listing}/check", f"/manage/listings/{listing}/check")
    change = changes.pending(seeded_db)[-1]
    client.cookies.clear()
    sign_in(client, people["moderator"].email)
    page = client.get(f"/moderation/changes/{change.id}").text
    readable = page[:page.index("<details")]
    assert "Changes to the usual times" in readable and "Closed 24–26 Dec 2026: Christmas" in readable
    assert "schedules" not in readable.lower()  # the stored field names only under "Every field as it is stored"
    polish = client.get(f"/pl/moderation/changes/{change.id}").text
    assert "grudnia 2026" in polish[:polish.index("<details")]


def test_staff_pages_leave_out_the_residents_shortlist(client: TestClient, people) -> None:  # noqa: ANN001
    assert "Your shortlist" in client.get("/").text
    sign_in(client, people["editor_a"].email)
    for path in ("/manage", f"/manage/organisations/{people['editor_a'].organizations[0]}", "/account"):
        assert "Your shortlist" not in client.get(path).text, path
