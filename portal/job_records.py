"""What each background job is, how far it has got, and how it ended: the rows the pages that start jobs show.

The queue that hands jobs to the worker is huey's (portal/job_queue.py); a job's row here is the truth about
it. A job moves queued -> running -> done or failed; only a queued job can be claimed, so a job handed out
twice (after a restart) runs once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
ERROR_LIMIT = 20000  # characters of a failure's reason kept (an import lists every wrong record)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Job:
    id: int
    kind: str
    subject: str
    status: str
    done: int
    total: int
    error: str
    attempts: int
    created_by: str
    created_at: str
    started_at: str | None
    finished_at: str | None
    params: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.status in (DONE, FAILED)

    @property
    def percent(self) -> int | None:
        return round(100 * self.done / self.total) if self.total else None


_COLUMNS = ("id, kind, subject, status, done, total, error, attempts, created_by, created_at, started_at, "
            "finished_at, params, result")


def _job(row: tuple[Any, ...]) -> Job:
    *fixed, params, result = row
    return Job(*fixed, params=json.loads(params or "{}"), result=json.loads(result or "{}"))


def create(db: sqlite_utils.Database, kind: str, subject: str, params: dict[str, Any], by: str) -> int:
    """A queued job, committed so the worker can see it as soon as it is handed over."""
    with db.atomic():
        cursor = db.execute("insert into jobs (kind, subject, params, status, created_by, created_at) "
                            "values (?, ?, ?, ?, ?, ?)",
                            [kind, subject, json.dumps(params, ensure_ascii=False), QUEUED, by, _now()])
    return int(cursor.lastrowid)


def get(db: sqlite_utils.Database, job_id: int) -> Job | None:
    row = db.execute(f"select {_COLUMNS} from jobs where id = ?", [job_id]).fetchone()
    return _job(row) if row else None


def latest(db: sqlite_utils.Database, kind: str, subject: str) -> Job | None:
    """The newest job of this kind about this subject (a survey question, the directory), for its page."""
    row = db.execute(f"select {_COLUMNS} from jobs where kind = ? and subject = ? order by id desc limit 1",
                     [kind, subject]).fetchone()
    return _job(row) if row else None


def worth_showing(db: sqlite_utils.Database, kind: str, subject: str, hours: float = 1) -> Job | None:
    """The subject's latest job of a kind while its page should show it: running, failed, or finished lately."""
    job = latest(db, kind, subject)
    if job is None or job.status != DONE:
        return job
    finished = datetime.fromisoformat(job.finished_at or job.created_at)
    return job if (datetime.now(UTC) - finished).total_seconds() < hours * 3600 else None


def recent(db: sqlite_utils.Database, kind: str, limit: int = 10) -> list[Job]:
    return [_job(row) for row in db.execute(f"select {_COLUMNS} from jobs where kind = ? order by id desc limit ?",
                                            [kind, limit])]


def claim(db: sqlite_utils.Database, job_id: int) -> Job | None:
    """Start a queued job; None if it is not queued (already run, or being run)."""
    with db.atomic():
        cursor = db.execute("update jobs set status = ?, attempts = attempts + 1, started_at = ?, done = 0, "
                            "error = '' where id = ? and status = ?", [RUNNING, _now(), job_id, QUEUED])
    return get(db, job_id) if cursor.rowcount == 1 else None


def progress(db: sqlite_utils.Database, job_id: int, done: int, total: int) -> None:
    with db.atomic():
        db.execute("update jobs set done = ?, total = ? where id = ?", [done, total, job_id])


def keep(db: sqlite_utils.Database, job_id: int, params: dict[str, Any]) -> None:
    """Save what the job needs to carry on or put things back after a restart."""
    with db.atomic():
        db.execute("update jobs set params = ? where id = ?", [json.dumps(params, ensure_ascii=False), job_id])


def finish(db: sqlite_utils.Database, job_id: int, result: dict[str, Any], forget_params: bool = False) -> None:
    with db.atomic():
        db.execute("update jobs set status = ?, result = ?, finished_at = ?, done = max(done, total) "
                   + (", params = '{}'" if forget_params else "") + " where id = ?",
                   [DONE, json.dumps(result, ensure_ascii=False), _now(), job_id])


def fail(db: sqlite_utils.Database, job_id: int, error: str) -> None:
    with db.atomic():
        db.execute("update jobs set status = ?, error = ?, finished_at = ? where id = ?",
                   [FAILED, error[:ERROR_LIMIT], _now(), job_id])


def requeue(db: sqlite_utils.Database, job_id: int, statuses: tuple[str, ...] = (FAILED,)) -> bool:
    """Queue a failed job again (someone asked to try again); False if it was not failed."""
    with db.atomic():
        cursor = db.execute(f"update jobs set status = ?, finished_at = null where id = ? and status in "
                            f"({','.join('?' * len(statuses))})", [QUEUED, job_id, *statuses])
    return cursor.rowcount == 1


def unfinished(db: sqlite_utils.Database) -> list[int]:
    """Jobs queued or running, oldest first: after a restart, the running ones were interrupted."""
    return [row[0] for row in db.execute("select id from jobs where status in (?, ?) order by id",
                                         [QUEUED, RUNNING])]


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    """How many jobs are in each state, for /readyz and the metrics."""
    return dict(db.execute("select status, count(*) from jobs group by status").fetchall())
