"""The home page and search results: a full page, or just the results when htmx asks as you type."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from directory import schedules, spelling
from directory.corpus import corpus
from directory.embeddings import Embedder
from directory.messages import N_
from directory.postcodes import PostcodeError
from directory.search import SearchInputError, SearchQuery
from directory.taxonomy import CATEGORIES, NEIGHBOURHOODS
from portal import shortlist
from portal.dependencies import Db, get_embedder
from portal.metrics import measured_search
from portal.templating import current_url, render, request_translator, url

router = APIRouter(include_in_schema=False)
PER_PAGE = 10
DISTANCES = (1, 2, 5, 10)


@router.get("/")
def home(request: Request, db: Db) -> Response:
    return render(request, db, "home.html", categories=CATEGORIES, neighbourhoods=NEIGHBOURHOODS)


def _positive_number(value: str, message: str, cast: type = float) -> float | int | None:
    if not value:
        return None
    try:
        number = cast(value)
    except ValueError:
        raise SearchInputError(message) from None
    if number <= 0:
        raise SearchInputError(message)
    return number


@router.get("/search")
def results(
    request: Request,
    db: Db,
    embedder: Annotated[Embedder | None, Depends(get_embedder)],
    q: Annotated[str, Query(max_length=500)] = "",
    postcode: Annotated[str, Query(max_length=20)] = "",
    category: Annotated[list[str], Query()] = [],  # noqa: B006 - FastAPI reads defaults, never mutates them
    neighbourhood: str = "",
    free: str = "",
    open_now: str = "",
    language: str = "",
    near: str = "",
    sort: Annotated[str, Query(max_length=20)] = "",
    page: str = "1",
) -> Response:
    t = request_translator(request)
    found, problem, problem_field, current_page = None, None, "q", 1
    filters = {"category": category, "neighbourhood": neighbourhood, "free": bool(free), "open_now": bool(open_now),
               "language": language, "near": near}
    try:
        current_page = int(_positive_number(page, N_("The page number must be a whole number, like 2."), int) or 1)
        near_km = _positive_number(near, N_("Choose a distance from the list."))
        query = SearchQuery(
            text=q, categories=category, neighbourhood=neighbourhood or None, free_only=bool(free),
            open_now=bool(open_now), language=language or None, postcode=postcode or None, near_km=near_km,
            limit=PER_PAGE, offset=(current_page - 1) * PER_PAGE, query_language=t.code,
            sort="distance" if sort == "nearest" else "relevance",
        )
        found = measured_search("pages", db, query, embedder)
    except PostcodeError as error:
        problem, problem_field = t.error(error), "postcode"
    except SearchInputError as error:
        problem = t.error(error)
    if found is not None and (q or category or neighbourhood):
        request.app.state.search_log.add(q, found.total, language=t.code, postcode=postcode or None,
                                         mode=found.mode, filters=filters)
    directory = corpus(db, embedder)
    suggestion = spelling.suggest(directory, q) if found is not None and found.total == 0 and q else None

    def page_url(number: int) -> str:
        return url(request, "/search", q=q, postcode=postcode, category=category, neighbourhood=neighbourhood,
                   free=free, open_now=open_now, language=language, near=near, sort=sort,
                   page=number if number > 1 else None)

    fragment = request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")
    return render(
        request, db, "_results.html" if fragment else "results.html", status_code=400 if problem else 200,
        fragment=fragment, q=q, postcode=postcode, results=found, problem=problem, problem_field=problem_field,
        page=current_page, pages=-(-found.total // PER_PAGE) if found else 0, page_url=page_url,
        selected_categories=set(category), neighbourhood=neighbourhood, free=free, open_now=open_now,
        language=language, near=near, sort=sort,
        filtered=any([category, neighbourhood, free, open_now, language, near]),
        areas={n.code: t.gettext(n.name) for n in NEIGHBOURHOODS}, now=schedules.london_now(),
        categories=CATEGORIES, neighbourhoods=NEIGHBOURHOODS, distances=DISTANCES, suggestion=suggestion,
        spoken_languages=[(code, t.language_name(code, name)) for code, name in directory.spoken],
        saved=set(shortlist.saved_ids(request)), current_url=current_url(request),
    )
