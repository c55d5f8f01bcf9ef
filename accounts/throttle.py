"""Slowing down password guessing with delays that grow, never a lockout the real person cannot get past.

Each wrong password makes the next try from the same address for the same account wait longer (2 s, 4 s, 8 s...
up to 15 minutes): a guesser working through a list slows to a crawl, while someone who mistyped waits seconds.
An address failing across many accounts is slowed the same way. Failures for one account from everywhere slow
it too, but by at most a minute: an attacker elsewhere can make the real person wait, never shut them out.
Keys are keyed hashes, so the table never holds an email or an IP address in the clear; failures are forgotten
after a day, or for the account and its address when the right password is given.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlite_utils

from accounts.users import normalise_email, now_iso

WINDOW = timedelta(days=1)  # failures older than this are forgotten


@dataclass(frozen=True)
class Slowing:
    free: int  # failures allowed before any wait
    longest: timedelta  # the wait never grows beyond this

    def delay(self, failures: int) -> timedelta:
        """2 s after the first failure past the free ones, doubling with each, up to `longest`."""
        if failures < self.free:
            return timedelta(0)
        return min(self.longest, timedelta(seconds=2 ** min(failures - self.free + 1, 20)))


PAIR = Slowing(free=3, longest=timedelta(minutes=15))  # this account from this address
ADDRESS = Slowing(free=20, longest=timedelta(minutes=15))  # this address, whatever the account
ACCOUNT = Slowing(free=10, longest=timedelta(minutes=1))  # this account, from anywhere


@dataclass(frozen=True)
class Keys:
    account: str
    address: str
    pair: str


def _mac(secret: str, kind: str, value: str) -> str:
    """A key naming what is counted without holding it: an email or an address, hashed with the secret."""
    return kind + ":" + hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]


def keys(secret: str, email: str, address: str) -> Keys:
    account = normalise_email(email)
    return Keys(_mac(secret, "account", account), _mac(secret, "address", address),
                _mac(secret, "pair", f"{account}\n{address}"))


def _failures(db: sqlite_utils.Database, key: str, at: datetime) -> tuple[int, datetime | None]:
    """How many failures this key has had in the window, and when the last was."""
    count, last = db.execute("select count(*), max(failed_at) from login_failures where key = ? and failed_at > ?",
                             [key, now_iso(at - WINDOW)]).fetchone()
    return count, datetime.fromisoformat(last) if last else None


def wait_seconds(db: sqlite_utils.Database, found: Keys, at: datetime | None = None) -> int:
    """Seconds until another try is allowed; 0 when one is allowed now."""
    at = at or datetime.now(UTC)
    longest = 0.0
    for key, slowing in ((found.pair, PAIR), (found.address, ADDRESS), (found.account, ACCOUNT)):
        count, last = _failures(db, key, at)
        if last is not None:
            longest = max(longest, (last + slowing.delay(count) - at).total_seconds())
    return math.ceil(longest) if longest > 0 else 0


def failed(db: sqlite_utils.Database, found: Keys, at: datetime | None = None) -> None:
    at = at or datetime.now(UTC)
    with db.atomic():
        db["login_failures"].insert_all([{"key": key, "failed_at": now_iso(at)}
                                         for key in (found.account, found.address, found.pair)])
        db.execute("delete from login_failures where failed_at <= ?", [now_iso(at - WINDOW)])


def succeeded(db: sqlite_utils.Database, found: Keys) -> None:
    """The right password: this account's failures are forgotten, and this address's for it."""
    db.execute("delete from login_failures where key in (?, ?)", [found.account, found.pair])


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
