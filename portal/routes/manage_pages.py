"""Organisation editors: their listings, new and changed listings, reviews that are due, and residents' reports.

Every route that names a listing, a change or a report checks first that it belongs to one of the
editor's organisations (403 otherwise), so an editor can neither read nor change another's drafts.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from accounts.users import EDITOR, User
from directory import changes, freshness, organisations, reports
from directory.changes import ChangeError, ChangeRejected
from directory.embeddings import Embedder
from directory.messages import N_, FieldError, ResidentError
from directory.reports import ReportError
from directory.schedules import DAY_CODES
from directory.services import Record
from directory.taxonomy import CATEGORIES, NEIGHBOURHOODS
from directory.translations import load_listing
from portal import listing_form, listing_sections, listing_summary
from portal.auth import allow, owns
from portal.csrf import require_csrf
from portal.dependencies import Db, RowId, get_embedder
from portal.form_errors import by_field, note_errors, placed, typed_note
from portal.i18n import Translator
from portal.templating import render, request_translator, url

router = APIRouter(include_in_schema=False, dependencies=[Depends(allow(EDITOR))])
Editor = Annotated[User, Depends(allow(EDITOR))]
Model = Annotated[Embedder | None, Depends(get_embedder)]
Text = Annotated[str, Form()]
CSRF = [Depends(require_csrf)]


def organisation_record(db: Db, organization_id: str) -> Record:
    found = organisations.oruk_record(db, organization_id)
    if found is None:
        raise HTTPException(status_code=404, detail="organisation")
    return found


def _live_or_404(db: Db, service_id: str) -> Record:
    live = load_listing(db, service_id)
    if live is None:
        raise HTTPException(status_code=404, detail="listing")
    return live


def latest_change(db: Db, service_id: str) -> changes.Change | None:
    """The editor's newest change to this listing if it still waits or was sent back: the form starts from it."""
    row = db.execute("select id from listing_changes where service_id = ? order by id desc limit 1",
                     [service_id]).fetchone()
    found = changes.change(db, row[0]) if row else None
    return found if found and found.status in ("pending", "sent_back") else None


@router.get("/manage")
def manage_home(request: Request, db: Db, editor: Editor) -> Response:
    if len(editor.organizations) == 1:
        return RedirectResponse(url(request, f"/manage/organisations/{editor.organizations[0]}"), status_code=303)
    mine = [o for o in organisations.all_organisations(db) if o.id in editor.organizations]
    return render(request, db, "manage/home.html", organisations=mine)


def _dashboard(request: Request, db: Db, organization_id: str, problems: dict[int, list[ResidentError]] | None = None,
               notes: dict[int, str] | None = None) -> Response:
    organisation = organisations.get(db, organization_id)
    if organisation is None:
        raise HTTPException(status_code=404, detail="organisation")
    t = request_translator(request)
    report_errors = {rid: note_errors(t, rid, found) for rid, found in (problems or {}).items()}
    listings = db.execute(
        "select id, name, publication_status, last_reviewed from services where organization_id = ? order by name",
        [organization_id]).fetchall()
    return render(request, db, "manage/organisation.html", status_code=400 if report_errors else 200,
                  organisation=organisation, listings=listings, pending=changes.pending(db, organization_id),
                  recent=changes.changes_for(db, organization_id, limit=20),
                  due=freshness.due_for_review(db, organization_id), reports=reports.open_reports(db, organization_id),
                  resolved=reports.recently_resolved(db, organization_id, limit=10), problems=reports.PROBLEMS,
                  report_errors=report_errors, notes=notes or {}, errors={}, names={r[0]: r[1] for r in listings},
                  drafts=listing_sections.drafts_of(db, organization_id))


@router.get("/manage/organisations/{organization_id}")
def organisation_dashboard(request: Request, db: Db, editor: Editor, organization_id: str) -> Response:
    owns(editor, organization_id)
    return _dashboard(request, db, organization_id)


