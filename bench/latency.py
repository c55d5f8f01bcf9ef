"""Index build time and search latency (query embedding included) at several directory sizes."""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import synthetic
from directory import index, oruk
from directory.corpus import corpus
from directory.embeddings import Embedder
from directory.search import SearchQuery, _query_vector, search
from directory.store import open_db

SIZES = (1000, 5000, 20000)
# Built directories are kept here with their build times, so searches can be measured again (on a quiet
# machine) without spending 45 minutes re-embedding 26,000 listings. Delete the folder to rebuild.
WORKDIR = Path("var") / "bench"
QUERIES = [
    "I can't pay my rent", "food bank", "someone to talk to about my anxiety", "blood pressure check",
    "help for carers", "youth clinic sexual health", "debt advice near me", "autism assessment for my son",
    "nie mogę zapłacić czynszu", "ayuda con las facturas", "yalnız yaşayan annem için destek",
    "caawimaad lacag", "aide pour trouver un emploi", "أحتاج مساعدة في السكن", "family hub", "art class",
    "housing advice", "lonely older man", "benefits check", "job club",
]


@dataclass
class SizeResult:
    listings: int
    import_s: float
    embed_s: float
    passage_tokens: float  # mean tokens of what is embedded for a listing (its name and what it is about)
    embedded: int | None
    first_load_ms: float
    p50_ms: float
    p95_ms: float
    filtered_p50_ms: float
    filtered_p95_ms: float


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _timed_searches(db, embedder: Embedder, make_query) -> list[float]:  # noqa: ANN001
    times = []
    for round_ in range(5):
        for text in QUERIES:
            _query_vector.cache_clear()  # every search pays for its own query embedding
            start = time.perf_counter()
            search(db, make_query(f"{text}" if round_ == 0 else f"{text} {round_}"), embedder)
            times.append((time.perf_counter() - start) * 1000)
    return times


@dataclass
class Build:
    import_s: float
    embed_s: float
    model: str
    built_at: str
    embedded: int | None = None  # set when the build was stopped before every listing was embedded


def build(size: int, embedder: Embedder, workdir: Path, unfinished: bool = False) -> Build:
    """The synthetic directory of this size, imported and embedded once; later runs reuse it. With
    `unfinished`, a build stopped part way through is used as it is (every listing imported, some embedded):
    searching it costs the same, since every listing's row is in the product either way, but its build time
    is unknown."""
    path, record = workdir / f"bench-{size}.db", workdir / f"bench-{size}.json"
    if path.exists() and record.exists():
        built = Build(**json.loads(record.read_text()))
        if built.model == embedder.name:
            return built
    if unfinished and path.exists():
        db = open_db(path)
        listings = db.execute("select count(*) from services").fetchone()[0]
        embedded = db.execute("select count(*) from service_embeddings where model = ?",
                              [embedder.name]).fetchone()[0]
        db.close()
        if listings == size:
            return Build(float("nan"), float("nan"), embedder.name, "unfinished", embedded)
    path.unlink(missing_ok=True)
    workdir.mkdir(parents=True, exist_ok=True)
    db = open_db(path)
    start = time.perf_counter()
    oruk.import_services(db, synthetic.listings(size))
    import_s = time.perf_counter() - start
    start = time.perf_counter()
    index.refresh_embeddings(db, embedder)
    built = Build(import_s, time.perf_counter() - start, embedder.name, f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    db.close()
    record.write_text(json.dumps(asdict(built)))
    return built


def measure(size: int, embedder: Embedder, workdir: Path, unfinished: bool = False) -> SizeResult:
    built = build(size, embedder, workdir, unfinished)
    db = open_db(workdir / f"bench-{size}.db")
    import_s, embed_s = built.import_s, built.embed_s
    passages = [doc.passage for doc in index.documents(db)[:500]]
    tokens = statistics.mean(embedder.fit(text, False, embedder.window)[1] for text in passages)  # type: ignore[attr-defined]
    start = time.perf_counter()
    corpus(db, embedder)
    first_load_ms = (time.perf_counter() - start) * 1000
    search(db, SearchQuery(text="warm up"), embedder)
    plain = _timed_searches(db, embedder, lambda t: SearchQuery(text=t))
    filtered = _timed_searches(db, embedder, lambda t: SearchQuery(text=t, postcode="SE6 4RU", near_km=3,
                                                                   free_only=True, open_now=False))
    db.close()
    return SizeResult(size, import_s, embed_s, tokens, built.embedded, first_load_ms, statistics.median(plain),
                      _percentile(plain, 0.95), statistics.median(filtered), _percentile(filtered, 0.95))


def run(embedder: Embedder, sizes: tuple[int, ...] = SIZES, workdir: Path = WORKDIR,
        unfinished: tuple[int, ...] = ()) -> list[SizeResult]:
    """Build (or reuse) each size and time searches over it; sizes in `unfinished` may be part embedded."""
    for size in sizes:
        build(size, embedder, workdir, size in unfinished)  # all builds first, so the searches run back to back
    return [measure(size, embedder, workdir, size in unfinished) for size in sizes]


def table(results: list[SizeResult]) -> str:
    rows = ["| listings | import (s) | embed all (s) | passage embedded (tokens, mean) | listings a second | "
            "index build total (s) | load into memory (ms) | "
            "search p50 (ms) | search p95 (ms) | with postcode + filters p50 / p95 (ms) |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        if r.embedded is not None:  # a build stopped part way: no build time to report
            rows.append(f"| {r.listings:,} ({r.embedded:,} embedded) | not finished | | {r.passage_tokens:.0f} | | | "
                        f"{r.first_load_ms:.0f} | {r.p50_ms:.1f} | {r.p95_ms:.1f} | "
                        f"{r.filtered_p50_ms:.1f} / {r.filtered_p95_ms:.1f} |")
            continue
        rows.append(f"| {r.listings:,} | {r.import_s:.1f} | {r.embed_s:.1f} | {r.passage_tokens:.0f} | "
                    f"{r.listings / (r.import_s + r.embed_s):.1f} | {r.import_s + r.embed_s:.1f} | "
                    f"{r.first_load_ms:.0f} | {r.p50_ms:.1f} | {r.p95_ms:.1f} | "
                    f"{r.filtered_p50_ms:.1f} / {r.filtered_p95_ms:.1f} |")
    return "\n".join(rows)
