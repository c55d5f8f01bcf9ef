"""Signed-in sessions kept on the server, so signing out ends them for good, everywhere if asked.

The browser's signed cookie holds only a random session id; the database holds its hash, the account
and when it ends. A new id is made at every sign-in, so an id known before signing in is worthless.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import sqlite_utils

from accounts import users
from accounts.users import User, now_iso

IDLE = timedelta(hours=2)
LONGEST = timedelta(hours=12)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def start(db: sqlite_utils.Database, user: User, at: datetime | None = None) -> str:
    raw = secrets.token_urlsafe(32)
    at = at or datetime.now(UTC)
    db["user_sessions"].insert({"id_hash": _hash(raw), "user_id": user.id, "created_at": now_iso(at),
                                "seen_at": now_iso(at), "expires_at": now_iso(at + LONGEST)})
    return raw


def user_for(db: sqlite_utils.Database, raw: str | None, at: datetime | None = None) -> User | None:
    """The signed-in account, if the session is live: not ended, not idle too long, not too old."""
    if not raw:
        return None
    at = at or datetime.now(UTC)
    rows = list(db["user_sessions"].rows_where("id_hash = ?", [_hash(raw)]))
    if not rows:
        return None
    row = rows[0]
    if row["expires_at"] <= now_iso(at) or row["seen_at"] <= now_iso(at - IDLE):
        end(db, raw)
        return None
    if row["seen_at"] <= now_iso(at - timedelta(minutes=1)):  # write at most once a minute
        db["user_sessions"].update(row["id_hash"], {"seen_at": now_iso(at)})
    return users.get(db, row["user_id"])


def end(db: sqlite_utils.Database, raw: str | None) -> None:
    if raw:
        db.execute("delete from user_sessions where id_hash = ?", [_hash(raw)])


def end_everywhere(db: sqlite_utils.Database, user_id: str) -> int:
    return db.execute("delete from user_sessions where user_id = ?", [user_id]).rowcount
