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


def auditor(page):  # noqa: ANN001, ANN201
    """audit(name) runs axe-core on the page as it is and keeps any violations under that name in `found`."""
    found: dict[str, list] = {}

    def audit(name: str) -> None:
        violations = _axe_violations(page)
        if violations:
            found[name] = violations

    return audit, found


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
    audit, found = auditor(audited)

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
    audited.click(".govuk-summary-list a >> nth=0")
    audit("referral")
    if audited.locator("form:has(input[value=accept]) button").count():
        audited.click("form:has(input[value=accept]) button")
    audited.click("form:has(input[value=close]) button")  # nothing chosen: the page says what to choose
    audited.wait_for_selector(".govuk-error-summary")
    audit("referral with an error")
    assert not found, found


REFERRER = "link-worker@example.org"


@pytest.fixture(scope="module")
def hub(live_db: Path) -> str:
    """The partnership's hub team, where "can someone call me?" goes; and a link worker of another organisation."""
    db = live_database(live_db)
    service = db.execute("select id from services where name = 'Waldron Community Hub'").fetchone()[0]
    intake.make_hub(db, service, "browser")
    if users.by_email(db, REFERRER) is None:
        org = db.execute("select organization_id from services where name like 'Social prescribing%' "
                         "limit 1").fetchone()[0]
        made = users.create(db, REFERRER, "Lina Worker", PASSWORD, users.EDITOR)
        users.add_membership(db, made.id, org)
    return service


@pytest.mark.parametrize(("language", "javascript"), [("en", True), ("ar", False)])
def test_a_link_worker_refers_someone_and_sees_the_answer_then_it_is_passed_on(
        browser, live_server: str, live_db: Path, listing: tuple[str, str], hub: str, language: str,
        javascript: bool) -> None:
    service, org = listing
    intake.save(live_database(live_db), service, "browser", True, "", [])
    worker = browser.new_context(java_script_enabled=javascript, viewport={"width": 360, "height": 740})
    page = worker.new_page()
    sign_in_as(page, live_server, REFERRER, language)
    page.goto(f"{live_server}/{language}/services/{service}")
    page.click(f"a[href$='/manage/refer/{service}']")
    page.select_option("#language", "so")
    page.click("form[method=get] button")  # the agreement, in Somali, to read to them
    assert "Waxaan" in page.locator("label[for=consent]").inner_text() or page.locator("label[for=consent] q").count()
    page.fill("#name", "Hodan Ali")
    page.fill("#phone", "020 7946 0123")
    page.fill("#story", "Needs food this week; speaks Somali")
    page.click("form[method=post] button.govuk-button")  # not yet agreed: back, nothing lost
    assert page.locator(".govuk-error-summary").is_visible() and page.input_value("#name") == "Hodan Ali"
    page.check("#consent")
    page.click("form[method=post] button.govuk-button")
    page.wait_for_url(re.compile(r".*/manage/referrals/\d+\?saved=sent"))
    referral = page.url.split("?")[0]
    reference = re.search(r"R-[A-Z2-9]{4}-[A-Z2-9]{4}", page.locator("h1").inner_text()).group(0)
    page.screenshot(path=str(live_db.parent / f"referral-referrer-{language}.png"), full_page=True)

    receiver = browser.new_context(java_script_enabled=javascript, viewport={"width": 360, "height": 740})
    answering = receiver.new_page()
    sign_in_as(answering, live_server, EDITOR, language)
    answering.goto(referral)
    assert "Hodan Ali" in answering.content()
    answering.check("#reason-capacity")
    answering.fill("#decline-note", "Our list is full until March")
    answering.click("form:has(input[value=decline]) button")
    answering.wait_for_url(re.compile(r".*saved=decline"))
    page.goto(referral)  # the referrer sees the answer, with the note
    assert "Our list is full until March" in page.content()
    page.select_option("#service", hub)
    page.check("#consent")
    page.click("form:has(input[value=pass_on]) button")
    page.wait_for_url(re.compile(r".*saved=passed_on"))
    assert reference in page.content() and "Needs food this week" in page.content()  # told once
    page.screenshot(path=str(live_db.parent / f"referral-passed-on-{language}.png"), full_page=True)
    worker.close()
    receiver.close()


