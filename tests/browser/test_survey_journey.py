"""A survey from start to finish in a real browser: an engagement lead builds it, translates it into Arabic and
publishes it; a resident answers in Arabic (right to left) without JavaScript; the lead closes it, finds the
themes and downloads the workbook and the PDF, which open with their figures. Every survey page passes
axe-core's WCAG 2.2 A and AA rules in English and Arabic."""

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts import users
from directory.schedules import london_today
from portal.job_queue import JobQueue
from portal.settings import Settings
from surveys import answers, store
from tests.browser.conftest import live_database
from tests.browser.journeys import sign_in_as
from tests.browser.test_accessibility import _axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "kettle orbit plum sandal"
LEAD = "survey-lead@example.org"


@pytest.fixture(scope="module")
def lead(live_db: Path) -> str:
    db = live_database(live_db)
    if users.by_email(db, LEAD) is None:
        users.create(db, LEAD, "Sam Lead", PASSWORD, users.ENGAGEMENT_LEAD)
    return LEAD


def sign_in(page, base: str, language: str = "en") -> None:  # noqa: ANN001
    sign_in_as(page, base, LEAD, language)


def add_question(page, kind: str, prompt: str, options: str = "") -> None:  # noqa: ANN001
    page.select_option("#kind", kind)
    page.fill("#prompt", prompt)
    page.fill("#options", options)
    page.click("form[action$='/questions'] button[type=submit]")


def build(page, base: str, title: str) -> tuple[str, str]:  # noqa: ANN001
    page.goto(f"{base}/surveys/manage/new")
    page.fill("#title", title)
    page.fill("#purpose", "Help us shape the new community pantry.")
    page.fill("#opens_on", "2026-01-01")
    page.fill("#closes_on", "2099-12-31")
    page.click("form button.govuk-button")
    page.wait_for_url(re.compile(r".*/surveys/manage/[\w-]+$"))
    survey_url = page.url
    add_question(page, "single", "Would you use a pantry?", "Yes\nNo")
    add_question(page, "text", "What would help most?")
    add_question(page, "neighbourhood", "")
    page.click("form[action$='/publish'] button")
    code = re.search(r"/s/(\w+)", page.content()).group(1)
    return survey_url, code


def test_build_translate_publish_answer_in_arabic_close_theme_and_export(browser, live_server: str, live_db: Path,
                                                                        lead: str) -> None:
    staff = browser.new_context(accept_downloads=True)
    page = staff.new_page()
    sign_in(page, live_server)
    survey_url, code = build(page, live_server, "Food in Catford")
    page.goto(f"{survey_url}/translate/ar")
    page.fill("[id='title']", "الطعام في كاتفورد")
    page.click("form button.govuk-button")

    resident = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    form = resident.new_page()
    form.goto(f"{live_server}/ar/s/{code}")
    assert form.locator("html").get_attribute("dir") == "rtl"
    assert "الطعام في كاتفورد" in form.locator("h1").inner_text()
    form.click("form button[type=submit]")  # nothing chosen: nothing is required, so this is sent
    form.goto(f"{live_server}/ar/s/{code}")
    form.locator("input[type=radio]").first.check()
    form.locator("textarea").fill("نحتاج إلى المزيد من الخضار الطازجة")
    form.click("form button[type=submit]")
    assert form.url.endswith(f"/ar/s/{code}/thanks")
    resident.close()

    db = live_database(live_db)
    survey = store.survey_by_code(db, code)
    text = survey.questions[1].id
    for comment in ["More fresh vegetables", "Fresh fruit please", "Cheaper fruit and veg", "Open on Saturdays",
                    "Weekend opening hours", "Open later in the evening"]:
        answers.submit(db, survey, {survey.questions[0].id: "yes", text: comment,
                                    survey.questions[2].id: "n3"}, "en", today=london_today())

    page.goto(survey_url)
    page.click("form[action$='/close'] button")
    page.goto(f"{survey_url}/results")
    page.click("form[action$='/run'] button")
    page.wait_for_url(re.compile(r".*/results#question-.*"))
    assert page.get_by_text("Waiting to start.").is_visible()  # answered at once; the worker finds the themes
    JobQueue(Settings(db=live_db)).work_waiting()
    page.get_by_text(re.compile(r"\d+ answers placed in themes\.")).wait_for(timeout=15_000)  # htmx, no reload
    page.click("text=See the themes")
    page.wait_for_url(re.compile(r".*/results$"))
    page.click("text=Rename, merge, split or move answers between themes")
    assert page.locator(".govuk-summary-card").count() >= 2
    page.goto(survey_url)
    with page.expect_download() as got:
        page.click("a[href$='/export.xlsx']")
    book = load_workbook(io.BytesIO(Path(got.value.path()).read_bytes()))
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0]}
    assert summary["People who answered"] == 8 and summary["Answered in Arabic"] == "<5"
    with page.expect_download() as got:
        page.click("a[href$='/report.pdf']")
    text_of_pdf = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(Path(got.value.path()).read_bytes())).pages)
    assert "Food in Catford" in text_of_pdf and "8 people answered" in text_of_pdf
    staff.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_survey_pages_have_no_axe_violations(audited, live_server: str, live_db: Path, lead: str,
                                             language: str) -> None:
    found = {}

    def audit(name: str) -> None:
        violations = _axe_violations(audited)
        if violations:
            found[name] = violations

    sign_in(audited, live_server, language)
    audited.goto(f"{live_server}/{language}/surveys/manage/new")
    audited.click("form button.govuk-button")
    audited.wait_for_selector(".govuk-error-summary")
    audit("new survey with errors")
    _, code = build(audited, live_server, f"Axe survey {language}")
    db = live_database(live_db)
    survey = store.survey_by_code(db, code)
    survey_url = f"{live_server}{'' if language == 'en' else '/' + language}/surveys/manage/{survey.id}"
    for comment in ["More fresh vegetables", "Fresh fruit please", "Open on Saturdays", "Weekend opening"]:
        answers.submit(db, survey, {survey.questions[1].id: comment}, "en", today=london_today())
    for path in ("", "/translate/ar", "/results", "/report"):
        audited.goto(f"{survey_url}{path}")
        audit(path or "builder")
    audited.goto(f"{survey_url}/results")
    audited.click("form[action$='/run'] button")
    audited.wait_for_url(re.compile(r".*/results#question-.*"))
    audit("theming waiting")
    JobQueue(Settings(db=live_db)).work_waiting()
    audited.reload()
    audit("theming finished")
    audited.goto(f"{survey_url}/themes/{survey.questions[1].id}")
    audit("themes")
    audited.goto(f"{live_server}/{language}/surveys/manage")
    audit("survey list")
    audited.context.clear_cookies()
    audited.goto(f"{live_server}/{language}/s/{code}")
    audit("answer")
    audited.fill("textarea", "x" * 2001)
    audited.click("form button[type=submit]")
    audited.wait_for_selector(".govuk-error-summary")
    audit("answer with errors")
    audited.fill("textarea", "Fresh food")
    audited.click("form button[type=submit]")
    audit("thanks")
    assert not found, found
