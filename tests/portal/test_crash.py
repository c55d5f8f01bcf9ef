"""kill -9 in the middle of long work: the database stays whole, nothing half-written is visible, and the work
is finished when the worker starts again. Each test kills a real process at a moment it chooses by watching
the job's progress, not by the clock."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlite_utils

from directory.history import latest_version, version
from directory.store import open_db
from directory.translations import load_listing
from portal import job_kinds, job_records
from portal.job_queue import JobQueue
from portal.settings import Settings
from surveys import answers, store
from surveys.questions import TEXT, Question
from tests.builders import service

pytestmark = pytest.mark.slow
DEADLINE_S = 240  # generous, for a loaded machine: these wait for a state, never for a time


def _worker(db: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "portal.cli", "worker", "--db", str(db)],
                            env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.01)


def _job(db_path: Path, job_id: int) -> job_records.Job:
    db = sqlite_utils.Database(db_path)
    try:
        return job_records.get(db, job_id)
    finally:
        db.close()


def _kill_when(process: subprocess.Popen, db_path: Path, job_id: int, part_way: Callable[[job_records.Job], bool],
               what: str) -> None:
    _until(lambda: part_way(_job(db_path, job_id)) or process.poll() is not None, what)
    assert process.poll() is None, "the job finished before it could be interrupted: give it more to do"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def _after_a_restart(db_path: Path, job_id: int, **env: str) -> str:
    """Start the worker again, wait for the interrupted job to end, stop the worker; how the job ended."""
    restarted = _worker(db_path, **env)
    try:
        _until(lambda: _job(db_path, job_id).finished, "the job to finish after the restart")
    finally:
        restarted.terminate()
        restarted.wait(timeout=30)
    return _job(db_path, job_id).status


def _whole(db: sqlite_utils.Database) -> None:
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert db.execute("pragma foreign_key_check").fetchall() == []


def _every_listing_is_its_latest_version(db: sqlite_utils.Database, ids: list[str]) -> None:
    """What residents see of each listing is exactly a version in its history: nothing half-written."""
    for sid in ids:
        live = load_listing(db, sid)
        if live is not None:
            assert version(db, sid, latest_version(db, sid)).record == live, sid


def test_kill_9_during_an_import_then_the_worker_puts_it_right(seeded_path: Path, tmp_path: Path) -> None:
    feed = [service(f"crash-{i}", f"Crash test club {i}", f"Meets on day {i}.") for i in range(1500)]
    file = tmp_path / "feed.json"
    file.write_text(json.dumps(feed))
    job_id = JobQueue(Settings(db=seeded_path)).submit(job_kinds.IMPORT, "directory", {"file": str(file)}, "test")
    worker = _worker(seeded_path, PORTAL_EMBEDDER="none")
    _kill_when(worker, seeded_path, job_id, lambda job: 100 <= job.done < len(feed), "the import to be part-way")
    db = open_db(seeded_path)
    _whole(db)
    ids = [record["id"] for record in feed]
    _every_listing_is_its_latest_version(db, ids)
    assert job_records.get(db, job_id).status == job_records.RUNNING  # interrupted, as the row says
    assert _after_a_restart(seeded_path, job_id, PORTAL_EMBEDDER="none") == job_records.DONE
    _whole(db)
    _every_listing_is_its_latest_version(db, ids)
    published = db.execute(f"select count(*) from services where publication_status = 'published' and id in "
                           f"({','.join('?' * len(ids))})", ids).fetchone()[0]
    assert published == len(feed)
    assert db.execute(f"select count(*) from search_words where service_id in ({','.join('?' * len(ids))})",
                      ids).fetchone()[0] == len(feed)


def test_kill_9_during_theming_then_the_worker_finishes_it(seeded_path: Path) -> None:
    db = open_db(seeded_path)
    survey = store.create_survey(db, "Crash", "Why", "", "2026-01-01", "2099-01-01", "lead")
    question = store.save_question(db, survey.id, Question("", TEXT, "What would help?"))
    store.update_survey(db, survey.id, published=1)
    survey = store.get_survey(db, survey.id)
    topics = ["fresh fruit", "evening opening", "a lift at the station", "help with forms", "childcare",
              "buses at night", "warm spaces", "English classes"]
    for n in range(400):
        answers.submit(db, survey, {question.id: f"{topics[n % len(topics)]} please, idea number {n}"}, "en")
    job_id = JobQueue(Settings(db=seeded_path)).submit(
        job_kinds.THEMES, question.id, {"survey_id": survey.id, "question_id": question.id}, "lead")
    worker = _worker(seeded_path)
    _kill_when(worker, seeded_path, job_id, lambda job: job.status == "running" and 0 < job.done < job.total,
               "theming to be part-way")
    _whole(db)
    assert db.execute("select count(*) from survey_theme_members").fetchone()[0] == 0  # all or nothing
    assert _after_a_restart(seeded_path, job_id) == job_records.DONE
    _whole(db)
    assert db.execute("select count(*) from survey_theme_members where question_id = ?",
                      [question.id]).fetchone()[0] == 400
    assert db.execute("select count(*) from survey_theme_members m left join survey_themes t on t.id = m.theme_id "
                      "where t.id is null").fetchone()[0] == 0


APPROVING = """
import sys
from directory import changes
from directory.store import open_db
from directory.translations import load_listing
db = open_db(sys.argv[1])
for n, (sid,) in enumerate(db.execute("select id from services order by id").fetchall()):
    made = changes.propose(db, {**load_listing(db, sid), "fees": f"Approved change {n}"}, "editor")
    changes.approve(db, made.id, "moderator")
    print(n, flush=True)
"""


def test_kill_9_during_approvals_leaves_every_listing_a_version_of_itself(seeded_path: Path) -> None:
    approving = subprocess.Popen([sys.executable, "-c", APPROVING, str(seeded_path)], stdout=subprocess.PIPE,
                                 text=True)
    for _ in range(10):  # some approvals done, more under way
        approving.stdout.readline()
    os.kill(approving.pid, signal.SIGKILL)
    approving.wait()
    db = open_db(seeded_path)
    _whole(db)
    ids = [row[0] for row in db.execute("select id from services")]
    _every_listing_is_its_latest_version(db, ids)
    approved = db.execute("select count(*) from listing_changes where status = 'approved'").fetchone()[0]
    changed = db.execute("select count(*) from services where fees like 'Approved change %'").fetchone()[0]
    assert approved == changed >= 10  # an approval and its publishing commit together, or neither does
