"""The public search API at 5,000 listings, against the one thing it cannot avoid: embedding the query.

`portal serve` (one worker) over the 5,000-listing synthetic directory (`bench/latency.py` builds it) on
127.0.0.1 answers `/api/v1/services?text=` for 100 distinct resident-style searches, one at a time; in the
same run, in blocks of ten taken in turn with the API's, the same model embeds 100 other distinct searches in
this process. Targets (issue 14): p50 at most
2 × one query-embedding forward pass, p95 at most 3 ×.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench import latency
from bench.servers import free_port, wait_until_up
from directory.embeddings import Embedder

SIZE = 5000
ROUNDS = 5


@dataclass
class ApiLatency:
    listings: int
    searches: int
    forward_p50_ms: float
    forward_p95_ms: float
    api_p50_ms: float
    api_p95_ms: float


def _texts(variant: str) -> list[str]:
    """Distinct searches, so no cache answers one: each query with a different trailing word per round."""
    return [f"{text} {variant}{n}" for n in range(ROUNDS) for text in latency.QUERIES]


def run(embedder: Embedder, workdir: Path = latency.WORKDIR) -> ApiLatency:
    """Blocks of in-process forward passes and of API searches, taken in turn, so that both meet the same
    moments of a shared machine (its speed varies by a third from one minute to the next)."""
    latency.build(SIZE, embedder, workdir)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PORTAL_DB": str(workdir / f"bench-{SIZE}.db"), "PORTAL_SECRET_KEY": "bench",
           "PORTAL_LOG_SEARCHES": "0"}
    server = subprocess.Popen([sys.executable, "-m", "portal.cli", "serve", "--port", str(port), "--workers", "1"],
                              env=env, stdout=subprocess.DEVNULL)
    forward, answered = [], []
    try:
        wait_until_up(base, "/api/v1/services?per_page=1")
        with httpx.Client(base_url=base, timeout=30) as client:
            client.get("/api/v1/services", params={"text": "warm up"})
            embedder.embed_search("warm up")
            for n, (mine, theirs) in enumerate(zip(_blocks("please"), _blocks("today"), strict=True)):
                # Each block starts with one pass and one search not counted, on both sides alike: the first
                # after the other process ran finds its caches taken and its threads asleep.
                embedder.embed_search(f"settling in {n}")
                for text in mine:
                    start = time.perf_counter()
                    embedder.embed_search(text)
                    forward.append((time.perf_counter() - start) * 1000)
                client.get("/api/v1/services", params={"text": f"settling in {n}"})
                for text in theirs:
                    start = time.perf_counter()
                    client.get("/api/v1/services", params={"text": text}).raise_for_status()
                    answered.append((time.perf_counter() - start) * 1000)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return ApiLatency(SIZE, len(answered), statistics.median(forward), latency._percentile(forward, 0.95),
                      statistics.median(answered), latency._percentile(answered, 0.95))


def _blocks(variant: str, size: int = 10) -> list[list[str]]:
    texts = _texts(variant)
    return [texts[start:start + size] for start in range(0, len(texts), size)]


def table(result: ApiLatency) -> str:
    p50, p95 = result.api_p50_ms / result.forward_p50_ms, result.api_p95_ms / result.forward_p50_ms
    return "\n".join([
        f"{result.searches} distinct searches, one at a time, over the {result.listings:,}-listing synthetic "
        "directory.",
        "",
        "| | p50 (ms) | p95 (ms) | ÷ one forward pass (p50) |", "|---|---:|---:|---:|",
        f"| one query-embedding forward pass, in process | {result.forward_p50_ms:.1f} | "
        f"{result.forward_p95_ms:.1f} | 1.00× |",
        f"| `GET /api/v1/services?text=` over HTTP | {result.api_p50_ms:.1f} | {result.api_p95_ms:.1f} | "
        f"p50 {p50:.2f}× (target ≤ 2), p95 {p95:.2f}× (target ≤ 3) |",
    ])
