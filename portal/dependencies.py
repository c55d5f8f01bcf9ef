"""Request dependencies: the database, the embedder and the settings, one way for every route."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import sqlite_utils
from fastapi import Depends, Path, Request

from directory.embeddings import Embedder, shared_embedder
from directory.store import connect
from portal.settings import Settings

# These are `async` though none of them awaits: FastAPI runs a plain function in its thread pool, and handing
# each request's dependencies to other threads and back cost more than opening a SQLite connection does.


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_db(request: Request) -> AsyncIterator[sqlite_utils.Database]:
    db = connect(request.app.state.settings.db)  # no file is read until the first query, in the route's thread
    try:
        yield db
    finally:
        db.close()


async def get_embedder(request: Request) -> Embedder | None:
    return shared_embedder(request.app.state.settings.embedder)


Db = Annotated[sqlite_utils.Database, Depends(get_db)]
# A row's number in an address: SQLite holds 64-bit integers, so a larger one is a bad request, not a crash.
ROW_ID_MAX = 2**63 - 1
RowId = Annotated[int, Path(ge=1, le=ROW_ID_MAX)]


def row_number(text: str) -> int:
    """A row's number typed into a form; ValueError for anything that could not be one (too large for SQLite too)."""
    number = int(str(text))
    if not 1 <= number <= ROW_ID_MAX:
        raise ValueError(text)
    return number


def client_address(request: Request) -> str:
    """The address a request came from: the proxy's X-Forwarded-For only when PORTAL_TRUSTED_PROXY trusts it
    (the server applies that), for the per-address limits on sign-in and public forms."""
    return request.client.host if request.client else ""
