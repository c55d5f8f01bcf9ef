"""The other referral journeys through real HTTP: a link worker refers a resident with their consent and watches
each status change; a declined referral is passed on with its history; an organisation's administrators see every
look; moderators see late referrals and the worker reminds organisations by email, once; a resident asks from the
assistant (to the hub team) or at a kiosk with its keypad; a referral downloads as FHIR, the look recorded."""

import json
import re
from datetime import UTC, datetime
from email import message_from_bytes
from pathlib import Path

import pytest
import sqlite_utils
import time_machine
from fastapi.testclient import TestClient

from directory.translations import load_listing
from portal.app import create_app
from portal.i18n import translator
from portal.settings import Settings
from referrals import intake, store
from referrals.sealing import Seal
from tests.portal.staff import post, run_jobs, sign_in, staff
from tests.portal.test_chat import _press

REFERENCE = re.compile(r"R-[A-Z2-9]{4}-[A-Z2-9]{4}")


@pytest.fixture
def db(seeded_db: sqlite_utils.Database) -> sqlite_utils.Database:
    return seeded_db


@pytest.fixture
def people(db) -> dict:  # noqa: ANN001
    return staff(db)


def database_path(db: sqlite_utils.Database) -> Path:
    return Path(db.execute("pragma database_list").fetchone()[2])


def seal(db: sqlite_utils.Database) -> Seal:
    """The portal's own key (a key file beside the database), as the pages use it."""
    return Seal(Settings(db=database_path(db)).referral_key_list())


def mailing(seeded_path: Path, inbox) -> tuple:  # noqa: ANN001
    """A portal that sends email to the test's inbox: (inbox, settings, database, the sweep's people)."""
    handler, port = inbox
    settings = Settings(db=seeded_path, secret_key="x", smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False,
                        public_url="https://portal.example.org")
    db = sqlite_utils.Database(seeded_path)
    return handler, settings, db, staff(db)


def taking(db: sqlite_utils.Database, name: str) -> str:
    service_id = db.execute("select id from services where name = ?", [name]).fetchone()[0]
    intake.save(db, service_id, "t", True, "", ["Is there a child under 5?"])
    return service_id


def test_a_link_worker_refers_someone_with_their_consent_and_sees_every_status_change(client: TestClient, db,  # noqa: ANN001
                                                                                      people) -> None:
    worker, receiver = people["editor_b"], people["editor_a"]  # B refers; A runs the listing
    listing = db.execute("select id from services where organization_id = ? order by name limit 1",
                         [receiver.organizations[0]]).fetchone()[0]
    intake.save(db, listing, "t", True, "", ["Is there a child under 5?"])
    sign_in(client, worker.email)
    assert "/manage/refer/" in client.get(f"/services/{listing}").text
    form = f"/manage/refer/{listing}"
    in_arabic = client.get(form, params={"language": "ar"}).text
    assert "أوافق" in in_arabic  # the agreement to read to them, in their language
    unagreed = post(client, form, form, name="Hodan Ali", phone="020 7946 0123", language="ar",
                    story="تحتاج إلى طعام")
    assert unagreed.status_code == 400 and "they agreed" in unagreed.text and "تحتاج إلى طعام" in unagreed.text
    sent = post(client, form, form, name="Hodan Ali", phone="020 7946 0123", language="ar", interpreter="yes",
                story="تحتاج إلى طعام", consent="yes", neighbourhood="n3", **{"answer-0": "Yes"})
    assert sent.status_code == 303
    page = sent.headers["location"].split("?")[0]
    made = store.summary(db, int(page.rsplit("/", 1)[1]))
    assert (made.channel, made.referrer_organization_id, made.language, made.neighbourhood, made.interpreter) == (
        store.REFERRER, worker.organizations[0], "ar", 3, True)
    opened = store.open_details(db, seal(db), made.id, "check", worker.organizations[0])
    assert opened.resident.consent.startswith("أوافق") and opened.resident.answers == {
        "Is there a child under 5?": "Yes"}
    mine = client.get(f"/manage/organisations/{worker.organizations[0]}/referrals").text
    assert made.reference in mine and "Hodan" not in mine
    shown = client.get(page).text
    assert "New" in shown and '<span lang="ar" dir="auto">أوافق' in shown  # read aloud in its own language

    client.cookies.clear()
    sign_in(client, receiver.email)
    post(client, page, page, action="accept")
    post(client, page, page, action="decline", reason="capacity", note="Full until March")
    client.cookies.clear()
    sign_in(client, worker.email)
    watched = client.get(page).text
    assert "Accepted" in watched and "No capacity just now" in watched and "Full until March" in watched
    assert "Answer this referral" not in watched  # the referrer watches; only the receiver answers
    assert post(client, page, page, action="accept").status_code == 403


