"""Someone running the portal can ask whether it is alive and whether each thing it depends on is ready."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from portal.app import create_app
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
