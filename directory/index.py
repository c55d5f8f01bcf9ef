"""Keeping the search index in step with the listings: full-text rows and embeddings.

Embeddings are recomputed only for listings whose text (or the model) changed, so a
re-import of an unchanged feed costs nothing and an edit costs one listing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import sqlite_utils

from directory import words
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
    translations: tuple[tuple[str, str, str], ...] = ()  # (language, name, description)

    def words(self) -> tuple[str, str]:
        """The name and the rest as stems, each text stemmed in its own language, for the word index."""
        english = frozenset(words.tokens(f"{self.name} {self.body}"))
        name = words.stems(self.name) + [w for lang, text, _ in self.translations
                                         for w in words.stems(text, lang, english)]
        body = words.stems(self.body) + [w for lang, _, text in self.translations
                                         for w in words.stems(text, lang, english)]
        return " ".join(name), " ".join(body)


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
  (select json_group_array(json_array(tr.language, tr.name, tr.description, tr.fields)) from service_translations tr
     where tr.service_id = s.id)
from services s left join organizations o on o.id = s.organization_id
"""


def _translated_fields(raw: str | None) -> list[str]:
    """The other texts a translation holds (who it is for, cost...), for the word index."""
    try:
        found = json.loads(raw or "{}")
    except ValueError:
        return []
    return [str(v) for v in found.values()] if isinstance(found, dict) else []


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
        body = " ".join(p for p in [alternate, *about, *where] if p)
        translations = tuple((lang, tr_name or "", " ".join([tr_text or "", *_translated_fields(fields)]).strip())
                             for lang, tr_name, tr_text, fields in json.loads(translated))
        out.append(Document(sid, name, body, passage, translations))
    return out


def refresh_text_index(db: sqlite_utils.Database, ids: Iterable[str] | None = None) -> int:
    """Rewrite the word rows for these listings (all by default); the caller owns the transaction."""
    docs = documents(db, ids)
    for doc in docs:
        name, body = doc.words()
        db.execute("insert into search_words (service_id, name, body) values (?, ?, ?) on conflict(service_id) "
                   "do update set name = excluded.name, body = excluded.body", [doc.service_id, name, body])
    db.execute("delete from search_words where service_id not in (select id from services)")
    if ids is None:
        db.execute("delete from meta where key = 'search_words'")
    return len(docs)


def ensure_text_index(db: sqlite_utils.Database) -> bool:
    """Rebuild the word index if an upgrade asked for it (its rows are made by today's code, never by a
    migration); returns whether it was rebuilt."""
    if not db.execute("select 1 from meta where key = 'search_words'").fetchone():
        return False
    with db.atomic():
        refresh_text_index(db)
        bump_generation(db)
    return True


def text_hash(embedder: Embedder, doc: Document) -> str:
    return hashlib.sha256(f"{embedder.name}\n{doc.passage}".encode()).hexdigest()


def stale_documents(db: sqlite_utils.Database, embedder: Embedder) -> list[Document]:
    """Listings whose stored embedding is missing, from another model, or for older text."""
    stored = {row[0]: row[1] for row in db.execute("select service_id, text_hash from service_embeddings")}
    return [doc for doc in documents(db) if stored.get(doc.service_id) != text_hash(embedder, doc)]


def _translation_passage(name: str, description: str) -> str:
    return f"{name}. {description}".strip()


def _refresh_translation_embeddings(db: sqlite_utils.Database, embedder: Embedder,
                                    ids: Iterable[str] | None = None) -> set[str]:
    """Embed each translation whose text (or the model) changed; returns the listings they belong to."""
    stored = {(sid, lang): digest for sid, lang, digest in db.execute(
        "select service_id, language, text_hash from translation_embeddings")}
    sql, params = "select service_id, language, name, description from service_translations", []
    if ids is not None:
        params = list(ids)
        sql += f" where service_id in ({','.join('?' * len(params))})" if params else " where 0"
    stale = []
    for sid, lang, name, description in db.execute(sql, params).fetchall():
        passage = _translation_passage(name or "", description or "")
        digest = hashlib.sha256(f"{embedder.name}\n{passage}".encode()).hexdigest()
        if stored.get((sid, lang)) != digest:
            stale.append((sid, lang, passage, digest))
    for start in range(0, len(stale), BATCH):
        batch = stale[start:start + BATCH]
        vectors = embedder.embed_passages([passage for _, _, passage, _ in batch])
        with db.atomic():
            db.conn.executemany(
                "insert or replace into translation_embeddings (service_id, language, model, text_hash, vector) "
                "values (?, ?, ?, ?, ?)",
                [(sid, lang, embedder.name, digest, np.asarray(vector, dtype=np.float32).tobytes())
                 for (sid, lang, _, digest), vector in zip(batch, vectors, strict=True)])
    return {sid for sid, _, _, _ in stale}


def refresh_embeddings(
    db: sqlite_utils.Database, embedder: Embedder, progress: Progress | None = None,
    stale: list[Document] | None = None,
) -> int:
    """Embed every listing that changed since it was last embedded (or just `stale`), and their translations;
    returns how many listings."""
    whole = stale is None
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
    translated = _refresh_translation_embeddings(db, embedder, None if whole else [d.service_id for d in stale])
    with db.atomic():
        db.execute("delete from service_embeddings where service_id not in (select id from services)")
        db.execute("delete from translation_embeddings where not exists (select 1 from service_translations t "
                   "where t.service_id = translation_embeddings.service_id "
                   "and t.language = translation_embeddings.language)")
        if stale or translated:
            bump_generation(db, [doc.service_id for doc in stale] + sorted(translated))
    return len(stale)
