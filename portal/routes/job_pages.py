"""A background job's state for the page that started it (polled by htmx), and trying a failed job again.

Only the people who could start a kind of job see it: engagement leads their themes, moderators the feed
audit, administrators imports, syncs and reindexing. Mail jobs are nobody's to see: they name a person.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from accounts.users import ADMIN, ENGAGEMENT_LEAD, MODERATOR, User
from portal import job_records
from portal.auth import allow
from portal.csrf import require_csrf
from portal.dependencies import Db, RowId
from portal.job_kinds import AUDIT, CLASSIFY, IMPORT, REINDEX, SYNC, THEMES
from portal.job_queue import job_queue
from portal.templating import render, url

router = APIRouter(include_in_schema=False)
Staff = Annotated[User, Depends(allow(ENGAGEMENT_LEAD, MODERATOR, ADMIN))]
WHO_SEES = {THEMES: (ENGAGEMENT_LEAD, ADMIN), CLASSIFY: (ENGAGEMENT_LEAD, ADMIN), IMPORT: (ADMIN,),
            REINDEX: (ADMIN,), SYNC: (ADMIN,), AUDIT: (MODERATOR, ADMIN)}


def started_from(job: job_records.Job) -> str:
    """The page that started a job, which shows it."""
    if job.kind == THEMES:
        return f"/surveys/manage/{job.params.get('survey_id', '')}/results"
    if job.kind == CLASSIFY:
        return f"/surveys/manage/{job.params.get('survey_id', '')}/codes/{job.params.get('question_id', '')}"
    if job.kind == AUDIT:
        return "/moderation/audit"
    return "/admin/import"


def _visible(db: Db, user: User, job_id: int) -> job_records.Job:
    job = job_records.get(db, job_id)
    if job is None or job.kind not in WHO_SEES:
        raise HTTPException(status_code=404, detail="job")
    if user.role not in WHO_SEES[job.kind]:
        raise HTTPException(status_code=403, detail="role")
    return job


def status_values(request: Request, job: job_records.Job) -> dict[str, object]:
    """What jobs/_status.html needs: the job, and the page that shows it (to check again, or see the result)."""
    return {"job": job, "back": url(request, started_from(job))}


@router.get("/jobs/{job_id}")
def job_status(request: Request, db: Db, user: Staff, job_id: RowId) -> Response:
    """The status box alone (what htmx swaps in), or, asked for as a page, the page that shows it."""
    job = _visible(db, user, job_id)
    if request.headers.get("hx-request") != "true":
        return RedirectResponse(url(request, started_from(job)), status_code=303)
    return render(request, db, "jobs/_status.html", **status_values(request, job))


@router.post("/jobs/{job_id}/retry", dependencies=[Depends(require_csrf)])
def retry(request: Request, db: Db, user: Staff, job_id: RowId) -> Response:
    job = _visible(db, user, job_id)
    job_queue(request.app.state.settings).retry(job.id)
    return RedirectResponse(url(request, started_from(job)), status_code=303)
