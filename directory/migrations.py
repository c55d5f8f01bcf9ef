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


def _accounts(db: sqlite_utils.Database) -> None:
    """People who look after listings, the organisations they belong to, and what keeps them signed in."""
    db["users"].create(
        {"id": str, "email": str, "name": str, "password_hash": str, "role": str, "created_at": str,
         "disabled_at": str}, pk="id")
    db["users"].create_index(["email"], unique=True)
    db["memberships"].create({"user_id": str, "organization_id": str, "added_at": str},
                             pk=("user_id", "organization_id"))
    db["memberships"].create_index(["organization_id"])
    db["organization_policies"].create({"organization_id": str, "publishes_directly": int}, pk="organization_id")
    db["account_tokens"].create(
        {"token_hash": str, "kind": str, "email": str, "user_id": str, "organization_id": str, "role": str,
         "created_by": str, "created_at": str, "expires_at": str, "used_at": str}, pk="token_hash")
    db["user_sessions"].create(
        {"id_hash": str, "user_id": str, "created_at": str, "seen_at": str, "expires_at": str}, pk="id_hash")
    db["user_sessions"].create_index(["user_id"])
    db["login_failures"].create({"id": int, "key": str, "failed_at": str}, pk="id")
    db["login_failures"].create_index(["key", "failed_at"])


def _listing_history(db: sqlite_utils.Database) -> None:
    """Every version of every listing (never changed or deleted), and changes waiting for a moderator."""
    db["listing_versions"].create(
        {"id": int, "service_id": str, "version": int, "record": str, "action": str, "changed_by": str,
         "changed_at": str, "changes": str}, pk="id")
    db["listing_versions"].create_index(["service_id", "version"], unique=True)
    for event in ("update", "delete"):
        db.execute(f"create trigger listing_versions_keep_{event} before {event} on listing_versions "
                   "begin select raise(abort, 'listing history is never changed or deleted'); end")
    db["listing_changes"].create(
        {"id": int, "service_id": str, "organization_id": str, "record": str, "base_version": int, "status": str,
         "submitted_by": str, "submitted_at": str, "decided_by": str, "decided_at": str, "reason": str}, pk="id")
    db["listing_changes"].create_index(["status", "organization_id"])
    db["listing_changes"].create_index(["organization_id", "submitted_at"])
    db["listing_changes"].create_index(["service_id", "status"])
    from directory.history import backfill

    backfill(db)  # listings already here become version 1, so their first edit shows only what changed


def _report_resolution(db: sqlite_utils.Database) -> None:
    """Who resolved a report, so an organisation and the moderators can see it was dealt with."""
    db["listing_reports"].add_column("resolved_by", str)


def _stemmed_words(db: sqlite_utils.Database) -> None:
    """Words stemmed in each listing's own languages replace the English-only porter index. The rows are
    written by the indexer (a migration never runs today's code), so the index is marked to be rebuilt."""
    for name in ("search_documents_fts", "search_documents"):
        db.execute(f"drop table if exists [{name}]")
    db.execute("create table search_words (service_id text primary key, name text, body text)")
    db.execute("create virtual table search_words_fts using fts5(name, body, content=search_words, "
               "content_rowid=rowid, tokenize=\"unicode61 remove_diacritics 0 categories 'L* M* N* Co'\")")
    db.execute("create trigger search_words_ai after insert on search_words begin "
               "insert into search_words_fts(rowid, name, body) values (new.rowid, new.name, new.body); end")
    db.execute("create trigger search_words_ad after delete on search_words begin "
               "insert into search_words_fts(search_words_fts, rowid, name, body) "
               "values ('delete', old.rowid, old.name, old.body); end")
    db.execute("create trigger search_words_au after update on search_words begin "
               "insert into search_words_fts(search_words_fts, rowid, name, body) "
               "values ('delete', old.rowid, old.name, old.body); "
               "insert into search_words_fts(rowid, name, body) values (new.rowid, new.name, new.body); end")
    db.execute("insert or replace into meta (key, value) select 'search_words', 'rebuild' "
               "where exists (select 1 from services)")


def _translation_embeddings(db: sqlite_utils.Database) -> None:
    """A listing's name and description in another language, embedded too, so a search in that language
    meets its translation as well as its English."""
    db.execute("create table translation_embeddings (service_id text, language text, model text, text_hash text, "
               "vector blob, primary key (service_id, language))")


def _changed_listings(db: sqlite_utils.Database) -> None:
    """Which listings each generation changed (a null id: possibly all of them), so a search worker can update
    its copy of those listings alone instead of reloading thousands."""
    db.execute("create table changed_listings (generation integer not null, service_id text)")
    db.execute("create index changed_listings_generation on changed_listings (generation)")


def _word_counts(db: sqlite_utils.Database) -> None:
    """How many listings hold each word, read straight from the word index."""
    db.execute("create virtual table search_words_vocab using fts5vocab(search_words_fts, row)")


def _chat_turns(db: sqlite_utils.Database) -> None:
    """The assistant conversation of a visit, so Back and a listing page never lose it; rows are deleted half
    an hour after a conversation's last message, or when a kiosk starts again."""
    db.execute("create table chat_turns (id integer primary key, conversation text not null, said_at text not null, "
               "turn text not null)")
    db.execute("create index chat_turns_conversation on chat_turns (conversation, id)")
    db.execute("create index chat_turns_said_at on chat_turns (said_at)")


def _translated_fields(db: sqlite_utils.Database) -> None:
    """Who a listing is for, how to start, its cost, opening-time notes and access, in other languages too (JSON
    by field name), so a translated page is translated throughout; the word index is rebuilt to hold them."""
    db.execute("alter table service_translations add column fields text not null default '{}'")
    db.execute("insert or replace into meta (key, value) select 'search_words', 'rebuild' "
               "where exists (select 1 from service_translations)")


def _form_posts(db: sqlite_utils.Database) -> None:
    """When each public form was last sent from each (hashed) address, so a flood of reports can be slowed."""
    db.execute("create table form_posts (key text not null, posted_at text not null)")
    db.execute("create index form_posts_key on form_posts (key, posted_at)")


MIGRATIONS: tuple[tuple[int, str, Callable[[sqlite_utils.Database], None]], ...] = (
    (1, "directory tables shaped on Open Referral UK", _directory_tables),
    (2, "full-text and embedding search tables", _search_tables),
    (3, "search log without personal data", _search_log),
    (4, "listing names and descriptions in other languages", _translations),
    (5, "residents' reports of problems with listings", _listing_reports),
    (6, "accounts, organisation membership, sign-in tokens and sessions", _accounts),
    (7, "listing history and changes waiting for a moderator", _listing_history),
    (8, "who resolved a resident's report", _report_resolution),
    (9, "words stemmed in each listing's languages", _stemmed_words),
    (10, "listings' translations embedded", _translation_embeddings),
    (11, "which listings each change touched", _changed_listings),
    (12, "how many listings hold each word", _word_counts),
    (13, "the assistant conversation of a visit", _chat_turns),
    (14, "every resident-facing text of a listing in other languages", _translated_fields),
    (15, "public forms sent, by hashed address, for their rate limits", _form_posts),
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
