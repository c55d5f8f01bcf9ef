"""Publishing a listing: the one place a record becomes what residents find.

Every path goes through `publish_listing`: an approved or directly published change, a restored version,
archiving and unarchiving, a confirmation, an import or feed sync, the demonstration seed and translations
(which travel in the record). It saves the record and its translations, adds a history version, rewrites the
listing's words and tells every worker, in one transaction, so history, the word index and search always agree.
Meaning (the embedding) needs the model and comes after the commit, from `embed_listings`; until then a search
still finds the listing by its words.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

from directory.embeddings import Embedder
from directory.history import SYSTEM, record_version_if_changed, timestamp
from directory.index import documents, refresh_embeddings, refresh_text_index
from directory.services import Record, prepare, save_service
from directory.store import bump_generation
from directory.taxonomy import ensure_categories
from directory.translations import FIELDS, KEY, load_listing, replace_translations, split

IMPORTED = "imported"  # a feed's own last_modified is kept, and an unchanged record adds no version


def publish_listing(db: sqlite_utils.Database, record: Record, by: str, action: str) -> int:
    """Make `record` (validated by the caller) the live listing, all or nothing; returns its version number.

    A record carrying translations replaces the listing's translations; one without leaves them as they are.
    """
    oruk, translated = split(record)
    prepared = prepare(oruk)
    if action != IMPORTED:
        prepared["last_modified"] = timestamp()
    with db.atomic():
        save_service(db, prepared)
        if translated is not None:
            replace_translations(db, prepared["id"], translated)
        ensure_categories(db)  # a listing's copy of a shared category never overwrites the partnership's
        live = load_listing(db, prepared["id"])
        number = record_version_if_changed(db, live, action, by)
        if number is None:  # re-imported as it was: nothing to tell search either
            return int(db.execute("select max(version) from listing_versions where service_id = ?",
                                  [prepared["id"]]).fetchone()[0])
        refresh_text_index(db, [prepared["id"]])
        bump_generation(db, [prepared["id"]])
    return number


def publish_translation(db: sqlite_utils.Database, service_id: str, language: str, name: str, description: str,
                        fields: dict[str, str] | None = None, by: str = SYSTEM) -> int:
    """Add or replace one listing's text in one language, as a new version of the listing; returns its number."""
    listing = load_listing(db, service_id)
    if listing is None:
        raise KeyError(service_id)
    text = {"name": name, "description": description,
            **{k: v for k, v in (fields or {}).items() if k in FIELDS and str(v).strip()}}
    listing[KEY] = {**(listing.get(KEY) or {}), language: text}
    return publish_listing(db, listing, by, "edited")


def embed_listings(db: sqlite_utils.Database, embedder: Embedder | None, service_ids: Iterable[str]) -> int:
    """Embed these listings' text for search by meaning (nothing without a model); returns how many."""
    if embedder is None:
        return 0
    return refresh_embeddings(db, embedder, stale=documents(db, list(service_ids)))
