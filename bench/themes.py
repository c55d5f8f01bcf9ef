"""Theming free text, checked against people: NHS Friends and Family Test comments that staff themed by hand.

Adjusted mutual information (AMI) between the themes found and the human `label` (9 themes) and
`subcategory` (44), for the method in surveys/themes.py and a words-only baseline (TF-IDF + k-means),
each at the theme count the method chooses and at the humans' counts; and the time to theme 10,000
comments, embeddings included.
"""

from __future__ import annotations

import csv
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_mutual_info_score

from directory.embeddings import Embedder
from surveys import themes

# The project's shared data sits beside the repository (../shared); PORTAL_FEEDBACK_CSV points elsewhere.
DATA = Path(os.environ.get("PORTAL_FEEDBACK_CSV") or Path(__file__).resolve().parents[2] / "shared" / "data"
            / "feedback-themes" / "fft_phase1_comments.csv")
TIMED = 10_000


@dataclass
class Row:
    method: str
    themes: int
    ami_label: float
    ami_subcategory: float


@dataclass
class Speed:
    answers: int
    distinct: int
    embed_seconds: float
    theme_seconds: float
    found: themes.Theming

    @property
    def per_10k(self) -> float:
        return self.theme_seconds * TIMED / self.answers

    @property
    def ratio(self) -> float:
        return self.theme_seconds / self.embed_seconds


def speed(texts: list[str], embedder: Embedder) -> Speed:
    """Theming `texts` whole (embedding included) against embedding them alone, each from a cold start: the texts
    are new to the model both times (it keeps no cache of answers), so neither hides work from the other."""
    started = time.perf_counter()
    themes.embed(texts, embedder)
    embedded = time.perf_counter() - started
    started = time.perf_counter()
    found = themes.find_themes(texts, embedder)
    themed = time.perf_counter() - started
    return Speed(len(texts), len({themes.prepare(t) for t in texts}), embedded, themed, found)


@dataclass
class Result:
    comments: int
    rows: list[Row]
    distinct: Speed
    repeats: Speed
    seconds_baseline: float
    model: str
    example: list[themes.Theme]


def load(path: Path = DATA) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["feedback"].strip()]


def baseline(texts: list[str], count: int) -> np.ndarray:
    """Words only: TF-IDF of each comment, k-means on the vectors."""
    matrix = TfidfVectorizer(sublinear_tf=True, min_df=2, stop_words="english").fit_transform(texts)
    return KMeans(n_clusters=count, n_init=3, random_state=0).fit(matrix).labels_


def run(embedder: Embedder, path: Path = DATA) -> Result:
    rows = load(path)
    texts, labels, subcategories = ([r[k] for r in rows] for k in ("feedback", "label", "subcategory"))
    # Speed twice: every distinct comment once (as a survey of all-different answers), and the first 10,000 as
    # people wrote them, repeats and all ("Nothing." many times over), each against embedding the same alone.
    distinct = list(dict.fromkeys(themes.prepare(t) for t in texts))
    distinct_speed = speed(distinct, embedder)
    repeats_speed = speed(texts[:TIMED], embedder)
    started = time.perf_counter()
    baseline(texts[:TIMED], themes.choose_count(TIMED))
    seconds_baseline = time.perf_counter() - started
    vectors = themes.embed(texts, embedder)
    results = []
    for count in sorted({themes.choose_count(len(texts)), len(set(labels)), len(set(subcategories))}):
        found, _ = themes.cluster(vectors, count)
        words = baseline(texts, count)
        for method, assigned in (("multilingual embeddings + k-means", found), ("TF-IDF + k-means", words)):
            results.append(Row(method, count, adjusted_mutual_info_score(labels, assigned),
                               adjusted_mutual_info_score(subcategories, assigned)))
    return Result(len(texts), results, distinct_speed, repeats_speed, seconds_baseline, embedder.name,
                  repeats_speed.found.themes[:5])


def table(result: Result) -> str:
    lines = [f"{result.comments:,} comments with their human themes; model {result.model}.", "",
             "| method | themes | AMI with `label` (9) | AMI with `subcategory` (44) |", "|---|---:|---:|---:|"]
    lines += [f"| {r.method} | {r.themes} | {r.ami_label:.3f} | {r.ami_subcategory:.3f} |" for r in result.rows]
    lines += ["", "Speed, embeddings included, against embedding the same comments alone on the same machine "
                  "(target: theming within 1.3 × the embedding):", "",
              "| comments | distinct | theming | per 10,000 | embedding alone | theming ÷ embedding |",
              "|---|---:|---:|---:|---:|---:|"]
    for name, s in (("every distinct comment once", result.distinct), (f"the first {TIMED:,}, repeats and all",
                                                                      result.repeats)):
        lines.append(f"| {name} ({s.answers:,}) | {s.distinct:,} | {s.theme_seconds:.0f} s | {s.per_10k:.0f} s | "
                     f"{s.embed_seconds:.0f} s | {s.ratio:.2f} |")
    lines += ["", f"The words-only baseline themes {TIMED:,} in {result.seconds_baseline:.1f} s.", "",
              "The five largest themes found in the timed run:", "",
              "| theme | comments | label | a typical comment |", "|---:|---:|---|---|"]
    for theme in result.example:
        quote = (theme.quotes[0] if theme.quotes else "").replace("|", "/")
        lines.append(f"| {theme.number} | {theme.size} | {theme.label} | {quote} |")
    return "\n".join(lines)