@pytest.mark.parametrize(("language", "javascript"), [("en", True), ("ar", False)])
def test_a_resident_asks_the_assistant_for_a_call_back_and_leaves_with_a_reference(
        browser, live_server: str, live_db: Path, hub: str, language: str, javascript: bool) -> None:
    resident = browser.new_context(java_script_enabled=javascript, viewport={"width": 360, "height": 740})
    page = resident.new_page()
    page.goto(f"{live_server}/{language}/chat")
    page.click("#np-chat-log li >> nth=0 >> button >> nth=-1")  # "Speak to a person", the last starter
    page.wait_for_selector("a[href$='/contact-me?via=assistant']")
    page.click("a[href$='/contact-me?via=assistant']")
    page.wait_for_url(re.compile(rf".*/services/{hub}/contact-me\?via=assistant"))
    page.fill("#name", "فاطمة" if language == "ar" else "Fatima")
    page.fill("#phone", "07700 900789")
    page.check("#consent")
    page.click("form button.govuk-button")
    page.wait_for_url(re.compile(r".*/contact-me/sent$"))
    assert re.search(r"R-[A-Z2-9]{4}-[A-Z2-9]{4}", page.locator(".np-reference").inner_text())
    page.screenshot(path=str(live_db.parent / f"referral-assistant-{language}.png"), full_page=True)
    resident.close()
    [channel] = live_database(live_db).execute(
        "select channel from referrals order by id desc limit 1").fetchone()
    assert channel == "assistant"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_at_a_kiosk_a_resident_taps_their_number_and_is_called_back(browser, live_server: str, live_db: Path,
                                                                     hub: str, language: str) -> None:
    kiosk = browser.new_context(viewport={"width": 1080, "height": 1920}, has_touch=True)
    page = kiosk.new_page()
    page.goto(f"{live_server}/{language}/kiosk/chat")
    page.tap(".np-kiosk__needs button >> nth=-1")  # "Speak to a person"
    page.wait_for_selector("a[href$='/kiosk/contact-me']")
    page.tap("a[href$='/kiosk/contact-me']")
    page.wait_for_url(re.compile(rf".*/kiosk/services/{hub}/contact-me"))
    for key in [*"077009003211", "del"]:  # one too many, then taken back
        with page.expect_navigation():  # each key is a form post: no JavaScript needed
            page.tap(f".np-keypad button[value='{key}']")
    assert page.input_value("#phone") == "07700900321"
    page.check("#when-morning")
    page.check("#consent")
    page.tap("button[name=send]")
    page.wait_for_url(re.compile(r".*/kiosk/services/.*/contact-me/sent$"))
    assert re.search(r"R-[A-Z2-9]{4}-[A-Z2-9]{4}", page.locator(".np-reference").inner_text())
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    page.screenshot(path=str(live_db.parent / f"referral-kiosk-{language}.png"), full_page=True)
    kiosk.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_other_referral_pages_have_no_axe_violations(audited, live_server: str, live_db: Path,
                                                         listing: tuple[str, str], hub: str, language: str) -> None:
    service, org = listing
    intake.save(live_database(live_db), service, "axe", True, "", ["Do you have children under 5?"])
    audit, found = auditor(audited)

    base = f"{live_server}/{language}"
    audited.goto(f"{base}/kiosk/chat")
    audited.click(".np-kiosk__needs button >> nth=-1")
    audited.click("a[href$='/kiosk/contact-me']")
    audited.wait_for_selector(".np-keypad")
    audit("kiosk form")
    audited.click("button[name=send]")
    audited.wait_for_selector(".govuk-error-summary")
    audit("kiosk form with errors")
    sign_in_as(audited, live_server, REFERRER, language)
    audited.goto(f"{base}/manage/refer/{service}")
    audit("refer")
    audited.click("form[method=post] button.govuk-button")
    audited.wait_for_selector(".govuk-error-summary")
    audit("refer with errors")
    sign_in_as(audited, live_server, EDITOR, language)
    audited.goto(f"{base}/manage/organisations/{org}/referrals/access")
    audit("access log")
    moderator = "referral-moderator@example.org"
    db = live_database(live_db)
    if users.by_email(db, moderator) is None:
        users.create(db, moderator, "Mo Moderator", PASSWORD, users.MODERATOR)
    sign_in_as(audited, live_server, moderator, language)
    audited.goto(f"{base}/moderation/referrals")
    audit("late referrals")
    audited.goto(f"{base}/insight/referrals")
    audit("referral flows")
    assert not found, found
