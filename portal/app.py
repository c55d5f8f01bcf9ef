"""The FastAPI application: resident pages and the Open Referral UK API over one directory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from directory import postcodes
from directory.corpus import corpus
from directory.embeddings import shared_embedder
from directory.store import open_db
from portal.routes import api, pages
from portal.settings import Settings, get_settings

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = open_db(settings.db)  # creates and migrates the database before the first request
        embedder = shared_embedder(settings.embedder)
        corpus(db, embedder)
        postcodes.lookup("SE6")  # warm the postcode table so the first resident does not wait
        db.close()
        yield

    app = FastAPI(
        title="Neighbourhood Portal",
        description="Open Referral UK 3.0 API for the Lewisham neighbourhood directory.",
        version="0.1.0",
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET"], allow_headers=["*"])
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    return app
