"""Importing and exporting Open Referral UK service feeds, all or nothing.

An import reads every record, validates all of them (the ORUK 3.0 service schema plus the
checks a resident-facing directory needs), and writes them in one transaction, or writes
nothing and says which records are wrong and why.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import sqlite_utils

from directory import postcodes
from directory.history import SYSTEM, record_version_if_changed
from directory.index import refresh_text_index
from directory.oruk_v1 import looks_like_v1, upgrade_service
from directory.schema import PUBLICATION_STATUSES
from directory.services import iter_services, save_service
from directory.store import bump_generation
from directory.taxonomy import ensure_categories
from directory.translations import load_listing

Record = dict[str, Any]
Progress = Callable[[int], None]

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")
_BYDAY = re.compile(r"^(-?\d?(MO|TU|WE|TH|FR|SA|SU))(,-?\d?(MO|TU|WE|TH|FR|SA|SU))*$")


class FeedError(ValueError):
    """The file is not a feed at all (not JSON, or not a list of services)."""


@dataclass
class RecordProblem:
    position: int  # 1-based, as a person counts records in a file
    record_id: str | None
    name: str | None
    path: str
    message: str

    def __str__(self) -> str:
        who = f"record {self.position}"
        if self.name:
            who += f" ({self.name!r})"
        where = f"{self.path}: " if self.path else ""
        return f"{who}: {where}{self.message}"


@dataclass
class ImportRejected(Exception):
    problems: list[RecordProblem]

    def __str__(self) -> str:
        lines = [f"Nothing was imported: {len(self.problems)} problem(s) found."]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    service_ids: list[str] = field(default_factory=list)


def read_feed(data: Any) -> list[Record]:
    """The service records in an ORUK 3.0 page, an ORUK 1.x page, or a bare list of services."""
    if isinstance(data, list):
        records = data
    elif isinstance(data, dict) and isinstance(data.get("contents"), list):
        records = data["contents"]
    elif isinstance(data, dict) and isinstance(data.get("content"), list):
        records = data["content"]
    elif isinstance(data, dict) and "id" in data and "name" in data:
        records = [data]
    else:
        raise FeedError(
            "This is not an Open Referral UK feed: expected a list of services, a page with "
            "'contents' (ORUK 3.0) or 'content' (ORUK 1.x)."
        )
    return [upgrade_service(r) if isinstance(r, dict) and looks_like_v1(r) else r for r in records]


def read_feed_file(path: str | Path) -> list[Record]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise FeedError(f"No such file: {path}") from error
    except UnicodeDecodeError as error:
        raise FeedError(f"{path} is not UTF-8 text: {error}") from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise FeedError(f"{path} is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}") from error
    return read_feed(data)


@cache
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads(resources.files("directory").joinpath("schemas/service.json").read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def _path(parts: Iterable[Any]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _semantic_problems(record: Record) -> list[tuple[str, str]]:
    """Checks beyond the schema: things that would mislead a resident if let through."""
    found: list[tuple[str, str]] = []
    if record.get("publication_status") not in (None, *PUBLICATION_STATUSES):
        found.append(("publication_status", f"must be one of {', '.join(PUBLICATION_STATUSES)}"))
    if not (record.get("organization") or record.get("organization_id")):
        found.append(("organization", "every listing must say which organisation runs it"))
    reviewed = record.get("assured_date")
    if reviewed is not None:
        try:
            date.fromisoformat(str(reviewed)[:10])
        except ValueError:
            found.append(("assured_date", f"{reviewed!r} is not a date like 2026-03-14"))
    for i, schedule in enumerate(record.get("schedules") or []):
        for key in ("opens_at", "closes_at"):
            value = schedule.get(key) if isinstance(schedule, dict) else None
            if value is not None and not _TIME.match(str(value)):
                found.append((f"schedules[{i}].{key}", f"{value!r} is not a time like 09:30"))
        byday = schedule.get("byday") if isinstance(schedule, dict) else None
        if byday and not _BYDAY.match(str(byday).replace(" ", "")):
            found.append((f"schedules[{i}].byday", f"{byday!r} is not a list of days like MO,TU,WE"))
    for i, sal in enumerate(record.get("service_at_locations") or []):
        location = (sal or {}).get("location") or {}
        lat, lon = location.get("latitude"), location.get("longitude")
        where = f"service_at_locations[{i}].location"
        if (lat is None) != (lon is None):
            found.append((where, "give both latitude and longitude, or neither"))
        elif lat is not None and isinstance(lat, int | float) and isinstance(lon, int | float) \
                and not (-90 <= lat <= 90 and -180 <= lon <= 180):
            found.append((where, f"({lat}, {lon}) is not a place on Earth"))
        for j, address in enumerate(location.get("addresses") or []):
            code = (address or {}).get("postal_code")
            if code and (address.get("country") or "GB").upper() in ("GB", "UK") and not postcodes.is_well_formed(code):
                found.append((f"{where}.addresses[{j}].postal_code", f"{code!r} is not a UK postcode"))
    return found


def validate(records: list[Any]) -> list[RecordProblem]:
    """Every problem in every record; an empty list means the feed can be imported."""
    problems: list[RecordProblem] = []
    seen: dict[str, int] = {}
    for position, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            problems.append(RecordProblem(position, None, None, "", "is not a JSON object"))
            continue
        rid, name = record.get("id"), record.get("name")
        for error in sorted(_validator().iter_errors(record), key=lambda e: list(e.absolute_path)):
            problems.append(RecordProblem(position, rid, name, _path(error.absolute_path), error.message))
        for path, message in _semantic_problems(record):
            problems.append(RecordProblem(position, rid, name, path, message))
        if isinstance(rid, str):
            if rid in seen:
                problems.append(RecordProblem(position, rid, name, "id", f"same id as record {seen[rid]}"))
            seen.setdefault(rid, position)
    return problems


def prepare(record: Record) -> Record:
    """A copy of the record with what it may leave implicit filled in, so the stored form is complete."""
    prepared = copy.deepcopy(record)
    prepared.setdefault("status", "active")
    if "publication_status" not in prepared:
        hidden = prepared["status"] in ("inactive", "defunct")
        prepared["publication_status"] = "archived" if hidden else "published"
    for sal in prepared.get("service_at_locations") or []:
        if isinstance(sal.get("location"), dict):
            sal["location_id"] = sal["location"]["id"]
    return prepared


def import_services(
    db: sqlite_utils.Database, records: list[Any], progress: Progress | None = None
) -> ImportReport:
    """Import every record or none, adding a history version for each that changed; raises ImportRejected."""
    problems = validate(records)
    if problems:
        raise ImportRejected(problems)
    report = ImportReport()
    existing = {r[0] for r in db.execute("select id from services")}
    with db.atomic():
        for record in records:
            prepared = prepare(record)
            save_service(db, prepared)
            report.service_ids.append(prepared["id"])
            if prepared["id"] in existing:
                report.updated += 1
            else:
                report.created += 1
            if progress:
                progress(1)
        ensure_categories(db)  # after the records, so the partnership's own terms are never overwritten
        for service_id in report.service_ids:
            record_version_if_changed(db, load_listing(db, service_id), "imported", SYSTEM)
        refresh_text_index(db, report.service_ids)
        bump_generation(db, report.service_ids)
    return report


def export_services(db: sqlite_utils.Database, statuses: Iterable[str] | None = None) -> list[Record]:
    """Every service as a full ORUK 3.0 record, in the shape `import_services` reads back."""
    return list(iter_services(db, statuses=statuses))


def write_feed(records: list[Record], path: str | Path) -> None:
    Path(path).write_text(json.dumps(records, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
