"""The FastAPI application: resident pages and the Open Referral UK API over one directory."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.sessions import SessionMiddleware

from directory import postcodes, upkeep
from directory.corpus import corpus
from directory.embeddings import shared_embedder
from directory.store import open_db
from portal import errors, logs
from portal.metrics import RequestTimer
from portal.middleware import LanguageMiddleware, SecurityHeadersMiddleware
from portal.routes import (
    account_pages,
    admin_pages,
    api,
    chat_pages,
    codebook_pages,
    health,
    import_pages,
    info_pages,
    insight_pages,
    job_pages,
    kiosk_pages,
    listing_editor_pages,
    listings,
    manage_pages,
    moderation_pages,
    outcome_pages,
    referral_pages,
    search_pages,
    shortlist_pages,
    survey_pages,
    survey_staff_pages,
)
from portal.search_log import SearchLogWriter
from portal.settings import Settings, get_settings
from surveys import store as survey_store

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
SESSION_COOKIE = "portal_session"
ROUTERS = (api.router, search_pages.router, listings.router, shortlist_pages.router, info_pages.router,
           chat_pages.router, kiosk_pages.router, account_pages.router, admin_pages.router, manage_pages.router,
           listing_editor_pages.router,
           moderation_pages.router, insight_pages.router, survey_pages.router,
           survey_staff_pages.router, codebook_pages.router, outcome_pages.staff, outcome_pages.public,
           referral_pages.staff, referral_pages.oversight, referral_pages.public,
           job_pages.router, import_pages.router, health.router)


class UnsafeSettings(RuntimeError):
    """The portal was asked to start with settings that would put residents or staff at risk."""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    if not logging.getLogger().handlers:  # a web process uvicorn started: log as `portal serve` does
        logs.configure(json_lines=os.environ.get("PORTAL_LOG_FORMAT", "").lower() == "json")
    if settings.problems():
        raise UnsafeSettings(" ".join(settings.problems()))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = open_db(settings.db)  # creates and migrates the database before the first request
        upkeep.after_upgrade(db)  # what an upgrade asked for that only today's code can do
        embedder = shared_embedder(settings.embedder)
        corpus(db, embedder)
        postcodes.lookup("SE6")  # warm the postcode table so the first resident does not wait
        db.close()
        app.state.search_log.start()
        yield
        app.state.search_log.stop()

    app = FastAPI(
        title="Neighbourhood Portal",
        description="Open Referral UK 3.0 API for the Lewisham neighbourhood directory.",
        version="0.1.0",
        openapi_url="/openapi.json",
        docs_url=None if settings.https else "/docs",  # Swagger UI and ReDoc come from a CDN: not in production
        redoc_url=None if settings.https else "/redoc",
        lifespan=lifespan,
        redirect_slashes=False,  # Starlette's redirect takes the Host header; portal/errors.py redirects by path
    )
    app.state.settings = settings
    app.state.search_log = SearchLogWriter(settings.db, enabled=settings.log_searches)
    with closing(open_db(settings.db)) as db:  # the session key lives beside the database, so make its folder now
        survey_store.purge_expired(db)  # answers are kept for as long as the consent statement says, no longer
    app.add_middleware(RequestTimer)  # innermost, so it sees the route the router matched (after /pl/ is taken off)
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET"], allow_headers=["*"])
    app.add_middleware(SessionMiddleware, secret_key=settings.session_secret(), session_cookie=SESSION_COOKIE,
                       max_age=None, same_site="lax", https_only=settings.https)
    app.add_middleware(LanguageMiddleware, https=settings.https)
    app.add_middleware(SecurityHeadersMiddleware, https=settings.https)
    app.add_middleware(GZipMiddleware, minimum_size=500)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    errors.install(app)
    return app
