"""Resident pages: search the directory and read a listing. Server-rendered; no JavaScript needed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import sqlite_utils
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from directory import analytics, schedules, seed
from directory.corpus import is_out_of_date
from directory.embeddings import Embedder
from directory.postcodes import PostcodeError
from directory.search import SearchInputError, SearchQuery, search
from directory.services import load_service
from directory.taxonomy import CATEGORIES, NEIGHBOURHOODS
from portal.dependencies import get_db, get_embedder, get_settings
from portal.settings import Settings

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent.parent / "templates")

Db = Annotated[sqlite_utils.Database, Depends(get_db)]


def _context(request: Request, db: sqlite_utils.Database, **values: object) -> dict[str, object]:
    return {"request": request, "demo": seed.is_demo(db), "categories": CATEGORIES,
            "neighbourhoods": NEIGHBOURHOODS, **values}


@router.get("/", response_class=HTMLResponse)
def home(request: Request, db: Db) -> HTMLResponse:
    return templates.TemplateResponse(request, "home.html", _context(request, db))


@router.get("/search", response_class=HTMLResponse)
def results(
    request: Request,
    db: Db,
    embedder: Annotated[Embedder | None, Depends(get_embedder)],
    settings: Annotated[Settings, Depends(get_settings)],
    q: str = "",
    postcode: str = "",
    category: Annotated[list[str] | None, Query()] = None,
    neighbourhood: str = "",
    page: Annotated[int, Query(ge=1)] = 1,
) -> HTMLResponse:
    query = SearchQuery(text=q, categories=category or [], neighbourhood=neighbourhood or None,
                        postcode=postcode or None, limit=10, offset=(page - 1) * 10)
    problem, found = None, None
    try:
        found = search(db, query, embedder)
    except (SearchInputError, PostcodeError) as error:
        problem = str(error)
    if found is not None and settings.log_searches:
        analytics.log_search(db, q, found.total, language="en", postcode=postcode or None, mode=found.mode,
                             filters={"category": category, "neighbourhood": neighbourhood})
    return templates.TemplateResponse(
        request, "results.html",
        _context(request, db, q=q, postcode=postcode, results=found, problem=problem, page=page),
        status_code=200,
    )


@router.get("/services/{service_id}", response_class=HTMLResponse)
def listing(request: Request, service_id: str, db: Db) -> HTMLResponse:
    record = load_service(db, service_id)
    if record is None or record.get("publication_status") != "published":
        raise HTTPException(status_code=404, detail="We could not find that listing.")
    today = schedules.london_now().date()
    return templates.TemplateResponse(
        request, "listing.html",
        _context(request, db, service=record, open_now=schedules.is_open(record.get("schedules") or []),
                 out_of_date=is_out_of_date(record.get("assured_date"), today)),
    )
