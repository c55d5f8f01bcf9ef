"""From answers to "we did" in a real browser at phone width: an engagement lead writes a codebook, places a
survey's answers under it (the worker does it; the page follows without reloading), checks an unsure answer,
makes a theme an insight, takes a recommendation to a board and downloads the board pack; a resident then reads
the decision on the public "you said, we did" page of their neighbourhood, without JavaScript, in Arabic too.
Every page passes axe-core's WCAG 2.2 A and AA rules in English and Arabic, with errors showing."""

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from accounts import users
from directory.schedules import london_today
from portal.job_queue import JobQueue
from portal.settings import Settings
from surveys import answers, store
from surveys.questions import TEXT, Question
from tests.browser.conftest import live_database
from tests.browser.journeys import STAFF_PASSWORD as PASSWORD
from tests.browser.journeys import sign_in_as
from tests.browser.test_accessibility import _axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]
LEAD = "insight-lead@example.org"
COMMENTS = ["More fresh vegetables", "Fresh fruit please", "Cheaper fruit and veg", "Open on Saturdays",
            "Weekend opening hours", "Open later in the evening", "The number 47 bus is always late"]


@pytest.fixture(scope="module")
def survey(live_db: Path) -> tuple[str, str]:
    """A survey with answers to one free-text question: (survey id, question id)."""
    db = live_database(live_db)
    if users.by_email(db, LEAD) is None:
        users.create(db, LEAD, "Ines Lead", PASSWORD, users.ENGAGEMENT_LEAD)
    made = store.create_survey(db, "Food in Sydenham", "", "", "2026-01-01", "2099-12-31", "lead")
    store.save_question(db, made.id, Question("", TEXT, "What would help most?"))
    store.update_survey(db, made.id, published=1)
    found = store.get_survey(db, made.id)
    for comment in COMMENTS:
        answers.submit(db, found, {found.questions[0].id: comment}, "en", today=london_today())
    return found.id, found.questions[0].id


def sign_in(page, base: str, language: str = "en") -> None:  # noqa: ANN001
    sign_in_as(page, base, LEAD, language)


def write_codebook(page, base: str, name: str, prefix: str = "") -> str:  # noqa: ANN001
    page.goto(f"{base}{prefix}/surveys/codebooks")
    page.fill("#name", name)
    page.click("form[action$='/codebooks/new'] button")
    page.wait_for_url(re.compile(r".*/surveys/codebooks/\d+$"))
    book = page.url
    for theme, example in (("Fresh food", "More fresh fruit and veg"), ("Opening hours", "Open at weekends please"),
                           ("Prices", "Food costs too much")):
        page.fill("#name-new", theme)
        page.fill("#example-new", example)
        page.click("form[action$='/themes'] button.govuk-button")
        page.wait_for_url(re.compile(r".*saved=theme.*"))
    return book


