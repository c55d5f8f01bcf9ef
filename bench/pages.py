"""The results page under load, and what the home and results pages weigh on a first visit.

`wrk` (Debian's package) drives `portal serve --workers 2` on 127.0.0.1 for 30 seconds, asking for the
htmx results fragment residents get as they type, over 20 resident-style searches near a postcode.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.servers import demo_database, free_port, wait_until_up
from directory.embeddings import Embedder
from portal.page_weight import page_weight

DURATION_S = 30
CONNECTIONS = 16
WORKERS = 2
SCRIPT = Path(__file__).with_name("wrk_results.lua")


@dataclass
class LoadResult:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    home_kb: float
    results_kb: float


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def run(embedder: Embedder) -> LoadResult:
    if not shutil.which("wrk"):
        raise SystemExit("bench: the results page load test needs wrk (apt-get install wrk); `make bench` installs it")
    with tempfile.TemporaryDirectory() as folder:
        db_path = demo_database(Path(folder), embedder)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "PORTAL_DB": str(db_path), "PORTAL_SECRET_KEY": "bench"}
        server = subprocess.Popen([sys.executable, "-m", "portal.cli", "serve", "--port", str(port),
                                   "--workers", str(WORKERS)], env=env, stdout=subprocess.DEVNULL)
        try:
            wait_until_up(base)
            with httpx.Client(base_url=base) as client:
                home = page_weight("/", lambda p: client.get(p).content)
                results = page_weight("/search?q=I+can%27t+pay+my+rent&postcode=SE6+4RU",
                                      lambda p: client.get(p).content)
            subprocess.run(["wrk", "-t1", f"-c{CONNECTIONS}", "-d5s", "-s", str(SCRIPT), base],
                           check=True, capture_output=True)  # warm: every worker embeds each query once
            report = subprocess.run(["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{DURATION_S}s", "--latency",
                                     "-s", str(SCRIPT), base], check=True, capture_output=True, text=True).stdout
        finally:
            server.terminate()
            server.wait(timeout=30)
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", report))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", report))
    return LoadResult(
        requests_per_s=float(re.search(r"Requests/sec:\s+([\d.]+)", report).group(1)),
        p50_ms=_ms(re.search(r"50%\s+(\S+)", report).group(1)),
        p99_ms=_ms(re.search(r"99%\s+(\S+)", report).group(1)),
        requests=int(re.search(r"(\d+) requests in", report).group(1)),
        errors=errors, home_kb=home.total / 1024, results_kb=results.total / 1024,
    )


def table(result: LoadResult) -> str:
    return "\n".join([
        "| measure | figure | target |",
        "|---|---:|---:|",
        f"| results fragment, requests per second ({DURATION_S} s, {CONNECTIONS} connections, {WORKERS} workers) "
        f"| {result.requests_per_s:.0f} | ≥ 150 |",
        f"| results fragment p50 / p99 (ms) | {result.p50_ms:.1f} / {result.p99_ms:.1f} | p99 ≤ 300 |",
        f"| requests answered (errors) | {result.requests:,} ({result.errors}) | 0 errors |",
        f"| home page, first visit, compressed (KB) | {result.home_kb:.1f} | |",
        f"| results page, first visit, compressed (KB) | {result.results_kb:.1f} | ≤ 60 |",
    ])
