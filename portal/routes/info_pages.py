"""The pages every public service owes its users: accessibility, privacy and where the data comes from."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from portal.dependencies import Db
from portal.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/accessibility")
def accessibility(request: Request, db: Db) -> Response:
    return render(request, db, "info/accessibility.html")


@router.get("/privacy")
def privacy(request: Request, db: Db) -> Response:
    return render(request, db, "info/privacy.html")


@router.get("/about-the-data")
def about_the_data(request: Request, db: Db) -> Response:
    return render(request, db, "info/data.html")
