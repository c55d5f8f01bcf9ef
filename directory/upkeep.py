"""Work an upgrade asks for that only today's code can do, done when the portal or a command next opens the file.

Migrations are frozen SQL (directory/migrations.py); when one needs rows that today's code makes, it leaves a
row in `meta` saying so, and this does the work once, in a transaction, and removes the row.
"""

from __future__ import annotations

import sqlite_utils

from directory import history, index


def after_upgrade(db: sqlite_utils.Database) -> list[str]:
    """Do whatever migrations asked for; returns what was done, in words, for a log line."""
    done = []
    if db.execute("select 1 from meta where key = 'listing_history' and value = 'backfill'").fetchone():
        with db.atomic():
            count = history.backfill(db)  # listings there before history began get a first version
            db.execute("delete from meta where key = 'listing_history'")
        done.append(f"a first history version for {count} listings")
    if index.ensure_text_index(db):
        done.append("word index rebuilt")
    return done
