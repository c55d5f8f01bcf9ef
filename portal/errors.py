"""Error pages for residents: a clear message in their language and a way on, never a stack trace.

The API keeps FastAPI's JSON errors; pages get the portal's layout.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response

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


def _page(request: Request, status: int, heading: str, message: str) -> Response:
    t = request_translator(request)
    db = connect(request.app.state.settings.db)
    try:
        return render(request, db, "error.html", status_code=status, heading=t.gettext(heading),
                      message=t.gettext(message))
    finally:
        db.close()


def install(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
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
            return await request_validation_exception_handler(request, error)
        return _page(request, 400, *_PAGES[400])
