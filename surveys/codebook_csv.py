"""Placing any CSV of comments under a codebook kept as a CSV (answers gathered in another tool): each row gets its
themes (names separated by ";") and the confidence in the first.

All or nothing, like theme-csv: a missing column, an unreadable file or a codebook too small to learn from
writes no output and says what is wrong.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from directory.embeddings import Embedder
from surveys import codebooks
from surveys.codebook import Classifier, CodebookTooSmall
from surveys.theme_csv import CsvProblem, read_column, write_rows
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
                           [t for t, _ in examples], getattr(embedder, "unrelated_below", None))
    except CodebookTooSmall as problem:
        raise CsvProblem(f"{codebook}: {problem}") from None
    answered = [i for i, row in enumerate(rows) if (row.get(column) or "").strip()]
    texts = [rows[i][column] for i in answered]
    placed = dict(zip(answered, model.place(texts, embed(texts, embedder)), strict=True))
    extra = [name for name in (THEMES_COLUMN, CONFIDENCE_COLUMN) if name not in fields]
    write_rows(out, [*fields, *extra], [
        {**row, THEMES_COLUMN: "; ".join(t for t, _ in placed[i].themes) if i in placed else "",
         CONFIDENCE_COLUMN: f"{placed[i].confidence:.2f}" if i in placed else ""} for i, row in enumerate(rows)])
    return Classified(len(rows), len(answered), sum(p.unsure for p in placed.values()),
                      Counter(t for p in placed.values() for t, _ in p.themes))
