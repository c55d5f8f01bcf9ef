"""Who is signed in, and the checks every staff route makes before it does anything.

Routes declare the roles they allow (`Depends(allow(MODERATOR))`); nobody signed in is sent to sign in,
and a signed-in person without the role gets 403. Editors are then checked against the organisation of
the very listing they ask for, in the route, with `owns`.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from fastapi import HTTPException, Request

from accounts import sessions
from accounts.users import User
from directory.store import connect

SESSION_KEY = "sid"


class SignInNeeded(Exception):
    """Raised for a staff page asked for by someone not signed in; answered with a redirect."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


def signed_in(request: Request) -> User | None:
    """The person signed in on this request, if any (looked up once per request)."""
    if "user" not in request.state._state:
        db = connect(request.app.state.settings.db)
        try:
            request.state.user = sessions.user_for(db, request.session.get(SESSION_KEY))
        finally:
            db.close()
    return request.state.user


def allow(*roles: str) -> Callable[[Request], User]:
    """A dependency admitting only signed-in people with one of these roles (any role when none given)."""

    def check(request: Request) -> User:
        user = signed_in(request)
        if user is None:
            path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise SignInNeeded(path)
        if roles and user.role not in roles:
            raise HTTPException(status_code=403, detail="role")
        return user

    return check


def owns(user: User, organization_id: str | None) -> None:
    """Editors act only for their own organisations: anything else is 403, before anything changes."""
    if not user.edits_for(organization_id):
        raise HTTPException(status_code=403, detail="organisation")


def sign_in_url(next_url: str) -> str:
    return "/account/sign-in?next=" + quote(next_url, safe="/")
