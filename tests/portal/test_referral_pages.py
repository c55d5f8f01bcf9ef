"""Referrals through real HTTP: an organisation's editor says a listing takes referrals; a resident asks it to
contact them, without an account, losing nothing to a mistake, and leaves with a reference; the organisation sees
it in its referrals and opens it (recorded); no other organisation can, and nothing of the resident is stored
readable."""

import re

import pytest
import sqlite_utils
from fastapi.testclient import TestClient

from referrals import intake
from tests.portal.staff import form_fields, post, sign_in, staff


@pytest.fixture
def db(seeded_db: sqlite_utils.Database) -> sqlite_utils.Database:
    return seeded_db


@pytest.fixture
def people(db) -> dict:  # noqa: ANN001
    return staff(db)


def org_listing(db: sqlite_utils.Database, organization_id: str) -> str:
    return db.execute("select id from services where organization_id = ? and publication_status = 'published' "
                      "order by name limit 1", [organization_id]).fetchone()[0]


def test_a_resident_asks_a_listing_to_contact_them_and_its_organisation_opens_it(client: TestClient, db,  # noqa: ANN001
                                                                                  people) -> None:
    editor = people["editor_a"]
    org = editor.organizations[0]
    listing = org_listing(db, org)
    assert client.get(f"/services/{listing}/contact-me").status_code == 404  # not taking referrals yet
    sign_in(client, editor.email)
    settings = f"/manage/listings/{listing}/referrals"
    saved = post(client, settings, settings, accepts="yes", contact_by="We ring back within two working days",
                 **{"question-1": "Do you have children under 5?"})
    assert saved.status_code == 303 and intake.intake(db, listing).accepts
    client.cookies.clear()

    assert "/contact-me" in client.get(f"/services/{listing}").text
    form = f"/services/{listing}/contact-me"
    page = client.get(form).text
    assert '<span lang="en" dir="ltr">Do you have children under 5?</span>' in page and "keep what I wrote here" in page
    missing = post(client, form, form, name="Amina Yusuf", phone="07700 900123", story="Food for my family")
    assert missing.status_code == 400 and "Tick the box" in missing.text and "Food for my family" in missing.text
    wrong = post(client, form, form, name="Amina Yusuf", phone="12", consent="yes")
    assert wrong.status_code == 400 and "too few or too many digits" in wrong.text
    sent = post(client, form, form, name="Amina Yusuf", phone="07700 900123", story="Food for my family",
                consent="yes", interpreter="yes", **{"answer-0": "Yes, two"})
    assert sent.status_code == 303
    thanks = client.get(sent.headers["location"]).text
    reference = re.search(r"R-[A-Z2-9]{4}-[A-Z2-9]{4}", thanks).group(0)
    assert "Amina" not in " ".join(str(v) for v in db.execute("select * from referrals").fetchone())

    sign_in(client, editor.email)
    inbox = client.get(f"/manage/organisations/{org}/referrals").text
    assert reference in inbox and "Amina" not in inbox  # the list never shows anyone's details
    referral = re.search(r'href="(/manage/referrals/\d+)"', inbox).group(1)
    opened = client.get(referral).text
    assert "Amina Yusuf" in opened and "07700 900123" in opened and "Yes, two" in opened
    assert "needs an interpreter" in opened
    assert editor.name in opened  # the look is recorded and shown

    other = people["editor_b"]
    client.cookies.clear()
    sign_in(client, other.email)
    assert client.get(referral).status_code == 403
    assert client.get(f"/manage/organisations/{org}/referrals").status_code == 403
    assert client.get(settings).status_code == 403
    assert db.execute("select count(*) from referral_views").fetchone()[0] == 1


def test_the_contact_form_is_slowed_for_a_flood_and_keeps_what_was_written(client: TestClient, db,  # noqa: ANN001
                                                                           people) -> None:
    listing = org_listing(db, people["editor_a"].organizations[0])
    intake.save(db, listing, "t", True, "", [])
    form = f"/services/{listing}/contact-me"
    fields = form_fields(client.get(form).text)
    answers = []
    for _ in range(12):
        answers.append(client.post(form, data={**{k: v[0] for k, v in fields.items()}, "name": "Sam",
                                               "email": "sam@example.org", "consent": "yes"},
                                   follow_redirects=False).status_code)
    assert answers[:10] == [303] * 10 and answers[10:] == [429, 429]


def test_a_request_that_looks_like_spam_is_refused_kindly_and_keeps_what_was_written(client: TestClient, db,  # noqa: ANN001
                                                                                      people) -> None:
    listing = org_listing(db, people["editor_a"].organizations[0])
    intake.save(db, listing, "t", True, "", [])
    form = f"/services/{listing}/contact-me"
    story = "Cheap pills http://spam.example and www.more-spam.example"
    refused = post(client, form, form, name="Sam", phone="07700 900123", story=story, consent="yes")
    assert refused.status_code == 400 and "Take out the web links" in refused.text and "www.more-spam" in refused.text
    named = post(client, form, form, name="http://spam.example", phone="07700 900123", consent="yes")
    assert named.status_code == 400 and "Take out the web links" in named.text
    one = post(client, form, form, name="Sam", phone="07700 900123", consent="yes",
               story="My letter is at https://www.gov.uk/council-tax, what does it mean?")
    assert one.status_code == 303  # one link is a resident showing what they mean
    assert db.execute("select count(*) from referrals").fetchone()[0] == 1


def test_details_sealed_with_a_key_this_server_lacks_are_not_shown_and_it_says_why(client: TestClient, db,  # noqa: ANN001
                                                                                   people) -> None:
    from referrals import store
    from referrals.sealing import Seal, new_key

    editor = people["editor_a"]
    listing = org_listing(db, editor.organizations[0])
    made = store.refer(db, Seal([new_key()]), service_id=listing, channel=store.WEB, name="Kept Elsewhere",
                       email="k@example.org", consent_text="Agreed", consent_by="resident")
    sign_in(client, editor.email)
    page = client.get(f"/manage/referrals/{made.id}")
    assert page.status_code == 503 and "the key that sealed them is not set up on this server" in page.text
    assert "Kept Elsewhere" not in page.text


def test_the_receiving_organisation_answers_a_referral_and_every_step_is_shown(client: TestClient, db,  # noqa: ANN001
                                                                               people) -> None:
    from pathlib import Path

    from portal.settings import Settings
    from referrals import store
    from referrals.sealing import Seal

    editor = people["editor_a"]
    listing = org_listing(db, editor.organizations[0])
    seal = Seal(Settings(db=Path(db.execute("pragma database_list").fetchone()[2])).referral_key_list())
    made = store.refer(db, seal, service_id=listing, channel=store.WEB, name="Sam", email="s@example.org",
                       consent_text="Agreed", consent_by="resident")
    sign_in(client, editor.email)
    page = f"/manage/referrals/{made.id}"
    assert post(client, page, page, action="accept").status_code == 303
    post(client, page, page, action="attempt", note="No answer, left a voicemail")
    refused = post(client, page, page, action="close")
    assert refused.status_code == 400 and "Choose what happened." in refused.text
    assert post(client, page, page, action="close", outcome="attended").status_code == 303
    shown = client.get(page).text
    for step in ("Accepted", "Tried to contact them", "No answer, left a voicemail", "Seen: they came or were helped"):
        assert step in shown
    assert "Answer this referral" not in shown  # closed: nothing left to answer
    assert post(client, page, "/account", action="explode").status_code == 400
    other = people["editor_b"]
    client.cookies.clear()
    sign_in(client, other.email)
    assert post(client, page, "/account", action="accept").status_code == 403
