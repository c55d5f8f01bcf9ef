"""Residents' searches reach the search log through one writer thread per process, in batches.

A write per search would be hundreds of small SQLite transactions a second, queueing for the database's
one writer lock with every other worker; under load that wait landed on residents' pages. Searches are
queued instead and written together every half second. If the queue is ever full (the database stuck for
minutes), searches are dropped from the log and counted, never allowed to slow a page.
"""

from __future__ import annotations

import logging
import queue
import threading
from pathlib import Path
from typing import Any

from directory import analytics
from directory.store import connect

log = logging.getLogger(__name__)
FLUSH_EVERY_S = 0.5
MAX_PENDING = 10_000


class SearchLogWriter:
    def __init__(self, db_path: Path, enabled: bool = True) -> None:
        self.db_path = db_path
        self.enabled = enabled
        self.dropped = 0
        self._queue: queue.Queue[analytics.SearchRecord] = queue.Queue(MAX_PENDING)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.enabled and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="search-log", daemon=True)
            self._thread.start()

    def add(self, text: str, result_count: int, **details: Any) -> None:
        if not self.enabled:
            return
        try:
            self._queue.put_nowait(analytics.search_record(text, result_count, **details))
        except queue.Full:
            self.dropped += 1

    def flush(self) -> int:
        """Write everything queued now; returns how many searches were written."""
        batch: list[analytics.SearchRecord] = []
        while True:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        if batch:
            db = connect(self.db_path)
            try:
                analytics.write_searches(db, batch)
            finally:
                db.close()
        return len(batch)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self.flush()

    def _run(self) -> None:
        while not self._stop.wait(FLUSH_EVERY_S):
            try:
                self.flush()
            except Exception:  # noqa: BLE001 - the log must never take the portal down; say so and go on
                log.exception("could not write the search log; will retry")
