"""Every link the portal gives out (in an email, a QR code, a page to copy) and every redirect it sends is built
from its configured address, never from the Host header a request arrived with: a poisoned Host header must
not be able to send a password-reset token to an attacker's site."""

import email
import re
from pathlib import Path

import pytest
import sqlite_utils
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from accounts import users
from directory import organisations
from portal.app import UnsafeSettings, create_app
from portal.cli import app as cli
from portal.settings import Settings
from tests.portal.conftest import PUBLIC_URL
from tests.portal.pages import csrf_token, listing_links
from tests.portal.staff import PASSWORD, run_jobs, sign_in, token

EVIL = {"Host": "evil.example"}


@pytest.fixture
def mailing(seeded_path: Path, inbox):  # noqa: ANN001, ANN201 - a portal that sends email, and its inbox
    handler, port = inbox
    settings = Settings(db=seeded_path, secret_key="x", smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False,
                        public_url=PUBLIC_URL)
    with TestClient(create_app(settings)) as client:
        yield client, handler


def _bodies(handler) -> list[str]:  # noqa: ANN001
    return [email.message_from_bytes(m).get_payload(decode=True).decode() for m in handler.messages]


def test_a_password_reset_asked_for_under_another_host_is_still_linked_to_the_portal(mailing, seeded_path) -> None:
    client, handler = mailing
    users.create(sqlite_utils.Database(seeded_path), "staff@example.org", "Sam Staff", PASSWORD, users.MODERATOR)
    form = token(client, "/account/forgot-password")
    client.post("/account/forgot-password", data={"csrf_token": form, "email": "staff@example.org"}, headers=EVIL)
    run_jobs(client)
    [body] = _bodies(handler)
    assert re.search(rf"{re.escape(PUBLIC_URL)}/account/reset/[\w-]+", body)
    assert "evil.example" not in body


def test_an_invitation_made_under_another_host_is_still_linked_to_the_portal(mailing, seeded_path) -> None:
    client, handler = mailing
    db = sqlite_utils.Database(seeded_path)
    users.create(db, "admin@example.org", "Ada Admin", PASSWORD, users.ADMIN)
    org = organisations.create(db, "Deptford Action Group")
    sign_in(client, "admin@example.org")
    form = token(client, f"/admin/organisations/{org}")
    page = client.post(f"/admin/organisations/{org}/invitations", headers=EVIL,
                       data={"csrf_token": form, "email": "helper@example.org"}).text
    run_jobs(client)
    assert "evil.example" not in page and "evil.example" not in _bodies(handler)[0]
    assert f"{PUBLIC_URL}/account/invitation/" in _bodies(handler)[0]


def test_a_shortlist_share_link_and_its_qr_code_ignore_the_host_header(client: TestClient) -> None:
    sid = listing_links(client.get("/search", params={"q": "food bank"}).text)[0]
    client.post("/shortlist/add", data={"csrf_token": csrf_token(client), "service_id": sid})
    page = client.get("/shortlist", headers=EVIL).text
    assert f'href="{PUBLIC_URL}/shortlist/shared?ids=' in page and "evil.example" not in page


def test_without_a_public_url_links_use_the_address_the_portal_listens_on(seeded_path: Path) -> None:
    settings = Settings(db=seeded_path, secret_key="x", host="127.0.0.1", port=8123)
    with TestClient(create_app(settings)) as client:
        sid = listing_links(client.get("/search", params={"q": "food bank"}).text)[0]
        client.post("/shortlist/add", data={"csrf_token": csrf_token(client), "service_id": sid})
        page = client.get("/shortlist", headers=EVIL).text
    assert 'href="http://127.0.0.1:8123/shortlist/shared?ids=' in page and "evil.example" not in page


def test_with_email_on_and_no_public_url_the_portal_refuses_to_start_and_says_why(seeded_path: Path) -> None:
    with pytest.raises(UnsafeSettings, match="PORTAL_PUBLIC_URL"):
        create_app(Settings(db=seeded_path, secret_key="x", smtp_host="127.0.0.1"))


def test_portal_serve_refuses_the_same_before_it_listens(seeded_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("PORTAL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("COLUMNS", "40")
    result = CliRunner().invoke(cli, ["serve", "--db", str(seeded_path), "--port", "9"])
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "PORTAL_SMTP_HOST is set but PORTAL_PUBLIC_URL is not" in said and "Neighbourhood Portal:" not in said


@pytest.mark.parametrize("asked, location", [
    ("/search/?q=food", "/search?q=food"),
    ("/pl/search/", "/pl/search"),
    ("/account/sign-in/", "/account/sign-in"),
    ("/api/v1/services/?text=food", "/api/v1/services?text=food"),
])
def test_a_trailing_slash_is_redirected_by_path_whatever_the_host(client: TestClient, asked: str,
                                                                   location: str) -> None:
    response = client.get(asked, headers=EVIL, follow_redirects=False)
    assert response.status_code == 307 and response.headers["location"] == location


def test_a_trailing_slash_on_a_page_that_does_not_exist_is_still_not_found(client: TestClient) -> None:
    assert client.get("/no-such-page/", headers=EVIL, follow_redirects=False).status_code == 404


def test_sign_in_redirects_are_paths_on_this_site(client: TestClient) -> None:
    response = client.get("/admin", headers=EVIL, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/account/sign-in")
