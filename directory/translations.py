"""A listing's text in residents' languages, beside the English record: its name and description, and every
other text a resident reads (who it is for, how to start, cost, notes on opening times, access).

Open Referral has no place for translations, so they live in their own table keyed by service and language;
a listing, or a field, without one is shown in English, marked as such.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlite_utils

from directory.services import Record, load_service

KEY = "translations"  # where a listing being edited carries its translations, beside the ORUK fields


# The texts beside the name and description that an editor can translate, by the key they are stored under.
FIELDS = ("eligibility", "how_to_start", "fees", "hours_notes", "transportation", "access")


@dataclass(frozen=True)
class Translation:
    language: str
    name: str
    description: str
    fields: dict[str, str] = field(default_factory=dict)  # FIELDS that have a translation

    def text(self) -> str:
        """Everything translated, for the word index."""
        return " ".join([self.description, *(self.fields.get(k, "") for k in FIELDS)]).strip()


def _fields(raw: str | None) -> dict[str, str]:
    try:
        found = json.loads(raw or "{}")
    except ValueError:
        return {}
    return {k: str(v).strip() for k, v in found.items() if k in FIELDS and str(v).strip()} \
        if isinstance(found, dict) else {}


def translations_of(db: sqlite_utils.Database, service_id: str) -> dict[str, Translation]:
    # By column name: migration 7 (history) reads translations before migration 14 adds `fields`.
    rows = db["service_translations"].rows_where("service_id = ?", [service_id])
    return {row["language"]: Translation(row["language"], row["name"], row["description"], _fields(row.get("fields")))
            for row in rows}


def all_translations(db: sqlite_utils.Database,
                     only: list[str] | None = None) -> dict[str, dict[str, Translation]]:
    """Every translation (or those of the listings `only` names), by service id then language: for the search
    corpus."""
    out: dict[str, dict[str, Translation]] = {}
    sql = "select service_id, language, name, description, fields from service_translations"
    if only is not None:
        sql += f" where service_id in ({','.join('?' * len(only))})"
    for sid, language, name, description, fields in db.execute(sql, only or []):
        out.setdefault(sid, {})[language] = Translation(language, name, description, _fields(fields))
    return out


def as_mapping(found: dict[str, Translation]) -> dict[str, dict[str, str]]:
    return {code: {"name": tr.name, "description": tr.description, **tr.fields} for code, tr in sorted(found.items())}


def load_listing(db: sqlite_utils.Database, service_id: str) -> Record | None:
    """A listing as editors and its history see it: the ORUK record with its translations beside it."""
    record = load_service(db, service_id)
    if record is not None:
        found = translations_of(db, service_id)
        if found:
            record[KEY] = as_mapping(found)
    return record


def split(listing: Record) -> tuple[Record, dict[str, dict[str, str]] | None]:
    """The ORUK record alone, and the translations it carries (None: leave the stored ones as they are)."""
    record = {k: v for k, v in listing.items() if k != KEY}
    return record, listing.get(KEY) if KEY in listing else None


def replace_translations(db: sqlite_utils.Database, service_id: str, wanted: dict[str, dict[str, str]]) -> None:
    """Make a listing's translations exactly these; the caller owns the transaction and the text index."""
    db.execute("delete from service_translations where service_id = ?", [service_id])
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for code, text in sorted(wanted.items()):
        db["service_translations"].insert(
            {"service_id": service_id, "language": code, "name": text.get("name", "").strip(),
             "description": text.get("description", "").strip(),
             "fields": json.dumps({k: text[k].strip() for k in FIELDS if str(text.get(k) or "").strip()},
                                  ensure_ascii=False),
             "updated_at": now}, replace=True)
