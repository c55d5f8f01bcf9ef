"""ASGI middleware: pick the request's language, and send the security headers every page needs."""

from __future__ import annotations

from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal import languages

ONE_YEAR = 365 * 24 * 3600
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)
# FastAPI's interactive API docs load Swagger UI and ReDoc from a CDN with an inline script; they are for
# developers and are off when the portal runs over HTTPS (in production). Elsewhere they get their own policy,
# which lets only that CDN's scripts and styles in.
_DOCS_PATHS = ("/docs", "/redoc")
DOCS_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src https://fonts.gstatic.com; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "worker-src blob:; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"
# Staff pages may show drafts and links that work once: never kept in a browser's or a proxy's cache.
STAFF_PATHS = ("/account", "/admin", "/manage", "/moderation", "/insight", "/surveys/manage", "/surveys/codebooks",
               "/surveys/outcomes", "/jobs")
# Pages that show what one visitor did: never kept by the browser, so Back after a kiosk starts again, or on
# a shared computer, fetches them afresh (and finds nothing of the last visitor).
PRIVATE_PATHS = ("/kiosk", "/chat", "/shortlist")


class HttpMiddleware:
    """Pure ASGI middleware that acts on HTTP requests only; lifespan and other messages pass through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.handle(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


def split_language(path: str) -> tuple[str | None, str]:
    """`/pl/admin` -> ('pl', '/admin'); a path with no language prefix -> (None, path)."""
    first, _, rest = path.lstrip("/").partition("/")
    return (first, "/" + rest) if first in languages.CODES else (None, path)


class LanguageMiddleware(HttpMiddleware):
    """Strips a `/pl/` prefix from the path, decides the language and remembers a choice made in the URL."""

    def __init__(self, app: ASGIApp, https: bool = False) -> None:
        super().__init__(app)
        self.secure = "; Secure" if https else ""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        path_code, path = split_language(scope["path"])
        if path_code:
            scope = {**scope, "path": path, "raw_path": path.encode()}
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        query_code = (query.get("lang") or [None])[0]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # noqa: BLE001 - a malformed cookie header must not stop the page
            cookie = SimpleCookie()
        cookie_code = cookie[languages.COOKIE].value if languages.COOKIE in cookie else None
        chosen = languages.choose(path_code, query_code, cookie_code, headers.get("accept-language"))
        state = scope.setdefault("state", {})
        state["language"] = chosen
        state["language_in_path"] = path_code is not None
        remember = (path_code or query_code) and chosen != cookie_code

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                if remember:
                    response_headers.append(
                        "set-cookie",
                        f"{languages.COOKIE}={chosen}; Path=/; Max-Age={ONE_YEAR}; SameSite=Lax{self.secure}",
                    )
                response_headers.append("vary", "Accept-Language, Cookie")
            await send(message)

        await self.app(scope, receive, send_with_cookie)


class SecurityHeadersMiddleware(HttpMiddleware):
    """A strict content security policy and the other headers that keep pages from being misused; over HTTPS,
    browsers are told to use nothing else (HSTS)."""

    def __init__(self, app: ASGIApp, https: bool = False) -> None:
        super().__init__(app)
        self.https = https

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = split_language(scope["path"])[1]  # /pl/admin is a staff page as much as /admin is

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("content-security-policy",
                                   DOCS_SECURITY_POLICY if path.startswith(_DOCS_PATHS) else CONTENT_SECURITY_POLICY)
                if self.https:
                    headers.setdefault("strict-transport-security", HSTS)
                if path.startswith(STAFF_PATHS) or path.startswith(PRIVATE_PATHS):
                    headers["cache-control"] = "no-store"
                headers.setdefault("x-content-type-options", "nosniff")
                headers.setdefault("referrer-policy", "same-origin")
                headers.setdefault("x-frame-options", "DENY")
                headers.setdefault("permissions-policy", "camera=(), microphone=(), geolocation=()")
            await send(message)

        await self.app(scope, receive, send_with_headers)
