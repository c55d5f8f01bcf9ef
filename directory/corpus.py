"""The published listings, held in memory with their embeddings, for filtering and ranking fast.

Loading everything a search needs once per change (not once per query) is what keeps a
search at 5,000 listings within a few milliseconds plus the query's own embedding.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import sqlite_utils

from directory.embeddings import Embedder
from directory.store import generation
from directory.taxonomy import BOROUGH_WIDE, SENSITIVE_CATEGORY_CODES, neighbourhood_by_name
from directory.translations import Translation, all_translations


@dataclass
class Listing:
    """What search needs to know about one published service."""

    id: str
    name: str
    description: str
    organization: str
    fees: str
    last_reviewed: str | None
    categories: set[str] = field(default_factory=set)  # category codes, and term ids
    neighbourhoods: set[str] = field(default_factory=set)  # "n1".."n4"
    borough_wide: bool = False
    languages: set[str] = field(default_factory=set)  # lower-case names and codes
    spoken: list[tuple[str, str]] = field(default_factory=list)  # (code or name, name) of each language spoken
    points: list[tuple[float, float]] = field(default_factory=list)
    schedules: list[dict[str, Any]] = field(default_factory=list)
    free: bool = False
    translations: dict[str, Translation] = field(default_factory=dict)  # by language code

    def name_in(self, language: str) -> str:
        found = self.translations.get(language)
        return found.name if found else self.name

    def summary_in(self, language: str) -> str:
        found = self.translations.get(language)
        return _first_sentence(found.description) if found else self.summary

    @property
    def sensitive(self) -> bool:
        return bool(self.categories & SENSITIVE_CATEGORY_CODES)

    @property
    def summary(self) -> str:
        """The first sentence of the description: one line for a results list."""
        return _first_sentence(self.description)


def _first_sentence(text: str) -> str:
    first = text.split(". ")[0].strip()
    return first if first.endswith((".", "。", "।", "؟", "!", "?")) else f"{first}."


@dataclass
class Corpus:
    generation: int
    model: str | None
    listings: list[Listing]
    index_of: dict[str, int]
    vectors: np.ndarray | None  # rows aligned with listings; None when there is no model
    has_vector: np.ndarray  # bool per listing: an embedding for the current model exists
    spoken: list[tuple[str, str]] = field(default_factory=list)  # (code or name, English name) spoken anywhere
    translation_vectors: np.ndarray | None = None  # one row per embedded translation...
    translation_owner: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # ...its listing


def _is_free(fees: str | None, amounts: list[float | None], options: list[str | None]) -> bool:
    if fees and "free" in fees.lower():
        return True
    if any(a for a in amounts if a):
        return False
    return bool(amounts and all(a == 0 for a in amounts)) or any(o and "free" in o.lower() for o in options)


def _load(db: sqlite_utils.Database, gen: int, embedder: Embedder | None) -> Corpus:
    rows = db.execute(
        "select s.id, s.name, coalesce(s.description, ''), coalesce(o.name, ''), coalesce(s.fees, ''), "
        "s.last_reviewed from services s left join organizations o on o.id = s.organization_id "
        "where s.publication_status = 'published' order by s.name, s.id"
    ).fetchall()
    listings = [Listing(*row) for row in rows]
    index_of = {listing.id: i for i, listing in enumerate(listings)}

    def each(sql: str):  # noqa: ANN202 - rows for published listings only
        for row in db.execute(sql):
            i = index_of.get(row[0])
            if i is not None:
                yield listings[i], row[1:]

    for listing, (term_id, code, term) in each(
        "select a.link_id, t.id, t.code, t.term from attributes a join taxonomy_terms t on t.id = a.taxonomy_term_id"
    ):
        listing.categories.update(x for x in (term_id, code, term) if x)
    for listing, (name,) in each("select service_id, name from service_areas"):
        if name and name.strip().lower() == BOROUGH_WIDE.lower():
            listing.borough_wide = True
        elif name and (found := neighbourhood_by_name(name)):
            listing.neighbourhoods.add(found.code)
    spoken: dict[str, tuple[str, str]] = {}
    for listing, (name, code) in each("select service_id, name, code from languages"):
        listing.languages.update(x.strip().lower() for x in (name, code) if x)
        if name and name.strip():
            listing.spoken.append(((code or name).strip().lower(), name.strip()))
            spoken.setdefault(name.strip().lower(), ((code or name).strip().lower(), name.strip()))
    for listing, (lat, lon) in each(
        "select sal.service_id, l.latitude, l.longitude from service_at_locations sal "
        "join locations l on l.id = sal.location_id where l.latitude is not null and l.longitude is not null"
    ):
        listing.points.append((float(lat), float(lon)))
    schedule_columns = ("freq", "byday", "bymonthday", "opens_at", "closes_at", "valid_from", "valid_to")
    for listing, values in each(f"select service_id, {', '.join(schedule_columns)} from schedules order by rowid"):
        listing.schedules.append(dict(zip(schedule_columns, values, strict=True)))
    costs: dict[int, tuple[list, list]] = defaultdict(lambda: ([], []))
    for row in db.execute("select service_id, amount, option from cost_options"):
        if row[0] in index_of:
            costs[index_of[row[0]]][0].append(row[1])
            costs[index_of[row[0]]][1].append(row[2])
    for sid, translated in all_translations(db).items():
        if sid in index_of:
            listings[index_of[sid]].translations = translated
    for i, listing in enumerate(listings):
        amounts, options = costs.get(i, ([], []))
        listing.free = _is_free(listing.fees, amounts, options)

    vectors, has_vector = None, np.zeros(len(listings), dtype=bool)
    if embedder is not None:
        vectors = np.zeros((len(listings), embedder.dim), dtype=np.float32)
        for sid, blob in db.execute(
            "select service_id, vector from service_embeddings where model = ?", [embedder.name]
        ):
            i = index_of.get(sid)
            if i is not None and len(blob) == embedder.dim * 4:
                vectors[i] = np.frombuffer(blob, dtype=np.float32)
                has_vector[i] = True
    translation_vectors, owners = None, []
    if embedder is not None:
        rows = []
        for sid, blob in db.execute("select service_id, vector from translation_embeddings where model = ?",
                                    [embedder.name]):
            i = index_of.get(sid)
            if i is not None and len(blob) == embedder.dim * 4:
                rows.append(np.frombuffer(blob, dtype=np.float32))
                owners.append(i)
        translation_vectors = np.vstack(rows) if rows else np.zeros((0, embedder.dim), dtype=np.float32)
    return Corpus(gen, embedder.name if embedder else None, listings, index_of, vectors, has_vector,
                  sorted(spoken.values(), key=lambda pair: pair[1].lower()), translation_vectors,
                  np.asarray(owners, dtype=np.int64))


_cache: dict[tuple[str, str | None], Corpus] = {}
_lock = threading.Lock()


def corpus(db: sqlite_utils.Database, embedder: Embedder | None) -> Corpus:
    """The current corpus for this database, reloaded only when the listings have changed."""
    key = (str(db.conn.execute("pragma database_list").fetchone()[2]), embedder.name if embedder else None)
    gen = generation(db)
    cached = _cache.get(key)
    if cached is not None and cached.generation == gen:
        return cached
    with _lock:
        cached = _cache.get(key)
        if cached is None or cached.generation != gen:
            cached = _load(db, gen, embedder)
            _cache[key] = cached
    return cached


def is_out_of_date(last_reviewed: str | None, today: date, months: int = 6) -> bool:
    """A listing not confirmed for six months may be out of date."""
    if not last_reviewed:
        return True
    try:
        reviewed = date.fromisoformat(last_reviewed[:10])
    except ValueError:
        return True
    return (today - reviewed).days > months * 30.4
