"""Someone running the portal can ask whether it is alive and whether each thing it depends on is ready."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi.testclient import TestClient

from portal.app import create_app
from portal.job_kinds import REINDEX
from portal.job_queue import job_queue, pid_file
from portal.settings import Settings


def test_alive_is_a_plain_ok(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_ready_reports_the_database_the_model_the_assistant_and_the_worker(seeded_path: Path) -> None:
    settings = Settings(db=seeded_path, secret_key="x", rasa_url="http://127.0.0.1:9")  # nothing listens there
    with TestClient(create_app(settings)) as client:
        ready = client.get("/readyz")
    body = ready.json()
    assert ready.status_code == 200 and body["status"] == "ready"
    assert set(body["checks"]) == {"database", "model", "assistant", "worker"}
    assert body["checks"]["database"]["ok"] and body["checks"]["model"]["ok"]
    assert body["checks"]["assistant"] == {"ok": False,
                                           "detail": "not answering: the chat answers from the directory"}
    assert ready.headers["cache-control"] == "no-store"


def test_not_ready_when_the_database_cannot_be_read(seeded_path: Path) -> None:
    settings = Settings(db=seeded_path, secret_key="x", embedder="none")
    with TestClient(create_app(settings)) as client:
        seeded_path.unlink()
        seeded_path.mkdir()  # the file is gone and a folder is in its place: nothing can be read
        ready = client.get("/readyz")
    assert ready.status_code == 503 and not ready.json()["checks"]["database"]["ok"]


def test_ready_says_whether_the_worker_runs_and_how_many_jobs_wait(seeded_path: Path) -> None:
    settings = Settings(db=seeded_path, secret_key="x", embedder="none")
    with TestClient(create_app(settings)) as client:
        job_queue(settings).submit(REINDEX, "directory", {}, "test")
        absent = client.get("/readyz").json()["checks"]["worker"]
        pid_file(settings).write_text(str(os.getpid()))  # a live process holds the worker's pid file
        present = client.get("/readyz").json()["checks"]["worker"]
    assert absent["ok"] is False and absent["waiting"] == 1 and "portal worker" in absent["detail"]
    assert present["ok"] is True and present["detail"] == "running"


def test_metrics_count_requests_by_route_template_searches_and_jobs_for_this_machine_only(seeded_path: Path) -> None:
    settings = Settings(db=seeded_path, secret_key="x", embedder="none")
    app = create_app(settings)
    with TestClient(app, client=("127.0.0.1", 50000)) as local, TestClient(app) as elsewhere:
        local.get("/search", params={"q": "food bank"})
        local.get("/search", params={"q": "zzqxv wibble"})
        local.get("/services/not-a-listing")
        text = local.get("/metrics").text
        assert elsewhere.get("/metrics").status_code == 404  # another machine (Starlette's "testclient")
    assert 'portal_request_seconds_count{method="GET",route="/search",status="2xx"}' in text
    assert 'route="/services/{service_id}"' in text and "not-a-listing" not in text  # templates, never paths
    assert "food bank" not in text and "wibble" not in text  # no one's words
    assert 'portal_searches_total{channel="pages",found="yes"}' in text
    assert 'portal_searches_total{channel="pages",found="no"}' in text
    assert 'portal_jobs{state="queued"}' in text and "portal_assistant_up" in text
