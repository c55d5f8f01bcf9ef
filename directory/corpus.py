"""The published listings, held in memory with their embeddings, for filtering and ranking fast.

Loading everything a search needs once per change (not once per query) is what keeps a
search at 5,000 listings within a few milliseconds plus the query's own embedding.
"""

from __future__ import annotations

import bisect
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import sqlite_utils

from directory.embeddings import Embedder
from directory.store import changed_since, generation
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

    def fields_in(self, language: str) -> dict[str, str]:
        """What its editors wrote in this language beyond the name and description (who it is for, how to get
        there...); empty where they wrote none."""
        found = self.translations.get(language)
        return found.fields if found else {}

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
    translation_language: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # ...its language


def _is_free(fees: str | None, amounts: list[float | None], options: list[str | None]) -> bool:
    if fees and "free" in fees.lower():
        return True
    if any(a for a in amounts if a):
        return False
    return bool(amounts and all(a == 0 for a in amounts)) or any(o and "free" in o.lower() for o in options)


def _load(db: sqlite_utils.Database, gen: int, embedder: Embedder | None, only: set[str] | None = None) -> Corpus:
    """Every published listing, or only those of `only` (to update a corpus already held)."""
    ids = sorted(only) if only is not None else []

    def among(column: str) -> str:  # restricts a query to `only`, when asked
        return f" and {column} in ({','.join('?' * len(ids))})" if only is not None else ""

    rows = db.execute(
        "select s.id, s.name, coalesce(s.description, ''), coalesce(o.name, ''), coalesce(s.fees, ''), "
        "s.last_reviewed from services s left join organizations o on o.id = s.organization_id "
        "where s.publication_status = 'published'" + among("s.id") + " order by s.name, s.id", ids
    ).fetchall()
    listings = [Listing(*row) for row in rows]
    index_of = {listing.id: i for i, listing in enumerate(listings)}

    def each(sql: str, column: str, params: list[Any] | None = None, order: str = ""):  # noqa: ANN202
        """The rows of `sql` about published listings (their id first), as (listing, the rest)."""
        for row in db.execute(sql + among(column) + order, [*(params or []), *ids]):
            i = index_of.get(row[0])
            if i is not None:
                yield listings[i], row[1:]

    for listing, (term_id, code, term) in each(
        "select a.link_id, t.id, t.code, t.term from attributes a join taxonomy_terms t on t.id = a.taxonomy_term_id "
        "where 1", "a.link_id"
    ):
        listing.categories.update(x for x in (term_id, code, term) if x)
    for listing, (name,) in each("select service_id, name from service_areas where 1", "service_id"):
        if name and name.strip().lower() == BOROUGH_WIDE.lower():
            listing.borough_wide = True
        elif name and (found := neighbourhood_by_name(name)):
            listing.neighbourhoods.add(found.code)
    for listing, (name, code) in each("select service_id, name, code from languages where 1", "service_id"):
        listing.languages.update(x.strip().lower() for x in (name, code) if x)
        if name and name.strip():
            listing.spoken.append(((code or name).strip().lower(), name.strip()))
    for listing, (lat, lon) in each(
        "select sal.service_id, l.latitude, l.longitude from service_at_locations sal "
        "join locations l on l.id = sal.location_id where l.latitude is not null and l.longitude is not null",
        "sal.service_id",
    ):
        listing.points.append((float(lat), float(lon)))
    schedule_columns = ("freq", "byday", "bymonthday", "opens_at", "closes_at", "valid_from", "valid_to")
    for listing, values in each(f"select service_id, {', '.join(schedule_columns)} from schedules where 1",
                                "service_id", order=" order by rowid"):
        listing.schedules.append(dict(zip(schedule_columns, values, strict=True)))
    costs: dict[int, tuple[list, list]] = defaultdict(lambda: ([], []))
    for listing, (amount, option) in each("select service_id, amount, option from cost_options where 1",
                                          "service_id"):
        costs[index_of[listing.id]][0].append(amount)
        costs[index_of[listing.id]][1].append(option)
    for sid, translated in all_translations(db, ids if only is not None else None).items():
        if sid in index_of:
            listings[index_of[sid]].translations = translated
    for i, listing in enumerate(listings):
        amounts, options = costs.get(i, ([], []))
        listing.free = _is_free(listing.fees, amounts, options)

    vectors, has_vector = None, np.zeros(len(listings), dtype=bool)
    translation_vectors, owners, languages = None, [], []
    if embedder is not None:
        vectors = np.zeros((len(listings), embedder.dim), dtype=np.float32)
        for listing, (blob,) in each("select service_id, vector from service_embeddings where model = ?",
                                     "service_id", [embedder.name]):
            if len(blob) == embedder.dim * 4:
                vectors[index_of[listing.id]] = np.frombuffer(blob, dtype=np.float32)
                has_vector[index_of[listing.id]] = True
        rows = []
        for listing, (blob, language) in each("select service_id, vector, language from translation_embeddings "
                                              "where model = ?", "service_id", [embedder.name]):
            if len(blob) == embedder.dim * 4:
                rows.append(np.frombuffer(blob, dtype=np.float32))
                owners.append(index_of[listing.id])
                languages.append(language_number(language))
        translation_vectors = np.vstack(rows) if rows else np.zeros((0, embedder.dim), dtype=np.float32)
    return Corpus(gen, embedder.name if embedder else None, listings, index_of, vectors, has_vector,
                  _spoken(listings), translation_vectors, np.asarray(owners, dtype=np.int64),
                  np.asarray(languages, dtype=np.int64))