def test_a_lead_goes_from_answers_to_a_decision_residents_can_read(browser, live_server: str, live_db: Path,
                                                                   survey: tuple[str, str]) -> None:
    survey_id, question_id = survey
    staff = browser.new_context(accept_downloads=True, viewport={"width": 360, "height": 740})
    page = staff.new_page()
    sign_in(page, live_server)
    write_codebook(page, live_server, "Food pantry themes")
    page.goto(f"{live_server}/surveys/manage/{survey_id}/results")
    page.click("text=Place the answers under a codebook's themes")
    page.select_option("#codebook", label="Food pantry themes")
    page.click("form[action$='/run'] button")
    assert page.get_by_text("Waiting to start.").is_visible()  # the request only queued it
    JobQueue(Settings(db=live_db)).work_waiting()
    page.get_by_text(re.compile(r"7 answers placed under the codebook's themes\.")).wait_for(timeout=15_000)
    page.reload()
    assert page.locator(".govuk-summary-card q").count() >= 3  # each theme shows what people said
    page.screenshot(path=str(live_db.parent / "codes-en.png"), full_page=True)

    page.goto(f"{live_server}/surveys/manage/{survey_id}/codes/{question_id}")
    page.click("text=Check the answers the machine was unsure of")
    legend = page.locator("legend", has_text="The number 47 bus is always late")
    assert legend.count() == 1
    form = page.locator("form", has=legend)
    form.locator("input[type=checkbox]").first.uncheck()
    form.locator("button").click()  # nothing ticked: the answer is not lost, the lead is told
    assert page.locator(".govuk-error-summary").is_visible()
    form = page.locator("form", has=page.locator("legend", has_text="The number 47 bus is always late"))
    form.locator("summary").click()
    form.locator("label", has_text="Prices").click()
    form.locator("button").click()
    page.wait_for_url(re.compile(r".*saved=1"))
    assert "The number 47 bus" not in page.content()

    page.goto(f"{live_server}/surveys/manage/{survey_id}/codes/{question_id}")
    page.click("text=Make this an insight >> nth=0")
    page.fill("#you_said", "People want fresh fruit and vegetables they can afford.")
    page.fill("#topic", "Healthy food")
    page.select_option("#neighbourhood", "3")
    page.click("form[action$='/outcomes/new'] button")
    page.wait_for_url(re.compile(r".*/surveys/outcomes/\d+\?saved=insight"))
    page.fill("#text-new", "Fund a weekly fruit and veg stall at the Sydenham hub")
    page.select_option("#status-new", "agreed")
    page.click("form[action$='/recommendations'] button.govuk-button >> nth=-1")
    assert page.locator(".govuk-error-summary").is_visible()  # agreed by whom, and when?
    page.fill("#board-new", "People's Partnership board")
    page.fill("#meeting_on-new", "2027-01-20")
    page.fill("#owner-new", "Public health team")
    page.click("form[action$='/recommendations'] button.govuk-button >> nth=-1")
    page.wait_for_url(re.compile(r".*saved=recommendation"))
    assert "Agreed" in page.locator(".govuk-summary-card").first.inner_text()

    page.goto(f"{live_server}/surveys/outcomes")
    with page.expect_download() as got:
        page.click("a[href*='pack.xlsx']")
    book = load_workbook(io.BytesIO(Path(got.value.path()).read_bytes()))
    assert "Fund a weekly fruit and veg stall at the Sydenham hub" in [
        row[0] for row in book["Open recommendations"].iter_rows(values_only=True)]
    staff.close()

    for language in ("en", "ar"):
        resident = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
        reader = resident.new_page()
        prefix = "" if language == "en" else f"/{language}"
        reader.goto(f"{live_server}{prefix}/you-said-we-did")
        reader.click("a[href$='/you-said-we-did/neighbourhood/3']")
        assert "Fund a weekly fruit and veg stall" in reader.content()
        assert reader.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        reader.screenshot(path=str(live_db.parent / f"you-said-{language}.png"), full_page=True)
        resident.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_codebook_and_outcome_pages_have_no_axe_violations(audited, live_server: str, live_db: Path,
                                                           survey: tuple[str, str], language: str) -> None:
    survey_id, question_id = survey
    prefix = "" if language == "en" else f"/{language}"
    found = {}

    def audit(name: str) -> None:
        violations = _axe_violations(audited)
        if violations:
            found[name] = violations

    sign_in(audited, live_server, language)
    audited.goto(f"{live_server}{prefix}/surveys/codebooks")
    audited.click("form[action$='/codebooks/new'] button")
    audited.wait_for_selector(".govuk-error-summary")
    audit("codebooks with an error")
    book = write_codebook(audited, live_server, f"Axe codebook {language}", prefix)
    audit("codebook")
    audited.click("form[action$='/themes'] button.govuk-button >> nth=-1")
    audited.wait_for_selector(".govuk-error-summary")
    audit("codebook with an error")
    codes = f"{live_server}{prefix}/surveys/manage/{survey_id}/codes/{question_id}"
    audited.goto(codes)
    audited.select_option("#codebook", label=f"Axe codebook {language}")
    audited.click("form[action$='/run'] button")
    audit("placing waiting")
    JobQueue(Settings(db=live_db)).work_waiting()
    audited.reload()
    audit("placed")
    audited.goto(f"{codes}/review")
    audit("review")
    audited.goto(codes)
    audited.click("a[href*='/surveys/outcomes/new'] >> nth=0")
    audited.click("form[action$='/outcomes/new'] button")
    audited.wait_for_selector(".govuk-error-summary")
    audit("new insight with errors")
    audited.fill("#you_said", "People want fresh food.")
    audited.fill("#topic", f"Food {language}")
    audited.click("form[action$='/outcomes/new'] button")
    audited.wait_for_url(re.compile(r".*saved=insight"))
    audit("insight")
    audited.select_option("#status-new", "done")
    audited.click("form[action$='/recommendations'] button.govuk-button >> nth=-1")
    audited.wait_for_selector(".govuk-error-summary")
    audit("insight with an error")
    audited.goto(f"{live_server}{prefix}/surveys/outcomes")
    audit("outcomes log")
    for path in ("/you-said-we-did", "/you-said-we-did/neighbourhood/3"):
        audited.goto(f"{live_server}{prefix}{path}")
        audit(path)
    assert book and not found, found
