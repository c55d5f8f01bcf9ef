"""Editors keep their listings true through real HTTP: changes wait for a moderator while residents see the
live listing, mistakes come back marked with what was typed kept, and "still correct" takes one click."""

import html
import re
from datetime import UTC, datetime

import pytest
import sqlite_utils
from fastapi.testclient import TestClient

from accounts import users
from directory import changes, organisations, reports
from directory.corpus import is_out_of_date
from directory.schedules import london_today
from directory.translations import load_listing
from tests.portal.staff import form_fields, post, send_changed, sign_in, staff


@pytest.fixture
def db(seeded_db: sqlite_utils.Database) -> sqlite_utils.Database:
    """The seeded directory the client serves, for setting up and checking what it stores."""
    return seeded_db


@pytest.fixture
def people(db) -> dict[str, users.User]:
    return staff(db)


@pytest.fixture
def listing(db, people) -> str:
    """A published listing run by editor A's organisation."""
    org = people["editor_a"].organizations[0]
    return db.execute("select id from services where organization_id = ? and publication_status = 'published' "
                      "order by name limit 1", [org]).fetchone()[0]


edit = send_changed


def errors_on(page: str) -> dict[str, str]:
    """Each field's error message, by the field it is shown against."""
    return {m.group(1): html.unescape(re.sub(r"<[^>]+>|Error:", "", m.group(2))).strip()
            for m in re.finditer(r'<p id="([^"]+)-error" class="govuk-error-message">(.*?)</p>', page, re.S)}


def test_an_edit_waits_for_a_moderator_and_then_residents_find_it(client: TestClient, db, people, listing) -> None:
    sign_in(client, people["editor_a"].email)
    before = load_listing(db, listing)["description"]
    sent = edit(client, f"/manage/listings/{listing}/all", description="Now with a quizzical tapestry workshop.")
    assert sent.status_code == 303 and "saved=queued" in sent.headers["location"]
    assert load_listing(db, listing)["description"] == before
    assert "quizzical" not in client.get(f"/services/{listing}").text
    assert "Waiting for a moderator" in client.get(sent.headers["location"]).text

    client.cookies.clear()
    sign_in(client, people["moderator"].email)
    queue = client.get("/moderation").text
    change_id = re.search(r"/moderation/changes/(\d+)", queue).group(1)
    page = client.get(f"/moderation/changes/{change_id}").text
    assert f'<del><span lang="en" dir="ltr">{before}</span></del>' in page.replace("&#39;", "'")
    assert '<ins><span lang="en" dir="ltr">Now with a quizzical tapestry workshop.</span></ins>' in page
    approved = post(client, f"/moderation/changes/{change_id}/approve", f"/moderation/changes/{change_id}")
    assert approved.status_code == 303
    assert load_listing(db, listing)["description"] == "Now with a quizzical tapestry workshop."
    assert "quizzical" in client.get(f"/services/{listing}").text
    found = client.get("/search", params={"q": "quizzical tapestry workshop"}).text
    assert re.search(r'href="(/services/[\w-]+)"', found).group(1) == f"/services/{listing}"


def test_a_form_with_mistakes_comes_back_marked_keeping_what_was_typed(client: TestClient, db, people) -> None:
    sign_in(client, people["editor_a"].email)
    org = people["editor_a"].organizations[0]
    path = f"/manage/organisations/{org}/listings/new/all"
    count = db.execute("select count(*) from services").fetchone()[0]
    page = edit(client, path, name="", description="Tea and a chat", **{
        "schedules-0-days": ["MO"], "schedules-0-opens_at": "25:00", "schedules-0-closes_at": "17:00",
        "locations-0-address_1": "1 Rushey Green", "locations-0-postcode": "ZZ1 1ZZ",
        "phones-0-number": "call us", "minimum_age": "18", "maximum_age": "12",
        "exceptions-0-from": "2026-12-24", "exceptions-0-to": "2026-12-20",
        "tr-pl-description": "Herbata", "url": "our website"})
    assert page.status_code == 400
    errors = errors_on(page.text)
    assert errors["name"] == "Enter the listing's name."
    assert errors["schedules-0-opens_at"] == "Enter a time like 9am, 4.30pm or 17:00."
    assert "Opening times 1, Opens: Enter a time like 9am" in page.text  # the summary says which box
    assert "ZZ1 1ZZ" in errors["locations-0-postcode"]
    assert errors["phones-0-number"].startswith("Enter a phone number")
    assert errors["maximum_age"].startswith("The oldest age")
    assert errors["exceptions-0-to"].startswith("The last date")
    assert errors["tr-pl-name"] == "Enter the name in this language too."
    assert errors["url"].startswith("Enter a web address")
    assert 'href="#schedules-0-opens_at"' in page.text  # the summary links to each field
    for typed in ("Tea and a chat</textarea>", 'value="25:00"', 'value="ZZ1 1ZZ"', 'value="call us"',
                  "Herbata</textarea>", 'value="our website"'):
        assert typed in page.text
    assert db.execute("select count(*) from services").fetchone()[0] == count
    assert changes.pending(db) == []


