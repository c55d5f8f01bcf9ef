"""Slowing down password guessing: too many failed sign-ins for one account, or from one address, wait.

Keys are keyed hashes, so the table never holds an email or an IP address in the clear, and failures
older than the window are forgotten.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlite_utils

from accounts.users import normalise_email, now_iso

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 5
PER_ADDRESS = 20


@dataclass(frozen=True)
class Keys:
    account: str
    address: str


def _mac(secret: str, kind: str, value: str) -> str:
    """A key naming what is counted without holding it: an email or an address, hashed with the secret."""
    return kind + ":" + hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]


def keys(secret: str, email: str, address: str) -> Keys:
    return Keys(_mac(secret, "account", normalise_email(email)), _mac(secret, "address", address))


def _failures(db: sqlite_utils.Database, key: str, at: datetime) -> list[str]:
    return [r[0] for r in db.execute(
        "select failed_at from login_failures where key = ? and failed_at > ? order by failed_at",
        [key, now_iso(at - WINDOW)])]


def wait_minutes(db: sqlite_utils.Database, found: Keys, at: datetime | None = None) -> int:
    """Minutes until another try is allowed; 0 when one is allowed now."""
    at = at or datetime.now(UTC)
    waits = []
    for key, limit in ((found.account, PER_ACCOUNT), (found.address, PER_ADDRESS)):
        failures = _failures(db, key, at)
        if len(failures) >= limit:
            oldest_counted = datetime.fromisoformat(failures[-limit])
            waits.append(oldest_counted + WINDOW - at)
    if not waits:
        return 0
    return max(1, -(-int(max(waits).total_seconds()) // 60))


def failed(db: sqlite_utils.Database, found: Keys, at: datetime | None = None) -> None:
    at = at or datetime.now(UTC)
    with db.atomic():
        db["login_failures"].insert_all([{"key": found.account, "failed_at": now_iso(at)},
                                         {"key": found.address, "failed_at": now_iso(at)}])
        db.execute("delete from login_failures where failed_at <= ?", [now_iso(at - WINDOW)])


def succeeded(db: sqlite_utils.Database, found: Keys) -> None:
    db.execute("delete from login_failures where key = ?", [found.account])


FORM_WINDOW = timedelta(minutes=10)


def form_key(secret: str, form: str, who: str) -> str:
    """One public form from one address (or for one email), hashed: the table never holds either in the clear."""
    return _mac(secret, form, who)


def form_allowed(db: sqlite_utils.Database, key: str, limit: int, at: datetime | None = None) -> bool:
    """Whether this form may be sent again now (at most `limit` in ten minutes); a post allowed is counted."""
    at = at or datetime.now(UTC)
    with db.atomic():
        db.execute("delete from form_posts where posted_at <= ?", [now_iso(at - FORM_WINDOW)])
        sent = db.execute("select count(*) from form_posts where key = ?", [key]).fetchone()[0]
        if sent >= limit:
            return False
        db.execute("insert into form_posts (key, posted_at) values (?, ?)", [key, now_iso(at)])
    return True
