"""The database: created on first use, in WAL mode, at the newest schema, and never migrated twice."""

from pathlib import Path

from directory.migrations import MIGRATIONS, current_version
from directory.oruk import import_services
from directory.store import database_path, open_db
from tests.builders import service


def test_a_new_database_is_created_in_wal_mode_at_the_newest_schema(tmp_path: Path) -> None:
    db = open_db(tmp_path / "deep" / "folder" / "portal.db")
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert current_version(db) == MIGRATIONS[-1][0]
    for table in ("services", "organizations", "locations", "service_at_locations", "schedules",
                  "taxonomy_terms", "contacts", "languages", "cost_options", "search_documents_fts",
                  "service_embeddings", "search_log"):
        assert db[table].exists(), table


def test_reopening_applies_no_migration_twice_and_keeps_listings(tmp_path: Path) -> None:
    path = tmp_path / "portal.db"
    db = open_db(path)
    import_services(db, [service("hub", "Waldron Community Hub", "A place to meet.")])
    db.close()
    again = open_db(path)
    assert again["schema_migrations"].count == len(MIGRATIONS)
    assert again["services"].count == 1


def test_database_path_comes_from_the_option_then_the_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PORTAL_DB", str(tmp_path / "env.db"))
    assert database_path(tmp_path / "option.db") == tmp_path / "option.db"
    assert database_path(None) == tmp_path / "env.db"
    monkeypatch.delenv("PORTAL_DB")
    assert database_path(None) == Path("var") / "portal.db"
