"""Theming any CSV of comments (answers collected in another tool): each row gets its theme's id and label.

All or nothing: a missing column or an unreadable file writes no output and says what is wrong.
"""

from __future__ import annotations

import csv
import io
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


def parse_rows(text: str, where: str) -> tuple[list[str], list[dict[str, str]]]:
    """CSV text's columns and rows; `where` names it in the message if it cannot be read."""
    try:
        reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
        return list(reader.fieldnames or []), list(reader)
    except csv.Error as error:
        raise CsvProblem(f"{where} is not a readable CSV file: {error}") from error


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """A CSV file's columns and rows, or CsvProblem saying in plain words why it cannot be read."""
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError as error:
        raise CsvProblem(f"No such file: {path}") from error
    except UnicodeDecodeError as error:
        raise CsvProblem(f"{path} is not UTF-8 text ({error.reason} at byte {error.start})") from error
    return parse_rows(text, str(path))


def read_column(path: Path, column: str) -> tuple[list[str], list[dict[str, str]]]:
    fields, rows = read_rows(path)
    if column not in fields:
        raise CsvProblem(f"{path} has no column {column!r}; its columns are: {', '.join(fields) or 'none'}")
    return fields, rows


def write_rows(out: Path, fields: list[str], rows: list[dict[str, object]]) -> None:
    """Write every row, then put the file in place: a reader never sees half a file."""
    partial = out.with_name(out.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    partial.replace(out)


def theme_csv(source: Path, column: str, out: Path, embedder: Embedder, count: int | None = None) -> Themed:
    """Read, theme the non-empty answers, and write every row back with its theme (empty answers get none)."""
    fields, rows = read_column(source, column)
    answered = [i for i, row in enumerate(rows) if (row.get(column) or "").strip()]
    theming = find_themes([rows[i][column] for i in answered], embedder, count)
    labels = {theme.number: theme.label for theme in theming.themes}
    theme_of = dict(zip(answered, theming.assignments, strict=True))
    extra = [name for name in (ID_COLUMN, LABEL_COLUMN) if name not in fields]
    write_rows(out, [*fields, *extra], [
        {**row, ID_COLUMN: theme_of.get(i) or "", LABEL_COLUMN: labels.get(theme_of[i], "") if theme_of.get(i) else ""}
        for i, row in enumerate(rows)])
    return Themed(len(rows), len(answered), theming)
