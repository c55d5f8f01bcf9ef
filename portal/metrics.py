"""Prometheus metrics: how fast each route answers, how searches go, the job queue and the assistant.

Nothing here names a person, a query or a listing: routes are the templates they were declared with
(`/services/{service_id}`), never the path asked for. With several web processes (`portal serve --workers 2`)
and the worker, `portal serve` points PROMETHEUS_MULTIPROC_DIR at a folder they all write to, and /metrics adds
them up.
"""

from __future__ import annotations

import os
import time

import sqlite_utils
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from directory.embeddings import Embedder
from directory.search import SearchQuery, SearchResults, search

REQUEST_SECONDS = Histogram("portal_request_seconds", "Time to answer a request, by route template and method.",
                            ["route", "method", "status"],
                            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
SEARCH_SECONDS = Histogram("portal_search_seconds", "Time to search the directory (pages, API and assistant).",
                           ["channel"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5))
SEARCHES = Counter("portal_searches_total", "Searches, by whether they found anything.", ["channel", "found"])
JOB_SECONDS = Histogram("portal_job_seconds", "How long background jobs took, by kind and how they ended.",
                        ["kind", "outcome"], buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 1800))
JOBS = Gauge("portal_jobs", "Background jobs by state (queued, running, done, failed).", ["state"],
             multiprocess_mode="livemax")
ASSISTANT_UP = Gauge("portal_assistant_up", "1 when the assistant (Rasa) answered its last check, else 0.",
                     multiprocess_mode="livemax")


def measured_search(channel: str, db: sqlite_utils.Database, query: SearchQuery,
                    embedder: Embedder | None) -> SearchResults:
    """A search of the directory, its time and whether it found anything counted under `channel`."""
    started = time.perf_counter()
    found = search(db, query, embedder)
    SEARCH_SECONDS.labels(channel).observe(time.perf_counter() - started)
    SEARCHES.labels(channel, "yes" if found.total else "no").inc()
    return found


def exposition() -> tuple[bytes, str]:
    """The metrics text, added up over every process when there are several."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST


class RequestTimer:
    """Pure ASGI middleware timing each HTTP request under its route's template (or 'unmatched')."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            REQUEST_SECONDS.labels(template, scope.get("method", ""), f"{status // 100}xx").observe(
                time.perf_counter() - started)
