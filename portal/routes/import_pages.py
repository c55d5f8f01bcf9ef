"""Administrators import an Open Referral UK feed and rebuild the search index, as jobs the worker runs.

The feed is saved to a file and the page answers at once; the import checks every record, then publishes a
batch at a time (directory/oruk.py), all or nothing, while residents keep searching and editors keep saving.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from accounts.users import ADMIN, User
from directory.messages import N_, FieldError
from portal import job_records
from portal.auth import allow
from portal.csrf import require_csrf
from portal.dependencies import Db
from portal.form_errors import by_field
from portal.job_kinds import IMPORT, REINDEX
from portal.job_queue import job_queue
from portal.routes.job_pages import status_values
from portal.templating import render, request_translator, url

router = APIRouter(include_in_schema=False, dependencies=[Depends(allow(ADMIN))])
Admin = Annotated[User, Depends(allow(ADMIN))]
CSRF = [Depends(require_csrf)]
FEED_LIMIT = 50 * 1024 * 1024  # bytes: a borough's whole directory is a few megabytes
CHUNK = 1024 * 1024


def _page(request: Request, db: Db, problems: list[FieldError] | None = None) -> Response:
    errors = by_field(request_translator(request), problems or [], "feed")
    jobs = job_records.recent(db, IMPORT, 5) + job_records.recent(db, REINDEX, 2)
    jobs.sort(key=lambda job: job.id, reverse=True)
    return render(request, db, "admin/import.html", status_code=400 if errors else 200, errors=errors,
                  jobs=[status_values(request, job) for job in jobs],
                  busy=any(not job.finished for job in jobs))


@router.get("/admin/import")
def import_page(request: Request, db: Db) -> Response:
    return _page(request, db)


async def _save(upload: UploadFile, request: Request) -> str:
    """The uploaded feed, kept beside the database until its job has imported it; FieldError if too big."""
    folder = request.app.state.settings.db.parent / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"feed-{secrets.token_hex(8)}.json"
    size = 0
    with path.open("wb") as out:
        while chunk := await upload.read(CHUNK):
            size += len(chunk)
            if size > FEED_LIMIT:
                out.close()
                path.unlink()
                raise FieldError("feed", N_("The file is bigger than 50 MB. Split the feed and import each part."))
            out.write(chunk)
    if size == 0:
        path.unlink()
        raise FieldError("feed", N_("Choose an Open Referral UK feed (a .json file) to import."))
    return str(path)


@router.post("/admin/import", dependencies=CSRF)
async def start_import(request: Request, db: Db, admin: Admin) -> Response:
    form = await request.form()
    upload = form.get("feed")
    if not isinstance(upload, UploadFile):
        return _page(request, db, [FieldError("feed", N_("Choose an Open Referral UK feed (a .json file) to import."))])
    try:
        path = await _save(upload, request)
    except FieldError as problem:
        return _page(request, db, [problem])
    job_queue(request.app.state.settings).submit(IMPORT, "directory", {"file": path}, admin.id)
    return RedirectResponse(url(request, "/admin/import"), status_code=303)


@router.post("/admin/reindex", dependencies=CSRF)
def start_reindex(request: Request, db: Db, admin: Admin) -> Response:
    job_queue(request.app.state.settings).submit_once(REINDEX, "directory", {}, admin.id)
    return RedirectResponse(url(request, "/admin/import"), status_code=303)
