"""Opening the directory's SQLite database, ready to use and at the newest schema."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from directory.migrations import migrate

DEFAULT_DB_PATH = Path("var") / "portal.db"


def database_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database file: the one asked for, else `PORTAL_DB`, else `var/portal.db`."""
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("PORTAL_DB") or DEFAULT_DB_PATH)


class Database(sqlite_utils.Database):
    """sqlite-utils' Database, whose transactions take SQLite's write lock as they begin.

    A plain BEGIN reads first and asks for the write lock at its first write; if another writer commits in
    between (the search log does, twice a second), WAL mode refuses the upgrade at once with "database is
    locked", without waiting. BEGIN IMMEDIATE queues for the lock under busy_timeout instead. Nested blocks
    keep sqlite-utils' savepoints.
    """

    @contextmanager
    def atomic(self) -> Iterator[Database]:  # type: ignore[override]
        if self.conn.in_transaction:
            with super().atomic():
                yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise


def open_db(path: str | os.PathLike[str] | None = None) -> sqlite_utils.Database:
    """Open (creating if needed) the database in WAL mode and apply pending migrations."""
    file = database_path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    db = Database(file)
    db.enable_wal()
    _tune(db)
    migrate(db)
    return db


def generation(db: sqlite_utils.Database) -> int:
    """A counter bumped whenever listings change, so in-memory caches know to reload."""
    row = db.execute("select value from meta where key = 'generation'").fetchone()
    return int(row[0]) if row else 0


# How many generations of changed_listings are kept: a worker further behind than this reloads everything.
CHANGES_KEPT = 1000
NAMED_AT_MOST = 1000


def bump_generation(db: sqlite_utils.Database, changed: Iterable[str] | None = None) -> None:
    """Tell every worker's in-memory corpus that listings changed: `changed` names them, None means any may
    have (an import of thousands, a rebuild), and a worker then reloads them all."""
    db.execute("update meta set value = cast(value as integer) + 1 where key = 'generation'")
    gen = generation(db)
    ids = list(dict.fromkeys(changed)) if changed is not None else []
    if not ids or len(ids) > NAMED_AT_MOST:  # a worker would reload everything anyway
        ids = [None]
    db.conn.executemany("insert into changed_listings (generation, service_id) values (?, ?)",
                   [(gen, sid) for sid in ids])
    db.execute("delete from changed_listings where generation <= ?", [gen - CHANGES_KEPT])


def changed_since(db: sqlite_utils.Database, since: int, now: int) -> set[str] | None:
    """The listings changed after generation `since` up to `now`, or None if that cannot be told (a change of
    everything, or a record no longer kept)."""
    rows = db.execute("select generation, service_id from changed_listings where generation > ? and generation <= ?",
                      [since, now]).fetchall()
    if len({gen for gen, _ in rows}) != now - since or any(sid is None for _, sid in rows):
        return None
    return {sid for _, sid in rows}


def connect(path: str | os.PathLike[str]) -> sqlite_utils.Database:
    """A connection to an already-migrated database, cheap enough to open per request."""
    db = Database(sqlite3.connect(str(path), check_same_thread=False))
    _tune(db)
    return db


def _tune(db: sqlite_utils.Database) -> None:
    """Wait for a busy writer rather than fail; in WAL mode, NORMAL sync is safe and fsyncs far less."""
    db.conn.execute("pragma busy_timeout = 5000")
    db.conn.execute("pragma synchronous = normal")