_LANGUAGE_NUMBERS: dict[str, int] = {}


def language_number(code: str) -> int:
    """A small number for a language code, the same for as long as the process runs (for grouping arrays)."""
    return _LANGUAGE_NUMBERS.setdefault(code, len(_LANGUAGE_NUMBERS))


def _replaced(held: Corpus, fresh: Corpus, gen: int) -> Corpus:
    """The usual approval: listings edited where they stand (none added, hidden or renamed), so every other
    listing keeps its place and only their rows are copied in."""
    listings = list(held.listings)
    rows = np.array([held.index_of[listing.id] for listing in fresh.listings], dtype=np.int64)
    for row, listing in zip(rows.tolist(), fresh.listings, strict=True):
        listings[row] = listing
    # The vector rows are written in place, not copied (30 MB at 20,000 listings): a search still running on
    # the old corpus may meet the edited listing's new vector a moment early, which is only more up to date.
    has_vector = held.has_vector
    has_vector[rows] = fresh.has_vector
    vectors, translation_vectors, owners, languages = None, None, held.translation_owner, held.translation_language
    if held.vectors is not None and fresh.vectors is not None:
        vectors = held.vectors
        vectors[rows] = fresh.vectors
        still = ~np.isin(held.translation_owner, rows)
        translation_vectors, owners, languages = _translations(held, still, held.translation_owner[still], fresh,
                                                               rows)
    spoken = held.spoken
    if any(held.listings[row].spoken != listing.spoken for row, listing in zip(rows.tolist(), fresh.listings,
                                                                              strict=True)):
        spoken = _spoken(listings)
    return Corpus(gen, held.model, listings, held.index_of, vectors, has_vector, spoken, translation_vectors,
                  owners, languages)