def _form(request: Request, db: Db, organization_id: str, service_id: str | None, values: dict[str, Any],
          problems: list[ResidentError] | None = None, waiting: changes.Change | None = None,
          base: str = "", conflict: list[listing_summary.Difference] | None = None) -> Response:
    errors = listing_errors(request_translator(request), problems or [])
    action = f"/manage/listings/{service_id}/all" if service_id else \
        f"/manage/organisations/{organization_id}/listings/new/all"
    status = 409 if conflict is not None else 400 if errors else 200
    return render(request, db, "manage/listing_form.html", status_code=status, errors=errors,
                  values=values, form_action=url(request, action), service_id=service_id, waiting=waiting,
                  organisation=organisations.get(db, organization_id), form=listing_form,
                  options=options_for(request_translator(request)), base=base, conflict=conflict)


def listing_errors(t: Translator, problems: list[ResidentError]) -> dict[str, dict[str, str]]:
    return placed(by_field(t, problems, "name"), lambda name: listing_form.box_place(name, t.gettext))


def options_for(t: Translator) -> dict[str, list[tuple[str, str]]]:
    """The tick boxes' values and labels, in the editor's language."""
    return {
        "categories": [(c.code, t.gettext(c.name)) for c in CATEGORIES],
        "areas": [("borough", t.gettext(N_("Anywhere in Lewisham")))]
        + [(n.code, t.gettext(n.name)) for n in NEIGHBOURHOODS],
        "days": [(code, t.weekday(i)) for i, code in enumerate(DAY_CODES)],
        "languages": [(code, t.language_name(code, name)) for code, name in listing_form.SPOKEN],
    }


@router.get("/manage/organisations/{organization_id}/listings/new/all")
def new_listing_form(request: Request, db: Db, editor: Editor, organization_id: str) -> Response:
    owns(editor, organization_id)
    organisation_record(db, organization_id)
    return _form(request, db, organization_id, None, listing_form.values_from_record(None))


def live_or_draft(db: Db, service_id: str) -> tuple[Record | None, changes.Change | None, str]:
    """A listing to edit: the live one with the editor's newest change to it, or a new listing not yet
    published whose change waits or was sent back, or one still being written a section at a time; with the
    organisation that runs it. 404 if none."""
    live = load_listing(db, service_id)
    waiting = latest_change(db, service_id)
    if live is None and waiting is None:
        started = listing_sections.draft(db, service_id)
        if started is None:
            raise HTTPException(status_code=404, detail="listing")
        return None, None, started.organization_id
    organization_id = live["organization_id"] if live else waiting.organization_id
    return live, waiting, str(organization_id)


@router.get("/manage/listings/{service_id}/all")
def edit_listing_form(request: Request, db: Db, editor: Editor, service_id: str) -> Response:
    live, waiting, organization_id = live_or_draft(db, service_id)
    owns(editor, organization_id)
    start = waiting.record if waiting else live
    return _form(request, db, organization_id, service_id, listing_form.values_from_record(start),
                 waiting=waiting, base=changes.edit_base(db, service_id))


def adding(form: Any, values: dict[str, Any]) -> bool:
    """The "add another" buttons post the form back to show one more empty row, saving nothing.

    The form always ends with an empty row; if that one was left empty, it needs a second.
    """
    group = form.get("add")
    if group not in listing_form.GROUPS:
        return False
    posted = {key.split("-")[1] for key in form if key.startswith(f"{group}-")}
    if len(values[group]) < len(posted):
        values[group].append(listing_form.blank_row(group))
    return True


def _problems_from(rejected: ChangeRejected) -> list[ResidentError]:
    """Open Referral checks the form did not catch, shown against the whole form rather than lost."""
    return [FieldError("name", N_("{where}: {problem}"), where=p.path, problem=p.message) for p in rejected.problems]


def shared_location(db: Db, service_id: str) -> Callable[[str], bool]:
    def shared(location_id: str) -> bool:
        return db.execute("select count(*) from service_at_locations where location_id = ? and service_id != ?",
                          [location_id, service_id]).fetchone()[0] > 0
    return shared


Again = Callable[..., Response]  # shows the page again: (values, problems=..., base=..., conflict=...)