def test_add_another_shows_one_more_row_and_saves_nothing(client: TestClient, db, people, listing) -> None:
    sign_in(client, people["editor_a"].email)
    path = f"/manage/listings/{listing}/all"
    rows = len(re.findall(r'name="phones-\d+-number"', client.get(path).text))
    page = edit(client, path, add="phones", **{f"phones-{rows - 1}-number": "020 7946 0999"})
    assert page.status_code == 200
    assert len(re.findall(r'name="phones-\d+-number"', page.text)) == rows + 1
    assert 'value="020 7946 0999"' in page.text and changes.pending(db) == []


def test_every_part_of_a_new_listing_is_kept_and_shown_to_residents(client: TestClient, db, people) -> None:
    org = people["editor_a"].organizations[0]
    organisations.set_publishes_directly(db, org, True)
    sign_in(client, people["editor_a"].email)
    sent = edit(client, f"/manage/organisations/{org}/listings/new/all", **{
        "name": "Hither Green sewing circle", "description": "Mend clothes together and learn to sew.",
        "status": "active", "fees": "Free", "eligibility_description": "Adults", "minimum_age": "18",
        "categories": ["activities"], "areas": ["n2"], "application_process": "Just drop in",
        "schedules-0-days": ["TU", "TH"], "schedules-0-opens_at": "10:00", "schedules-0-closes_at": "12:30",
        "schedules-1-days": ["SA"], "schedules-1-week": "1", "schedules-1-opens_at": "14:00",
        "schedules-1-closes_at": "16:00", "exceptions-0-from": "2099-12-24", "exceptions-0-to": "2100-01-02",
        "exceptions-0-description": "Closed for the holidays",
        "locations-0-name": "Hither Green Hall", "locations-0-address_1": "1 Rushey Green",
        "locations-0-postcode": "se64ru", "locations-0-access": "Step-free access",
        "locations-0-access_details": "Lift and accessible toilet", "phones-0-number": "020 7946 0321",
        "contacts-0-name": "Sam", "contacts-0-email": "sam@example.org", "costs-0-option": "Materials",
        "costs-0-amount": "2.50", "languages": ["en", "tr"], "other_languages": "Akan",
        "tr-tr-name": "Hither Green dikiş çevresi", "tr-tr-description": "Birlikte giysi onarın.",
        "email": "sew@example.org", "url": "https://sew.example.org"})
    assert sent.status_code == 303 and "saved=published" in sent.headers["location"]
    service_id = db.execute("select id from services where name = 'Hither Green sewing circle'").fetchone()[0]
    record = load_listing(db, service_id)
    assert record["schedules"][1]["byday"] == "1SA" and record["schedules"][1]["freq"] == "MONTHLY"
    assert record["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "SE6 4RU"
    assert record["service_at_locations"][0]["location"]["latitude"] == pytest.approx(51.44, abs=0.05)
    assert [lang.get("code") for lang in record["languages"]] == ["en", "tr", None]
    assert record["cost_options"][0]["amount"] == 2.5 and record["minimum_age"] == 18
    assert record["translations"]["tr"]["name"] == "Hither Green dikiş çevresi"
    page = client.get(f"/services/{service_id}").text
    assert "Changes to these times" in page and "Closed for the holidays" in page
    assert "Hither Green dikiş çevresi" in client.get(f"/tr/services/{service_id}").text
    again = form_fields(client.get(f"/manage/listings/{service_id}/all").text)
    assert again["schedules-1-week"] == ["1"] and again["exceptions-0-from"] == ["2099-12-24"]
    assert again["locations-0-access_details"] == ["Lift and accessible toilet"]


def test_a_change_sent_back_tells_the_editor_why(client: TestClient, db, people, listing) -> None:
    sign_in(client, people["editor_a"].email)
    edit(client, f"/manage/listings/{listing}/all", name="Shouty NAME!!!")
    change_id = changes.pending(db)[0].id
    client.cookies.clear()
    sign_in(client, people["moderator"].email)
    empty = post(client, f"/moderation/changes/{change_id}/send-back", f"/moderation/changes/{change_id}", reason=" ")
    assert empty.status_code == 400 and "Say why you are sending this change back" in empty.text
    post(client, f"/moderation/changes/{change_id}/send-back", f"/moderation/changes/{change_id}",
         reason="Please keep the listing's usual name.")
    client.cookies.clear()
    sign_in(client, people["editor_a"].email)
    org = people["editor_a"].organizations[0]
    assert "Please keep the listing&#39;s usual name." in client.get(f"/manage/organisations/{org}").text
    form = client.get(f"/manage/listings/{listing}/all").text
    assert "sent your last change back" in form and 'value="Shouty NAME!!!"' in form


def test_staff_pages_in_arabic_keep_english_names_left_to_right_and_say_they_are_english(
        client: TestClient, db, people, listing) -> None:
    sign_in(client, people["editor_a"].email)
    org = people["editor_a"].organizations[0]
    name = load_listing(db, listing)["name"]
    own = client.get(f"/ar/manage/organisations/{org}").text
    # Hyphens inside words do not break there (Chromium draws "24-hour" broken after its hyphen as "-24").
    shown = html.escape(name).replace("-", "\u2011")
    assert 'dir="rtl"' in own and f'<span lang="en" dir="ltr">{shown}</span> ' \
        '<span class="np-in-english">(بالإنجليزية)</span>' in own
    edit(client, f"/manage/listings/{listing}/all", **{"tr-ar-name": "اسم جديد", "description": "Fresh words."})
    client.cookies.clear()
    sign_in(client, people["moderator"].email)
    change_id = changes.pending(db)[0].id
    page = client.get(f"/ar/moderation/changes/{change_id}").text
    assert '<ins><span lang="ar" dir="rtl">اسم جديد</span></ins>' in page  # a translation is in its own language
    assert '<ins><span lang="en" dir="ltr">Fresh words.</span> <span class="np-in-english">(بالإنجليزية)</span>' in page
    assert "(بالإنجليزية)" not in client.get(f"/moderation/changes/{change_id}?lang=en").text  # English: no marks


def test_still_correct_marks_a_due_listing_checked_today(client: TestClient, db, people, listing) -> None:
    db.execute("update services set last_reviewed = '2020-01-01' where id = ?", [listing])
    db.conn.commit()
    sign_in(client, people["editor_a"].email)
    org = people["editor_a"].organizations[0]
    page = client.get(f"/manage/organisations/{org}").text
    assert f"/manage/listings/{listing}/confirm" in page
    done = post(client, f"/manage/listings/{listing}/confirm", f"/manage/organisations/{org}")
    assert done.status_code == 303
    assert load_listing(db, listing)["assured_date"] == london_today().isoformat()
    assert f"/manage/listings/{listing}/confirm" not in client.get(f"/manage/organisations/{org}").text


def test_reports_are_resolved_with_a_note_by_the_organisation_or_a_moderator(client: TestClient, db, people,
                                                                           listing) -> None:
    first = reports.report_problem(db, listing, "times", "Closed on Mondays now")
    second = reports.report_problem(db, listing, "contact", "")
    sign_in(client, people["editor_a"].email)
    org = people["editor_a"].organizations[0]
    page = client.get(f"/manage/organisations/{org}").text
    assert "Closed on Mondays now" in page
    missing = post(client, f"/manage/reports/{first}/resolve", f"/manage/organisations/{org}",
                   **{f"note-{first}": ""})
    assert missing.status_code == 400
    assert errors_on(missing.text)[f"note-{first}"] == "Say what you did about this report."
    post(client, f"/manage/reports/{first}/resolve", f"/manage/organisations/{org}",
         **{f"note-{first}": "Updated the opening times"})
    assert reports.report(db, first).status == "resolved"
    client.cookies.clear()
    sign_in(client, people["moderator"].email)
    assert "Closed on Mondays now" not in client.get("/moderation").text
    post(client, f"/moderation/reports/{second}/resolve", "/moderation", **{f"note-{second}": "Phoned them"})
    done = reports.report(db, second)
    assert done.status == "resolved" and done.resolution_note == "Phoned them"
    assert done.resolved_by == people["moderator"].id


def test_a_moderator_archives_restores_and_sees_every_version(client: TestClient, db, people, listing) -> None:
    sign_in(client, people["moderator"].email)
    name = load_listing(db, listing)["name"]
    changes.propose(db, {**load_listing(db, listing), "name": "Renamed for a while"}, people["editor_a"].id, True)
    history_page = f"/moderation/listings/{listing}"
    post(client, f"{history_page}/archive", history_page)
    assert client.get(f"/services/{listing}").status_code == 404
    post(client, f"{history_page}/unarchive", history_page)
    assert client.get(f"/services/{listing}").status_code == 200
    page = client.get(history_page).text
    first = min(int(n) for n in re.findall(r'name="version" value="(\d+)"', page))
    restored = post(client, f"{history_page}/restore", history_page, version=str(first))
    assert restored.status_code == 303 and load_listing(db, listing)["name"] == name
    page = client.get(history_page).text
    assert "Restored" in page and "Hidden from residents" in page
    assert '<del><span lang="en" dir="ltr">Renamed for a while</span></del>' in page


def test_the_dashboard_counts_what_needs_doing(client: TestClient, db, people, listing) -> None:
    db.execute("update services set last_reviewed = '2020-01-01' where id = ?", [listing])
    db.conn.commit()
    reports.report_problem(db, listing, "closed", "")
    changes.propose(db, {**load_listing(db, listing), "name": "Queued name"}, people["editor_a"].id)
    sign_in(client, people["moderator"].email)
    page = client.get("/moderation").text
    count = {name: int(re.search(rf'id="count-{name}">(\d+)<', page).group(1))
             for name in ("pending", "reports", "stale")}
    assert count["pending"] == 1 and count["reports"] == 1
    reviewed = [r for (r,) in db.execute("select last_reviewed from services where publication_status = 'published'")]
    # Judged on the portal's clock (which the suite may freeze), not SQLite's date('now').
    assert count["stale"] == sum(is_out_of_date(r, london_today()) for r in reviewed)


def test_the_needs_gaps_page_and_csv_filter_by_language_neighbourhood_and_month(client: TestClient, db,
                                                                               people) -> None:
    from directory.analytics import log_search

    log_search(db, "allotment plots", 0, language="pl", postcode="SE6 4RU")
    log_search(db, "allotment plots", 0, language="pl", postcode="SE6 1AA")
    log_search(db, "=HYPERLINK(\"x\")", 0, language="en", filters={"neighbourhood": "n1"})
    log_search(db, "food bank", 9, language="en")
    sign_in(client, people["engagement_lead"].email)
    page = client.get("/insight/gaps").text
    assert "allotment plots" in page and "food bank" not in page
    south_east = client.get("/insight/gaps", params={"neighbourhood": "n3", "language": "pl"}).text
    assert "allotment plots" in south_east and "HYPERLINK" not in south_east
    month = datetime.now(UTC).strftime("%Y-%m")  # the search log dates searches in UTC
    csv_text = client.get("/insight/gaps.csv", params={"month": month}).content.decode("utf-8-sig")
    lines = csv_text.splitlines()
    assert lines[0] == "search,language,neighbourhood,month,times searched,most results found"
    assert f"allotment plots,pl,n3,{month},2,0" in lines
    assert any(line.startswith("\"'=hyperlink") for line in lines)  # never a live spreadsheet formula
    assert client.get("/insight/gaps.csv", params={"month": "1999-01"}).text.count("\n") == 1


def test_an_organisation_an_administrator_adds_can_hold_listings(client: TestClient, db, people) -> None:
    sign_in(client, people["admin"].email)
    missing = post(client, "/admin/organisations/new", "/admin/organisations/new", name="Forest Hill Foodshare")
    assert missing.status_code == 400 and "Say what the organisation does" in missing.text
    made = post(client, "/admin/organisations/new", "/admin/organisations/new", name="Forest Hill Foodshare",
                description="A community larder run by volunteers in Forest Hill.")
    assert made.status_code == 303
    org = made.headers["location"].rsplit("/", 1)[1]
    users.add_membership(db, people["editor_b"].id, org)
    client.cookies.clear()
    sign_in(client, people["editor_b"].email)
    sent = edit(client, f"/manage/organisations/{org}/listings/new/all", name="Forest Hill larder",
                description="Food for a small fee each week.")
    assert sent.status_code == 303, errors_on(sent.text)
    assert [c.name for c in changes.pending(db)] == ["Forest Hill larder"]


def test_a_new_listing_sent_back_opens_with_the_reason_and_can_be_put_right(client: TestClient, db, people) -> None:
    org = people["editor_a"].organizations[0]
    sign_in(client, people["editor_a"].email)
    edit(client, f"/manage/organisations/{org}/listings/new/all", name="Lewisham knit and natter",
         description="Knitting together.")
    [made] = changes.pending(db)
    changes.send_back(db, made.id, people["moderator"].id, "Say where it meets, please.")
    own = client.get(f"/manage/organisations/{org}").text
    assert f'href="/manage/listings/{made.service_id}"' in own and "Say where it meets, please." in own
    form = client.get(f"/manage/listings/{made.service_id}/all")
    assert form.status_code == 200 and 'value="Lewisham knit and natter"' in form.text
    fixed = edit(client, f"/manage/listings/{made.service_id}/all", description="Knitting together at the library.")
    assert fixed.status_code == 303
    [again] = changes.pending(db)
    assert again.service_id == made.service_id and again.record["description"] == "Knitting together at the library."
    client.cookies.clear()
    sign_in(client, people["editor_b"].email)
    assert client.get(f"/manage/listings/{made.service_id}").status_code == 403  # another organisation's draft


def test_two_tabs_editing_one_listing_the_second_save_is_shown_both_versions_not_saved_over_the_first(
        client: TestClient, db, people, listing) -> None:
    sign_in(client, people["editor_a"].email)
    path = f"/manage/listings/{listing}/all"
    first_tab, second_tab = form_fields(client.get(path).text), form_fields(client.get(path).text)
    first_tab["description"] = ["Open on Saturdays from March."]
    assert client.post(path, data=first_tab, follow_redirects=False).status_code == 303
    waiting = changes.pending(db)
    second_tab["fees"] = ["£2 a session"]
    clash = client.post(path, data=second_tab, follow_redirects=False)
    assert clash.status_code == 409
    assert "Someone else changed this listing while you were editing it" in clash.text
    assert "Open on Saturdays from March." in clash.text and "£2 a session" in clash.text  # side by side
    assert changes.pending(db) == waiting  # nothing saved over the first tab's change
    merged = form_fields(clash.text)  # the form kept what this tab typed, and now starts from the saved change
    merged["description"] = ["Open on Saturdays from March."]
    assert client.post(path, data=merged, follow_redirects=False).status_code == 303
    [kept] = changes.pending(db)
    assert kept.record["description"] == "Open on Saturdays from March." and kept.record["fees"] == "£2 a session"


def test_an_approval_while_an_editor_edits_is_shown_to_them_before_they_save(
        client: TestClient, db, people, listing) -> None:
    sign_in(client, people["editor_a"].email)
    path = f"/manage/listings/{listing}/all"
    open_form = form_fields(client.get(path).text)
    changes.publish(db, {**load_listing(db, listing), "name": "Renamed by the partnership"}, people["admin"].id,
                    "edited")
    open_form["fees"] = ["£1"]
    clash = client.post(path, data=open_form, follow_redirects=False)
    assert clash.status_code == 409 and "Renamed by the partnership" in clash.text
    assert load_listing(db, listing)["name"] == "Renamed by the partnership" and not changes.pending(db)
