"""Saving listings to a shortlist, and seeing, printing and sharing it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from directory.corpus import Listing, corpus
from directory.embeddings import Embedder
from portal import shortlist
from portal.csrf import require_csrf
from portal.dependencies import Db, get_embedder
from portal.templating import current_url, render, safe_next, url

router = APIRouter(include_in_schema=False)
Model = Annotated[Embedder | None, Depends(get_embedder)]


def _changed(request: Request, db: Db, embedder: Model, service_id: str, next_url: str, saved: bool) -> Response:
    found = corpus(db, embedder)
    if service_id not in found.index_of:
        raise HTTPException(status_code=404, detail="listing")
    if request.headers.get("HX-Request") == "true":
        response = render(request, db, "_save_button.html", listing=found.listings[found.index_of[service_id]],
                          saved=saved, next_url=next_url)
        response.headers["HX-Trigger"] = "shortlistChanged"
        return response
    return RedirectResponse(safe_next(next_url, url(request, "/shortlist")), status_code=303)


def share_context(request: Request, listings: list[Listing]) -> dict[str, str | None]:
    """The shareable link to these listings (sensitive ones left out) and its QR code, for a page."""
    token = shortlist.share_token(listings)
    if not token:
        return {"share_url": None, "qr": None}
    link = request.app.state.settings.link(url(request, "/shortlist/shared", ids=token))
    return {"share_url": link, "qr": shortlist.qr_svg(link)}


@router.post("/shortlist/add", dependencies=[Depends(require_csrf)])
def add(request: Request, db: Db, embedder: Model, service_id: Annotated[str, Form()],
        next: Annotated[str, Form()] = "") -> Response:
    if service_id in corpus(db, embedder).index_of:
        shortlist.save(request, service_id)
    return _changed(request, db, embedder, service_id, next, saved=True)


@router.post("/shortlist/remove", dependencies=[Depends(require_csrf)])
def remove(request: Request, db: Db, embedder: Model, service_id: Annotated[str, Form()],
           next: Annotated[str, Form()] = "") -> Response:
    shortlist.remove(request, service_id)
    return _changed(request, db, embedder, service_id, next, saved=False)


@router.get("/shortlist")
def view(request: Request, db: Db, embedder: Model) -> Response:
    saved = shortlist.listings(corpus(db, embedder), shortlist.saved_ids(request))
    return render(request, db, "shortlist.html", saved_listings=saved, current_url=current_url(request),
                  **share_context(request, saved))


@router.get("/shortlist/shared")
def shared(request: Request, db: Db, embedder: Model, ids: str = "") -> Response:
    found = shortlist.listings(corpus(db, embedder), shortlist.ids_from_token(ids))
    return render(request, db, "shared.html", shared_listings=found, saved=set(shortlist.saved_ids(request)),
                  current_url=current_url(request))


