"""Importing and exporting Open Referral UK service feeds, all or nothing.

An import reads every record, validates all of them (the ORUK 3.0 service schema plus the
checks a resident-facing directory needs), and writes them in one transaction, or writes
nothing and says which records are wrong and why.
"""

from __future__ import annotations

import json
import re
import time
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
from directory.history import SYSTEM, latest_version, version
from directory.oruk_v1 import looks_like_v1, upgrade_service
from directory.publishing import IMPORTED, publish_listing
from directory.schema import PUBLICATION_STATUSES
from directory.services import iter_services
from directory.translations import load_listing, split

Record = dict[str, Any]
Progress = Callable[[int], None]
# Listings written in one transaction: about half a second of the write lock (bench/results.md, the load section).
IMPORT_BATCH = 50
# Between batches the import lets go of the lock this long. SQLite has no queue for its write lock: a writer
# waiting polls at intervals growing to 100 ms, and an import starting its next batch at once won the lock every
# time, so an editor's save or a survey answer waited past its busy timeout (bench/load.py found it).
TURN_S = 0.12

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


def import_services(
    db: sqlite_utils.Database, records: list[Any], progress: Progress | None = None, *,
    keep_undo: Callable[[dict[str, int | None]], None] | None = None,
) -> ImportReport:
    """Import every record or none; raises ImportRejected, writing nothing, if any record is wrong.

    Records are checked first, then published a batch at a time, each batch a short transaction, so other
    writers (a resident's survey answer, an editor's save) wait well under a second rather than for the whole
    feed. If a batch fails, every listing already written is put back as it was (`undo_import`), so the person
    who asked still gets all or nothing. `keep_undo` is handed what that needs before anything is written, so a
    job interrupted by a restart can be put back too. A record may carry its translations (`translations`).
    """
    problems = validate([split(record)[0] if isinstance(record, dict) else record for record in records])
    if problems:
        raise ImportRejected(problems)
    ids = [record["id"] for record in records]
    before = {sid: latest_version(db, sid) for sid in ids}
    if keep_undo:
        keep_undo(before)
    report = ImportReport()
    try:
        for start in range(0, len(records), IMPORT_BATCH):
            if start:
                time.sleep(TURN_S)  # other writers' turn
            with db.atomic():
                for record in records[start:start + IMPORT_BATCH]:
                    publish_listing(db, record, SYSTEM, IMPORTED)
            if progress:
                progress(len(records[start:start + IMPORT_BATCH]))
    except BaseException:
        undo_import(db, before)
        raise
    report.service_ids = ids
    report.updated = sum(1 for sid in ids if before[sid] is not None)
    report.created = len(ids) - report.updated
    return report


def undo_import(db: sqlite_utils.Database, before: dict[str, int | None]) -> int:
    """Put each listing an import touched back as it was: its version before the import again, or hidden if
    the import created it (history keeps every step). Returns how many were put back."""
    undone = 0
    for service_id, number in before.items():
        if latest_version(db, service_id) == number:
            continue  # this batch never ran, or it changed nothing
        if number is not None:
            old = version(db, service_id, number)
            if old is not None:
                publish_listing(db, old.record, SYSTEM, "restored")
                undone += 1
            continue
        live = load_listing(db, service_id)
        if live is not None and live.get("publication_status") != "archived":
            live["publication_status"] = "archived"
            publish_listing(db, live, SYSTEM, "archived")
            undone += 1
    return undone


def export_services(db: sqlite_utils.Database, statuses: Iterable[str] | None = None) -> list[Record]:
    """Every service as a full ORUK 3.0 record, in the shape `import_services` reads back."""
    return list(iter_services(db, statuses=statuses))


def write_feed(records: list[Record], path: str | Path) -> None:
    Path(path).write_text(json.dumps(records, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
