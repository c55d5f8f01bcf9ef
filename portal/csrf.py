"""Cross-site request forgery protection for every form and htmx request that changes something.

The token lives in the resident's signed session; forms carry it in a hidden field and htmx sends it
as a header. A request without a matching token is refused before the route runs.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import HTTPException, Request

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
_SESSION_KEY = "csrf"
KIOSK_RESET = "kiosk-reset"  # the purpose of a kiosk's "Start again" link


def csrf_token(request: Request) -> str:
    token = request.session.get(_SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[_SESSION_KEY] = token
    return token


async def require_csrf(request: Request) -> None:
    """A dependency for state-changing routes: the token must match the session's."""
    expected = request.session.get(_SESSION_KEY)
    sent = request.headers.get(HEADER)
    if not sent:
        form = await request.form()
        value = form.get(FIELD)
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(expected, sent):
        raise HTTPException(status_code=400, detail="csrf")


def purpose_token(request: Request, purpose: str) -> str:
    """A token for one kind of link this visitor was given (a kiosk's "Start again"), derived from the session's
    own, so a link from anywhere else cannot do it and the form token itself never appears in an address."""
    return hmac.new(csrf_token(request).encode(), purpose.encode(), hashlib.sha256).hexdigest()[:32]


def has_purpose_token(request: Request, purpose: str, sent: str) -> bool:
    return bool(request.session.get(_SESSION_KEY)) and hmac.compare_digest(purpose_token(request, purpose), sent)
