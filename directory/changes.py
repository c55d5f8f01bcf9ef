"""Changes to listings, proposed by the organisations that run them and decided by moderators.

A proposed change waits in a queue while the live listing stays as it was. Publishing (on approval, or
at once for organisations trusted to publish directly) saves the listing, adds a history version and
updates search in one step, so residents never find a listing that search does not know about.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from directory import history
from directory.embeddings import Embedder
from directory.history import FieldChange, diff, latest_version, timestamp
from directory.messages import N_, ResidentError
from directory.oruk import RecordProblem, validate
from directory.publishing import embed_listings, publish_listing
from directory.schedules import london_today
from directory.services import Record, prepare
from directory.translations import load_listing, split

STATUSES = ("pending", "approved", "sent_back", "superseded")
RECENT = 50

_ALREADY = {
    "approved": N_("This change has already been approved."),
    "sent_back": N_("This change has already been sent back."),
    "superseded": N_("A newer change to this listing has replaced this one."),
}


class ChangeError(ResidentError):
    """Something an editor or moderator asked for that cannot be done as asked."""


class ChangeRejected(ChangeError):
    """The proposed listing is not valid; `problems` says where and why. Nothing was stored."""

    def __init__(self, problems: list[RecordProblem]) -> None:
        self.problems = problems
        super().__init__(N_("This listing was not saved. Put right the problems listed below."))

    def __str__(self) -> str:
        lines = [self.message]
        lines += [f"  - {p.path}: {p.message}" if p.path else f"  - {p.message}" for p in self.problems]
        return "\n".join(lines)


@dataclass(frozen=True)
class Change:
    id: int
    service_id: str
    organization_id: str | None
    record: Record  # the whole proposed listing, prepared as it would be stored
    base_version: int | None  # the version it was edited from; None for a new listing
    status: str
    submitted_by: str
    submitted_at: str
    decided_by: str | None
    decided_at: str | None
    reason: str | None  # why a moderator sent it back, for the editor to read

    @property
    def name(self) -> str:
        return str(self.record.get("name", ""))


@dataclass(frozen=True)
class Comparison:
    """What a moderator sees: the live listing beside the proposed one, and the fields that differ."""

    change: Change
    live: Record | None  # None for a new listing
    changes: list[FieldChange]
    moved_on: bool  # the listing was published again after this change was made from it


def record_organization(record: Record) -> str | None:
    """The organisation a record says runs it, as save_service stores it (the nested object wins)."""
    nested = record.get("organization")
    return (nested.get("id") if isinstance(nested, dict) else None) or record.get("organization_id")


def organization_of(db: sqlite_utils.Database, service_id: str) -> str | None:
    """The organisation that runs a live listing, or None if there is no such listing."""
    row = db.execute("select organization_id from services where id = ?", [service_id]).fetchone()
    return row[0] if row else None


def _problems(listing: Record) -> list[RecordProblem]:
    """What is wrong with a listing as Open Referral UK sees it (its translations are not ORUK's)."""
    return validate([split(listing)[0]])


def _as_edit(db: sqlite_utils.Database, record: Record) -> tuple[Record, str]:
    """The record as it would be published, and whether that creates or edits a listing.

    An edit never changes whether residents can see a listing: only archive and unarchive do that.
    """
    prepared = prepare(record)
    live = db.execute("select publication_status from services where id = ?", [prepared["id"]]).fetchone()
    if live is None:
        return prepared, "created"
    prepared["publication_status"] = live[0]
    return prepared, "edited"


def _embed(db: sqlite_utils.Database, embedder: Embedder | None, service_id: str) -> None:
    embed_listings(db, embedder, [service_id])


def publish(
    db: sqlite_utils.Database, record: Record, by: str, action: str, embedder: Embedder | None = None
) -> int:
    """Make a record the live listing at once, searchable by words and (given an embedder) by meaning."""
    problems = _problems(record)
    if problems:
        raise ChangeRejected(problems)
    number = publish_listing(db, record, by, action)
    _embed(db, embedder, record["id"])
    return number


def _change(row: dict[str, Any]) -> Change:
    return Change(row["id"], row["service_id"], row["organization_id"], json.loads(row["record"]),
                  row["base_version"], row["status"], row["submitted_by"], row["submitted_at"],
                  row["decided_by"], row["decided_at"], row["reason"])


def change(db: sqlite_utils.Database, change_id: int) -> Change | None:
    rows = list(db["listing_changes"].rows_where("id = ?", [change_id]))
    return _change(rows[0]) if rows else None


def propose(
    db: sqlite_utils.Database, record: Record, by: str, publish_directly: bool = False,
    embedder: Embedder | None = None,
) -> Change:
    """Queue a listing for a moderator (replacing any change still waiting), or publish it at once.

    Raises ChangeRejected, storing nothing, if the record is not a valid listing.
    """
    problems = _problems(record)
    if problems:
        raise ChangeRejected(problems)
    prepared, action = _as_edit(db, record)
    now = timestamp()
    with db.atomic():
        db.execute("update listing_changes set status = 'superseded' where service_id = ? and status = 'pending'",
                   [prepared["id"]])
        base = latest_version(db, prepared["id"]) if action == "edited" else None
        if publish_directly:
            publish_listing(db, _reviewed_today(prepared), by, action)
        change_id = db["listing_changes"].insert({
            "service_id": prepared["id"], "organization_id": record_organization(prepared),
            "record": json.dumps(prepared, ensure_ascii=False), "base_version": base,
            "status": "approved" if publish_directly else "pending", "submitted_by": by, "submitted_at": now,
            "decided_by": by if publish_directly else None, "decided_at": now if publish_directly else None,
            "reason": None,
        }).last_pk
    if publish_directly:
        _embed(db, embedder, prepared["id"])
    return _change(db["listing_changes"].get(change_id))


def edit_base(db: sqlite_utils.Database, service_id: str) -> str:
    """Where an edit starts from: the listing's newest version and its newest proposed change. A form carries
    it, so saving can tell whether someone else changed the listing (or proposed a change) in the meantime."""
    version_now = latest_version(db, service_id) or 0
    row = db.execute("select max(id) from listing_changes where service_id = ?", [service_id]).fetchone()
    return f"v{version_now}.c{row[0] or 0}"


def _decide(db: sqlite_utils.Database, change_id: int, status: str, by: str, reason: str | None) -> Change:
    """Move a pending change on; the check and the update are one statement, so two moderators cannot both win."""
    cursor = db.execute(
        "update listing_changes set status = ?, decided_by = ?, decided_at = ?, reason = ? "
        "where id = ? and status = 'pending'", [status, by, timestamp(), reason, change_id])
    found = change(db, change_id)
    if found is None:
        raise ChangeError(N_("We could not find that change."))
    if cursor.rowcount != 1:
        raise ChangeError(_ALREADY[found.status])
    return found


def _reviewed_today(record: Record) -> Record:
    """A change someone has just checked (a moderator approving it, or a trusted editor publishing it) makes
    today the day the listing was last reviewed, as "still correct" does."""
    return {**record, "assured_date": london_today().isoformat()}


def approve(db: sqlite_utils.Database, change_id: int, by: str, embedder: Embedder | None = None) -> Change:
    """Publish a pending change and mark it approved.

    If the listing was published again after the change was made from it, the change still wins, and
    its history version shows the difference from the live listing it replaced (not from base_version):
    `compare` tells a moderator beforehand, with `moved_on`.
    """
    with db.atomic():
        decided = _decide(db, change_id, "approved", by, None)
        prepared, action = _as_edit(db, decided.record)
        publish_listing(db, _reviewed_today(prepared), by, action)
    _embed(db, embedder, decided.service_id)
    return decided


def send_back(db: sqlite_utils.Database, change_id: int, by: str, reason: str) -> Change:
    """Return a pending change to its editor with the moderator's reason, which the editor sees."""
    if not reason or not reason.strip():
        raise ChangeError(N_("Say why you are sending this change back, so the editor can put it right."))
    with db.atomic():
        return _decide(db, change_id, "sent_back", by, reason.strip())


def compare(db: sqlite_utils.Database, change_id: int) -> Comparison:
    """The live listing beside a change, for a moderator deciding on it."""
    found = change(db, change_id)
    if found is None:
        raise ChangeError(N_("We could not find that change."))
    live = load_listing(db, found.service_id)
    proposed, _ = _as_edit(db, found.record)
    proposed = _reviewed_today(proposed)  # approving it marks it reviewed today: the moderator sees that too
    moved_on = live is not None and found.base_version != latest_version(db, found.service_id)
    return Comparison(found, live, diff(live, proposed), moved_on)


def pending(db: sqlite_utils.Database, organization_id: str | None = None) -> list[Change]:
    """Changes waiting for a moderator, oldest first: all of them, or one organisation's."""
    where, params = "status = 'pending'", []
    if organization_id is not None:
        where, params = "status = 'pending' and organization_id = ?", [organization_id]
    return [_change(row) for row in db["listing_changes"].rows_where(where, params, order_by="id")]


def changes_for(db: sqlite_utils.Database, organization_id: str, limit: int = RECENT) -> list[Change]:
    """An organisation's recent changes in any state, newest first, for its editors' own page."""
    rows = db["listing_changes"].rows_where("organization_id = ?", [organization_id], order_by="id desc",
                                            limit=limit)
    return [_change(row) for row in rows]


def restore(
    db: sqlite_utils.Database, service_id: str, number: int, by: str, embedder: Embedder | None = None
) -> int:
    """Publish an earlier version's record again, as a new 'restored' version; returns its number."""
    old = history.version(db, service_id, number)
    if old is None:
        raise ChangeError(N_("This listing has no version {number}."), number=number)
    prepared, _ = _as_edit(db, old.record)
    return publish(db, prepared, by, "restored", embedder)


def _set_visibility(db: sqlite_utils.Database, service_id: str, by: str, status: str, action: str) -> int:
    live = load_listing(db, service_id)
    if live is None:
        raise ChangeError(N_("We could not find that listing."))
    if live.get("publication_status") == status:
        return latest_version(db, service_id) or 0
    live["publication_status"] = status
    return publish_listing(db, live, by, action)


def archive(db: sqlite_utils.Database, service_id: str, by: str) -> int:
    """Hide a listing from residents, keeping it and its history; returns the version number."""
    return _set_visibility(db, service_id, by, "archived", "archived")


def unarchive(db: sqlite_utils.Database, service_id: str, by: str) -> int:
    """Show an archived listing to residents again; returns the version number."""
    return _set_visibility(db, service_id, by, "published", "unarchived")
