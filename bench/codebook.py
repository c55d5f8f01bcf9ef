"""Codebook classification, checked against people: NHS Friends and Family Test comments themed by hand.

Codebooks are built from the training side of the fixed split (bench/codebook_split.py): 5, 20 or every
example per subcategory (distinct texts, taken in SHA-256 order, so the same examples every run). Which 5 or 20
examples a lead happens to pick moves macro F1 by a few hundredths, so small codebooks are drawn DRAWS times
(the order salted with the draw's number) and the figures are their mean, with the range. Each is
measured on the held-out 20 % of comments, row by row (a comment many people wrote counts for each of them),
by the top theme's macro and micro F1, beside TF-IDF + linear SVM trained on the same examples in the same run.
Time is measured model included: embedding the examples and fitting, then embedding and placing the held-out
comments.

    python -m bench.codebook          # held-out figures (what bench/results.md reports)
    python -m bench.codebook --dev    # the development split of the training comments, used to choose settings
"""

from __future__ import annotations

import argparse
import hashlib
import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.svm import LinearSVC

from bench import codebook_split, themes
from directory.embeddings import Embedder
from surveys import codebook
from surveys.themes import embed

SIZES: tuple[int | None, ...] = (5, 20, None)  # examples per theme; None: every one in the training side
DRAWS = 5
TARGETS = "with 20 examples macro F1 >= 1.3 x TF-IDF; with all, micro >= 0.65 and macro >= 0.36"


@dataclass
class Row:
    examples: str
    codebook: int
    macro: float
    micro: float
    baseline_macro: float
    baseline_micro: float
    ratio_low: float
    ratio_high: float
    unsure_share: float
    sure_accuracy: float
    fit_seconds: float
    place_seconds: float


@dataclass
class Result:
    split: str
    answers: int
    distinct: int
    themes: int
    model: str
    rows: list[Row]


def _digest(text: str, draw: int = 0) -> str:
    return hashlib.sha256(((f"{draw}:" if draw else "") + codebook_split.normal(text)).encode()).hexdigest()


def dev_split(train: list[dict[str, str]]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The training side split again by text (one in five by hash) to choose settings without the held-out."""
    inner = [r for r in train if int(_digest(r["feedback"])[:2], 16) % 5 != 0]
    return inner, [r for r in train if int(_digest(r["feedback"])[:2], 16) % 5 == 0]


def examples(rows: list[dict[str, str]], per_theme: int | None, draw: int = 0) -> list[tuple[str, str]]:
    """(theme, text) pairs as a lead would write them: distinct texts, the first `per_theme` in hash order."""
    by_theme: dict[str, dict[str, str]] = defaultdict(dict)
    for row in rows:
        by_theme[row["subcategory"]].setdefault(codebook_split.normal(row["feedback"]), row["feedback"])
    out = []
    for theme, texts in sorted(by_theme.items()):
        ordered = sorted(texts.values(), key=lambda text: _digest(text, draw))
        out += [(theme, text) for text in (ordered if per_theme is None else ordered[:per_theme])]
    return out


def baseline(train: list[tuple[str, str]], texts: list[str]) -> list[str]:
    words = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2))
    model = LinearSVC().fit(words.fit_transform([t for _, t in train]), [theme for theme, _ in train])
    return [str(t) for t in model.predict(words.transform(texts))]


def _f1(truth: list[str], found: list[str]) -> tuple[float, float]:
    return (float(f1_score(truth, found, average="macro", zero_division=0)),
            float(f1_score(truth, found, average="micro", zero_division=0)))


def run(embedder: Embedder, dev: bool = False) -> Result:
    train, test = codebook_split.load_split(themes.load())
    if dev:
        train, test = dev_split(train)
    texts, truth = [r["feedback"] for r in test], [r["subcategory"] for r in test]
    vectors = embed(texts, embedder)  # placing is timed below with its own embedding, model included
    rows = []
    for size in SIZES:
        runs = []
        for draw in range(1 if size is None else DRAWS):
            pairs = examples(train, size, draw)
            started = time.perf_counter()
            model = codebook.Classifier([t for _, t in pairs], embed([t for _, t in pairs], embedder),
                                        [theme for theme, _ in pairs], getattr(embedder, "unrelated_below", None))
            fitted = time.perf_counter()
            placed = model.place(texts, embed(texts, embedder) if draw == 0 else vectors)
            done = time.perf_counter()
            found = [p.theme for p in placed]
            right = np.array([f == t for f, t in zip(found, truth, strict=True)])
            sure = np.array([not p.unsure for p in placed])
            runs.append((len(pairs), *_f1(truth, found), *_f1(truth, baseline(pairs, texts)), float(1 - sure.mean()),
                         float(right[sure].mean()) if sure.any() else 0.0, fitted - started, done - fitted))
        mean = [float(np.mean([r[i] for r in runs])) for i in range(len(runs[0]))]
        ratios = [r[1] / r[3] for r in runs if r[3]]
        first = runs[0]
        rows.append(Row("all" if size is None else str(size), int(mean[0]), *mean[1:5], min(ratios), max(ratios),
                        mean[5], mean[6], first[7], first[8]))
    return Result("development" if dev else "held-out", len(texts),
                  len({codebook_split.normal(t) for t in texts}), len(set(truth)), embedder.name, rows)


def table(result: Result) -> str:
    lines = [f"{result.answers:,} {result.split} comments ({result.distinct:,} distinct texts, {result.themes} "
             f"hand-made subcategories); model {result.model}. Targets: {TARGETS}. Codebooks of 5 and 20 examples "
             f"a theme: the mean of {DRAWS} draws of examples (× gives the range over draws); placing speed includes "
             "embedding each answer.", "",
             "| examples per theme | examples | macro F1 | TF-IDF + SVM macro | × | micro F1 | TF-IDF + SVM micro "
             "| sent for review | right when sure | fit (s) | placing (answers/s) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in result.rows:
        ratio = r.macro / r.baseline_macro if r.baseline_macro else float("nan")
        spread = f" ({r.ratio_low:.2f}–{r.ratio_high:.2f})" if r.ratio_high > r.ratio_low else ""
        lines.append(f"| {r.examples} | {r.codebook:,} | {r.macro:.3f} | {r.baseline_macro:.3f} | {ratio:.2f}{spread} "
                     "| "
                     f"{r.micro:.3f} | {r.baseline_micro:.3f} | {r.unsure_share:.0%} | {r.sure_accuracy:.0%} | "
                     f"{r.fit_seconds:.1f} | {result.answers / r.place_seconds:.0f} |")
    return "\n".join(lines)


def main() -> None:
    from directory.embeddings import shared_embedder

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", action="store_true", help="measure on the development split, not the held-out")
    embedder = shared_embedder()
    if embedder is None:
        raise SystemExit("No embedding model could load.")
    print(table(run(embedder, parser.parse_args().dev)))


if __name__ == "__main__":
    main()
