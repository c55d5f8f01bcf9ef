"""Invitation and reset links work once and expire; sessions end on sign-out, everywhere, or when idle."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlite_utils

from accounts import sessions, throttle, tokens, users
from accounts.tokens import TokenError

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
PASSWORD = "kettle orbit plum sandal"


@pytest.fixture
def editor(db: sqlite_utils.Database) -> users.User:
    return users.create(db, "Editor@Example.org", "Eddie Editor", PASSWORD, users.EDITOR, "org-a")


def test_an_invitation_works_once(db: sqlite_utils.Database) -> None:
    raw = tokens.issue(db, tokens.INVITATION, by="admin", email="new@example.org", organization_id="org-a",
                       role=users.EDITOR, at=NOW)
    assert tokens.spend(db, raw, tokens.INVITATION, at=NOW).organization_id == "org-a"
    with pytest.raises(TokenError, match="already been used"):
        tokens.spend(db, raw, tokens.INVITATION, at=NOW)


def test_an_invitation_expires_after_seven_days(db: sqlite_utils.Database) -> None:
    raw = tokens.issue(db, tokens.INVITATION, by="admin", email="new@example.org", at=NOW)
    tokens.peek(db, raw, tokens.INVITATION, at=NOW + timedelta(days=6, hours=23))
    with pytest.raises(TokenError, match="expired"):
        tokens.spend(db, raw, tokens.INVITATION, at=NOW + timedelta(days=7))


def test_a_reset_link_expires_after_a_day_and_is_not_an_invitation(db: sqlite_utils.Database, editor) -> None:
    raw = tokens.issue_reset(db, editor.id, by="admin", at=NOW)
    with pytest.raises(TokenError, match="not valid"):
        tokens.peek(db, raw, tokens.INVITATION, at=NOW)
    with pytest.raises(TokenError, match="expired"):
        tokens.peek(db, raw, tokens.RESET, at=NOW + timedelta(hours=24))


def test_only_a_hash_of_each_link_is_stored(db: sqlite_utils.Database) -> None:
    raw = tokens.issue(db, tokens.INVITATION, by="admin", email="new@example.org")
    assert raw not in str(list(db["account_tokens"].rows))


def test_emails_are_one_account_whatever_their_case(db: sqlite_utils.Database, editor) -> None:
    assert users.authenticate(db, "editor@example.ORG", PASSWORD) == editor
    with pytest.raises(users.AccountProblems, match="already an account"):
        users.create(db, "editor@example.org", "Someone Else", "violet canal drum lemon", users.EDITOR)


def test_a_session_ends_when_signed_out_idle_or_too_old(db: sqlite_utils.Database, editor) -> None:
    raw = sessions.start(db, editor, at=NOW)
    assert sessions.user_for(db, raw, at=NOW + timedelta(minutes=90)) == editor
    assert sessions.user_for(db, raw, at=NOW + timedelta(hours=3, minutes=31)) is None  # idle over 2 hours
    kept = sessions.start(db, editor, at=NOW)
    for hour in range(1, 12):
        assert sessions.user_for(db, kept, at=NOW + timedelta(hours=hour)) == editor
    assert sessions.user_for(db, kept, at=NOW + timedelta(hours=12)) is None  # 12 hours at most


def test_signing_out_everywhere_ends_every_session(db: sqlite_utils.Database, editor) -> None:
    phone, laptop = sessions.start(db, editor), sessions.start(db, editor)
    assert sessions.end_everywhere(db, editor.id) == 2
    assert sessions.user_for(db, phone) is None and sessions.user_for(db, laptop) is None


def test_changing_the_password_ends_every_session(db: sqlite_utils.Database, editor) -> None:
    raw = sessions.start(db, editor)
    users.set_password(db, editor, "violet canal drum lemon")
    assert sessions.user_for(db, raw) is None
    assert users.authenticate(db, editor.email, "violet canal drum lemon") == editor


def test_each_wrong_password_makes_the_next_try_wait_longer_never_past_fifteen_minutes(
        db: sqlite_utils.Database) -> None:
    keys = throttle.keys("secret", "editor@example.org", "192.0.2.1")
    at, waits = NOW, []
    for _ in range(16):
        waits.append(throttle.wait_seconds(db, keys, at=at))
        at += timedelta(seconds=waits[-1])  # a guesser tries again the moment it may
        throttle.failed(db, keys, at=at)
    assert waits[:4] == [0, 0, 0, 2]  # a mistyped password or two cost nothing
    assert waits[4:8] == [4, 8, 16, 32] and max(waits) == 15 * 60  # a list of guesses slows to a crawl
    assert throttle.wait_seconds(db, keys, at=at + timedelta(minutes=15)) == 0
    assert "editor@example.org" not in str(list(db["login_failures"].rows))


def test_guessing_from_everywhere_makes_the_real_person_wait_a_minute_at_most(db: sqlite_utils.Database) -> None:
    for n in range(200):  # a botnet: every guess from a new address
        throttle.failed(db, throttle.keys("secret", "admin@example.org", f"198.51.100.{n % 250}"), at=NOW)
    real_person = throttle.keys("secret", "admin@example.org", "192.0.2.50")
    assert 0 < throttle.wait_seconds(db, real_person, at=NOW) <= 60
    throttle.succeeded(db, real_person)
    assert throttle.wait_seconds(db, real_person, at=NOW) == 0


def test_twenty_failures_from_one_address_slow_it_whatever_the_account(db: sqlite_utils.Database) -> None:
    for n in range(20):
        throttle.failed(db, throttle.keys("secret", f"person{n}@example.org", "192.0.2.9"), at=NOW)
    assert throttle.wait_seconds(db, throttle.keys("secret", "fresh@example.org", "192.0.2.9"), at=NOW) == 2
    assert throttle.wait_seconds(db, throttle.keys("secret", "fresh@example.org", "192.0.2.10"), at=NOW) == 0
