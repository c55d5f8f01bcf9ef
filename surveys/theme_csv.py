"""Theming any CSV of comments (answers collected in another tool): each row gets its theme's id and label.

All or nothing: a missing column or an unreadable file writes no output and says what is wrong.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from directory.embeddings import Embedder
from surveys.themes import Theming, find_themes

ID_COLUMN, LABEL_COLUMN = "theme_id", "theme_label"


class CsvProblem(ValueError):
    """The input cannot be themed as asked; the message says why in plain words."""


@dataclass
class Themed:
    rows: int
    answered: int
    theming: Theming


def read_column(path: Path, column: str) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            fields = reader.fieldnames or []
            if column not in fields:
                raise CsvProblem(f"{path} has no column {column!r}; its columns are: {', '.join(fields) or 'none'}")
            rows = list(reader)
    except FileNotFoundError as error:
        raise CsvProblem(f"No such file: {path}") from error
    except UnicodeDecodeError as error:
        raise CsvProblem(f"{path} is not UTF-8 text ({error.reason} at byte {error.start})") from error
    except csv.Error as error:
        raise CsvProblem(f"{path} is not a readable CSV file: {error}") from error
    return fields, rows


def theme_csv(source: Path, column: str, out: Path, embedder: Embedder, count: int | None = None) -> Themed:
    """Read, theme the non-empty answers, and write every row back with its theme (empty answers get none)."""
    fields, rows = read_column(source, column)
    answered = [i for i, row in enumerate(rows) if (row.get(column) or "").strip()]
    theming = find_themes([rows[i][column] for i in answered], embedder, count)
    labels = {theme.number: theme.label for theme in theming.themes}
    theme_of = dict(zip(answered, theming.assignments, strict=True))
    extra = [name for name in (ID_COLUMN, LABEL_COLUMN) if name not in fields]
    partial = out.with_name(out.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*fields, *extra])
        writer.writeheader()
        for i, row in enumerate(rows):
            number = theme_of.get(i)
            writer.writerow({**row, ID_COLUMN: number or "", LABEL_COLUMN: labels.get(number, "") if number else ""})
    partial.replace(out)  # a reader never sees half a file
    return Themed(len(rows), len(answered), theming)
