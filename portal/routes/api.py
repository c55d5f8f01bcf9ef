"""The read-only Open Referral UK 3.0 API under /api/v1, as partners' systems and the bot call it."""

from __future__ import annotations

import math
from typing import Annotated, Any

import sqlite_utils
from fastapi import APIRouter, Depends, HTTPException, Query, Request

from directory.embeddings import Embedder
from directory.postcodes import PostcodeError
from directory.schema import LOCATION, ORGANIZATION, SERVICE, SERVICE_AT_LOCATION, TAXONOMY, TAXONOMY_TERM
from directory.search import SearchInputError, SearchQuery
from directory.services import load_service, row_to_record
from portal import languages
from portal.dependencies import get_db, get_embedder
from portal.metrics import measured_search

router = APIRouter(prefix="/api/v1", tags=["Open Referral UK 3.0"], responses={
    400: {"description": "A parameter is not valid: too long, out of range or not understood. `detail` says which "
                         "and why."}})

# Every parameter has a documented most: no one request can make the portal embed or store an essay.
TEXT_MAX = 500  # the same as the search box on the portal's pages
SHORT_MAX = 100  # an id, a category code, a neighbourhood or a language's name
POSTCODE_MAX = 20
PAGE_MAX = 10_000

Db = Annotated[sqlite_utils.Database, Depends(get_db)]
Page = Annotated[int, Query(ge=1, le=PAGE_MAX, description=f"Page number, from 1 (at most {PAGE_MAX:,}).")]
PerPage = Annotated[int, Query(ge=1, le=100, description="Items per page (at most 100).")]
Short = Query(max_length=SHORT_MAX)


def _page(contents: list[dict[str, Any]], total: int, page: int, per_page: int) -> dict[str, Any]:
    """An ORUK 3.0 page around a slice of results."""
    pages = max(1, math.ceil(total / per_page))
    return {"total_items": total, "total_pages": pages, "page_number": page, "size": len(contents),
            "first_page": page == 1, "last_page": page >= pages, "empty": total == 0, "contents": contents}


