"""Error pages for residents: a clear message in their language and a way on, never a stack trace.

The API answers in JSON (a parameter it cannot use is a 400 saying which and why); pages get the portal's
layout.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Match

from directory.messages import N_
from directory.store import connect
from portal.auth import SignInNeeded, sign_in_url
from portal.templating import render, request_translator, url

_PAGES = {
    404: (N_("Page not found"),
          N_("If you typed the web address, check it is correct. The listing may also have closed.")),
    403: (N_("You cannot do this"),
          N_("Your account does not allow this. If you think it should, ask the directory's administrators.")),
    400: (N_("Something in the web address is not right"), N_("Go back and try again, or start a new search.")),
    405: (N_("Something in the web address is not right"), N_("Go back and try again, or start a new search.")),
}
_EXPIRED = (N_("This form has expired"), N_("Go back, reload the page and try again. Nothing you typed was sent."))


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/openapi.json", "/docs", "/redoc"))


def _problem(error: dict[str, Any]) -> dict[str, Any]:
    """One parameter's problem for an API caller: where, what was wrong, never the (perhaps huge) input."""
    return {"loc": list(error.get("loc", ())), "msg": str(error.get("msg", "")), "type": error.get("type", "")}


def _page(request: Request, status: int, heading: str, message: str) -> Response:
    t = request_translator(request)
    db = connect(request.app.state.settings.db)
    try:
        return render(request, db, "error.html", status_code=status, heading=t.gettext(heading),
                      message=t.gettext(message))
    finally:
        db.close()


def _without_trailing_slash(request: Request) -> str | None:
    """The page a GET for `/admin/` means (`/admin`), as a path on this site, when there is one.

    Starlette's own trailing-slash redirect writes an absolute URL from the Host header, so the app turns it
    off (redirect_slashes=False) and redirects here with a path: a browser stays on the site it asked.
    """
    path = request.scope["path"]  # not request.url.path: parsing a URL drops a trailing %0D or %0A
    if request.method not in ("GET", "HEAD") or len(path) < 2 or not path.endswith("/"):
        return None
    wanted = {**request.scope, "path": path.rstrip("/") or "/"}
    if not any(route.matches(wanted)[0] == Match.FULL for route in request.app.router.routes):
        return None
    query = request.url.query
    return url(request, wanted["path"]) + (f"?{query}" if query else "")


def install(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code == 404 and (target := _without_trailing_slash(request)):
            return RedirectResponse(target, status_code=307)
        if _is_api(request) or error.status_code not in (*_PAGES, 400):
            return await http_exception_handler(request, error)
        heading, message = _EXPIRED if error.detail == "csrf" else _PAGES[error.status_code]
        return _page(request, error.status_code, heading, message)

    @app.exception_handler(SignInNeeded)
    async def sign_in_first(request: Request, error: SignInNeeded) -> Response:
        return RedirectResponse(url(request, sign_in_url(error.next_url)), status_code=303)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, error: RequestValidationError) -> Response:
        if _is_api(request):
            return JSONResponse(status_code=400, content={"detail": [_problem(e) for e in error.errors()]})
        return _page(request, 400, *_PAGES[400])
