"""Migrations are frozen history: a database made by an old release, upgraded, has the schema of a fresh one."""

from __future__ import annotations

import ast
import gzip
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from directory import migrations, upkeep
from directory.migrations import Migration, all_migrations, apply, current_version
from directory.store import open_db

RELEASES = sorted((Path(__file__).parent.parent / "fixtures" / "releases").glob("release-*.db.gz"))


def schema(db: sqlite_utils.Database) -> dict[str, object]:
    """Every table's columns (name, type, not null, default, key), indexes (columns, unique) and triggers."""
    shape: dict[str, object] = {}
    for kind, name, table, sql in db.execute(
            "select type, name, tbl_name, sql from sqlite_master where name not like 'sqlite_%' order by name"):
        if kind == "table":
            shape[f"table {name}"] = [(c[1], c[2].upper(), c[3], c[4], c[5])
                                      for c in db.execute(f"pragma table_xinfo([{name}])")]
            if sql.upper().startswith("CREATE VIRTUAL"):
                shape[f"virtual {name}"] = " ".join(sql.split())
        elif kind == "index":
            unique = [r[2] for r in db.execute(f"pragma index_list([{table}])") if r[1] == name]
            shape[f"index {name}"] = (table, unique, [c[2] for c in db.execute(f"pragma index_info([{name}])")])
        else:
            shape[f"{kind} {name}"] = " ".join(sql.split()) if sql else table
    return shape


@pytest.fixture
def fresh(tmp_path: Path) -> sqlite_utils.Database:
    return open_db(tmp_path / "fresh.db")


@pytest.mark.parametrize("release", RELEASES, ids=lambda p: p.name.removesuffix(".db.gz"))
def test_a_database_from_an_old_release_upgrades_to_exactly_the_fresh_schema(release: Path, tmp_path: Path,
                                                                              fresh: sqlite_utils.Database) -> None:
    file = tmp_path / "old.db"
    with gzip.open(release) as packed, file.open("wb") as out:
        shutil.copyfileobj(packed, out)
    old = sqlite_utils.Database(file)
    listings = old["services"].count
    assert current_version(old) < all_migrations()[-1].version
    old.close()
    upgraded = open_db(file)
    assert current_version(upgraded) == current_version(fresh)
    assert schema(upgraded) == schema(fresh)
    upkeep.after_upgrade(upgraded)
    assert upgraded["services"].count == listings > 0
    assert upgraded.execute("select count(distinct service_id) from listing_versions").fetchone()[0] == listings
    assert upgraded["search_words"].count == listings
    assert upgraded.execute("select count(*) from search_words_fts where search_words_fts match 'food'").fetchone()[0]
    assert upgraded.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_there_is_an_old_release_to_upgrade_from() -> None:
    assert len(RELEASES) >= 2


def test_migrations_are_numbered_without_gaps_and_each_says_why() -> None:
    found = all_migrations()
    assert [m.version for m in found] == list(range(1, len(found) + 1))
    for migration in found:
        assert migration.sql.startswith(f"-- {migration.version}: ") and len(migration.name) > 10


def test_the_runner_never_imports_todays_domain_code() -> None:
    tree = ast.parse(Path(migrations.__file__).read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & {"directory", "surveys", "accounts", "portal"}


def test_a_migration_that_fails_leaves_nothing_behind(fresh: sqlite_utils.Database) -> None:
    version = current_version(fresh)
    broken = Migration(version + 1, "a half-written change",
                       "-- x\nCREATE TABLE half_written (id INTEGER);\nINSERT INTO no_such_table VALUES (1);")
    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        apply(fresh.conn, broken)
    assert not fresh["half_written"].exists()
    assert current_version(fresh) == version


def test_upgrading_twice_changes_nothing(tmp_path: Path) -> None:
    db = open_db(tmp_path / "portal.db")
    before = schema(db)
    assert migrations.migrate(db) == []
    assert schema(db) == before