def _by_id(db: sqlite_utils.Database, table: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Rows of `table` by id, in one query however many are asked for."""
    if not ids:
        return {}
    found = db[table].rows_where(f"id in ({','.join('?' * len(ids))})", ids)
    return {row["id"]: row for row in found}


def _service_summaries(db: sqlite_utils.Database, service_ids: list[str]) -> list[dict[str, Any]]:
    """Each service's one-to-one fields and its organisation (the ORUK list shape), in order: two queries for a
    page, not two for each service on it."""
    services = _by_id(db, "services", service_ids)
    organizations = _by_id(db, "organizations", sorted({row["organization_id"] for row in services.values()
                                                        if row.get("organization_id")}))
    out = []
    for service_id in service_ids:
        row = services[service_id]
        item = row_to_record(SERVICE, row)
        item.pop("publication_status", None)  # the editorial state is ours, not part of the ORUK record
        if row.get("organization_id") in organizations:
            item["organization"] = row_to_record(ORGANIZATION, organizations[row["organization_id"]])
        out.append(item)
    return out


@router.get("/", summary="About this API")
def about() -> dict[str, str]:
    return {"version": "3.0", "profile": "https://openreferraluk.org/", "openapi_url": "/openapi.json"}


@router.get("/services", summary="Search services (paged)")
def list_services(
    db: Db,
    embedder: Annotated[Embedder | None, Depends(get_embedder)],
    request: Request,
    text: Annotated[str | None, Query(max_length=TEXT_MAX,
                                      description=f"What is needed, in any language (at most {TEXT_MAX} "
                                                  "characters).")] = None,
    search_text: Annotated[str | None, Query(alias="search", max_length=TEXT_MAX,
                                             description="Same as text (ORUK name).")] = None,
    taxonomy_term_id: Annotated[str | None, Query(max_length=SHORT_MAX,
                                                  description="A taxonomy term id or category code.")] = None,
    postcode: Annotated[str | None, Query(max_length=POSTCODE_MAX,
                                          description="Sort by distance from this postcode.")] = None,
    proximity: Annotated[float | None, Query(gt=0, le=100_000,
                                             description="Only within this many metres of the postcode.")] = None,
    neighbourhood: Annotated[str | None, Query(max_length=SHORT_MAX, description="Neighbourhood number or name.")
                             ] = None,
    free: Annotated[bool, Query(description="Only free services.")] = False,
    open_now: Annotated[bool, Query(description="Only services open now, London time.")] = False,
    language: Annotated[str | None, Query(max_length=SHORT_MAX, description="A language spoken at the service.")
                        ] = None,
    lang: Annotated[str | None, Query(max_length=SHORT_MAX, description="The portal language the person searched "
                                                                         "in (en, pl, ar...), for the search log."
                                      )] = None,
    page: Page = 1,
    per_page: PerPage = 10,
) -> dict[str, Any]:
    words = (text or search_text or "").strip()
    query = SearchQuery(
        text=words, categories=[taxonomy_term_id] if taxonomy_term_id else [], neighbourhood=neighbourhood,
        free_only=free, open_now=open_now, language=language, postcode=postcode,
        near_km=proximity / 1000 if proximity else None, sort="distance" if postcode and not words else "relevance",
        limit=per_page, offset=(page - 1) * per_page, query_language=lang if lang in languages.CODES else None,
    )
    try:
        results = measured_search("api", db, query, embedder)
    except (SearchInputError, PostcodeError) as error:
        raise HTTPException(status_code=400, detail=str(error)) from error
    request.app.state.search_log.add(
        words, results.total, language=lang if lang in languages.CODES else None, postcode=postcode,
        mode=results.mode,
        filters={"taxonomy_term_id": taxonomy_term_id, "neighbourhood": neighbourhood, "free": free,
                 "open_now": open_now, "language": language, "proximity": proximity})
    contents = _service_summaries(db, [hit.listing.id for hit in results.hits])
    return _page(contents, results.total, page, per_page)


@router.get("/services/{service_id}", summary="One service, fully nested")
def get_service(service_id: str, db: Db) -> dict[str, Any]:
    record = load_service(db, service_id)
    if record is None or record.get("publication_status") != "published":
        raise HTTPException(status_code=404, detail="No published service has this id.")
    record.pop("publication_status", None)
    return record


@router.get("/taxonomies", summary="Taxonomies (paged)")
def list_taxonomies(db: Db, page: Page = 1, per_page: PerPage = 50) -> dict[str, Any]:
    total = db["taxonomies"].count
    rows = db["taxonomies"].rows_where(order_by="name", limit=per_page, offset=(page - 1) * per_page)
    return _page([row_to_record(TAXONOMY, r) for r in rows], total, page, per_page)


@router.get("/taxonomy_terms", summary="Taxonomy terms (paged)")
def list_taxonomy_terms(
    db: Db, taxonomy_id: Annotated[str | None, Short] = None, page: Page = 1, per_page: PerPage = 50
) -> dict[str, Any]:
    where, params = ("taxonomy_id = ?", [taxonomy_id]) if taxonomy_id else (None, [])
    total = db["taxonomy_terms"].count_where(where, params) if where else db["taxonomy_terms"].count
    rows = db["taxonomy_terms"].rows_where(where, params, order_by="name", limit=per_page,
                                           offset=(page - 1) * per_page)
    return _page([row_to_record(TAXONOMY_TERM, r) for r in rows], total, page, per_page)


@router.get("/service_at_locations", summary="Services at locations (paged)")
def list_service_at_locations(db: Db, page: Page = 1, per_page: PerPage = 50) -> dict[str, Any]:
    published = "service_id in (select id from services where publication_status = 'published')"
    total = db["service_at_locations"].count_where(published)
    rows = db["service_at_locations"].rows_where(published, order_by="rowid", limit=per_page,
                                                 offset=(page - 1) * per_page)
    rows = list(rows)
    locations = _by_id(db, "locations", sorted({row["location_id"] for row in rows if row.get("location_id")}))
    contents = []
    for row in rows:
        item = row_to_record(SERVICE_AT_LOCATION, row)
        if row.get("location_id") in locations:
            item["location"] = row_to_record(LOCATION, locations[row["location_id"]])
        contents.append(item)
    return _page(contents, total, page, per_page)
