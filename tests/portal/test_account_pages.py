"""Accounts through real HTTP: an invitation becomes an account, sign-in starts a fresh session,
guessing is throttled, links work once, and staff pages admit only the roles they are for."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlite_utils
import time_machine
from fastapi.testclient import TestClient

from accounts import sessions, tokens, users
from directory import organisations
from portal.app import SESSION_COOKIE
from tests.portal.staff import PASSWORD, post, run_jobs, sign_in


@pytest.fixture
def db(seeded_db: sqlite_utils.Database) -> sqlite_utils.Database:
    """The seeded directory the client serves, for setting up and checking what it stores."""
    return seeded_db


@pytest.fixture
def admin(db) -> users.User:
    return users.create(db, "admin@example.org", "Ada Admin", PASSWORD, users.ADMIN)


def test_an_invited_editor_sets_a_password_and_is_signed_in(client: TestClient, db, admin) -> None:
    sign_in(client, admin.email)
    org = organisations.create(db, "Catford Community Larder")
    page = post(client, f"/admin/organisations/{org}/invitations", f"/admin/organisations/{org}",
                email="Volunteer@Example.org")
    link = re.search(r"/account/invitation/[\w-]+", page.text).group(0)
    assert "Email is not set up" in page.text
    post(client, "/account/sign-out", "/account")
    weak = post(client, link, link, name="Val Volunteer", password="password1234", confirm="password1234")
    assert weak.status_code == 400 and "most common passwords" in weak.text and 'value="Val Volunteer"' in weak.text
    accepted = post(client, link, link, name="Val Volunteer", password=PASSWORD, confirm=PASSWORD)
    assert accepted.status_code == 303 and accepted.headers["location"] == "/account"
    assert "Val Volunteer" in client.get("/account").text
    assert users.by_email(db, "volunteer@example.org").organizations == (org,)
    again = post(client, link, "/account/sign-in", name="Someone", password=PASSWORD, confirm=PASSWORD)
    assert again.status_code == 404 and "already been used" in again.text


def test_an_expired_invitation_cannot_be_used(client: TestClient, db) -> None:
    raw = tokens.issue(db, tokens.INVITATION, by="admin", email="late@example.org", role=users.EDITOR,
                       at=datetime.now(UTC) - timedelta(days=7, minutes=1))
    page = client.get(f"/account/invitation/{raw}")
    assert page.status_code == 404 and "expired" in page.text


def test_signing_in_makes_a_new_session_and_signing_out_ends_it(client: TestClient, db, admin) -> None:
    client.get("/account/sign-in")
    before = client.cookies.get(SESSION_COOKIE)
    assert sign_in(client, admin.email).status_code == 303
    after = client.cookies.get(SESSION_COOKIE)
    assert after != before and db.execute("select count(*) from user_sessions").fetchone()[0] == 1
    post(client, "/account/sign-out", "/account")
    assert db.execute("select count(*) from user_sessions").fetchone()[0] == 0
    client.cookies.set(SESSION_COOKIE, after)  # a copy of the signed-in cookie, kept by someone else
    assert client.get("/admin", follow_redirects=False).status_code == 303


def test_a_session_id_known_before_signing_in_is_useless_after(client: TestClient, db, admin) -> None:
    planted = sessions.start(db, admin)
    sessions.end(db, planted)
    sign_in(client, admin.email)
    rows = [r["id_hash"] for r in db["user_sessions"].rows]
    assert len(rows) == 1 and rows[0] != sessions._hash(planted)


def test_wrong_passwords_are_slowed_with_a_clear_message_then_the_right_one_works(client: TestClient, admin) -> None:
    with time_machine.travel(datetime(2026, 12, 7, 10, 0, tzinfo=UTC), tick=False) as clock:
        for _ in range(3):
            assert sign_in(client, admin.email, "not the password at all").status_code == 400
        blocked = sign_in(client, admin.email)
        assert blocked.status_code == 429 and "Wait 2 seconds, then try again." in blocked.text
        assert blocked.headers["retry-after"] == "2"
        clock.shift(2)
        assert sign_in(client, admin.email).status_code == 303  # slowed, never locked out


def test_a_reset_link_changes_the_password_once_and_signs_out_everywhere(client: TestClient, db, admin) -> None:
    other_device = sessions.start(db, admin)
    raw = tokens.issue_reset(db, admin.id, by=admin.id)
    changed = post(client, f"/account/reset/{raw}", f"/account/reset/{raw}", password="violet canal drum lemon",
                   confirm="violet canal drum lemon")
    assert changed.status_code == 200 and "password has been changed" in changed.text
    assert sessions.user_for(db, other_device) is None
    assert client.get(f"/account/reset/{raw}").status_code == 404
    assert sign_in(client, admin.email, "violet canal drum lemon").status_code == 303


def test_an_expired_reset_link_cannot_be_used(client: TestClient, db, admin) -> None:
    raw = tokens.issue_reset(db, admin.id, by=admin.id, at=datetime.now(UTC) - timedelta(hours=24, minutes=1))
    assert "expired" in client.get(f"/account/reset/{raw}").text


def test_a_forgotten_password_without_email_waits_for_an_administrator(client: TestClient, db, admin) -> None:
    editor = users.create(db, "ed@example.org", "Ed Itor", "violet canal drum lemon", users.EDITOR)
    for email in ("ed@example.org", "nobody@example.org"):
        page = post(client, "/account/forgot-password", "/account/forgot-password", email=email)
        assert "an administrator will send you a link" in page.text
    run_jobs(client)  # the worker looks the address up
    sign_in(client, admin.email)
    assert "Ed Itor" in client.get("/admin").text.split("Waiting for a password reset link")[1].split("</ul>")[0]
    page = post(client, f"/admin/users/{editor.id}/reset", "/admin")
    assert re.search(r"/account/reset/[\w-]+", page.text)
    assert tokens.reset_requests(db) == []


def test_staff_pages_send_anonymous_visitors_to_sign_in_and_refuse_other_roles(client: TestClient, db) -> None:
    anonymous = client.get("/admin", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/account/sign-in?next=/admin"
    users.create(db, "mod@example.org", "Mo Derator", PASSWORD, users.MODERATOR)
    sign_in(client, "mod@example.org")
    refused = client.get("/admin")
    assert refused.status_code == 403 and "You cannot do this" in refused.text
    assert client.get("/account").headers["cache-control"] == "no-store"


def test_sign_in_goes_back_only_to_pages_on_this_site(client: TestClient, admin) -> None:
    response = post(client, "/account/sign-in", "/account/sign-in", email=admin.email, password=PASSWORD,
                    next="//evil.example/")
    assert response.headers["location"] == "/account"