def test_a_declined_referral_is_passed_on_in_one_step_keeping_its_story_and_history(client: TestClient, db,  # noqa: ANN001
                                                                                  people) -> None:
    receiver = people["editor_a"]
    first = db.execute("select id from services where organization_id = ? order by name limit 1",
                       [receiver.organizations[0]]).fetchone()[0]
    intake.save(db, first, "t", True, "", [])
    food_bank = taking(db, "Catford food bank")
    made = store.refer(db, seal(db), service_id=first, channel=store.WEB, name="Sam Okafor", phone="07700 900456",
                       story="Behind on rent and no food", consent_text="Agreed", consent_by="resident")
    sign_in(client, receiver.email)
    page = f"/manage/referrals/{made.id}"
    post(client, page, page, action="decline", reason="eligibility", note="We only help under 25s")
    shown = client.get(page).text
    assert "Pass it on" in shown and "Catford food bank" in shown
    unagreed = post(client, page, page, action="pass_on", to_service=food_bank)
    assert unagreed.status_code == 400 and "agreed to be passed on" in unagreed.text
    passed = post(client, page, page, action="pass_on", to_service=food_bank, consent="yes")
    assert passed.status_code == 303
    new_page = passed.headers["location"].split("?")[0]
    new = client.get(new_page).text  # the passing organisation now watches it as its referrer
    assert "Behind on rent and no food" in new and "We only help under 25s" in new and made.reference in new
    assert "Pass it on" not in client.get(page).text  # once only
    food_org = db.execute("select organization_id from services where id = ?", [food_bank]).fetchone()[0]
    assert [r.reference for r in store.received(db, food_org)] == [store.summary(db, int(new_page.rsplit("/", 1)[1])
                                                                                  ).reference]


def test_an_organisation_sees_who_looked_at_its_referrals_and_no_other_can(client: TestClient, db,  # noqa: ANN001
                                                                        people) -> None:
    editor = people["editor_a"]
    org = editor.organizations[0]
    listing = db.execute("select id from services where organization_id = ? order by name limit 1",
                         [org]).fetchone()[0]
    made = store.refer(db, seal(db), service_id=listing, channel=store.WEB, name="Sam", phone="07700 900456",
                       consent_text="Agreed", consent_by="resident")
    sign_in(client, editor.email)
    log = f"/manage/organisations/{org}/referrals/access"
    assert "Nobody has opened one yet." in client.get(log).text
    client.get(f"/manage/referrals/{made.id}")
    shown = client.get(log).text
    assert made.reference in shown and editor.name in shown
    client.cookies.clear()
    sign_in(client, people["editor_b"].email)
    assert client.get(log).status_code == 403


