"""The search log: what residents looked for and how much they found, with no personal data.

Postcodes are cut to their outcode and emails and phone numbers are removed before anything
is written, so the partnership can study unmet need without holding anyone's details.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from directory import postcodes
from directory.taxonomy import NEIGHBOURHOOD_OF_OUTCODE, neighbourhood_by_name
from directory.text import clean

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", re.IGNORECASE)
_PHONE = re.compile(r"(?<!\w)(\+?\d[\d\s().-]{7,}\d)(?!\w)")
_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b", re.IGNORECASE)
FEW_RESULTS = 2
FILTER_MAX = 60  # characters of one filter value kept (a category, a neighbourhood, a language...)
FILTER_ITEMS = 10  # values kept of a filter that holds several


def scrub(text: str) -> str:
    """Text with emails, phone numbers, the second half of postcodes and control characters taken out."""
    text = _EMAIL.sub("[email]", clean(text))
    text = _POSTCODE.sub(lambda m: m.group(1).upper(), text)
    return _PHONE.sub("[phone]", text).strip()


SearchRecord = tuple[str, str, str | None, str | None, str | None, int, str]
_INSERT = ("insert into search_log (searched_at, query, language, outcode, filters, result_count, mode) "
           "values (?, ?, ?, ?, ?, ?, ?)")


def search_record(
    text: str,
    result_count: int,
    language: str | None = None,
    postcode: str | None = None,
    filters: dict[str, Any] | None = None,
    mode: str = "hybrid",
    at: datetime | None = None,
) -> SearchRecord:
    """One search as the log keeps it: scrubbed text, only the outcode of a postcode, filters that were set."""
    kept = {str(k)[:FILTER_MAX]: _kept(v) for k, v in list((filters or {}).items())[:FILTER_ITEMS]
            if v not in (None, False, "", [])}
    return ((at or datetime.now(UTC)).isoformat(timespec="seconds"), scrub(text)[:200], (language or "")[:12] or None,
            postcodes.outcode_of(postcode) if postcode else None,
            json.dumps(kept, sort_keys=True) if kept else None, result_count, mode)


def _kept(value: Any) -> Any:
    """A filter's value as the log keeps it: numbers and yes/no as they are, text scrubbed and cut short."""
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple | set):
        return [_kept(item) for item in list(value)[:FILTER_ITEMS]]
    return scrub(str(value))[:FILTER_MAX]


def write_searches(db: sqlite_utils.Database, records: list[SearchRecord]) -> None:
    """Append searches in one transaction (plain SQL: this runs all day, and sqlite-utils would look up
    the table's columns each time)."""
    with db.conn:
        db.conn.executemany(_INSERT, records)


def log_search(db: sqlite_utils.Database, text: str, result_count: int, **details: Any) -> None:
    """Record one search now (the portal batches them instead: see portal/search_log.py)."""
    write_searches(db, [search_record(text, result_count, **details)])


@dataclass
class Gap:
    query: str
    language: str | None
    neighbourhood: str | None  # "n1".."n4"; None when the resident gave no place in Lewisham
    month: str
    searches: int
    best_result_count: int


def neighbourhood_of(outcode: str | None, filters: str | None) -> str | None:
    """The neighbourhood a search was about: the one the resident chose, else where their postcode is."""
    chosen = json.loads(filters).get("neighbourhood") if filters else None
    found = neighbourhood_by_name(chosen) if isinstance(chosen, str) and chosen else None
    return found.code if found else NEIGHBOURHOOD_OF_OUTCODE.get(outcode or "")


def gaps(
    db: sqlite_utils.Database, few: int = FEW_RESULTS, since: str | None = None, language: str | None = None,
    neighbourhood: str | None = None, month: str | None = None,
) -> list[Gap]:
    """Needs residents searched for and found nothing or little, most often searched first.

    Narrowed, when asked, to one language, one neighbourhood ("n1") or one month ("2026-11").
    """
    sql = ("select lower(query), language, outcode, filters, substr(searched_at, 1, 7), result_count "
           "from search_log where query != '' and result_count <= ?")
    params: list[Any] = [few]
    for clause, value in (("searched_at >= ?", since), ("language = ?", language),
                          ("substr(searched_at, 1, 7) = ?", month)):
        if value:
            sql += f" and {clause}"
            params.append(value)
    grouped: dict[tuple[str, str | None, str | None, str], list[int]] = {}
    for query, lang, outcode, filters, when, count in db.execute(sql, params):
        area = neighbourhood_of(outcode, filters)
        if neighbourhood and area != neighbourhood:
            continue
        seen = grouped.setdefault((query, lang, area, when), [0, 0])
        seen[0] += 1
        seen[1] = max(seen[1], count)
    found = [Gap(q, lang, area, when, n, best) for (q, lang, area, when), (n, best) in grouped.items()]
    found.sort(key=lambda g: g.query)
    found.sort(key=lambda g: g.month, reverse=True)
    found.sort(key=lambda g: g.searches, reverse=True)
    return found
