"""Search quality on a directory we wrote and one we did not, on queries judged before any search ran.

    python -m bench.relevance [--split dev|heldout] [--directory demo|miami211]

Directories: the Lewisham demonstration directory (66 listings) and 211 Miami's published directory
(4,089 listings, bench/data/miami211/), each imported through the portal's own importer and embedded
with the portal's model. Queries: bench/eval/{dev,heldout}/ (see bench/eval/README.md). Out of scope:
CLINC150's questions (`oos_train` to tune, `oos_val` to report) and bench/eval/*/nonsense.json.

MRR@10 and hit@10 for hybrid search and for meaning or words alone; for out-of-scope inputs, the share that
find anything at all. "Without rejection" is the same search with every relevance floor turned off: what
rejection costs in-scope queries.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sqlite_utils

from bench.data.miami211 import convert as miami211
from directory import index, oruk, seed
from directory.corpus import corpus
from directory.embeddings import Embedder, load_embedder
from directory.search import SearchQuery, search
from directory.store import open_db

EVAL = Path(__file__).with_name("eval")
CLINC = Path(__file__).with_name("data") / "clinc150" / "oos_train_val.json"  # see its README
WORKDIR = Path("var") / "eval"  # built directories, kept between runs (embedding 4,089 listings takes minutes)
DIRECTORIES = ("demo", "miami211")
METHODS = ("hybrid", "meaning", "words", "model")
# "model" is the embedding model used alone, as anyone would first use it: each listing's own text embedded,
# the closest ten shown, nothing else (no translations, no words, no rejection). It is the baseline issue 14
# measured hybrid search against; "meaning" is our search without its words half.
DEPTH = 10
LABELS = {"hybrid": "hybrid (the portal's search)", "meaning": "meaning half alone",
          "words": "words half alone", "model": "model alone"}


@dataclass
class Judged:
    query: str
    lang: str
    relevant: set[str]


@dataclass
class Scores:
    """One method over one query set: MRR@10 and hit@10, overall and by language."""

    method: str
    mrr: float
    hit: float
    by_language: dict[str, tuple[float, float, int]] = field(default_factory=dict)  # lang -> (MRR, hit, queries)

    def group(self, english: bool) -> float:
        """MRR over English queries, or over all the others."""
        chosen = [(mrr, n) for lang, (mrr, _, n) in self.by_language.items() if (lang == "en") == english]
        return sum(m * n for m, n in chosen) / max(1, sum(n for _, n in chosen))


@dataclass
class Rejection:
    """How often inputs nothing answers still find something."""

    name: str
    inputs: int
    with_results: float  # share of inputs finding at least one listing
    mean_results: float


def build(directory: str, embedder: Embedder) -> sqlite_utils.Database:
    """The directory imported through the portal's importer and indexed as the portal indexes it.

    Kept in var/eval/ between runs: importing again changes only what changed, and only listings whose
    passage changed are embedded again (embedding 4,089 listings from nothing takes about ten minutes).
    """
    WORKDIR.mkdir(parents=True, exist_ok=True)
    slug = embedder.name.replace("/", "-")
    db = open_db(WORKDIR / f"{directory}-{slug}.db")
    started = time.perf_counter()
    if directory == "demo":
        seed.load_demo(db)
    else:
        oruk.import_services(db, miami211.convert())
    with db.atomic():
        index.refresh_text_index(db)
    embedded = index.refresh_embeddings(db, embedder)
    print(f"{directory}: imported and indexed in {time.perf_counter() - started:.0f} s "
          f"({embedded} listings embedded)", flush=True)
    return db


def judged(db: sqlite_utils.Database, directory: str, split: str) -> list[Judged]:
    """The split's queries with the ids of the listings that answer each."""
    items = json.loads((EVAL / split / f"{directory}.json").read_text(encoding="utf-8"))
    if directory == "demo":
        return [Judged(i["query"], i["lang"], set(i["relevant"])) for i in items]
    filed = db.execute("select a.link_id, t.code from attributes a join taxonomy_terms t "
                       "on t.id = a.taxonomy_term_id where t.code is not null").fetchall()
    out = []
    for item in items:
        prefixes = tuple(item["relevant_codes"])
        out.append(Judged(item["query"], item["lang"], {sid for sid, code in filed if code.startswith(prefixes)}))
    return out


def _ranked(db: sqlite_utils.Database, embedder: Embedder, text: str, language: str, method: str,
            reject: bool) -> list[str]:
    """What a resident searching in `language` on the portal would see first (the page says its language)."""
    if method == "model":
        found = corpus(db, embedder)
        sims = np.where(found.has_vector, found.vectors @ embedder.embed_search(text), -1.0)
        return [found.listings[i].id for i in np.argsort(-sims, kind="stable")[:DEPTH]]
    found = search(db, SearchQuery(text=text, limit=DEPTH, query_language=language), embedder, method=method,
                   reject=reject)
    return [hit.listing.id for hit in found.hits]