def test_moderators_see_late_referrals_and_the_worker_reminds_each_organisation_once(seeded_path, inbox) -> None:  # noqa: ANN001
    handler, settings, db, people = mailing(seeded_path, inbox)
    receiver = people["editor_a"]
    listing = db.execute("select id from services where organization_id = ? order by name limit 1",
                         [receiver.organizations[0]]).fetchone()[0]
    intake.save(db, listing, "t", True, "", [])
    with time_machine.travel(datetime(2026, 12, 1, 10, tzinfo=UTC), tick=False):
        made = store.refer(db, Seal(settings.referral_key_list()), service_id=listing, channel=store.WEB,
                           name="Amina Yusuf", phone="07700 900123", consent_text="Agreed", consent_by="resident")
    with time_machine.travel(datetime(2026, 12, 7, 9, tzinfo=UTC), tick=False), \
            TestClient(create_app(settings)) as client:
        sign_in(client, people["moderator"].email)
        late = client.get("/moderation/referrals").text
        assert made.reference in late and "Not yet" in late and "Amina" not in late
        from portal.job_queue import job_queue

        assert job_queue(settings).queue_referral_upkeep() == 1  # the reminder, as the hour strikes
        assert job_queue(settings).queue_referral_upkeep() == 0  # not twice while waiting
        run_jobs(client)
        assert job_queue(settings).queue_referral_upkeep() == 0  # the next hour: reminded already, nothing to erase
        assert "Not yet" not in client.get("/moderation/referrals").text
        client.cookies.clear()
        sign_in(client, receiver.email)
        assert client.get("/moderation/referrals").status_code == 403
    reminders = [message_from_bytes(m) for m in handler.messages]
    assert [m["To"] for m in reminders] == [receiver.email]
    body = reminders[0].get_payload()
    assert made.reference in body and f"https://portal.example.org/manage/referrals/{made.id}" in body
    assert "Amina" not in body and "07700" not in body


def test_the_erasure_job_erases_what_is_past_its_time(client: TestClient, db) -> None:  # noqa: ANN001
    listing = taking(db, "Catford food bank")
    org = db.execute("select organization_id from services where id = ?", [listing]).fetchone()[0]
    with time_machine.travel(datetime(2025, 1, 6, 10, tzinfo=UTC), tick=False):
        old = store.refer(db, seal(db), service_id=listing, channel=store.WEB, name="Old", phone="07700 900111",
                          consent_text="Agreed", consent_by="resident")
        store.decline(db, old.id, "capacity", "", "r", org)
    from portal.job_queue import job_queue

    assert job_queue(client.app.state.settings).queue_referral_upkeep() == 1  # no email set up: erasure only
    run_jobs(client)
    assert store.summary(db, old.id).erased_at
    assert job_queue(client.app.state.settings).queue_referral_upkeep() == 0  # nothing left to do: no job at all


def test_can_someone_call_me_in_the_assistant_leads_to_the_hub_team(no_assistant: TestClient, db) -> None:  # noqa: ANN001
    hub = taking(db, "Waldron Community Hub")
    intake.make_hub(db, hub, "admin")
    answer = _press(no_assistant, "/ar/chat", translator("ar").gettext("Speak to a person")).text
    link = re.search(r'href="(/ar/contact-me\?via=assistant)"', answer).group(1)
    form = no_assistant.get(link)
    assert form.status_code == 200 and 'name="via" value="assistant"' in form.text and "أوافق" in form.text
    path = f"/ar/services/{hub}/contact-me"
    sent = no_assistant.post(path, data={"csrf_token": _token(no_assistant, path), "via": "assistant",
                                         "name": "فاطمة", "phone": "07700 900789", "consent": "yes"},
                         follow_redirects=False)
    assert sent.status_code == 303 and REFERENCE.search(no_assistant.get(sent.headers["location"]).text)
    [(channel, language)] = db.execute("select channel, language from referrals").fetchall()
    assert (channel, language) == (store.ASSISTANT, "ar")


def test_without_a_hub_team_the_assistant_offers_no_call_back(no_assistant: TestClient) -> None:
    answer = _press(no_assistant, "/chat", "Speak to a person").text
    assert "contact-me" not in answer and "020 7946 0000" in answer  # the advice line, still


def _token(client: TestClient, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text).group(1)


