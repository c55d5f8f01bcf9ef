"""Schema migrations: numbered SQL files in `schema_migrations/`, each run once, in order, in its own transaction.

The files are frozen history. A migration is SQL written when it was made and never imports today's code, so a
database upgraded from any release ends up with the same tables, columns and indexes as a fresh one (a test
upgrades a database made by an old release and compares them column by column). Work only today's code can do
(rebuilding the word index, a first history version for listings already there) is asked for by a row in
`meta`, and done after the upgrade by `directory.upkeep`.

One runner for the whole file: the directory, accounts and surveys. To change the schema, add the next file
(`NNNN_what_it_does.sql`, starting with a comment that says why); never edit one that has been released.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources

import sqlite_utils

_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str  # the file's first comment line, for schema_migrations
    sql: str


@cache
def all_migrations() -> tuple[Migration, ...]:
    """Every migration file, in version order; a gap or a repeated number is a mistake caught here."""
    found = []
    for entry in resources.files("directory").joinpath("schema_migrations").iterdir():
        match = _FILE.match(entry.name)
        if match:
            sql = entry.read_text(encoding="utf-8")
            first = sql.splitlines()[0].removeprefix("--").strip()
            found.append(Migration(int(match[1]), first.split(":", 1)[-1].strip().rstrip("."), sql))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migration files must be numbered 1..n without gaps: {[m.version for m in found]}")
    return tuple(found)


def current_version(db: sqlite_utils.Database) -> int:
    if not db["schema_migrations"].exists():
        return 0
    row = db.execute("select max(version) from schema_migrations").fetchone()
    return row[0] or 0


def apply(conn: sqlite3.Connection, migration: Migration) -> None:
    """One migration and its row in schema_migrations, all or nothing."""
    if conn.in_transaction:
        conn.commit()
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    try:
        conn.executescript("BEGIN IMMEDIATE;\n" + migration.sql + "\n;INSERT INTO schema_migrations "
                           f"(version, name, applied_at) VALUES ({migration.version}, "
                           f"'{migration.name.replace(chr(39), chr(39) * 2)}', '{stamp}');\nCOMMIT;")
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise


def migrate(db: sqlite_utils.Database, upto: int | None = None) -> list[int]:
    """Bring the database up to the newest schema (or to version `upto`); returns the versions applied now."""
    db.execute('create table if not exists "schema_migrations" ("version" INTEGER PRIMARY KEY, "name" TEXT, '
               '"applied_at" TEXT)')
    applied = []
    for migration in all_migrations():
        if upto is not None and migration.version > upto:
            break
        if migration.version > current_version(db):
            apply(db.conn, migration)
            applied.append(migration.version)
    return applied
