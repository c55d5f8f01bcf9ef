"""What the page and assistant benchmarks share: a demonstration database, free ports, waiting for a server,
and the portal running with its assistant."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from directory import index, seed
from directory.embeddings import Embedder
from directory.store import open_db
from portal.assistant_services import AssistantServices


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def demo_database(folder: Path, embedder: Embedder) -> Path:
    """The demonstration directory, loaded and embedded, in a new database in `folder`."""
    path = folder / "portal.db"
    db = open_db(path)
    seed.load_demo(db)
    index.refresh_embeddings(db, embedder)
    db.close()
    return path


def wait_until_up(base: str, path: str = "/", timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}{path}", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.5)
    raise RuntimeError(f"{base} did not start within {timeout_s:.0f} s")


@dataclass(frozen=True)
class Running:
    portal: str  # the portal's address
    rasa: str  # Rasa's, for timing a turn without the portal
    db_path: Path


@contextlib.contextmanager
def assistant_running(embedder: Embedder) -> Iterator[Running]:
    """The portal over the demonstration directory, with Rasa and the action server, all on loopback."""
    with tempfile.TemporaryDirectory() as folder:
        db_path = demo_database(Path(folder), embedder)
        port = free_port()
        services = AssistantServices(portal_url=f"http://127.0.0.1:{port}", rasa_port=free_port(),
                                     actions_port=free_port())
        services.start(Path(folder) / "logs")
        env = {**os.environ, "PORTAL_DB": str(db_path), "PORTAL_SECRET_KEY": "bench",
               "PORTAL_RASA_URL": services.rasa_url}
        portal = subprocess.Popen([sys.executable, "-m", "portal.cli", "serve", "--port", str(port)],
                                  env=env, stdout=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(base, "/chat")
            yield Running(base, services.rasa_url, db_path)
        finally:
            portal.terminate()
            portal.wait(timeout=30)
            services.stop()