def test_at_a_kiosk_the_number_is_typed_on_the_keypad_and_a_reference_shown(no_assistant: TestClient, db) -> None:  # noqa: ANN001
    hub = taking(db, "Waldron Community Hub")
    intake.make_hub(db, hub, "admin")
    answer = _press(no_assistant, "/kiosk/chat", "Speak to a person").text
    assert 'href="/kiosk/contact-me"' in answer
    form = no_assistant.get("/kiosk/contact-me").url.path
    assert form == f"/kiosk/services/{hub}/contact-me"
    phone = ""
    for key in "07700900321":
        page = no_assistant.post(form, data={"csrf_token": _token(no_assistant, form), "key": key, "phone": phone})
        assert page.status_code == 200
        phone = re.search(r'id="phone" name="phone"[^>]* value="([^"]*)"', page.text).group(1)
    page = no_assistant.post(form, data={"csrf_token": _token(no_assistant, form), "key": "del", "phone": phone + "9"})
    assert re.search(r'value="07700900321"', page.text)
    sent = no_assistant.post(form, data={"csrf_token": _token(no_assistant, form), "phone": phone, "when": "morning",
                                         "consent": "yes", "send": "yes"}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"].startswith("/kiosk/")
    done = no_assistant.get(sent.headers["location"])
    assert REFERENCE.search(done.text) and "np-kiosk" in done.text and done.headers["cache-control"] == "no-store"
    [(channel, name)] = db.execute("select channel, name_sealed from referrals").fetchall()
    assert channel == store.KIOSK
    other = db.execute("select id from services where name = 'Catford food bank'").fetchone()[0]
    intake.save(db, other, "t", True, "", [])
    assert no_assistant.get(f"/kiosk/services/{other}/contact-me").status_code == 404  # not shown to this visitor


def test_a_referral_downloads_as_fhir_for_its_organisations_only_and_the_look_is_recorded(client: TestClient, db,  # noqa: ANN001
                                                                                         people) -> None:
    editor = people["editor_a"]
    listing = db.execute("select id from services where organization_id = ? order by name limit 1",
                         [editor.organizations[0]]).fetchone()[0]
    made = store.refer(db, seal(db), service_id=listing, channel=store.WEB, name="Sam Okafor", phone="07700 900456",
                       story="Needs help", consent_text="Agreed", consent_by="resident")
    sign_in(client, editor.email)
    got = client.get(f"/manage/referrals/{made.id}/fhir")
    assert got.status_code == 200 and got.headers["content-type"].startswith("application/fhir+json")
    bundle = json.loads(got.text)
    kinds = sorted(entry["resource"]["resourceType"] for entry in bundle["entry"])
    assert bundle["resourceType"] == "Bundle" and kinds == ["Patient", "ServiceRequest"]
    [request] = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "ServiceRequest"]
    assert request["requester"] == {"display": "self-referral"} and request["code"]["text"] == load_listing(
        db, listing)["name"]
    assert db.execute("select count(*) from referral_views where referral_id = ?", [made.id]).fetchone()[0] == 1
    client.cookies.clear()
    sign_in(client, people["editor_b"].email)
    assert client.get(f"/manage/referrals/{made.id}/fhir").status_code == 403


def test_the_referrer_hears_by_email_when_the_referral_is_answered_and_no_details_travel(seeded_path, inbox) -> None:  # noqa: ANN001
    handler, settings, db, people = mailing(seeded_path, inbox)
    worker, receiver = people["editor_b"], people["editor_a"]
    listing = db.execute("select id from services where organization_id = ? order by name limit 1",
                         [receiver.organizations[0]]).fetchone()[0]
    made = store.refer(db, Seal(settings.referral_key_list()), service_id=listing, channel=store.REFERRER,
                       name="Hodan Ali", phone="020 7946 0123", consent_text="Agreed", consent_by=worker.id,
                       referrer_id=worker.id, referrer_organization_id=worker.organizations[0])
    with TestClient(create_app(settings)) as client:
        sign_in(client, receiver.email)
        page = f"/manage/referrals/{made.id}"
        post(client, page, page, action="accept")
        post(client, page, page, action="attempt", note="Rang Hodan, no answer")  # not a change of status
        run_jobs(client)
    [notice] = [message_from_bytes(m) for m in handler.messages]
    assert notice["To"] == worker.email and notice["Subject"] == f"Referral {made.reference} was accepted"
    body = notice.get_payload()
    assert f"https://portal.example.org/manage/referrals/{made.id}" in body and "Hodan" not in body


