"""The audit history of every listing: each change kept as a numbered version, never deleted.

A version holds the whole Open Referral UK record as it stood after the change, so any version can be
restored, and the fields a person would see as changed, so the trail reads without the JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from directory.schema import SERVICE, SERVICE_AT_LOCATION, Table
from directory.services import Record
from directory.translations import load_listing

ACTIONS = ("created", "edited", "restored", "archived", "unarchived", "confirmed", "imported")
SYSTEM = "system"  # who imports and command-line changes are made by
PUBLICATION_STATUS = "publication status"

# Identifiers and links between objects mean nothing to a person, and the system stamps
# last_modified itself; publication status is diffed on its own, as the headline of a change.
_HIDDEN = {"id", "publication_status", "last_modified"}

_LABELS = {
    "assured_date": "last reviewed", "url": "website", "organization": "organisation",
    "service_at_locations": "locations", "attributes": "categories", "cost_options": "costs", "phones": "phone",
    "freq": "repeats", "byday": "days", "bymonthday": "days of the month", "dtstart": "first date",
    "until": "last date", "address_1": "line 1", "address_2": "line 2", "postal_code": "postcode",
    "state_province": "county", "translations": "translation",
}
_LABELS_IN = {(SERVICE_AT_LOCATION.name, "description"): "about the service here"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str | None  # None: the field was empty
    after: str | None  # None: the field is now empty


@dataclass(frozen=True)
class Version:
    service_id: str
    version: int
    record: Record
    action: str
    changed_by: str
    changed_at: str
    changes: list[FieldChange]


def timestamp(at: datetime | None = None) -> str:
    """An ISO 8601 UTC time to the second, as every change is stamped."""
    return (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")


def _display(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # ages and amounts come back from SQLite as 18.0
    return str(value)


def _is_empty(value: Any) -> bool:
    return value is None or value == [] or value == {} or (isinstance(value, str) and not value.strip())


def _language(item: Record) -> str:
    name = _display(item.get("name") or item.get("code") or "")
    return f"{name} ({item['note']})" if item.get("note") else name


def _category(item: Record) -> str:
    term = item.get("taxonomy_term") or {}
    name = term.get("name") or term.get("term") or item.get("label") or ""
    return f"{name}: {item['value']}" if item.get("value") else _display(name)


def _area(item: Record) -> str:
    return _display(item.get("name") or item.get("description") or item.get("extent") or "")


def _phone(item: Record) -> str:
    text = _display(item.get("number") or "")
    if item.get("extension"):
        text += f" ext. {item['extension']}"
    return f"{text} ({item['description']})" if item.get("description") else text


# Lists a person thinks of as one field, "languages: English, Polish", not a numbered list of objects;
# phone descriptions may hold commas, so phones are kept apart by semicolons.
_SUMMARIES: dict[str, tuple[Callable[[Record], str], str]] = {
    "languages": (_language, ", "), "attributes": (_category, ", "), "service_areas": (_area, ", "),
    "phones": (_phone, "; "),
}


def _ordered_keys(obj: Record, table: Table | None) -> list[str]:
    """The schema's order, so a record typed into a form and one loaded from SQLite flatten alike."""
    if table is None:
        return list(obj)
    rank = {table.key_for(column): i for i, column in enumerate(table.columns)}
    extras = len(table.columns)
    rank.update({n.key: extras + 1 + j for j, n in enumerate(table.nested)})
    return sorted(obj, key=lambda key: rank.get(key, extras))


def _label(table: Table | None, key: str) -> str:
    if table is not None and (table.name, key) in _LABELS_IN:
        return _LABELS_IN[(table.name, key)]
    return _LABELS.get(key, key.replace("_", " "))


def _flatten(obj: Record, table: Table | None, prefix: str, out: dict[str, str]) -> None:
    children = {n.key: n.table for n in table.nested} if table else {}
    for key in _ordered_keys(obj, table):
        value = obj[key]
        if key in _HIDDEN or key.endswith("_id") or _is_empty(value):
            continue
        label = prefix + _label(table, key)
        if key in _SUMMARIES and isinstance(value, list):
            summary, separator = _SUMMARIES[key]
            shown = [text for item in value if isinstance(item, dict) and (text := summary(item))]
            if shown:
                out[label] = separator.join(shown)
        elif isinstance(value, dict):
            # A service's place is what a person edits, not the link object that holds it.
            inner = prefix if table is SERVICE_AT_LOCATION and key == "location" else f"{label}: "
            _flatten(value, children.get(key), inner, out)
        elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
            for i, item in enumerate(value, start=1):
                if isinstance(item, dict):
                    _flatten(item, children.get(key), f"{label} {i}: ", out)
                elif not _is_empty(item):
                    out[f"{label} {i}"] = _display(item)
        elif isinstance(value, list):
            out[label] = ", ".join(_display(item) for item in value if not _is_empty(item))
        else:
            out[label] = _display(value)


