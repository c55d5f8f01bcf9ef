"""Opening the directory's SQLite database, ready to use and at the newest schema."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
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


def bump_generation(db: sqlite_utils.Database) -> None:
    db.execute("update meta set value = cast(value as integer) + 1 where key = 'generation'")


def connect(path: str | os.PathLike[str]) -> sqlite_utils.Database:
    """A connection to an already-migrated database, cheap enough to open per request."""
    db = Database(sqlite3.connect(str(path), check_same_thread=False))
    _tune(db)
    return db


def _tune(db: sqlite_utils.Database) -> None:
    """Wait for a busy writer rather than fail; in WAL mode, NORMAL sync is safe and fsyncs far less."""
    db.conn.execute("pragma busy_timeout = 5000")
    db.conn.execute("pragma synchronous = normal")
