"""Editing a listing a section at a time: a task list, one page per section (each saved as the editor goes),
and "check your answers" before it is sent, for a moderator or live (GOV.UK's task list pattern).

A listing's draft holds its answers between pages (portal/listing_sections.py); sending goes through the same
path as the one-page form (`send_listing`), so a change made meanwhile by someone else is shown beside the
editor's, never written over. Every route checks the editor works for the listing's organisation first.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from accounts.users import EDITOR, User
from directory import changes, organisations
from directory.messages import ResidentError
from directory.services import Record
from portal import listing_form, listing_sections, listing_summary
from portal.auth import allow, owns
from portal.dependencies import Db
from portal.listing_sections import BY_KEY, SECTIONS, Section
from portal.routes.manage_pages import (
    CSRF,
    Editor,
    Model,
    adding,
    listing_errors,
    live_or_draft,
    options_for,
    organisation_record,
    send_listing,
    shared_location,
)
from portal.templating import render, request_translator, url

router = APIRouter(include_in_schema=False, dependencies=[Depends(allow(EDITOR))])
PROBLEM, CHANGED, UNCHANGED, NOT_STARTED, DONE = "problem", "changed", "unchanged", "not_started", "done"


class Editing:
    """Where one listing's editing stands: the listing as it started, and the answers so far."""

    def __init__(self, db: Db, editor: User, service_id: str) -> None:
        self.service_id = service_id
        self.live, self.waiting, self.organization_id = live_or_draft(db, service_id)
        owns(editor, self.organization_id)
        started_from: Record | None = self.waiting.record if self.waiting else self.live
        self.start = listing_form.values_from_record(started_from)
        self.draft = listing_sections.draft(db, service_id)
        self.values = self.draft.values if self.draft else self.start
        self.is_new = self.live is None and self.waiting is None
        self.base = self.draft.base if self.draft else ("" if self.is_new else changes.edit_base(db, service_id))

    def problems(self, db: Db) -> list[ResidentError]:
        _, found = listing_form.record_from_values(self.values, self.live, self.service_id,
                                                   organisation_record(db, self.organization_id),
                                                   shared_location(db, self.service_id))
        return list(found)

    def status(self, section: Section, problems: list[ResidentError]) -> str:
        if listing_sections.problems_in(problems, section):
            return PROBLEM
        if self.is_new:
            return NOT_STARTED if listing_sections.is_blank(section, self.values) else DONE
        return CHANGED if listing_sections.changed(section, self.values, self.start) else UNCHANGED


def _section(key: str) -> Section:
    if key not in BY_KEY:
        raise HTTPException(status_code=404, detail="section")
    return BY_KEY[key]


def _section_page(request: Request, db: Db, organization_id: str, section: Section, values: dict[str, Any],
                  action: str, problems: list[ResidentError] | None = None, service_id: str | None = None,
                  is_new: bool = False) -> Response:
    t = request_translator(request)
    errors = listing_errors(t, problems or [])
    return render(request, db, "manage/section.html", status_code=400 if errors else 200, errors=errors,
                  values=values, section=section, form=listing_form, options=options_for(t), form_action=action,
                  organisation=organisations.get(db, organization_id), service_id=service_id, is_new=is_new,
                  sections=SECTIONS)


@router.get("/manage/organisations/{organization_id}/listings/new")
def new_listing(request: Request, db: Db, editor: Editor, organization_id: str) -> Response:
    """A new listing starts with what it is; the rest is filled in a section at a time."""
    owns(editor, organization_id)
    organisation_record(db, organization_id)
    return _section_page(request, db, organization_id, SECTIONS[0], listing_form.values_from_record(None),
                         url(request, f"/manage/organisations/{organization_id}/listings/new"), is_new=True)


@router.post("/manage/organisations/{organization_id}/listings/new", dependencies=CSRF)
async def start_listing(request: Request, db: Db, editor: Editor, organization_id: str) -> Response:
    owns(editor, organization_id)
    organisation_record(db, organization_id)
    service_id = str(uuid.uuid4())
    form = await request.form()
    posted = listing_form.values_from_form(form, lambda name: [str(v) for v in form.getlist(name)])
    values = listing_sections.merge(listing_form.values_from_record(None), posted, SECTIONS[0])
    listing_sections.keep(db, service_id, organization_id, values, "", True, editor.id)
    return _after_section(request, db, editor, service_id, SECTIONS[0])


