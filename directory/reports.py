"""Residents' reports of a problem with a listing, queued for its organisation and the moderators.

A report holds what is wrong, never who said it: contact details typed into the free text are
removed before it is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from directory.analytics import scrub
from directory.messages import N_, FieldError

PROBLEMS: dict[str, str] = {
    "closed": N_("It has closed or stopped running"),
    "times": N_("The opening times are wrong"),
    "contact": N_("The phone number, email or website is wrong"),
    "address": N_("The address is wrong"),
    "other": N_("Something else"),
}
DETAILS_MAX = 1000
NOTE_MAX = 1000


class ReportError(FieldError):
    """A report we cannot take as it is; `field` says which answer to correct."""


@dataclass(frozen=True)
class Report:
    id: int
    service_id: str
    organization_id: str | None
    problem: str
    details: str
    reported_at: str
    status: str
    resolution_note: str | None = None
    resolved_by: str | None = None
    resolved_at: str | None = None


def _report(row: dict[str, Any]) -> Report:
    return Report(row["id"], row["service_id"], row["organization_id"], row["problem"], row["details"],
                  row["reported_at"], row["status"], row.get("resolution_note"), row.get("resolved_by"),
                  row.get("resolved_at"))


def check_report(problem: str, details: str) -> list[ReportError]:
    """Every problem with a report's answers, so a form can show them all at once."""
    errors = []
    if problem not in PROBLEMS:
        errors.append(ReportError("problem", N_("Choose what is wrong with this listing.")))
    if problem == "other" and not details.strip():
        errors.append(ReportError("details", N_("Tell us what is wrong.")))
    if len(details) > DETAILS_MAX:
        errors.append(ReportError("details", N_("Use {limit} characters or fewer."), limit=DETAILS_MAX))
    return errors


def report_problem(
    db: sqlite_utils.Database, service_id: str, problem: str, details: str, language: str = "en",
    at: datetime | None = None,
) -> int:
    """Store a report against a listing's organisation; raises the first ReportError if the answers are wrong."""
    errors = check_report(problem, details)
    if errors:
        raise errors[0]
    service = db.execute("select organization_id from services where id = ?", [service_id]).fetchone()
    if service is None:
        raise ReportError("service", N_("We could not find that listing."))
    with db.atomic():
        return db["listing_reports"].insert(
            {"service_id": service_id, "organization_id": service[0], "problem": problem,
             "details": scrub(details.strip()), "language": language, "status": "open",
             "reported_at": (at or datetime.now(UTC)).isoformat(timespec="seconds"),
             "resolved_at": None, "resolution_note": None},
        ).last_pk


def open_reports(db: sqlite_utils.Database, organization_id: str | None = None) -> list[Report]:
    """Open reports, newest first: all of them for moderators, or one organisation's."""
    where, params = "status = 'open'", []
    if organization_id:
        where, params = "status = 'open' and organization_id = ?", [organization_id]
    return [_report(row) for row in db["listing_reports"].rows_where(where, params, order_by="id desc")]


def report(db: sqlite_utils.Database, report_id: int) -> Report | None:
    rows = list(db["listing_reports"].rows_where("id = ?", [report_id]))
    return _report(rows[0]) if rows else None


def resolve(db: sqlite_utils.Database, report_id: int, by: str, note: str, at: datetime | None = None) -> Report:
    """Close a report with a note of what was done; the note is scrubbed like the report itself."""
    if not note.strip():
        raise ReportError("note", N_("Say what you did about this report."))
    if len(note) > NOTE_MAX:
        raise ReportError("note", N_("Use {limit} characters or fewer."), limit=NOTE_MAX)
    with db.atomic():
        cursor = db.execute(
            "update listing_reports set status = 'resolved', resolution_note = ?, resolved_by = ?, resolved_at = ? "
            "where id = ? and status = 'open'",
            [scrub(note.strip()), by, (at or datetime.now(UTC)).isoformat(timespec="seconds"), report_id])
    found = report(db, report_id)
    if found is None:
        raise ReportError("note", N_("We could not find that report."))
    if cursor.rowcount != 1:
        raise ReportError("note", N_("This report has already been resolved."))
    return found


def recently_resolved(db: sqlite_utils.Database, organization_id: str | None = None, limit: int = 20) -> list[Report]:
    where, params = "status = 'resolved'", []
    if organization_id:
        where, params = "status = 'resolved' and organization_id = ?", [organization_id]
    return [_report(row) for row in db["listing_reports"].rows_where(where, params, order_by="id desc", limit=limit)]
