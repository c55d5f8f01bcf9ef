"""Request dependencies: the database, the embedder and the settings, one way for every route."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

import sqlite_utils
from fastapi import Depends, Request

from directory.embeddings import Embedder, shared_embedder
from directory.store import connect
from portal.settings import Settings


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_db(request: Request) -> Iterator[sqlite_utils.Database]:
    db = connect(request.app.state.settings.db)
    try:
        yield db
    finally:
        db.close()


def get_embedder(request: Request) -> Embedder | None:
    return shared_embedder(request.app.state.settings.embedder)


Db = Annotated[sqlite_utils.Database, Depends(get_db)]
