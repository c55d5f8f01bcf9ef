"""The database: created on first use, in WAL mode, at the newest schema, and never migrated twice."""

from pathlib import Path

from directory.migrations import all_migrations, current_version
from directory.oruk import import_services
from directory.store import database_path, open_db
from tests.builders import service


def test_a_new_database_is_created_in_wal_mode_at_the_newest_schema(tmp_path: Path) -> None:
    db = open_db(tmp_path / "deep" / "folder" / "portal.db")
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert current_version(db) == all_migrations()[-1].version
    for table in ("services", "organizations", "locations", "service_at_locations", "schedules",
                  "taxonomy_terms", "contacts", "languages", "cost_options", "search_words_fts",
                  "service_embeddings", "search_log"):
        assert db[table].exists(), table


def test_reopening_applies_no_migration_twice_and_keeps_listings(tmp_path: Path) -> None:
    path = tmp_path / "portal.db"
    db = open_db(path)
    import_services(db, [service("hub", "Waldron Community Hub", "A place to meet.")])
    db.close()
    again = open_db(path)
    assert again["schema_migrations"].count == len(all_migrations())
    assert again["services"].count == 1


def test_database_path_comes_from_the_option_then_the_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PORTAL_DB", str(tmp_path / "env.db"))
    assert database_path(tmp_path / "option.db") == tmp_path / "option.db"
    assert database_path(None) == tmp_path / "env.db"
    monkeypatch.delenv("PORTAL_DB")
    assert database_path(None) == Path("var") / "portal.db"


def test_a_transaction_holds_the_write_lock_from_its_start_so_another_writer_waits(tmp_path) -> None:  # noqa: ANN001
    """With a plain BEGIN, a writer committing between this transaction's read and its write would make
    the write fail at once with "database is locked"; BEGIN IMMEDIATE makes the other writer wait instead."""
    import sqlite3

    import pytest

    from directory.store import connect, open_db

    path = tmp_path / "portal.db"
    open_db(path).close()
    ours = connect(path)
    other = sqlite3.connect(path, timeout=0.1)
    with ours.atomic():
        ours.execute("select count(*) from meta").fetchone()
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("update meta set value = value where key = 'generation'")
        ours.execute("update meta set value = cast(value as integer) + 1 where key = 'generation'")
    other.execute("update meta set value = value where key = 'generation'")
    other.commit()
