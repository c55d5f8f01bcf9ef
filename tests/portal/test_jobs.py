"""Long work leaves the request: the page answers at once, the worker does the job, the page shows how it went.
A job survives a restart, runs once however often it is handed over, and a failed one says why."""

from __future__ import annotations

import json
import re

import pytest
import sqlite_utils
from fastapi.testclient import TestClient

from directory.history import versions
from portal import job_kinds, job_records
from portal.job_queue import JobQueue, job_queue
from portal.routes import import_pages
from portal.settings import Settings
from tests.builders import service
from tests.portal.staff import run_jobs, sign_in, staff, token


@pytest.fixture
def admin(client: TestClient, seeded_db: sqlite_utils.Database):  # noqa: ANN201
    people = staff(seeded_db)
    sign_in(client, people["admin"].email)
    return people["admin"]


def upload(client: TestClient, content: bytes, name: str = "feed.json"):  # noqa: ANN201
    return client.post("/admin/import", data={"csrf_token": token(client, "/admin/import")},
                       files={"feed": (name, content, "application/json")}, follow_redirects=False)


FEED = [service(f"upload-{i}", f"Upload test club {i}", "Meeting neighbours on Thursdays.") for i in range(120)]


def test_an_administrator_imports_a_feed_as_a_job_and_the_page_shows_how_it_went(
        client: TestClient, seeded_db: sqlite_utils.Database, admin) -> None:  # noqa: ANN001
    before = seeded_db["services"].count
    answer = upload(client, json.dumps(FEED).encode())
    assert answer.status_code == 303 and seeded_db["services"].count == before  # answered before any import
    waiting = client.get("/admin/import").text
    assert "Waiting to start." in waiting and 'hx-trigger="every 2s"' in waiting
    assert run_jobs(client) == 1
    done = client.get("/admin/import").text
    assert "Finished." in done and "120 new listings and 0 updated." in done
    assert seeded_db["services"].count == before + 120
    [job] = job_records.recent(seeded_db, job_kinds.IMPORT)
    assert job.result["embedded"] == 120 and job.params.get("undo") is None
    assert not list((seeded_db_path(seeded_db).parent / "imports").glob("*.json"))  # the upload is not kept
    assert versions(seeded_db, FEED[0]["id"])[0].action == "imported"


def seeded_db_path(db: sqlite_utils.Database):  # noqa: ANN201
    from pathlib import Path

    return Path(db.execute("pragma database_list").fetchone()[2])


def test_a_feed_with_a_wrong_record_imports_nothing_and_the_page_says_which(
        client: TestClient, seeded_db: sqlite_utils.Database, admin) -> None:  # noqa: ANN001
    before = seeded_db["services"].count
    wrong = [*FEED[:3], {**FEED[3], "name": 42}]
    upload(client, json.dumps(wrong).encode())
    run_jobs(client)
    page = client.get("/admin/import").text
    assert "This did not finish." in page and "Nothing was imported: 1 problem(s) found." in page
    assert "record 4" in page and seeded_db["services"].count == before
    assert re.search(r'action="/jobs/\d+/retry"', page)


def test_a_file_that_is_not_a_feed_or_too_big_is_refused_on_the_form(
        client: TestClient, admin, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    empty = upload(client, b"")
    assert empty.status_code == 400 and "Choose an Open Referral UK feed" in empty.text
    monkeypatch.setattr(import_pages, "FEED_LIMIT", 1000)
    big = upload(client, b"[" + b" " * 2000 + b"]")
    assert big.status_code == 400 and "bigger than 50 MB" in big.text
    not_json = upload(client, b"name,phone\nA,1\n", "feed.csv")
    assert not_json.status_code == 303
    run_jobs(client)
    assert "is not valid JSON" in client.get("/admin/import").text


def test_only_administrators_import_or_see_imports(client: TestClient, seeded_db: sqlite_utils.Database) -> None:
    people = staff(seeded_db)
    sign_in(client, people["engagement_lead"].email)
    assert client.get("/admin/import", follow_redirects=False).status_code == 403
    job = job_records.create(seeded_db, job_kinds.IMPORT, "directory", {"file": "x"}, people["admin"].id)
    assert client.get(f"/jobs/{job}", headers={"HX-Request": "true"}).status_code == 403


def test_rebuilding_the_index_is_a_job_too(client: TestClient, seeded_db: sqlite_utils.Database, admin) -> None:
    seeded_db.execute("delete from search_words")
    seeded_db.conn.commit()
    client.post("/admin/reindex", data={"csrf_token": token(client, "/admin/import")})
    client.post("/admin/reindex", data={"csrf_token": token(client, "/admin/import")})  # not queued twice
    assert run_jobs(client) == 1
    assert seeded_db["search_words"].count == seeded_db["services"].count
    assert "Words indexed for" in client.get("/admin/import").text


def test_a_job_survives_a_restart_and_runs_once_however_often_it_is_handed_over(
        seeded_path, seeded_db: sqlite_utils.Database) -> None:  # noqa: ANN001
    settings = Settings(db=seeded_path)
    before = JobQueue(settings)
    job = before.submit(job_kinds.REINDEX, "directory", {}, "test")
    after = JobQueue(settings)  # a new process: only the files are shared
    assert after.waiting() == 1
    seeded_db.execute("update jobs set status = 'running' where id = ?", [job])  # as if stopped mid-job
    seeded_db.conn.commit()
    assert after.recover() == 1  # handed over again when the worker starts
    assert after.work_waiting() == 2  # twice on the queue...
    ended = job_records.get(seeded_db, job)
    assert (ended.status, ended.attempts) == (job_records.DONE, 1)  # ...run once


def test_an_interrupted_import_puts_back_what_it_wrote_then_runs_again(
        seeded_path, seeded_db: sqlite_utils.Database, tmp_path) -> None:  # noqa: ANN001
    """What a restart finds after the worker was killed part-way through an import: the undo it kept."""
    from directory import oruk

    settings = Settings(db=seeded_path)
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps(FEED))
    queue = job_queue(settings)
    job = queue.submit(job_kinds.IMPORT, "directory", {"file": str(feed)}, "test")
    claimed = job_records.claim(seeded_db, job)  # the first run starts...
    before = {record["id"]: None for record in FEED}
    job_records.keep(seeded_db, job, {**claimed.params, "undo": before})
    oruk.import_services(seeded_db, FEED[:50])  # ...writes a batch, and is killed
    assert queue.recover() == 1
    queue.work_waiting()
    ended = job_records.get(seeded_db, job)
    assert ended.status == job_records.DONE and ended.result["created"] + ended.result["updated"] == 120
    hidden = seeded_db.execute("select count(*) from services where id in ({}) and publication_status != "
                               "'published'".format(",".join("?" * 120)), [r["id"] for r in FEED]).fetchone()[0]
    assert hidden == 0
