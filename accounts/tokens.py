"""Single-use, expiring links: invitations to join an organisation and password resets.

Only a hash of each token is stored, so a copy of the database cannot be used to sign in. A token is
spent in the same statement that checks it, so two clicks on one link cannot both succeed.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlite_utils

from accounts.users import normalise_email, now_iso
from directory.messages import N_, ResidentError

INVITATION, RESET, RESET_REQUEST = "invitation", "reset", "reset_request"
LIFETIME = {INVITATION: timedelta(days=7), RESET: timedelta(hours=24), RESET_REQUEST: timedelta(days=7)}


class TokenError(ResidentError):
    """A link that cannot be used, saying why and what to do instead."""


@dataclass(frozen=True)
class Token:
    kind: str
    email: str
    user_id: str | None
    organization_id: str | None
    role: str | None
    expires_at: str


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue(db: sqlite_utils.Database, kind: str, by: str, email: str = "", user_id: str | None = None,
          organization_id: str | None = None, role: str | None = None, at: datetime | None = None) -> str:
    """A new link's secret part; shown once to whoever sends it, never stored."""
    raw = secrets.token_urlsafe(32)
    at = at or datetime.now(UTC)
    db["account_tokens"].insert({
        "token_hash": _hash(raw), "kind": kind, "email": normalise_email(email), "user_id": user_id,
        "organization_id": organization_id, "role": role, "created_by": by, "created_at": now_iso(at),
        "expires_at": now_iso(at + LIFETIME[kind]), "used_at": None,
    })
    return raw


def peek(db: sqlite_utils.Database, raw: str, kind: str, at: datetime | None = None) -> Token:
    """The token behind a link, if it can still be used; TokenError says why not."""
    rows = list(db["account_tokens"].rows_where("token_hash = ? and kind = ?", [_hash(raw), kind]))
    if not rows:
        raise TokenError(N_("This link is not valid. Check you copied all of it, or ask for a new one."))
    row = rows[0]
    if row["used_at"]:
        raise TokenError(N_("This link has already been used. Ask for a new one if you need it."))
    if row["expires_at"] <= now_iso(at):
        raise TokenError(N_("This link has expired. Ask for a new one."))
    return Token(row["kind"], row["email"], row["user_id"], row["organization_id"], row["role"], row["expires_at"])


def spend(db: sqlite_utils.Database, raw: str, kind: str, at: datetime | None = None) -> Token:
    """Use a link once: checks it and marks it used together; the caller's transaction keeps the rest."""
    token = peek(db, raw, kind, at)
    spent = db.execute(
        "update account_tokens set used_at = ? where token_hash = ? and used_at is null and expires_at > ?",
        [now_iso(at), _hash(raw), now_iso(at)],
    ).rowcount
    if spent != 1:
        raise TokenError(N_("This link has already been used. Ask for a new one if you need it."))
    return token


def pending_invitations(db: sqlite_utils.Database, organization_id: str, at: datetime | None = None) -> list[dict]:
    """Invitations not yet accepted and not expired, for the organisation's page (no secrets in them)."""
    return list(db.query(
        "select email, role, created_at, expires_at from account_tokens where kind = ? and organization_id = ? "
        "and used_at is null and expires_at > ? order by created_at desc",
        [INVITATION, organization_id, now_iso(at)],
    ))


def request_reset(db: sqlite_utils.Database, user_id: str, at: datetime | None = None) -> None:
    """Without email, a forgotten password waits here for an administrator to send a reset link."""
    issue(db, RESET_REQUEST, by=user_id, user_id=user_id, at=at)


def reset_requests(db: sqlite_utils.Database, at: datetime | None = None) -> list[dict]:
    """People waiting for a reset link, oldest first, one row each."""
    return list(db.query(
        "select u.id, u.name, u.email, min(t.created_at) as asked_at from account_tokens t "
        "join users u on u.id = t.user_id where t.kind = ? and t.used_at is null and t.expires_at > ? "
        "and u.disabled_at is null group by u.id order by asked_at",
        [RESET_REQUEST, now_iso(at)],
    ))


def issue_reset(db: sqlite_utils.Database, user_id: str, by: str, at: datetime | None = None) -> str:
    """A reset link for one person; any request they made is answered by it."""
    with db.atomic():
        db.execute("update account_tokens set used_at = ? where kind = ? and user_id = ? and used_at is null",
                   [now_iso(at), RESET_REQUEST, user_id])
        return issue(db, RESET, by=by, user_id=user_id, at=at)
