"""The staff pages (sign-in, accounts, organisations, invitations) pass axe-core's WCAG 2.2 A and AA rules
in English and Arabic, including with errors showing, and an invitation can be accepted in a real browser."""

import re
from pathlib import Path

import pytest

from accounts import users
from directory import organisations
from portal.job_queue import JobQueue
from portal.settings import Settings
from tests.browser.conftest import live_database
from tests.browser.test_accessibility import _axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "kettle orbit plum sandal"


@pytest.fixture(scope="module")
def organisation(live_db: Path) -> str:
    db = live_database(live_db)
    if users.by_email(db, "axe-admin@example.org") is None:
        users.create(db, "axe-admin@example.org", "Axe Admin", PASSWORD, users.ADMIN)
    return organisations.create(db, "Sydenham Garden Test")


def _sign_in(page, base: str, language: str, email: str = "axe-admin@example.org") -> None:  # noqa: ANN001
    page.goto(f"{base}/{language}/account/sign-in")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r".*/account$"))


@pytest.mark.parametrize("language", ["en", "ar"])
def test_staff_pages_have_no_axe_violations(audited, live_server: str, live_db: Path, organisation: str,
                                            language: str) -> None:
    found = {}

    def audit(name: str) -> None:
        violations = _axe_violations(audited)
        if violations:
            found[name] = violations

    audited.goto(f"{live_server}/{language}/account/sign-in")
    audited.click("form button[type=submit]")
    audited.wait_for_selector(".govuk-error-summary")
    audit("sign-in with errors")
    for path in ("/account/forgot-password", "/account/invitation/not-a-real-link"):
        audited.goto(f"{live_server}/{language}{path}")
        audit(path)
    _sign_in(audited, live_server, language)
    audit("account")
    for path in ("/admin", f"/admin/organisations/{organisation}", "/admin/organisations/new", "/admin/import"):
        audited.goto(f"{live_server}/{language}{path}")
        audit(path)
    audited.click("form[action$='/admin/import'] button[type=submit]")  # no file chosen
    audited.wait_for_selector(".govuk-error-summary")
    audit("import with errors")
    audited.set_input_files("#feed", files=[{"name": "feed.json", "mimeType": "application/json",
                                             "buffer": b'[{"id": 5}]'}])
    audited.click("form[action$='/admin/import'] button[type=submit]")
    audited.wait_for_selector("[role=status]")
    audit("import waiting")
    JobQueue(Settings(db=live_db)).work_waiting()
    audited.reload()
    audited.wait_for_selector("[role=status] form[action$='/retry']")  # failed: the record is wrong
    audit("import failed")
    audited.goto(f"{live_server}/{language}/admin/organisations/{organisation}")
    audited.fill("#email", f"editor-{language}@example.org")
    audited.click("form[action$='/invitations'] button[type=submit]")
    link = audited.locator("code.np-secret").inner_text()
    audit("invitation link")
    audited.context.clear_cookies()
    audited.goto(link.replace("/account/", f"/{language}/account/"))
    audit("invitation")
    audited.fill("#name", "Noor")
    audited.fill("#password", "password1234")
    audited.fill("#confirm", "password1234")
    audited.click("form button[type=submit]")
    audited.wait_for_selector(".govuk-error-summary")
    audit("invitation with errors")
    audited.fill("#password", PASSWORD)
    audited.fill("#confirm", PASSWORD)
    audited.click("form button[type=submit]")
    audited.wait_for_url(re.compile(r".*/account$"))
    assert "Noor" in audited.content()
    assert not found, found
