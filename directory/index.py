"""Keeping the search index in step with the listings: full-text rows and embeddings.

Embeddings are recomputed only for listings whose text (or the model) changed, so a
re-import of an unchanged feed costs nothing and an edit costs one listing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import sqlite_utils

from directory.embeddings import Embedder
from directory.store import bump_generation

Progress = Callable[[int], None]
BATCH = 32


@dataclass(frozen=True)
class Document:
    service_id: str
    name: str
    body: str  # everything a word might match: organisation, languages, places
    passage: str  # what the listing is about, for meaning; addresses and language lists only blur it


_DOCUMENT_SQL = """
select s.id, s.name,
  coalesce(s.alternate_name, ''), coalesce(s.description, ''), coalesce(s.eligibility_description, ''),
  coalesce(o.name, ''),
  (select group_concat(t.name, ', ') from attributes a join taxonomy_terms t on t.id = a.taxonomy_term_id
     where a.link_id = s.id),
  (select group_concat(l.name, ', ') from languages l where l.service_id = s.id),
  (select group_concat(coalesce(loc.name, '') || ' ' || coalesce(ad.address_1, '') || ' ' ||
                       coalesce(ad.postal_code, ''), '; ')
     from service_at_locations sal join locations loc on loc.id = sal.location_id
     left join addresses ad on ad.location_id = loc.id where sal.service_id = s.id),
  (select group_concat(tr.name || ' ' || tr.description, ' ') from service_translations tr where tr.service_id = s.id)
from services s left join organizations o on o.id = s.organization_id
"""


def documents(db: sqlite_utils.Database, ids: Iterable[str] | None = None) -> list[Document]:
    """The searchable text of each listing, built in one query rather than record by record."""
    sql, params = _DOCUMENT_SQL, []
    if ids is not None:
        params = list(ids)
        if not params:
            return []
        sql += f" where s.id in ({','.join('?' * len(params))})"
    out = []
    rows = db.execute(sql, params)
    for sid, name, alternate, description, eligibility, org, categories, languages, places, translated in rows:
        about = [description, eligibility and f"Who it is for: {eligibility}",
                 categories and f"Help with: {categories}"]
        where = [org and f"Run by {org}", languages and f"Languages: {languages}", places and f"Where: {places}"]
        passage = " ".join(p for p in [f"{name}.", *about] if p)
        body = " ".join(p for p in [alternate, *about, *where, translated] if p)
        out.append(Document(sid, name, body, passage))
    return out


def refresh_text_index(db: sqlite_utils.Database, ids: Iterable[str] | None = None) -> int:
    """Rewrite the full-text rows for these listings (all by default); the caller owns the transaction."""
    docs = documents(db, ids)
    table = db["search_documents"]
    for doc in docs:
        table.insert({"service_id": doc.service_id, "name": doc.name, "body": doc.body}, replace=True)
    db.execute("delete from search_documents where service_id not in (select id from services)")
    return len(docs)


def text_hash(embedder: Embedder, doc: Document) -> str:
    return hashlib.sha256(f"{embedder.name}\n{doc.passage}".encode()).hexdigest()


def stale_documents(db: sqlite_utils.Database, embedder: Embedder) -> list[Document]:
    """Listings whose stored embedding is missing, from another model, or for older text."""
    stored = {row[0]: row[1] for row in db.execute("select service_id, text_hash from service_embeddings")}
    return [doc for doc in documents(db) if stored.get(doc.service_id) != text_hash(embedder, doc)]


def refresh_embeddings(
    db: sqlite_utils.Database, embedder: Embedder, progress: Progress | None = None,
    stale: list[Document] | None = None,
) -> int:
    """Embed every listing that changed since it was last embedded (or just `stale`); returns how many."""
    stale = stale_documents(db, embedder) if stale is None else stale
    for start in range(0, len(stale), BATCH):
        batch = stale[start:start + BATCH]
        vectors = embedder.embed_passages([doc.passage for doc in batch])
        with db.atomic():
            db["service_embeddings"].insert_all(
                ({"service_id": doc.service_id, "model": embedder.name, "text_hash": text_hash(embedder, doc),
                  "vector": np.asarray(vector, dtype=np.float32).tobytes()}
                 for doc, vector in zip(batch, vectors, strict=True)),
                replace=True,
            )
        if progress:
            progress(len(batch))
    with db.atomic():
        db.execute("delete from service_embeddings where service_id not in (select id from services)")
        if stale:
            bump_generation(db)
    return len(stale)
