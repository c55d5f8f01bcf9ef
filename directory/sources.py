"""Other publishers' Open Referral UK feeds this directory syncs from: adding them, and syncing one all or nothing.

A sync reads the whole feed first (directory/feeds.py), checks every record, and only then writes, through the
importer (a batch at a time, every listing put back if anything fails). Each synced listing keeps where it came
from (`listing_sources`): the publisher, its id there, when it was fetched and a digest of the record as fetched.

Nothing a person here did is overwritten silently. A listing someone here changed since the last sync, which the
publisher has changed too, is not published over: the publisher's version waits for a moderator as a proposed
change, who sees both. A listing the publisher no longer lists is archived, never deleted.

Ids are the publisher's, turned into ids of our own (a UUID from the source's name and the remote id), so two
publishers, or a publisher and this directory, can never write over each other's listings, places or
organisations. Taxonomy ids are kept: categories are shared by design.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlite_utils

from directory import changes, oruk
from directory.feeds import FeedFailed, FeedReader, Fetched
from directory.history import latest_version, timestamp
from directory.oruk_v1 import service_id
from directory.services import Record
from directory.translations import load_listing, split

_NAMESPACE = uuid.UUID("6f1d8a52-3c1e-4f0e-9a57-2f4b8b5b9c11")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_EVERY = re.compile(r"^(\d{1,4})\s*([mhd])$")
_UNITS = {"m": 60, "h": 3600, "d": 86400}
SHORTEST_EVERY_S = 15 * 60  # a publisher's server is someone else's: not more often than every quarter hour
# Keys holding ids that are shared on purpose, not the publisher's own: the category taxonomy.
_SHARED_IDS = ("taxonomy_term_id", "taxonomy_id", "parent_id")
# A sync asks for what changed since the last one began, less this, so a clock a little out loses nothing.
CLOCK_SKEW = timedelta(minutes=5)


class SourceError(ValueError):
    """A source cannot be added as asked; the message says why (to the administrator at the command line)."""


class SyncFailed(Exception):
    """A sync changed nothing; the message says what went wrong, and where."""


@dataclass(frozen=True)
class Source:
    name: str
    url: str
    every_s: int | None
    added_at: str
    last_run_at: str | None
    last_success_at: str | None
    last_status: str
    last_report: str


@dataclass
class SyncReport:
    source: str
    fetched: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    archived: int = 0
    held: list[str] = field(default_factory=list)  # changed here and there: waiting for a moderator
    waiting: list[str] = field(default_factory=list)  # a change of ours was already waiting: offered next time
    incremental: bool = False
    requests: int = 0
    notes: list[str] = field(default_factory=list)
    service_ids: list[str] = field(default_factory=list)  # what was published, to embed

    def summary(self) -> str:
        which = "changed since the last sync" if self.incremental else "all"
        lines = [f"{self.source}: {self.fetched} fetched ({which}), {self.created} new, {self.updated} updated, "
                 f"{self.unchanged} unchanged, {self.archived} archived "
                 f"(no longer listed), {len(self.held)} held for a moderator; {self.requests} requests."]
        lines += [f"Held for a moderator (changed here and by the publisher): {name}" for name in self.held]
        lines += [f"Not offered yet (a change is already waiting for a moderator): {name}" for name in self.waiting]
        return "\n".join(lines + self.notes)


def every_seconds(text: str | None) -> int | None:
    """"6h", "30m" or "1d" as seconds; None for no schedule."""
    if not text:
        return None
    found = _EVERY.match(text.strip().lower())
    if not found:
        raise SourceError("Say how often as a number and m, h or d, like 6h.")
    seconds = int(found[1]) * _UNITS[found[2]]
    if seconds < SHORTEST_EVERY_S:
        raise SourceError("Sync at most every 15 minutes: the publisher's server is someone else's.")
    return seconds


def add_source(db: sqlite_utils.Database, name: str, url: str, every: str | None = None) -> Source:
    if not _NAME.match(name):
        raise SourceError("A source's name is up to 40 lower-case letters, digits and hyphens, like family-hubs.")
    if not re.match(r"^https?://[^\s/]+", url.strip()) or len(url) > 500:
        raise SourceError("The feed's address must start with https:// (or http://).")
    if source(db, name) is not None:
        raise SourceError(f"There is already a source called {name}.")
    db["feed_sources"].insert({"name": name, "url": url.strip(), "every_s": every_seconds(every),
                               "added_at": timestamp(), "last_status": "never", "last_report": ""})
    found = source(db, name)
    assert found is not None
    return found


def source(db: sqlite_utils.Database, name: str) -> Source | None:
    rows = list(db["feed_sources"].rows_where("name = ?", [name]))
    return Source(**rows[0]) if rows else None


def all_sources(db: sqlite_utils.Database) -> list[Source]:
    return [Source(**row) for row in db["feed_sources"].rows_where(order_by="name")]


def due(db: sqlite_utils.Database, now: datetime | None = None) -> list[str]:
    """Sources on a schedule whose next sync is due."""
    now = now or datetime.now(UTC)
    out = []
    for found in all_sources(db):
        if not found.every_s:
            continue
        last = datetime.fromisoformat(found.last_run_at) if found.last_run_at else None
        if last is None or now - last >= timedelta(seconds=found.every_s):
            out.append(found.name)
    return out


def local_id(source_name: str, remote_id: str) -> str:
    """Our id for a publisher's: the same every sync, and never one another publisher (or we) could have."""
    return str(uuid.uuid5(_NAMESPACE, f"{source_name}/{remote_id}"))


