"""The read-only Open Referral UK 3.0 API under /api/v1: every endpoint of the uk-profile OpenAPI
(../shared/data/oruk-3-schemas/openapi.json), as partners' systems and the bot call it.

What each answer holds is decided in directory/oruk_api.py; this module reads parameters (each with a documented
most, so no one request can make the portal embed or store an essay), negotiates the language and writes HTTP
with validators (portal/conditional.py), so a partner polling the feed pays for a 304.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import sqlite_utils
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from pydantic import BeforeValidator

from directory import oruk_api
from directory.embeddings import Embedder
from directory.oruk_api import ApiInputError, ServiceFilters
from directory.postcodes import PostcodeError, lookup
from directory.search import SearchInputError, SearchQuery
from portal import languages
from portal.conditional import json_answer
from portal.dependencies import get_db, get_embedder, get_settings
from portal.metrics import measured_search
from portal.settings import Settings


async def _known_parameters(request: Request) -> None:
    """A parameter this API does not know, or one given twice, is refused, not ignored: `perpage=100` or
    `page=1&page=2` would otherwise answer something other than what was asked, with nothing to say so.
    (`async`, as portal/dependencies.py says why: a plain function would cost a hop to the thread pool.)"""
    route = request.scope.get("route")
    known = {param.alias for param in getattr(getattr(route, "dependant", None), "query_params", [])}
    unknown = sorted(set(request.query_params) - known)
    if route is not None and unknown:
        raise HTTPException(status_code=400, detail=f"Unknown parameter: {unknown[0][:SHORT_MAX]!r}. This API "
                                                    f"reads {', '.join(sorted(known)) or 'no parameters'} here.")
    repeated = sorted(name for name in set(request.query_params) if len(request.query_params.getlist(name)) > 1)
    if repeated:
        raise HTTPException(status_code=400, detail=f"Give {repeated[0]!r} once: it was given "
                                                    f"{len(request.query_params.getlist(repeated[0]))} times.")


router = APIRouter(prefix="/api/v1", tags=["Open Referral UK 3.0"], dependencies=[Depends(_known_parameters)],
                   responses={
    400: {"description": "A parameter is not valid: too long, out of range or not understood. `detail` says which "
                         "and why."},
    304: {"description": "Not modified: the ETag (If-None-Match) or date (If-Modified-Since) sent is current."}})

TEXT_MAX = 500  # the same as the search box on the portal's pages
SHORT_MAX = 100  # an id, a category code, a neighbourhood or a language's name
POSTCODE_MAX = 20
PAGE_MAX = 10_000
PER_PAGE_MAX = 100
MINIMAL_MAX = 10_000  # `minimal` answers aim to hold every service in one call

Db = Annotated[sqlite_utils.Database, Depends(get_db)]
# Paging is forgiving, as the profile allows any integer: a page before the first is the first, a page size
# outside 1..100 is brought within it, and a page after the last is empty.


def _whole_number(value: object) -> object:
    """Page numbers are written as whole numbers: "2", not "2.0" (which pydantic would otherwise take)."""
    if isinstance(value, str) and not re.fullmatch(r"[+-]?\d{1,1000}", value.strip()):
        raise ValueError("must be a whole number, like 2")
    return value


Page = Annotated[int, BeforeValidator(_whole_number), Query(description="Page number, from 1.")]
PerPage = Annotated[int | None, BeforeValidator(_whole_number), Query(description=(
    f"Items per page: 1 to {PER_PAGE_MAX} ({MINIMAL_MAX:,} with `minimal`)."))]
Short = Annotated[str | None, Query(max_length=SHORT_MAX)]
Id = Annotated[str, Path(description=f"The item's id (none is longer than {SHORT_MAX} characters).")]
Search = Annotated[str | None, Query(max_length=TEXT_MAX, description=(
    f"What is needed, in any language: found by meaning and words (at most {TEXT_MAX} characters)."))]
Lang = Annotated[str | None, Query(max_length=SHORT_MAX, description=(
    "The language to answer in (en, pl, ar...), instead of Accept-Language: names, descriptions and other "
    "texts come translated where an editor translated them (see `text_language`, `translations_available`)."))]
Full = Annotated[bool, Query(description="Fully nested items instead of the list shape.")]
TermId = Annotated[str | None, Query(max_length=SHORT_MAX, description="A taxonomy term id or category code.")]
TaxonomyId = Annotated[str | None, Query(max_length=SHORT_MAX, description="Only items with a term of this "
                                                                          "taxonomy.")]
Age = Annotated[float | None, Query(description="An age in years.")]
Clock = Annotated[str | None, Query(max_length=40, description="A time of day, like 09:30 (a zone is ignored: "
                                                               "opening times are London's).")]
Day = Annotated[str | None, Query(max_length=SHORT_MAX, description="A day of the week: MO or Monday.")]
Postcode = Annotated[str | None, Query(max_length=POSTCODE_MAX, description="Nearest first from this postcode.")]
Proximity = Annotated[str | None, Query(max_length=SHORT_MAX, description=(
    "Only within this many metres of the postcode (the profile has it a string; it must hold a number)."))]
ModifiedAfter = Annotated[str | None, Query(max_length=40, description=(
    "Only services this directory changed on or after this time (ISO 8601, UTC if no zone is given)."))]


def _language(request: Request, lang: str | None) -> str:
    return languages.choose(None, lang, None, request.headers.get("accept-language"))


def _per_page(per_page: int | None, default: int, most: int = PER_PAGE_MAX) -> int:
    return default if per_page is None or per_page < 1 else min(per_page, most)


def _page(page: int) -> int:
    """The page to read: from the first to one past any page there could be (so no offset overflows)."""
    return min(max(page, 1), PAGE_MAX + 1)


def _metres(proximity: str | None) -> float | None:
    if proximity is None or not proximity.strip():
        return None
    try:
        metres = float(proximity)
    except ValueError:
        raise HTTPException(status_code=400, detail="proximity must be a number of metres, like 1500.") from None
    if not 0 < metres <= 100_000:
        raise HTTPException(status_code=400, detail="proximity must be more than 0 and at most 100,000 metres.")
    return metres


def _filters(**given: Any) -> ServiceFilters:
    """The non-search filters, read and checked: a clear 400 for a day, time or date we cannot use."""
    try:
        return ServiceFilters(
            taxonomy_term_id=given["taxonomy_term_id"], taxonomy_id=given["taxonomy_id"],
            organization_id=given["organization_id"],
            modified_after=oruk_api.since(given["modified_after"]) if given["modified_after"] else None,
            minimum_age=given["minimum_age"], maximum_age=given["maximum_age"],
            day=oruk_api.day_code(given["day"]) if given["day"] else None,
            start_time=oruk_api.clock(given["start_time"], "start_time") if given["start_time"] is not None else None,
            end_time=oruk_api.clock(given["end_time"], "end_time") if given["end_time"] is not None else None)
    except ApiInputError as error:
        raise HTTPException(status_code=400, detail=str(error)) from error


def _answer(request: Request, db: sqlite_utils.Database, body: Any, language: str,
            timeless: bool = True) -> Response:
    """The answer with its validators; Content-Language says which languages its texts are in."""
    items = body.get("contents", [body]) if isinstance(body, dict) else []
    written = {item.get("text_language") for item in items if isinstance(item, dict)} - {None}
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("service"), dict):
            written.add(item["service"].get("text_language"))
        for nested in (item.get("services") or []) if isinstance(item, dict) else []:
            written.add(nested.get("text_language"))
    written.discard(None)
    content_language = ", ".join(sorted(written, key=lambda c: (c != language, c))) if written else None
    return json_answer(request, body, oruk_api.last_changed(db) if timeless else None, content_language)


def _id(given: str) -> str | None:
    """An id as it could exist: a longer one is not looked up (it is simply not found)."""
    return given if len(given) <= SHORT_MAX else None


def _found(record: dict[str, Any] | None, what: str) -> dict[str, Any]:
    if record is None:
        raise HTTPException(status_code=404, detail=f"No published {what} has this id.")
    return record


@router.get("/", summary="About this API")
def about(settings: Annotated[Settings, Depends(get_settings)]) -> dict[str, str]:
    return {"version": "3.0", "profile": "https://openreferraluk.org/",
            "openapi_url": settings.link("/openapi.json")}


@router.get("/services", summary="Search services (paged)")
def list_services(
    db: Db,
    embedder: Annotated[Embedder | None, Depends(get_embedder)],
    request: Request,
    text: Search = None,
    search_text: Annotated[str | None, Query(alias="search", max_length=TEXT_MAX,
                                             description="Same as text (the ORUK name).")] = None,
    taxonomy_term_id: TermId = None,
    taxonomy_id: TaxonomyId = None,
    organization_id: Annotated[str | None, Query(max_length=SHORT_MAX,
                                                 description="Only services this organisation runs.")] = None,
    modified_after: ModifiedAfter = None,
    minimum_age: Annotated[float | None, Query(description="Only services whose minimum age is at least this.")
                           ] = None,
    maximum_age: Annotated[float | None, Query(description="Only services whose maximum age is at most this.")
                           ] = None,
    day: Day = None,
    start_time: Clock = None,
    end_time: Clock = None,
    postcode: Postcode = None,
    proximity: Proximity = None,
    neighbourhood: Annotated[str | None, Query(max_length=SHORT_MAX, description="Neighbourhood number or name.")
                             ] = None,
    free: Annotated[bool, Query(description="Only free services.")] = False,
    open_now: Annotated[bool, Query(description="Only services open now, London time.")] = False,
    language: Annotated[str | None, Query(max_length=SHORT_MAX, description="A language spoken at the service.")
                        ] = None,
    lang: Lang = None,
    minimal: Annotated[bool, Query(description="Only each service's id and last_modified, up to "
                                               f"{MINIMAL_MAX:,} a page.")] = False,
    full: Full = False,
    page: Page = 1,
    per_page: PerPage = None,
) -> Response:
    size = _per_page(per_page, MINIMAL_MAX if minimal else 10, MINIMAL_MAX if minimal else PER_PAGE_MAX)
    page, metres = _page(page), _metres(proximity)
    answer_in = _language(request, lang)
    filters = _filters(taxonomy_term_id=taxonomy_term_id, taxonomy_id=taxonomy_id, organization_id=organization_id,
                       modified_after=modified_after, minimum_age=minimum_age, maximum_age=maximum_age, day=day,
                       start_time=start_time, end_time=end_time)
    words = (text or search_text or "").strip()
    if words or postcode or neighbourhood or free or open_now or language or metres:
        ids, total = _searched(request, db, embedder, filters, words, postcode, metres, neighbourhood, free,
                               open_now, language, lang, page, size)
    else:
        every = oruk_api.filtered_service_ids(db, filters)
        ids, total = every[(page - 1) * size: page * size], len(every)
    contents = oruk_api.minimal(db, ids) if minimal else oruk_api.services(db, ids, answer_in, full=full)
    return _answer(request, db, oruk_api.page(contents, total, page, size), answer_in, timeless=not open_now)


def _searched(request: Request, db: sqlite_utils.Database, embedder: Embedder | None, filters: ServiceFilters,
              words: str, postcode: str | None, proximity: float | None, neighbourhood: str | None, free: bool,
              open_now: bool, language: str | None, lang: str | None, page: int, size: int
              ) -> tuple[list[str], int]:
    """A page of the search engine's answer (by meaning and words, near a postcode), logged without personal
    data; the other filters (an unknown id among them finds nothing) narrow it."""
    only = frozenset(oruk_api.filtered_service_ids(db, filters)) if filters.active() else None
    query = SearchQuery(
        text=words, neighbourhood=neighbourhood,
        free_only=free, open_now=open_now, language=language, postcode=postcode,
        near_km=proximity / 1000 if proximity else None, sort="distance" if postcode and not words else "relevance",
        limit=size, offset=(page - 1) * size, query_language=lang if lang in languages.CODES else None,
        only_ids=only)
    try:
        results = measured_search("api", db, query, embedder)
    except (SearchInputError, PostcodeError) as error:
        raise HTTPException(status_code=400, detail=str(error)) from error
    request.app.state.search_log.add(
        words, results.total, language=lang if lang in languages.CODES else None, postcode=postcode,
        mode=results.mode,
        filters={"taxonomy_term_id": filters.taxonomy_term_id, "neighbourhood": neighbourhood, "free": free,
                 "open_now": open_now, "language": language, "proximity": proximity})
    return [hit.listing.id for hit in results.hits], results.total


@router.get("/services/{service_id}", summary="One service, fully nested")
def get_service(service_id: Id, db: Db, request: Request,
                lang: Lang = None) -> Response:
    answer_in = _language(request, lang)
    found = oruk_api.service(db, service_id, answer_in) if _id(service_id) else None
    return _answer(request, db, _found(found, "service"), answer_in)


@router.get("/service_at_locations", summary="Services at locations (paged)")
def list_service_at_locations(
    db: Db,
    embedder: Annotated[Embedder | None, Depends(get_embedder)],
    request: Request,
    search: Search = None,
    taxonomy_term_id: TermId = None,
    taxonomy_id: TaxonomyId = None,
    organization_id: Short = None,
    modified_after: ModifiedAfter = None,
    minimum_age: Age = None,
    maximum_age: Age = None,
    day: Day = None,
    start_time: Clock = None,
    end_time: Clock = None,
    postcode: Postcode = None,
    proximity: Proximity = None,
    lang: Lang = None,
    full: Full = False,
    page: Page = 1,
    per_page: PerPage = None,
) -> Response:
    size, page, metres = _per_page(per_page, 50), _page(page), _metres(proximity)
    answer_in = _language(request, lang)
    filters = _filters(taxonomy_term_id=taxonomy_term_id, taxonomy_id=taxonomy_id, organization_id=organization_id,
                       modified_after=modified_after, minimum_age=minimum_age, maximum_age=maximum_age, day=day,
                       start_time=start_time, end_time=end_time)
    if metres is not None and not postcode:
        raise HTTPException(status_code=400, detail="Give a postcode with proximity.")
    try:
        place = lookup(postcode) if postcode else None
    except PostcodeError as error:
        raise HTTPException(status_code=400, detail=str(error)) from error
    words = (search or "").strip()
    if words:
        ids, _ = _searched(request, db, embedder, filters, words, None, None, None, False, False, None, lang, 1,
                           PAGE_MAX)
    else:
        ids = oruk_api.filtered_service_ids(db, filters) if filters.active() else None
    near = (place.latitude, place.longitude, metres) if place else None
    body = oruk_api.service_at_locations(db, ids, page, size, near, answer_in, full=full)
    return _answer(request, db, body, answer_in)


@router.get("/service_at_locations/{sal_id}", summary="A service at one of its locations, fully nested")
def get_service_at_location(sal_id: Id, db: Db, request: Request, lang: Lang = None) -> Response:
    answer_in = _language(request, lang)
    return _answer(request, db, _found(oruk_api.service_at_location(db, sal_id, answer_in) if _id(sal_id) else None,
                                       "service at location"), answer_in)


@router.get("/organizations", summary="Organisations that run a published service (paged)")
def list_organizations(db: Db, request: Request, search: Short = None, page: Page = 1,
                       per_page: PerPage = None) -> Response:
    body = oruk_api.organizations(db, (search or "").strip() or None, _page(page), _per_page(per_page, 50))
    return _answer(request, db, body, languages.DEFAULT)


@router.get("/organizations/{organization_id}", summary="One organisation with its services")
def get_organization(organization_id: Id, db: Db, request: Request, lang: Lang = None,
                     full_service: Annotated[bool, Query(description="Its services fully nested.")] = False
                     ) -> Response:
    answer_in = _language(request, lang)
    found = oruk_api.organization(db, organization_id, answer_in, full_service=full_service) \
        if _id(organization_id) else None
    return _answer(request, db, _found(found, "organization"), answer_in)


@router.get("/taxonomies", summary="Taxonomies (paged)")
def list_taxonomies(db: Db, request: Request, page: Page = 1, per_page: PerPage = None) -> Response:
    return _answer(request, db, oruk_api.taxonomies(db, _page(page), _per_page(per_page, 50)), languages.DEFAULT)


@router.get("/taxonomies/{taxonomy_id}", summary="One taxonomy")
def get_taxonomy(taxonomy_id: Id, db: Db, request: Request) -> Response:
    return _answer(request, db, _found(oruk_api.taxonomy(db, taxonomy_id) if _id(taxonomy_id) else None, "taxonomy"),
                   languages.DEFAULT)


@router.get("/taxonomy_terms", summary="Taxonomy terms (paged)")
def list_taxonomy_terms(db: Db, request: Request, taxonomy_id: TaxonomyId = None, search: Short = None,
                        page: Page = 1, per_page: PerPage = None) -> Response:
    body = oruk_api.taxonomy_terms(db, taxonomy_id, (search or "").strip() or None, _page(page),
                                   _per_page(per_page, 50))
    return _answer(request, db, body, languages.DEFAULT)


@router.get("/taxonomy_terms/{term_id}", summary="One taxonomy term (by id or category code)")
def get_taxonomy_term(term_id: Id, db: Db, request: Request) -> Response:
    return _answer(request, db, _found(oruk_api.taxonomy_term(db, term_id) if _id(term_id) else None, "taxonomy term"),
                   languages.DEFAULT)
