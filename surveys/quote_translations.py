"""Translations of residents' quotes into a lead's language, written by a person who reads both.

A quote is the resident's own words (redacted), shown with `lang` set to the language they answered in; where a
translation into the reader's language exists it is shown beside it, marked as a translation, never in its
place. Nothing is machine-translated: there is no translation model on this machine, and a wrong translation of
a resident's words would put words in their mouth.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

from directory.messages import N_, FieldError
from surveys.redaction import redact

TEXT_LIMIT = 1000


@dataclass
class Quote:
    text: str  # the resident's words, redacted
    language: str  # the language they answered in
    translation: str = ""  # into the reader's language, when someone has written one

    @property
    def translated(self) -> bool:
        return bool(self.translation)


def translate(db: sqlite_utils.Database, quote: str, language: str, text: str) -> None:
    """Keep a person's translation of a quote; an empty one removes it."""
    tidy = " ".join(text.split())
    if len(tidy) > TEXT_LIMIT:
        raise FieldError("translation", N_("Use {count} characters or fewer."), count=TEXT_LIMIT)
    if not tidy:
        db.execute("delete from quote_translations where quote = ? and language = ?", [quote, language])
        return
    db["quote_translations"].upsert({"quote": quote, "language": language, "text": redact(tidy).text,
                                     "created_at": datetime.now(UTC).isoformat(timespec="seconds")},
                                    pk=("quote", "language"))


def with_translations(db: sqlite_utils.Database, quotes: Iterable[Quote], language: str) -> list[Quote]:
    """The quotes, each with its translation into `language` where one exists (none for quotes already in it)."""
    found = list(quotes)
    wanted = [q.text for q in found if q.language != language]
    known: dict[str, str] = {}
    if wanted:
        known = dict(db.execute(f"select quote, text from quote_translations where language = ? and quote in "
                                f"({','.join('?' * len(wanted))})", [language, *wanted]).fetchall())
    return [Quote(q.text, q.language, known.get(q.text, "") if q.language != language else "") for q in found]