def send_listing(request: Request, db: Db, editor: User, embedder: Embedder | None, organization_id: str,
                 service_id: str, live: Record | None, values: dict[str, Any], base: str, editing: str | None,
                 again: Again) -> Response:
    """Check every answer and send the listing, for a moderator or live: the one path for the one-page form and
    for "check your answers". A mistake, or a change someone else made meanwhile, shows the page `again`."""
    record, problems = listing_form.record_from_values(values, live, service_id,
                                                       organisation_record(db, organization_id),
                                                       shared_location(db, service_id))
    if problems:
        return again(values, problems=list(problems), base=base)
    if editing and base != changes.edit_base(db, service_id):
        # Changed (or a change proposed) by someone else since this form was opened: show both, never replace.
        waiting = latest_change(db, service_id)
        now = waiting.record if waiting and waiting.status == "pending" else live
        return again(values, base=changes.edit_base(db, service_id),
                     conflict=listing_summary.differences(listing_form.values_from_record(now) if now else None,
                                                          values, request_translator(request)))
    try:
        made = changes.propose(db, record, editor.id, organisations.publishes_directly(db, organization_id), embedder)
    except ChangeRejected as rejected:
        return again(values, problems=_problems_from(rejected), base=base)
    listing_sections.discard(db, service_id)
    notice = "published" if made.status == "approved" else "queued"
    return RedirectResponse(url(request, f"/manage/organisations/{organization_id}", saved=notice), status_code=303)


async def _save(request: Request, db: Db, editor: User, embedder: Embedder | None, organization_id: str,
                service_id: str, live: Record | None) -> Response:
    form = await request.form()
    values = listing_form.values_from_form(form, lambda name: [str(v) for v in form.getlist(name)])
    editing = service_id if live or latest_change(db, service_id) else None  # a new listing has no address yet
    base = str(form.get("base", ""))[:40]
    if adding(form, values):
        return _form(request, db, organization_id, editing, values, base=base)

    def again(shown: dict[str, Any], problems: list[ResidentError] | None = None, base: str = base,
              conflict: list[Any] | None = None) -> Response:
        return _form(request, db, organization_id, editing, shown, problems, base=base, conflict=conflict)

    return send_listing(request, db, editor, embedder, organization_id, service_id, live, values, base, editing,
                        again)


@router.post("/manage/organisations/{organization_id}/listings/new/all", dependencies=CSRF)
async def create_listing(request: Request, db: Db, editor: Editor, embedder: Model, organization_id: str) -> Response:
    owns(editor, organization_id)
    return await _save(request, db, editor, embedder, organization_id, str(uuid.uuid4()), None)


@router.post("/manage/listings/{service_id}/all", dependencies=CSRF)
async def update_listing(request: Request, db: Db, editor: Editor, embedder: Model, service_id: str) -> Response:
    live, _, organization_id = live_or_draft(db, service_id)
    owns(editor, organization_id)
    return await _save(request, db, editor, embedder, organization_id, service_id, live)


@router.post("/manage/listings/{service_id}/confirm", dependencies=CSRF)
def confirm_listing(request: Request, db: Db, editor: Editor, service_id: str) -> Response:
    """"Still correct": one click records today as the day it was last checked."""
    _live_or_404(db, service_id)
    organization_id = changes.organization_of(db, service_id)
    owns(editor, organization_id)
    try:
        freshness.confirm(db, service_id, editor.id)
    except ChangeError as error:
        raise HTTPException(status_code=404, detail="listing") from error
    return RedirectResponse(url(request, f"/manage/organisations/{organization_id}", saved="confirmed"),
                            status_code=303)


@router.post("/manage/reports/{report_id}/resolve", dependencies=CSRF)
async def resolve_report(request: Request, db: Db, editor: Editor, report_id: RowId) -> Response:
    found = reports.report(db, report_id)
    if found is None:
        raise HTTPException(status_code=404, detail="report")
    owns(editor, found.organization_id)
    note = await typed_note(request, report_id)
    try:
        reports.resolve(db, report_id, editor.id, note)
    except ReportError as error:
        return _dashboard(request, db, str(found.organization_id), {report_id: [error]}, {report_id: note})
    return RedirectResponse(url(request, f"/manage/organisations/{found.organization_id}", saved="resolved"),
                            status_code=303)
