"""The whole journey in a real browser: an editor invited from scratch sets a password, changes a listing and
sees it queued; a moderator approves it; a resident finds the change in search. The editors' and moderators'
pages pass axe-core's WCAG 2.2 A and AA rules in English and Arabic, errors showing."""

import re
from pathlib import Path

import pytest

from accounts import users
from directory import changes, reports
from directory.analytics import log_search
from directory.translations import load_listing
from portal.job_queue import JobQueue
from portal.settings import Settings
from tests.browser.conftest import live_database
from tests.browser.journeys import sign_in_as
from tests.browser.test_accessibility import _axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "kettle orbit plum sandal"


@pytest.fixture(scope="module")
def partnership(live_db: Path) -> dict[str, str]:
    """An administrator and a moderator, and the organisation running the first listing in the directory."""
    db = live_database(live_db)
    for email, name, role in (("journey-admin@example.org", "Jo Admin", users.ADMIN),
                              ("journey-mod@example.org", "Mo Moderator", users.MODERATOR)):
        if users.by_email(db, email) is None:
            users.create(db, email, name, PASSWORD, role)
    org, listing = db.execute("select organization_id, id from services where publication_status = 'published' "
                              "order by name limit 1").fetchone()
    return {"organization_id": org, "service_id": listing}


def sign_in(page, base: str, email: str, language: str = "en") -> None:  # noqa: ANN001
    sign_in_as(page, base, email, language)


def test_invited_editor_changes_a_listing_a_moderator_approves_and_a_resident_finds_it(
        phone, live_server: str, live_db: Path, partnership: dict[str, str]) -> None:
    page, org, listing = phone, partnership["organization_id"], partnership["service_id"]
    sign_in(page, live_server, "journey-admin@example.org")
    page.goto(f"{live_server}/admin/organisations/{org}")
    page.fill("#email", "new-editor@example.org")
    page.click("form[action$='/invitations'] button[type=submit]")
    link = page.locator("code.np-secret").inner_text()

    page.context.clear_cookies()
    page.goto(link)
    page.fill("#name", "Nadia Editor")
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r".*/account$"))
    page.click("text=Your listings")
    page.wait_for_url(re.compile(rf".*/manage/organisations/{org}$"))
    page.click(f"a[href='/manage/listings/{listing}']")  # the task list: one part at a time
    page.click(f"a[href='/manage/listings/{listing}/edit/about']")
    description = page.locator("#description")
    description.fill(description.input_value() + " Ask about our xylophone repair café.")
    page.click("form button.govuk-button:not(.govuk-button--secondary):visible")  # save and continue
    page.wait_for_url(re.compile(r".*saved=about"))
    assert "Changed" in page.locator("#about-status").inner_text()
    page.click(f"a.govuk-button[href='/manage/listings/{listing}/check']")
    assert "xylophone repair café" in page.locator("table.np-diff ins").first.inner_text()
    page.click("form button.govuk-button:visible")
    page.wait_for_url(re.compile(r".*saved=queued"))
    assert "Waiting for a moderator" in page.content()
    page.goto(f"{live_server}/services/{listing}")
    assert "xylophone" not in page.content()  # residents still see the live listing

    sign_in(page, live_server, "journey-mod@example.org")
    page.goto(f"{live_server}/moderation")
    page.click("table a[href*='/moderation/changes/']")
    assert "xylophone repair café" in page.locator("ins").first.inner_text()
    page.click("text=Approve and publish")
    page.wait_for_url(re.compile(r".*done=approved"))

    page.context.clear_cookies()
    page.goto(f"{live_server}/")
    page.fill("input[name=q]", "xylophone repair")
    page.press("input[name=q]", "Enter")
    page.wait_for_url(re.compile(r".*/search\?.*"))
    page.locator(f"a[href='/services/{listing}']").first.click()
    assert "xylophone repair café" in page.content()
    db = live_database(live_db)
    assert load_listing(db, listing)["description"].endswith("xylophone repair café.")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_editor_and_moderator_pages_have_no_axe_violations(audited, live_server: str, live_db: Path,
                                                          partnership: dict[str, str], language: str) -> None:
    db = live_database(live_db)
    org, listing = partnership["organization_id"], partnership["service_id"]
    editor_email = f"axe-editor-{language}@example.org"
    if users.by_email(db, editor_email) is None:
        users.create(db, editor_email, "Axe Editor", PASSWORD, users.EDITOR, organization_id=org)
    db.execute("update services set last_reviewed = '2020-01-01' where id = ?", [listing])
    db.conn.commit()
    reports.report_problem(db, listing, "times", "Closed on Fridays")
    change = changes.propose(db, {**load_listing(db, listing), "alert": f"Closed for a training day ({language})"},
                             users.by_email(db, editor_email).id)
    log_search(db, "allotment plots", 0, language="pl", postcode="SE6 4RU")
    found = {}

    def audit(name: str) -> None:
        violations = _axe_violations(audited)
        if violations:
            found[name] = violations

    sign_in(audited, live_server, editor_email, language)
    for path in (f"/manage/organisations/{org}", f"/manage/listings/{listing}/all",
                 f"/manage/organisations/{org}/listings/new", f"/manage/listings/{listing}",
                 f"/manage/listings/{listing}/edit/times", f"/manage/listings/{listing}/check"):
        audited.goto(f"{live_server}/{language}{path}")
        audit(path)
    audited.goto(f"{live_server}/{language}/manage/listings/{listing}/all")
    audited.fill("#name", "")
    audited.fill("#schedules-0-opens_at", "25:00")
    audited.click("form button.govuk-button:not(.govuk-button--secondary):visible")
    audited.wait_for_selector(".govuk-error-summary")
    audit("listing form with errors")
    audited.goto(f"{live_server}/{language}/manage/listings/{listing}/edit/times")
    audited.fill("#schedules-0-opens_at", "half nine")
    audited.click("form button.govuk-button:not(.govuk-button--secondary):visible")
    audited.wait_for_selector(".govuk-error-summary")
    audit("opening times with a mistake")
    audited.goto(f"{live_server}/{language}/manage/listings/{listing}")
    audit("task list with a problem")
    audited.goto(f"{live_server}/{language}/manage/listings/{listing}/check")
    audit("check your answers with a problem")
    audited.goto(f"{live_server}/{language}/manage/organisations/{org}")
    audited.locator("form[action*='/resolve'] button").first.click()
    audited.wait_for_selector(".govuk-error-summary")
    audit("report resolved without a note")

    sign_in(audited, live_server, "journey-mod@example.org", language)
    audited.goto(f"{live_server}/{language}/moderation/audit")
    audited.click("form[action$='/moderation/audit'] button")
    JobQueue(Settings(db=live_db)).work_waiting()
    for path in ("/moderation", f"/moderation/changes/{change.id}", "/moderation/listings",
                 f"/moderation/listings/{listing}", "/insight/gaps", "/moderation/audit"):
        audited.goto(f"{live_server}/{language}{path}")
        audit(path)
    audited.goto(f"{live_server}/{language}/moderation/changes/{change.id}")
    audited.click("form[action$='/send-back'] button")
    audited.wait_for_selector(".govuk-error-summary")
    audit("send back without a reason")
    assert not found, found
