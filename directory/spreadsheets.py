"""Cells for CSV files and workbooks that staff open in a spreadsheet, whoever wrote what is in them.

Anything in an export may have come from a stranger: a search typed on the portal, a language code sent to
the API, an answer to a survey. A spreadsheet runs a cell that starts with = + - or @ (or a tab or line break
before one) as a formula, which can fetch a web page or run a command, so such a cell gets a leading
apostrophe and is shown as the text it is. Control characters, which a workbook refuses, are removed.
"""

from __future__ import annotations

from directory.text import clean

# The characters that start a formula, with their full-width forms (some spreadsheets read those too).
FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def cell(value: object) -> object:
    """A value as an exported cell: numbers stay numbers; all text is cleaned and can never be a formula."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int | float):
        return value
    text = clean(str(value))
    return "'" + text if text.lstrip(" \t\n")[:1] in FORMULA_STARTS else text


def row(values: list[object]) -> list[object]:
    return [cell(v) for v in values]
