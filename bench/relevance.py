"""Search quality on the development query set: MRR and recall@5 for hybrid, meaning-only and words-only.

bench/relevance_queries.json holds resident-style needs (English and seven other languages) with
every demonstration listing that answers each. CLINC150's out-of-scope questions (CC BY 3.0)
check the other side: a question the directory cannot answer should find little or nothing.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from directory.embeddings import Embedder
from directory.search import SearchQuery, search

QUERIES = Path(__file__).with_name("relevance_queries.json")
OUT_OF_SCOPE = Path(__file__).resolve().parents[2] / "shared" / "data" / "clinc150-out-of-scope" / "oos_train_val.json"
METHODS = ("hybrid", "meaning", "words")
DEPTH = 20


@dataclass
class MethodResult:
    method: str
    mrr: float
    recall_at_5: float
    by_language: dict[str, tuple[float, float]]  # language -> (MRR, recall@5)
    out_of_scope_with_results: float  # share of out-of-scope questions that found anything
    out_of_scope_mean_results: float


def load_queries() -> list[dict]:
    return json.loads(QUERIES.read_text(encoding="utf-8"))


def out_of_scope_questions() -> list[str]:
    data = json.loads(OUT_OF_SCOPE.read_text(encoding="utf-8"))
    return data["oos_train"] + data["oos_val"]


def _scores(ranked: list[str], relevant: set[str]) -> tuple[float, float]:
    reciprocal = next((1.0 / (rank + 1) for rank, sid in enumerate(ranked) if sid in relevant), 0.0)
    return reciprocal, len(set(ranked[:5]) & relevant) / len(relevant)


def evaluate(db: sqlite_utils.Database, embedder: Embedder | None, method: str) -> MethodResult:
    per_language: dict[str, list[tuple[float, float]]] = {}
    for item in load_queries():
        found = search(db, SearchQuery(text=item["query"], limit=DEPTH), embedder, method=method)
        scores = _scores([h.listing.id for h in found.hits], set(item["relevant"]))
        per_language.setdefault(item["lang"], []).append(scores)
    everything = [s for scores in per_language.values() for s in scores]
    counts = [search(db, SearchQuery(text=q, limit=DEPTH), embedder, method=method).total
              for q in out_of_scope_questions()]
    return MethodResult(
        method,
        statistics.mean(s[0] for s in everything),
        statistics.mean(s[1] for s in everything),
        {lang: (statistics.mean(s[0] for s in scores), statistics.mean(s[1] for s in scores))
         for lang, scores in sorted(per_language.items())},
        sum(c > 0 for c in counts) / len(counts),
        statistics.mean(counts),
    )


def run(db: sqlite_utils.Database, embedder: Embedder) -> list[MethodResult]:
    return [evaluate(db, embedder, method) for method in METHODS]


def table(results: list[MethodResult]) -> str:
    by = {r.method: r for r in results}
    words = by["words"].mrr
    rows = ["| method | MRR | recall@5 | MRR ÷ words-only | out-of-scope questions finding anything | "
            "mean results per out-of-scope question |", "|---|---:|---:|---:|---:|---:|"]
    for r in results:
        rows.append(f"| {r.method} | {r.mrr:.3f} | {r.recall_at_5:.3f} | {r.mrr / words:.2f}× | "
                    f"{r.out_of_scope_with_results:.0%} | {r.out_of_scope_mean_results:.1f} |")
    languages = list(results[0].by_language)
    rows += ["", "| language (queries) | " + " | ".join(f"{r.method} MRR / R@5" for r in results) + " |",
             "|---|" + "---:|" * len(results)]
    counts = {}
    for item in load_queries():
        counts[item["lang"]] = counts.get(item["lang"], 0) + 1
    for lang in languages:
        cells = " | ".join(f"{r.by_language[lang][0]:.2f} / {r.by_language[lang][1]:.2f}" for r in results)
        rows.append(f"| {lang} ({counts[lang]}) | {cells} |")
    return "\n".join(rows)
