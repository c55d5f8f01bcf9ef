"""Moderators: the queue of changes, each beside the live listing, every listing's history, reports, and the
feed audit (run by the worker; this page shows its findings).

Only moderators approve. Restoring a version or archiving a listing adds a version; nothing is deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from accounts import users
from accounts.users import ADMIN, MODERATOR, User
from directory import audit, changes, freshness, history, reports
from directory.changes import ChangeError
from directory.embeddings import Embedder
from directory.history import SYSTEM
from directory.messages import FieldError, ResidentError
from directory.reports import ReportError
from directory.taxonomy import CATEGORIES
from portal import job_records, listing_form, listing_summary
from portal.auth import allow
from portal.csrf import require_csrf
from portal.dependencies import Db, RowId, get_embedder, row_number
from portal.form_errors import by_field, note_errors, typed_note
from portal.job_kinds import AUDIT
from portal.job_queue import job_queue
from portal.routes.job_pages import status_values
from portal.templating import render, request_translator, url

# Administrators moderate too: in a small partnership the person who runs the portal often decides changes.
router = APIRouter(include_in_schema=False, dependencies=[Depends(allow(MODERATOR, ADMIN))])
Moderator = Annotated[User, Depends(allow(MODERATOR, ADMIN))]
Model = Annotated[Embedder | None, Depends(get_embedder)]
Text = Annotated[str, Form()]
CSRF = [Depends(require_csrf)]


def _names(db: Db) -> dict[str, str]:
    """Who made each change, by name; imports and the command line show as the system."""
    return {SYSTEM: "system", **{u.id: u.name for u in users.everyone(db)}}


def _organisation_names(db: Db) -> dict[str, str]:
    return {row[0]: row[1] or "" for row in db.execute("select id, name from organizations")}


def _listing_names(db: Db) -> dict[str, str]:
    return {row[0]: row[1] for row in db.execute("select id, name from services")}


def _dashboard(request: Request, db: Db, problems: dict[int, list[ResidentError]] | None = None,
               notes: dict[int, str] | None = None) -> Response:
    t = request_translator(request)
    report_errors = {rid: note_errors(t, rid, found) for rid, found in (problems or {}).items()}
    open_reports = reports.open_reports(db)
    queue = changes.pending(db)
    return render(request, db, "moderation/home.html", status_code=400 if report_errors else 200,
                  queue=queue, reports=open_reports, stale=len(freshness.due_for_review(db)),
                  organisations=_organisation_names(db), names=_listing_names(db), problems=reports.PROBLEMS,
                  report_errors=report_errors, notes=notes or {})


@router.get("/moderation")
def moderation_home(request: Request, db: Db) -> Response:
    return _dashboard(request, db)


def _comparison(db: Db, change_id: int) -> changes.Comparison:
    try:
        return changes.compare(db, change_id)
    except ChangeError as error:
        raise HTTPException(status_code=404, detail="change") from error


def _change_page(request: Request, db: Db, change_id: int, problems: list[ResidentError] | None = None,
                 reason: str = "") -> Response:
    t = request_translator(request)
    errors = by_field(t, problems or [], "reason")
    found = _comparison(db, change_id)
    readable = listing_summary.differences(listing_form.values_from_record(found.live) if found.live else None,
                                           listing_form.values_from_record(found.change.record), t)
    return render(request, db, "moderation/change.html", status_code=400 if errors else 200, errors=errors,
                  comparison=found, readable=readable, reason=reason, people=_names(db),
                  organisation=_organisation_names(db).get(found.change.organization_id or "", ""))


@router.get("/moderation/changes/{change_id}")
def change_page(request: Request, db: Db, change_id: RowId) -> Response:
    return _change_page(request, db, change_id)


@router.post("/moderation/changes/{change_id}/approve", dependencies=CSRF)
def approve_change(request: Request, db: Db, moderator: Moderator, embedder: Model, change_id: RowId) -> Response:
    _comparison(db, change_id)
    try:
        changes.approve(db, change_id, moderator.id, embedder)
    except ChangeError as error:
        return _change_page(request, db, change_id, [FieldError("reason", error.message, **error.params)])
    return RedirectResponse(url(request, "/moderation", done="approved"), status_code=303)


@router.post("/moderation/changes/{change_id}/send-back", dependencies=CSRF)
def send_back_change(request: Request, db: Db, moderator: Moderator, change_id: RowId, reason: Text = "") -> Response:
    _comparison(db, change_id)
    try:
        changes.send_back(db, change_id, moderator.id, reason)
    except ChangeError as error:
        return _change_page(request, db, change_id, [FieldError("reason", error.message, **error.params)], reason)
    return RedirectResponse(url(request, "/moderation", done="sent_back"), status_code=303)


@router.get("/moderation/audit")
def audit_page(request: Request, db: Db) -> Response:
    """The last feed audit's findings, each linking to its listing, and a button to run it again."""
    latest = job_records.latest(db, AUDIT, "directory")
    grouped: dict[str, list[dict[str, Any]]] = {kind: [] for kind in audit.KINDS}
    if latest is not None and latest.status == job_records.DONE:
        for finding in latest.result.get("findings", []):
            grouped.setdefault(finding["kind"], []).append(finding)
    return render(request, db, "moderation/audit.html", job=status_values(request, latest) if latest else None,
                  ran=latest, grouped=grouped, categories={c.code: c.name for c in CATEGORIES})


