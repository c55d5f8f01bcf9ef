"""Placing any CSV of comments under a codebook kept as a CSV (answers gathered in another tool): each row gets its
themes (names separated by ";") and the confidence in the first.

All or nothing, like theme-csv: a missing column, an unreadable file or a codebook too small to learn from
writes no output and says what is wrong.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from directory.embeddings import Embedder
from surveys import codebooks
from surveys.codebook import Classifier, CodebookTooSmall
from surveys.theme_csv import CsvProblem, read_column
from surveys.themes import embed

THEMES_COLUMN, CONFIDENCE_COLUMN = "themes", "confidence"


@dataclass
class Classified:
    rows: int
    answered: int
    unsure: int
    counts: Counter[str]


def classify_csv(source: Path, column: str, codebook: Path, out: Path, embedder: Embedder) -> Classified:
    try:
        entries = codebooks.read_csv(codebook)
    except ValueError as problem:
        raise CsvProblem(str(problem)) from None
    fields, rows = read_column(source, column)
    examples = [(theme, example) for theme, _, example in entries if example]
    try:
        model = Classifier([e for _, e in examples], embed([e for _, e in examples], embedder),
                           [t for t, _ in examples])
    except CodebookTooSmall as problem:
        raise CsvProblem(f"{codebook}: {problem}") from None
    answered = [i for i, row in enumerate(rows) if (row.get(column) or "").strip()]
    texts = [rows[i][column] for i in answered]
    placed = dict(zip(answered, model.place(texts, embed(texts, embedder)), strict=True))
    extra = [name for name in (THEMES_COLUMN, CONFIDENCE_COLUMN) if name not in fields]
    partial = out.with_name(out.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*fields, *extra])
        writer.writeheader()
        for i, row in enumerate(rows):
            found = placed.get(i)
            writer.writerow({**row, THEMES_COLUMN: "; ".join(t for t, _ in found.themes) if found else "",
                             CONFIDENCE_COLUMN: f"{found.confidence:.2f}" if found else ""})
    partial.replace(out)  # a reader never sees half a file
    return Classified(len(rows), len(answered), sum(p.unsure for p in placed.values()),
                      Counter(t for p in placed.values() for t, _ in p.themes))
