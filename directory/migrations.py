"""Versioned schema migrations: each runs once, in order, inside its own transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlite_utils

from directory.schema import ALL_TABLES

FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"


def _directory_tables(db: sqlite_utils.Database) -> None:
    for table in ALL_TABLES:
        if db[table.name].exists():
            continue  # phones appear twice in the shape (service and contact); create once
        columns: dict[str, type] = {c: table.types.get(c, str) for c in table.columns}
        columns["extra"] = str
        db[table.name].create(columns, pk="id")
    for table in ALL_TABLES:
        for column in ("service_id", "location_id", "link_id", "contact_id", "organization_id"):
            if column in table.columns:
                db[table.name].create_index([column], if_not_exists=True)
    db["services"].create_index(["publication_status"], if_not_exists=True)


def _search_tables(db: sqlite_utils.Database) -> None:
    db["search_documents"].create(
        {"service_id": str, "name": str, "body": str}, pk="service_id"
    )
    db["search_documents"].enable_fts(
        ["name", "body"], fts_version="FTS5", create_triggers=True, tokenize=FTS_TOKENIZER
    )
    db["service_embeddings"].create(
        {"service_id": str, "model": str, "text_hash": str, "vector": bytes}, pk="service_id"
    )
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["meta"].insert({"key": "generation", "value": "0"})


def _search_log(db: sqlite_utils.Database) -> None:
    db["search_log"].create(
        {
            "id": int,
            "searched_at": str,
            "query": str,
            "language": str,
            "outcode": str,
            "filters": str,
            "result_count": int,
            "mode": str,
        },
        pk="id",
    )
    db["search_log"].create_index(["searched_at"])


def _translations(db: sqlite_utils.Database) -> None:
    db["service_translations"].create(
        {"service_id": str, "language": str, "name": str, "description": str, "updated_at": str},
        pk=("service_id", "language"),
    )


def _listing_reports(db: sqlite_utils.Database) -> None:
    db["listing_reports"].create(
        {"id": int, "service_id": str, "organization_id": str, "problem": str, "details": str,
         "language": str, "reported_at": str, "status": str, "resolved_at": str, "resolution_note": str},
        pk="id",
    )
    db["listing_reports"].create_index(["organization_id", "status"])
    db["listing_reports"].create_index(["service_id"])


MIGRATIONS: tuple[tuple[int, str, Callable[[sqlite_utils.Database], None]], ...] = (
    (1, "directory tables shaped on Open Referral UK", _directory_tables),
    (2, "full-text and embedding search tables", _search_tables),
    (3, "search log without personal data", _search_log),
    (4, "listing names and descriptions in other languages", _translations),
    (5, "residents' reports of problems with listings", _listing_reports),
)


def current_version(db: sqlite_utils.Database) -> int:
    if not db["schema_migrations"].exists():
        return 0
    row = db.execute("select max(version) from schema_migrations").fetchone()
    return row[0] or 0


def migrate(db: sqlite_utils.Database) -> list[int]:
    """Bring the database up to the newest schema; returns the versions applied now."""
    if not db["schema_migrations"].exists():
        db["schema_migrations"].create({"version": int, "name": str, "applied_at": str}, pk="version")
    applied = []
    for version, name, step in MIGRATIONS:
        if version <= current_version(db):
            continue
        with db.atomic():
            step(db)
            db["schema_migrations"].insert(
                {"version": version, "name": name, "applied_at": datetime.now(UTC).isoformat()}
            )
        applied.append(version)
    return applied