def localise(record: Any, source_name: str) -> Any:
    """The record with every id of the publisher's own turned into ours (see `local_id`)."""
    if isinstance(record, list):
        return [localise(item, source_name) for item in record]
    if not isinstance(record, dict):
        return record
    out = {}
    for key, value in record.items():
        if key == "taxonomy_term":
            out[key] = value  # a shared category, as it is
        elif (key == "id" or key.endswith("_id")) and key not in _SHARED_IDS and isinstance(value, str | int):
            out[key] = local_id(source_name, str(value))
        elif key == "translations":
            out[key] = value  # by language code, not by id
        else:
            out[key] = localise(value, source_name)
    return out


def digest(record: Record) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class Provenance:
    source: str
    remote_id: str
    fetched_at: str


def provenance(db: sqlite_utils.Database, service_ids: list[str]) -> dict[str, Provenance]:
    """Where each of these listings came from, for those a sync brought in."""
    if not service_ids:
        return {}
    rows = db.execute(f"select service_id, source, remote_id, fetched_at from listing_sources where service_id in "
                      f"({','.join('?' * len(service_ids))})", service_ids).fetchall()
    return {sid: Provenance(src, rid, at) for sid, src, rid, at in rows}


def _finish(db: sqlite_utils.Database, name: str, status: str, report: str, started: str) -> None:
    values: dict[str, Any] = {"last_status": status, "last_report": report[:20_000], "last_run_at": started}
    if status == "ok":
        values["last_success_at"] = started
    db["feed_sources"].update(name, values)