def evaluate(db: sqlite_utils.Database, embedder: Embedder, queries: list[Judged], method: str,
             reject: bool = True) -> Scores:
    per_language: dict[str, list[tuple[float, float]]] = {}
    for item in queries:
        ranked = _ranked(db, embedder, item.query, item.lang, method, reject)
        first = next((rank for rank, sid in enumerate(ranked) if sid in item.relevant), None)
        per_language.setdefault(item.lang, []).append((0.0 if first is None else 1 / (first + 1),
                                                      0.0 if first is None else 1.0))
    everything = [s for scores in per_language.values() for s in scores]
    return Scores(method, statistics.mean(s[0] for s in everything), statistics.mean(s[1] for s in everything),
                  {lang: (statistics.mean(s[0] for s in got), statistics.mean(s[1] for s in got), len(got))
                   for lang, got in sorted(per_language.items())})


def out_of_scope(split: str) -> dict[str, list[str]]:
    """CLINC150's questions (oos_train for dev, oos_val for held-out) and our own nonsense inputs."""
    clinc = json.loads(CLINC.read_text(encoding="utf-8"))["oos_train" if split == "dev" else "oos_val"]
    ours = [i["query"] for i in json.loads((EVAL / split / "nonsense.json").read_text(encoding="utf-8"))]
    return {"CLINC150 " + ("oos_train" if split == "dev" else "oos_val"): clinc, "nonsense": ours}


def rejection(db: sqlite_utils.Database, embedder: Embedder, name: str, inputs: list[str],
              method: str = "hybrid") -> Rejection:
    counts = [search(db, SearchQuery(text=text, limit=DEPTH), embedder, method=method).total for text in inputs]
    return Rejection(name, len(inputs), sum(c > 0 for c in counts) / len(counts), statistics.mean(counts))


@dataclass
class DirectoryReport:
    directory: str
    listings: int
    queries: int
    scores: list[Scores]
    without_rejection: Scores
    rejections: list[Rejection]


def run(split: str, embedder: Embedder, directories: tuple[str, ...] = DIRECTORIES) -> list[DirectoryReport]:
    reports = []
    for directory in directories:
        db = build(directory, embedder)
        queries = judged(db, directory, split)
        scores = [evaluate(db, embedder, queries, method) for method in METHODS]
        loose = evaluate(db, embedder, queries, "hybrid", reject=False)
        rejections = [rejection(db, embedder, name, inputs) for name, inputs in out_of_scope(split).items()]
        listings = db.execute("select count(*) from services where publication_status = 'published'").fetchone()[0]
        reports.append(DirectoryReport(directory, listings, len(queries), scores, loose, rejections))
        db.close()
    return reports


def table(reports: list[DirectoryReport], split: str) -> str:
    rows = [f"**{split}** split. MRR@10 and hit@10 (a relevant listing in the top 10).", "",
            "| directory | listings | queries | method | MRR@10 | hit@10 | ÷ model alone | ÷ meaning | ÷ words | "
            "English MRR | other languages MRR | other ÷ English |",
            "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for report in reports:
        by = {s.method: s for s in report.scores}
        for s in [*report.scores, report.without_rejection]:
            label = LABELS.get(s.method, s.method) if s is not report.without_rejection else "hybrid without rejection"
            english, other = s.group(True), s.group(False)
            rows.append(f"| {report.directory} | {report.listings:,} | {report.queries} | {label} | {s.mrr:.3f} | "
                        f"{s.hit:.3f} | " + "".join(f"{s.mrr / max(by[m].mrr, 1e-9):.2f}× | "
                                                    for m in ("model", "meaning", "words")) +
                        f"{english:.3f} | {other:.3f} | "
                        f"{other / max(english, 1e-9):.2f} |")
    rows += ["", "| directory | inputs nothing answers | inputs | finding anything | mean results |",
             "|---|---|---:|---:|---:|"]
    for report in reports:
        for r in report.rejections:
            rows.append(f"| {report.directory} | {r.name} | {r.inputs} | {r.with_results:.0%} | {r.mean_results:.1f} |")
    languages = sorted({lang for report in reports for s in report.scores for lang in s.by_language})
    rows += ["", "| directory | method | " + " | ".join(languages) + " |", "|---|---|" + "---:|" * len(languages)]
    for report in reports:
        for s in report.scores:
            cells = " | ".join(f"{s.by_language[lang][0]:.2f}" if lang in s.by_language else "" for lang in languages)
            rows.append(f"| {report.directory} | {s.method} MRR | {cells} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=("dev", "heldout"), default="dev")
    parser.add_argument("--directory", choices=DIRECTORIES, action="append")
    args = parser.parse_args()
    embedder = load_embedder()
    print(table(run(args.split, embedder, tuple(args.directory or DIRECTORIES)), args.split))


if __name__ == "__main__":
    main()
