"""Copies of the whole database taken while it is in use, and putting one back.

SQLite's online backup copies a consistent snapshot page by page while residents keep searching and editors
keep saving; the copy is checked before it is kept, and a restore refuses a copy that is not whole.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

PAGES_PER_STEP = 1024  # copy in steps, so a writer waits a moment at a time, never for the whole copy


class BackupError(RuntimeError):
    """A copy that cannot be used, said in words."""


def _check(path: Path) -> None:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        found = db.execute("pragma integrity_check").fetchone()[0]
        has_schema = db.execute("select count(*) from sqlite_master where name = 'schema_migrations'").fetchone()[0]
    if found != "ok" or not has_schema:
        raise BackupError(f"{path} is not a whole portal database ({found}).")


def backup(database: Path, to: Path) -> Path:
    """Copy the database, in use or not, to `to` (written beside it first, then moved into place)."""
    to.parent.mkdir(parents=True, exist_ok=True)
    partial = to.with_name(to.name + ".partial")
    partial.unlink(missing_ok=True)
    with closing(sqlite3.connect(database)) as source, closing(sqlite3.connect(partial)) as copy:
        source.backup(copy, pages=PAGES_PER_STEP)
    _check(partial)
    os.replace(partial, to)
    return to


def restore(copy: Path, database: Path) -> None:
    """Put a checked copy back in place of the database; connections open now see the restored data."""
    if not copy.exists():
        raise BackupError(f"There is no backup at {copy}.")
    _check(copy)
    database.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(copy)) as source, closing(sqlite3.connect(database)) as target:
        source.backup(target, pages=PAGES_PER_STEP)
