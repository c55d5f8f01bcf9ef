"""Whether the portal is alive, and whether what it depends on is ready: for a load balancer, systemd or a
person on call. Nothing here names a resident or a listing."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, HTTPException, Request
from starlette.responses import JSONResponse, Response

from directory.embeddings import Embedder
from directory.store import connect
from portal import job_records, metrics
from portal.dependencies import client_address, get_embedder
from portal.job_queue import worker_alive

router = APIRouter(include_in_schema=False)
ASSISTANT_TIMEOUT_S = 2.0


@router.get("/healthz")
def alive() -> dict[str, str]:
    """The process answers: nothing else is checked, so a slow dependency never gets it restarted."""
    return {"status": "ok"}


def _database(path: Path) -> dict[str, Any]:
    """Its own connection, so a database that cannot be opened is reported rather than an error page."""
    try:
        with closing(connect(path)) as db:
            db.execute("select count(*) from schema_migrations").fetchone()
    except Exception as error:  # noqa: BLE001 - any failure to read is "not ready", said in words
        return {"ok": False, "detail": type(error).__name__}
    return {"ok": True}


def _model(request: Request, embedder: Embedder | None) -> dict[str, Any]:
    if request.app.state.settings.embedder == "none":
        return {"ok": True, "detail": "not used (PORTAL_EMBEDDER=none): search by words alone"}
    return {"ok": embedder is not None, "detail": embedder.name if embedder else "the model could not be loaded"}


def _assistant(request: Request) -> dict[str, Any]:
    rasa_url = request.app.state.settings.rasa_url
    if not rasa_url:
        return {"ok": True, "detail": "not configured: the chat answers from the directory"}
    try:
        answered = httpx.get(f"{rasa_url.rstrip('/')}/status", timeout=ASSISTANT_TIMEOUT_S).status_code < 500
    except httpx.HTTPError:
        answered = False
    return {"ok": answered, "detail": "answering" if answered else "not answering: the chat answers from the directory"}


def _worker(request: Request) -> dict[str, Any]:
    """The worker's process is alive, and how many jobs wait; queued jobs with no worker wait until it starts."""
    settings = request.app.state.settings
    try:
        with closing(connect(settings.db)) as db:
            counts = job_records.counts(db)
    except Exception:  # noqa: BLE001 - the database check says why
        counts = {}
    for state in ("queued", "running", "done", "failed"):
        metrics.JOBS.labels(state).set(counts.get(state, 0))
    alive = worker_alive(settings)
    waiting = counts.get("queued", 0)
    return {"ok": alive, "waiting": waiting, "running": counts.get("running", 0),
            "detail": "running" if alive else "not running: jobs wait until `portal worker` starts"}


@router.get("/metrics")
def prometheus(request: Request) -> Response:
    """For Prometheus on this machine only: a client elsewhere (the proxy passes the real address when
    PORTAL_TRUSTED_PROXY is set; deploy/ also keeps /metrics off the public site) gets 404."""
    if client_address(request) not in ("127.0.0.1", "::1"):
        raise HTTPException(status_code=404)
    _worker(request)  # the job gauges, fresh for each scrape
    metrics.ASSISTANT_UP.set(1 if _assistant(request)["ok"] else 0)
    body, content_type = metrics.exposition()
    return Response(body, media_type=content_type, headers={"cache-control": "no-store"})


@router.get("/readyz")
def ready(request: Request, embedder: Annotated[Embedder | None, Depends(get_embedder)]) -> JSONResponse:
    """Each dependency reported; 503 only when the database cannot be read (the portal degrades gracefully
    without the model or the assistant, and says so here)."""
    checks = {"database": _database(request.app.state.settings.db), "model": _model(request, embedder),
              "assistant": _assistant(request),
              "worker": _worker(request)}
    ready_now = checks["database"]["ok"]
    return JSONResponse({"status": "ready" if ready_now else "not ready", "checks": checks},
                        status_code=200 if ready_now else 503, headers={"cache-control": "no-store"})