def sync(db: sqlite_utils.Database, name: str, reader: FeedReader | None = None,
         progress: Callable[[int], None] | None = None,
         keep_undo: Callable[[dict[str, int | None]], None] | None = None) -> SyncReport:
    """Bring one source's feed into the directory, all or nothing; raises SyncFailed, having changed no listing,
    if the feed cannot be read whole or any record in it is wrong."""
    found = source(db, name)
    if found is None:
        raise SyncFailed(f"There is no source called {name!r}. `portal directory sources list` shows them.")
    started = timestamp()
    since = None
    if found.last_success_at:
        since = (datetime.fromisoformat(found.last_success_at) - CLOCK_SKEW).isoformat(timespec="seconds")
    try:
        fetched = (reader or FeedReader(found.url)).fetch(since)
    except FeedFailed as error:
        _finish(db, name, "failed", f"Nothing changed: {error}", started)
        raise SyncFailed(f"Nothing changed: {error}") from error
    problems = oruk.validate([split(r)[0] if isinstance(r, dict) else r for r in fetched.records])
    if problems:
        message = str(oruk.ImportRejected(problems)).replace("Nothing was imported", "Nothing changed")
        _finish(db, name, "failed", message, started)
        raise SyncFailed(message)
    report = SyncReport(name, fetched=len(fetched.records), incremental=fetched.incremental,
                        requests=fetched.requests, notes=list(fetched.notes))
    before: dict[str, int | None] = {}

    def remember(undo: dict[str, int | None]) -> None:
        before.update(undo)
        if keep_undo:
            keep_undo(undo)

    try:
        publish, held = _decide(db, name, fetched, report)
        imported = oruk.import_services(db, [record for record, _ in publish], progress, keep_undo=remember)
        report.created, report.updated = imported.created, imported.updated
        report.service_ids = imported.service_ids
        with db.atomic():
            _remember(db, name, started, publish)
            for record, remote in held:
                changes.propose(db, record, by=f"sync:{name}")
                _remember(db, name, started, [(None, remote)], keep_version=True, listing_id=record["id"])
            report.archived = _archive_dropped(db, name, fetched.listed)
    except Exception as error:
        oruk.undo_import(db, before)
        _finish(db, name, "failed", f"Nothing changed: {type(error).__name__}: {error}", started)
        raise
    _finish(db, name, "ok", report.summary(), started)
    return report


def _decide(db: sqlite_utils.Database, name: str, fetched: Fetched, report: SyncReport
            ) -> tuple[list[tuple[Record, Record]], list[tuple[Record, Record]]]:
    """Which records to publish and which to hold for a moderator, each as (ours, the publisher's)."""
    known = {row["remote_id"]: row for row in db["listing_sources"].rows_where("source = ?", [name])}
    publish, held = [], []
    for remote in fetched.records:
        remote_id = service_id(remote["id"])
        ours = localise(remote, name)
        was = known.get(remote_id)
        if was is not None and was["remote_digest"] == digest(remote):
            report.unchanged += 1
            continue
        if was is not None and latest_version(db, ours["id"]) != was["synced_version"]:
            # Changed here since the last sync, and by the publisher: a moderator decides.
            pending = db.execute("select 1 from listing_changes where service_id = ? and status = 'pending'",
                                 [ours["id"]]).fetchone()
            (report.waiting if pending else report.held).append(str(remote.get("name") or remote_id))
            if not pending:
                held.append((ours, remote))
            continue
        publish.append((ours, remote))
    return publish, held


def _remember(db: sqlite_utils.Database, name: str, fetched_at: str, records: list[tuple[Record | None, Record]],
              keep_version: bool = False, listing_id: str | None = None) -> None:
    for ours, remote in records:
        sid = listing_id or (ours or {}).get("id") or local_id(name, str(remote["id"]))
        row: dict[str, Any] = {"service_id": sid, "source": name, "remote_id": service_id(remote["id"]),
                               "fetched_at": fetched_at, "remote_digest": digest(remote)}
        if not keep_version:
            row["synced_version"] = latest_version(db, sid)
        db["listing_sources"].upsert(row, pk="service_id")


def _archive_dropped(db: sqlite_utils.Database, name: str, listed: set[str] | None) -> int:
    """Archive this source's listings its publisher no longer lists; returns how many."""
    if listed is None:
        return 0
    archived = 0
    for row in db["listing_sources"].rows_where("source = ?", [name]):
        if row["remote_id"] in listed:
            continue
        live = load_listing(db, row["service_id"])
        if live is not None and live.get("publication_status") != "archived":
            changes.archive(db, row["service_id"], f"sync:{name}")
            archived += 1
        # Forget the digest: if the publisher lists it again, even unchanged, it is published again.
        db["listing_sources"].update(row["service_id"], {"remote_digest": "",
                                                         "synced_version": latest_version(db, row["service_id"])})
    return archived
