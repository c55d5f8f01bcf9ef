"""Handing jobs to the worker: huey's queue in its own SQLite file beside the database, no other server needed.

A page creates the job's row (portal/job_records.py), then puts the job's number on the queue; the worker
(`portal worker`, started and stopped by `portal serve`) takes numbers off it and runs the job's kind
(portal/job_kinds.py). The queue survives a restart because it is a file; a job that was running when the
worker stopped is queued again when it starts (`recover`), and claiming makes sure it runs once.
"""

from __future__ import annotations

import logging
import os
from contextlib import closing
from functools import cache
from pathlib import Path
from typing import Any

from huey import SqliteHuey, crontab

from directory.store import connect, open_db
from portal import job_records
from portal.settings import Settings

log = logging.getLogger(__name__)


def queue_file(settings: Settings) -> Path:
    """`var/portal.db` keeps its queue in `var/portal.jobs.db`: the worker's busy writes never wait on
    the directory's lock, nor it on theirs."""
    return settings.db.with_name(settings.db.stem + ".jobs.db")


def pid_file(settings: Settings) -> Path:
    return settings.db.with_name(settings.db.stem + ".worker.pid")


class JobQueue:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.huey = SqliteHuey("neighbourhood-portal", filename=str(queue_file(settings)), results=False,
                               utc=True, timeout=30)

        @self.huey.task(name="run_job")
        def run_job(job_id: int) -> None:
            from portal import job_kinds  # the kinds load the model and the mail settings: only in the worker

            job_kinds.run(self.settings, job_id)

        self._run_job = run_job

        @self.huey.periodic_task(crontab(minute="*"), name="due_syncs")
        def due_syncs() -> None:
            self.queue_due_syncs()

        @self.huey.periodic_task(crontab(minute="5"), name="referral_upkeep")
        def referral_upkeep() -> None:
            self.queue_referral_upkeep()

    def submit(self, kind: str, subject: str, params: dict[str, Any], by: str) -> int:
        """Record a job and hand it to the worker; returns its number at once."""
        with closing(connect(self.settings.db)) as db:
            job_id = job_records.create(db, kind, subject, params, by)
        self._run_job(job_id)
        return job_id

    def submit_once(self, kind: str, subject: str, params: dict[str, Any], by: str) -> int | None:
        """Hand over a job unless one of this kind for this subject is already waiting or running (a second
        press of "Run" does not queue a second run); returns its number, or None if one was waiting."""
        with closing(connect(self.settings.db)) as db:
            current = job_records.latest(db, kind, subject)
        if current is not None and not current.finished:
            return None
        return self.submit(kind, subject, params, by)

    def queue_due_syncs(self) -> int:
        """Hand the worker a sync for each source whose schedule says it is due and that has none waiting or
        running (the worker asks every minute); returns how many."""
        from directory import sources
        from portal.job_kinds import SYNC

        with closing(connect(self.settings.db)) as db:
            wanted = sources.due(db)
        return sum(self.submit_once(SYNC, name, {"source": name}, "schedule") is not None for name in wanted)

    def queue_referral_upkeep(self) -> int:
        """Every hour: remind organisations of late referrals not yet reminded (when email is set up), and erase
        details kept past their time. Each is a job like any other (listed, retried), never work inside a web
        request, and queued only when there is something to do; returns how many were queued."""
        from portal import mail
        from portal.job_kinds import REFERRAL_ERASURE, REFERRAL_REMINDERS
        from referrals import follow_up, store

        settings = self.settings
        with closing(connect(settings.db)) as db:
            late = mail.configured(settings) and any(
                not item.reminded for item in follow_up.overdue(db, accept_days=settings.referral_accept_days,
                                                                contact_days=settings.referral_contact_days))
            due = bool(store.due_for_erasure(db, settings.referral_keep_months))
        wanted = [kind for kind, needed in ((REFERRAL_REMINDERS, late), (REFERRAL_ERASURE, due)) if needed]
        return sum(self.submit_once(kind, "referrals", {}, "schedule") is not None for kind in wanted)

    def retry(self, job_id: int) -> bool:
        """Queue a failed job again; False if it had not failed."""
        with closing(connect(self.settings.db)) as db:
            again = job_records.requeue(db, job_id)
        if again:
            self._run_job(job_id)
        return again

    def recover(self) -> int:
        """When the worker starts: hand over again every job not finished (one running when the worker stopped
        was interrupted). A job handed over twice runs once. Returns how many."""
        with closing(open_db(self.settings.db)) as db:
            waiting = job_records.unfinished(db)
            for job_id in waiting:
                job_records.requeue(db, job_id, (job_records.RUNNING,))
        for job_id in waiting:
            self._run_job(job_id)
        return len(waiting)

    def work_waiting(self) -> int:
        """Run every job waiting, here and now, one after another (for tests and `portal jobs run`)."""
        ran = 0
        while (task := self.huey.dequeue()) is not None:
            self.huey.execute(task)
            ran += 1
        return ran

    def waiting(self) -> int:
        return self.huey.pending_count()

    def serve(self) -> None:
        """Run the worker until it is told to stop (SIGTERM or SIGINT): one job at a time, niced, so residents'
        searches in the web processes come first for the processor."""
        os.nice(10)
        pid = pid_file(self.settings)
        pid.write_text(str(os.getpid()))
        try:
            recovered = self.recover()
            if recovered:
                log.warning("worker: %s unfinished jobs handed over again", recovered)
            self.huey.create_consumer(workers=1, worker_type="thread", periodic=True).run()
        finally:
            pid.unlink(missing_ok=True)


@cache
def _queues(db: Path) -> JobQueue:
    return JobQueue(Settings(db=db))


def job_queue(settings: Settings) -> JobQueue:
    """The queue for this database; the settings of the first caller in a process are the ones its jobs use."""
    queue = _queues(settings.db)
    queue.settings = settings
    return queue


def worker_alive(settings: Settings) -> bool:
    """Whether the worker for this database is running on this machine (its pid file names a live process)."""
    try:
        pid = int(pid_file(settings).read_text())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return False
    return True