def test_nothing_a_resident_wrote_reaches_the_log(client: TestClient, db, people, caplog) -> None:  # noqa: ANN001
    listing = taking(db, "Catford food bank")
    form = f"/services/{listing}/contact-me"
    with caplog.at_level("DEBUG"):
        sent = post(client, form, form, name="Zainab Quist", phone="07700 900999", story="My landlord Mr Pike",
                    consent="yes", **{"answer-0": "Yes, twins"})
        assert sent.status_code == 303
        editor = people["editor_a"]
        sign_in(client, editor.email)
        org = db.execute("select organization_id from services where id = ?", [listing]).fetchone()[0]
        client.get(f"/manage/organisations/{org}/referrals")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in ("Zainab", "900999", "Pike", "twins"):
        assert secret not in logged



def test_the_insight_page_and_its_csv_count_referrals_with_small_numbers_hidden(client: TestClient, db,  # noqa: ANN001
                                                                               people) -> None:
    food = taking(db, "Catford food bank")
    org = db.execute("select organization_id from services where id = ?", [food]).fetchone()[0]
    for i in range(7):
        made = store.refer(db, seal(db), service_id=food, channel=store.WEB if i < 6 else store.KIOSK,
                           name=f"Zainab Quist {i}", phone="07700 900123", consent_text="Agreed",
                           consent_by="resident", need="food", neighbourhood=3)
        if i == 0:
            store.decline(db, made.id, "capacity", "", "r", org)
    sign_in(client, people["engagement_lead"].email)
    page = client.get("/insight/referrals").text
    assert "Zainab" not in page
    tables = {}
    for table in page.split("<caption")[1:]:
        caption = re.search(r">([^<]+)</caption>", table).group(1)
        tables[caption] = dict(re.findall(r'<th scope="row" class="govuk-table__header" dir="auto">([^<]+)</th>'
                                          r'<td class="govuk-table__cell govuk-table__cell--numeric">([^<]+)</td>',
                                          table))
    assert tables["Need"]["Food"] == "7" and tables["Neighbourhood"]["Neighbourhood 3 (South East Lewisham)"] == "7"
    assert tables["How it was made"]["Resident, at a kiosk"] == "&lt;5"
    # Three channels hidden (two are 0): 7 - 6 says one referral came some other way, never which.
    assert tables["How it was made"]["Resident, on the website"] == "6"
    assert tables["Unmet need: declined for no capacity"]["Food"] == "&lt;5"
    csv = client.get("/insight/referrals.csv").content.decode("utf-8-sig").splitlines()
    assert csv[0] == "breakdown,group,count" and "All referrals,Total,7" in csv and "Zainab" not in "".join(csv)
    assert "Unmet need: declined for no capacity,Food,<5" in csv
    polish = client.get("/pl/insight/referrals").text
    assert "Żywność" in polish or "Jedzenie" in polish  # the categories in the reader's language


def test_at_a_kiosk_a_listing_the_visitor_was_shown_can_be_asked_to_call_them(no_assistant: TestClient, db) -> None:  # noqa: ANN001
    page = _press(no_assistant, "/kiosk/chat", "Food").text
    shown = re.search(r'href="/kiosk/services/([0-9a-f-]{36})"', page).group(1)
    intake.save(db, shown, "t", True, "", [])
    listing = no_assistant.get(f"/kiosk/services/{shown}").text
    assert f'href="/kiosk/services/{shown}/contact-me"' in listing  # the kiosk's own form, never the website's
    form = no_assistant.get(f"/kiosk/services/{shown}/contact-me")
    assert form.status_code == 200 and "np-keypad" in form.text