def written_in(label: str) -> str:
    """The language of the text under a field's label: a translation's own ("translation: ar: name" is Arabic),
    else English, the language listings are written in; so a page can mark its direction and language."""
    prefix = f"{_LABELS['translations']}: "
    return label[len(prefix):].split(":", 1)[0].strip() if label.startswith(prefix) else "en"


def flatten(record: Record) -> dict[str, str]:
    """Every field a person can see, under a readable label such as "schedules 1: opens at", in record order."""
    out: dict[str, str] = {}
    _flatten(record, SERVICE, "", out)
    return out


def _merged_order(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """The new record's fields in order, with removed ones put back where they used to be."""
    order = list(new)
    previous: str | None = None
    for key in old:
        if key not in new:
            order.insert(order.index(previous) + 1 if previous else 0, key)
        previous = key
    return order


def diff(before: Record | None, after: Record) -> list[FieldChange]:
    """What changed, field by field; publication status (shown to residents or not) comes first."""
    old, new = flatten(before) if before else {}, flatten(after)
    changes = [FieldChange(key, old.get(key), new.get(key))
               for key in _merged_order(old, new) if old.get(key) != new.get(key)]
    was, now = (before or {}).get("publication_status"), after.get("publication_status")
    if was != now:
        changes.insert(0, FieldChange(PUBLICATION_STATUS, was, now))
    return changes


def _version(row: dict[str, Any]) -> Version:
    return Version(row["service_id"], row["version"], json.loads(row["record"]), row["action"], row["changed_by"],
                   row["changed_at"], [FieldChange(**c) for c in json.loads(row["changes"])])


def versions(db: sqlite_utils.Database, service_id: str) -> list[Version]:
    """Every version of a listing, newest first."""
    rows = db["listing_versions"].rows_where("service_id = ?", [service_id], order_by="version desc")
    return [_version(row) for row in rows]


def version(db: sqlite_utils.Database, service_id: str, number: int) -> Version | None:
    rows = list(db["listing_versions"].rows_where("service_id = ? and version = ?", [service_id, number]))
    return _version(rows[0]) if rows else None


def latest_version(db: sqlite_utils.Database, service_id: str) -> int | None:
    """The newest version number of a listing, or None if it has no history (it does not exist yet)."""
    row = db.execute("select max(version) from listing_versions where service_id = ?", [service_id]).fetchone()
    return row[0]


def record_version(
    db: sqlite_utils.Database, record: Record, action: str, by: str, at: datetime | None = None
) -> int:
    """Append the listing as it now stands, with what changed since its last version; returns the new number."""
    if action not in ACTIONS:
        raise ValueError(f"{action!r} is not one of {', '.join(ACTIONS)}")
    with db.atomic():
        number = latest_version(db, record["id"]) or 0
        previous = version(db, record["id"], number) if number else None
        changes = diff(previous.record if previous else None, record)
        db["listing_versions"].insert({
            "service_id": record["id"], "version": number + 1, "record": json.dumps(record, ensure_ascii=False),
            "action": action, "changed_by": by, "changed_at": timestamp(at),
            "changes": json.dumps([asdict(c) for c in changes], ensure_ascii=False),
        })
    return number + 1


def record_version_if_changed(
    db: sqlite_utils.Database, record: Record, action: str, by: str, at: datetime | None = None
) -> int | None:
    """Like record_version, but a record identical to the last version adds nothing (re-imported feeds)."""
    number = latest_version(db, record["id"])
    previous = version(db, record["id"], number) if number else None
    if previous is not None and previous.record == record:
        return None
    return record_version(db, record, action, by, at)


def backfill(db: sqlite_utils.Database) -> int:
    """Give every listing without history a first version as it stands, so later diffs have a start."""
    ids = [row[0] for row in db.execute(
        "select id from services where id not in (select service_id from listing_versions) order by rowid")]
    for service_id in ids:
        record = load_listing(db, service_id)
        if record is not None:
            record_version(db, record, "imported", SYSTEM)
    return len(ids)