def _translations(held: Corpus, still: np.ndarray, owners: np.ndarray, fresh: Corpus,
                  rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The held translations that `still` keeps (their listings now at `owners`), then the fresh ones (their
    listings now at `rows`): vectors, owners and languages."""
    return (np.vstack([held.translation_vectors[still], fresh.translation_vectors]),
            np.concatenate([owners, rows[fresh.translation_owner]]),
            np.concatenate([held.translation_language[still], fresh.translation_language]))


def _spoken(listings: list[Listing]) -> list[tuple[str, str]]:
    """Every language spoken at some listing, once, by its English name."""
    spoken: dict[str, tuple[str, str]] = {}
    for listing in listings:
        for code, name in listing.spoken:
            spoken.setdefault(name.lower(), (code, name))
    return sorted(spoken.values(), key=lambda pair: pair[1].lower())


def _updated(held: Corpus, db: sqlite_utils.Database, gen: int, embedder: Embedder | None,
             changed: set[str]) -> Corpus:
    """`held` with the changed listings read again (or dropped, if no longer published), in the same order a
    full load gives: a new corpus (an edit in place shares its vector rows, see `_replaced`)."""
    fresh = _load(db, gen, embedder, changed)
    if len(fresh.listings) == len(changed) and all(
            listing.id in held.index_of and held.listings[held.index_of[listing.id]].name == listing.name
            for listing in fresh.listings):
        return _replaced(held, fresh, gen)
    keep = np.fromiter((i for i, listing in enumerate(held.listings) if listing.id not in changed), dtype=np.int64)
    kept = [held.listings[i] for i in keep]
    keys = [(listing.name, listing.id) for listing in kept]
    # Where each fresh listing goes among those kept (both are sorted by name, then id, as SQLite sorts them).
    slots = np.array([bisect.bisect_left(keys, (listing.name, listing.id)) for listing in fresh.listings],
                     dtype=np.int64) + np.arange(len(fresh.listings), dtype=np.int64)
    total = len(kept) + len(fresh.listings)
    is_fresh = np.zeros(total, dtype=bool)
    is_fresh[slots] = True
    listings: list[Listing] = [None] * total  # type: ignore[list-item]
    for slot, listing in zip(slots.tolist(), fresh.listings, strict=True):
        listings[slot] = listing
    old_slots = np.flatnonzero(~is_fresh)
    for slot, listing in zip(old_slots.tolist(), kept, strict=True):
        listings[slot] = listing
    has_vector = np.zeros(total, dtype=bool)
    has_vector[old_slots], has_vector[slots] = held.has_vector[keep], fresh.has_vector
    vectors = translation_vectors = None
    owners = languages = np.zeros(0, dtype=np.int64)
    if held.vectors is not None and fresh.vectors is not None:
        vectors = np.empty((total, held.vectors.shape[1]), dtype=np.float32)
        vectors[old_slots], vectors[slots] = held.vectors[keep], fresh.vectors
        moved = np.full(len(held.listings), -1, dtype=np.int64)
        moved[keep] = old_slots
        still = moved[held.translation_owner] >= 0
        translation_vectors, owners, languages = _translations(held, still, moved[held.translation_owner[still]],
                                                               fresh, slots)
    return Corpus(gen, held.model, listings, {listing.id: i for i, listing in enumerate(listings)}, vectors,
                  has_vector, _spoken(listings), translation_vectors, owners, languages)


_cache: dict[tuple[str, str | None], Corpus] = {}
_lock = threading.Lock()
# More changed listings than this since a worker last looked, and it reloads everything instead.
MOST_UPDATED = 200


def corpus(db: sqlite_utils.Database, embedder: Embedder | None) -> Corpus:
    """The current corpus for this database: loaded once, then kept up to date listing by listing."""
    key = (str(db.conn.execute("pragma database_list").fetchone()[2]), embedder.name if embedder else None)
    gen = generation(db)
    cached = _cache.get(key)
    if cached is not None and cached.generation == gen:
        return cached
    with _lock:
        cached = _cache.get(key)
        if cached is None or cached.generation != gen:
            changed = changed_since(db, cached.generation, gen) if cached and cached.generation < gen else None
            if changed is not None and len(changed) <= MOST_UPDATED:
                cached = _updated(cached, db, gen, embedder, changed)
            else:
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
