"""A resident asks a service to contact them, in a real browser at phone width without JavaScript, in English and
Arabic, and leaves with a reference; the organisation's editor turned referrals on and opens what arrived. The
pages pass axe-core's WCAG 2.2 A and AA rules in English and Arabic, errors showing."""

import re
from pathlib import Path

import pytest

from accounts import users
from referrals import intake
from tests.browser.conftest import live_database
from tests.browser.journeys import STAFF_PASSWORD as PASSWORD
from tests.browser.journeys import sign_in_as
from tests.browser.test_accessibility import _axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]
EDITOR = "referral-editor@example.org"


@pytest.fixture(scope="module")
def listing(live_db: Path) -> tuple[str, str]:
    """A published listing whose organisation has an editor: (listing id, organisation id)."""
    db = live_database(live_db)
    service, org = db.execute("select id, organization_id from services where publication_status = 'published' "
                              "order by name limit 1 offset 3").fetchone()
    if users.by_email(db, EDITOR) is None:
        made = users.create(db, EDITOR, "Rita Editor", PASSWORD, users.EDITOR)
        users.add_membership(db, made.id, org)
    return service, org


def sign_in(page, base: str, language: str = "en") -> None:  # noqa: ANN001
    sign_in_as(page, base, EDITOR, language)


def test_a_resident_asks_to_be_contacted_and_the_organisation_opens_it(browser, live_server: str, live_db: Path,
                                                                        listing: tuple[str, str]) -> None:
    service, org = listing
    staff = browser.new_context(viewport={"width": 360, "height": 740})
    page = staff.new_page()
    sign_in(page, live_server)
    page.goto(f"{live_server}/manage/listings/{service}")
    page.click("text=Referrals: whether this listing takes them")
    page.check("#accepts-yes")
    page.fill("#question-1", "Do you have children under 5?")
    page.click("form button.govuk-button")
    page.wait_for_url(re.compile(r".*saved=1"))

    references = []
    for language, name, story in (("en", "Amina Yusuf", "Food for my family"),
                                  ("ar", "أمينة يوسف", "أحتاج إلى طعام لعائلتي")):
        resident = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
        form = resident.new_page()
        form.goto(f"{live_server}/{language}/services/{service}")
        form.click(f"a[href$='/services/{service}/contact-me']")
        assert form.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        form.fill("#name", name)
        form.fill("#phone", "07700 900123")
        form.fill("#story", story)
        form.click("form button.govuk-button")  # no consent yet: back with everything kept
        assert form.locator(".govuk-error-summary").is_visible() and form.input_value("#story") == story
        form.check("#consent")
        form.fill("#answer-0", "Yes")
        form.click("form button.govuk-button")
        form.wait_for_url(re.compile(r".*/contact-me/sent$"))
        references.append(re.search(r"R-[A-Z2-9]{4}-[A-Z2-9]{4}", form.locator(".np-reference").inner_text()).group(0))
        form.screenshot(path=str(live_db.parent / f"referral-sent-{language}.png"), full_page=True)
        resident.close()

    page.goto(f"{live_server}/manage/organisations/{org}/referrals")
    assert all(reference in page.content() for reference in references)
    page.click(f"text={references[1]}")
    assert "أمينة يوسف" in page.content() and "07700 900123" in page.content()
    assert "Rita Editor" in page.locator("ul.govuk-list").last.inner_text()  # the look, recorded
    page.screenshot(path=str(live_db.parent / "referral-opened.png"), full_page=True)
    page.click("form:has(input[value=accept]) button")
    page.wait_for_url(re.compile(r".*saved=accept"))
    page.check("#outcome-attended")
    page.click("form:has(input[value=close]) button")
    page.wait_for_url(re.compile(r".*saved=close"))
    assert "Seen: they came or were helped" in page.content()
    staff.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_referral_pages_have_no_axe_violations(audited, live_server: str, live_db: Path, listing: tuple[str, str],
                                               language: str) -> None:
    service, org = listing
    intake.save(live_database(live_db), service, "axe", True, "We ring back within two working days",
                ["Do you have children under 5?"])
    found = {}

    def audit(name: str) -> None:
        violations = _axe_violations(audited)
        if violations:
            found[name] = violations

    base = f"{live_server}/{language}"
    audited.goto(f"{base}/services/{service}/contact-me")
    audit("ask")
    audited.click("form button.govuk-button")
    audited.wait_for_selector(".govuk-error-summary")
    audit("ask with errors")
    audited.fill("#name", "Sam")
    audited.fill("#email", "sam@example.org")
    audited.check("#consent")
    audited.click("form button.govuk-button")
    audited.wait_for_url(re.compile(r".*/contact-me/sent$"))
    audit("sent")
    sign_in(audited, live_server, language)
    audited.goto(f"{base}/manage/listings/{service}/referrals")
    audit("intake")
    audited.goto(f"{base}/manage/organisations/{org}/referrals")
    audit("inbox")
    audited.click("table a >> nth=0")
    audit("referral")
    if audited.locator("form:has(input[value=accept]) button").count():
        audited.click("form:has(input[value=accept]) button")
    audited.click("form:has(input[value=close]) button")  # nothing chosen: the page says what to choose
    audited.wait_for_selector(".govuk-error-summary")
    audit("referral with an error")
    assert not found, found