@router.post("/moderation/audit", dependencies=CSRF)
def run_audit(request: Request, db: Db, moderator: Moderator) -> Response:
    job_queue(request.app.state.settings).submit_once(AUDIT, "directory", {}, moderator.id)
    return RedirectResponse(url(request, "/moderation/audit"), status_code=303)


@router.get("/moderation/listings")
def all_listings(request: Request, db: Db, q: str = "") -> Response:
    sql = ("select s.id, s.name, s.publication_status, coalesce(o.name, '') from services s "
           "left join organizations o on o.id = s.organization_id")
    params: list[Any] = []
    if q.strip():
        sql += " where s.name like ? or o.name like ?"
        params = [f"%{q.strip()}%"] * 2
    rows = db.execute(sql + " order by s.name limit 500", params).fetchall()
    return render(request, db, "moderation/listings.html", listings=rows, q=q)


@router.get("/moderation/listings/{service_id}")
def listing_history(request: Request, db: Db, service_id: str) -> Response:
    found = history.versions(db, service_id)
    status = db.execute("select name, publication_status from services where id = ?", [service_id]).fetchone()
    if status is None:
        raise HTTPException(status_code=404, detail="listing")
    return render(request, db, "moderation/history.html", service_id=service_id, name=status[0],
                  publication_status=status[1], versions=found, people=_names(db))


def _back_to_history(request: Request, service_id: str, done: str) -> Response:
    return RedirectResponse(url(request, f"/moderation/listings/{service_id}", done=done), status_code=303)


@router.post("/moderation/listings/{service_id}/restore", dependencies=CSRF)
def restore_version(request: Request, db: Db, moderator: Moderator, embedder: Model, service_id: str,
                    version: Text = "") -> Response:
    try:
        changes.restore(db, service_id, row_number(version), moderator.id, embedder)
    except (ValueError, ChangeError) as error:
        raise HTTPException(status_code=404, detail="version") from error
    return _back_to_history(request, service_id, "restored")


def _visibility(request: Request, db: Db, moderator: User, service_id: str,
                step: Callable[[Db, str, str], int], done: str) -> Response:
    try:
        step(db, service_id, moderator.id)
    except ChangeError as error:
        raise HTTPException(status_code=404, detail="listing") from error
    return _back_to_history(request, service_id, done)


@router.post("/moderation/listings/{service_id}/archive", dependencies=CSRF)
def archive_listing(request: Request, db: Db, moderator: Moderator, service_id: str) -> Response:
    return _visibility(request, db, moderator, service_id, changes.archive, "archived")


@router.post("/moderation/listings/{service_id}/unarchive", dependencies=CSRF)
def unarchive_listing(request: Request, db: Db, moderator: Moderator, service_id: str) -> Response:
    return _visibility(request, db, moderator, service_id, changes.unarchive, "unarchived")


@router.post("/moderation/reports/{report_id}/resolve", dependencies=CSRF)
async def resolve_report(request: Request, db: Db, moderator: Moderator, report_id: RowId) -> Response:
    if reports.report(db, report_id) is None:
        raise HTTPException(status_code=404, detail="report")
    note = await typed_note(request, report_id)
    try:
        reports.resolve(db, report_id, moderator.id, note)
    except ReportError as error:
        return _dashboard(request, db, {report_id: [error]}, {report_id: note})
    return RedirectResponse(url(request, "/moderation", done="resolved"), status_code=303)