def _after_section(request: Request, db: Db, editor: User, service_id: str, section: Section) -> Response:
    """Back to the task list, or the section again with its mistakes marked (its answers are kept either way)."""
    editing = Editing(db, editor, service_id)
    problems = listing_sections.problems_in(editing.problems(db), section)
    if problems:
        return _section_page(request, db, editing.organization_id, section, editing.values,
                             url(request, f"/manage/listings/{service_id}/edit/{section.key}"), problems, service_id,
                             editing.is_new)
    return RedirectResponse(url(request, f"/manage/listings/{service_id}", saved=section.key), status_code=303)


@router.get("/manage/listings/{service_id}")
def task_list(request: Request, db: Db, editor: Editor, service_id: str) -> Response:
    editing = Editing(db, editor, service_id)
    problems = editing.problems(db)
    statuses = {section.key: editing.status(section, problems) for section in SECTIONS}
    saved = request.query_params.get("saved")
    return render(request, db, "manage/task_list.html", editing=editing, sections=SECTIONS, statuses=statuses,
                  organisation=organisations.get(db, editing.organization_id), service_id=service_id,
                  saved=BY_KEY.get(saved or ""), name=editing.values.get("name") or "")


@router.get("/manage/listings/{service_id}/edit/{key}")
def section_form(request: Request, db: Db, editor: Editor, service_id: str, key: str) -> Response:
    section = _section(key)
    editing = Editing(db, editor, service_id)
    return _section_page(request, db, editing.organization_id, section, editing.values,
                         url(request, f"/manage/listings/{service_id}/edit/{key}"), service_id=service_id,
                         is_new=editing.is_new)


@router.post("/manage/listings/{service_id}/edit/{key}", dependencies=CSRF)
async def save_section(request: Request, db: Db, editor: Editor, service_id: str, key: str) -> Response:
    section = _section(key)
    editing = Editing(db, editor, service_id)
    form = await request.form()
    posted = listing_form.values_from_form(form, lambda name: [str(v) for v in form.getlist(name)])
    values = listing_sections.merge(editing.values, posted, section)
    if adding(form, values):  # one more empty row, nothing saved
        return _section_page(request, db, editing.organization_id, section, values,
                             url(request, f"/manage/listings/{service_id}/edit/{key}"), service_id=service_id,
                             is_new=editing.is_new)
    listing_sections.keep(db, service_id, editing.organization_id, values, editing.base, editing.is_new, editor.id)
    return _after_section(request, db, editor, service_id, section)


def _check_page(request: Request, db: Db, editing: Editing, problems: list[ResidentError] | None = None,
                conflict: list[listing_summary.Difference] | None = None) -> Response:
    t = request_translator(request)
    found = problems if problems is not None else editing.problems(db)
    listed = listing_errors(t, found)
    for name, error in listed.items():  # each problem leads to the section that has the box
        error["href"] = url(request, f"/manage/listings/{editing.service_id}/edit/"
                                     f"{listing_sections.section_of(name).key}") + f"#{name}"
    status = 409 if conflict is not None else 400 if problems else 200
    return render(request, db, "manage/check.html", status_code=status, editing=editing, errors=listed,
                  rows=listing_summary.rows(editing.values, t), sections=SECTIONS, conflict=conflict,
                  changes=None if editing.is_new else listing_summary.differences(editing.start, editing.values, t),
                  organisation=organisations.get(db, editing.organization_id), service_id=editing.service_id)


@router.get("/manage/listings/{service_id}/check")
def check_answers(request: Request, db: Db, editor: Editor, service_id: str) -> Response:
    return _check_page(request, db, Editing(db, editor, service_id))


@router.post("/manage/listings/{service_id}/check", dependencies=CSRF)
def send(request: Request, db: Db, editor: Editor, embedder: Model, service_id: str) -> Response:
    editing = Editing(db, editor, service_id)

    def again(values: dict[str, Any], problems: list[ResidentError] | None = None, base: str = "",
              conflict: list[listing_summary.Difference] | None = None) -> Response:
        if conflict is not None:  # from now on, the editor is merging into the newest version
            listing_sections.keep(db, service_id, editing.organization_id, values, base, editing.is_new, editor.id)
            editing.base = base
        return _check_page(request, db, editing, problems or [], conflict)

    return send_listing(request, db, editor, embedder, editing.organization_id, service_id, editing.live,
                        editing.values, editing.base, None if editing.is_new else service_id, again)


@router.post("/manage/listings/{service_id}/discard", dependencies=CSRF)
def discard(request: Request, db: Db, editor: Editor, service_id: str) -> Response:
    """Throw away the answers not yet sent: the listing stays as it is."""
    editing = Editing(db, editor, service_id)
    listing_sections.discard(db, service_id)
    if editing.is_new:
        return RedirectResponse(url(request, f"/manage/organisations/{editing.organization_id}"), status_code=303)
    return RedirectResponse(url(request, f"/manage/listings/{service_id}"), status_code=303)

