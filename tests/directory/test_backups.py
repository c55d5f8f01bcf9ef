"""A backup taken while the portal writes holds everything committed before it began, restores whole, and a
copy that is not a whole database is refused rather than put in place."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from directory import backups
from directory.store import open_db
from portal.cli import app


def _writer(path: Path, stop: threading.Event, written: list[int]) -> None:
    """Searches logged as fast as one connection can commit them, each one's number kept once committed."""
    db = sqlite3.connect(path, timeout=30)
    n = 0
    while not stop.is_set():
        n += 1
        with db:
            db.execute("insert into search_log (searched_at, query, result_count, mode) values ('2026', ?, 0, 'x')",
                       [f"load {n}"])
        written.append(n)
    db.close()


def test_a_backup_under_write_load_restores_everything_committed_before_it_began(seeded_path: Path,
                                                                                  tmp_path: Path) -> None:
    stop, written = threading.Event(), []
    writer = threading.Thread(target=_writer, args=(seeded_path, stop, written))
    writer.start()
    try:
        while len(written) < 200:
            time.sleep(0.01)
        before = len(written)  # every search up to this one was committed before the backup began
        result = CliRunner().invoke(app, ["backup", str(tmp_path / "copy.db"), "--db", str(seeded_path)])
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert len(written) > before  # the portal kept writing while the copy was taken
    restored = tmp_path / "restored.db"
    assert CliRunner().invoke(app, ["restore", str(tmp_path / "copy.db"), "--db", str(restored)]).exit_code == 0
    db = open_db(restored)
    kept = {row[0] for row in db.execute("select query from search_log where query like 'load %'")}
    assert {f"load {n}" for n in range(1, before + 1)} <= kept
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert db["services"].count == open_db(seeded_path)["services"].count


def test_a_copy_that_is_not_a_whole_database_is_refused(seeded_path: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises((backups.BackupError, sqlite3.DatabaseError)):
        backups.restore(broken, seeded_path)
    result = CliRunner().invoke(app, ["restore", str(tmp_path / "missing.db"), "--db", str(seeded_path)])
    assert result.exit_code == 1 and "There is no backup at" in result.output
    assert open_db(seeded_path)["services"].count > 0  # the database is as it was
