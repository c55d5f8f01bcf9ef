"""What the page and assistant benchmarks share: a demonstration database, free ports, waiting for a server."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import httpx

from directory import index, seed
from directory.embeddings import Embedder
from directory.store import open_db


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
