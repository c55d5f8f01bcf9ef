"""Signing in and out, accepting an invitation, and resetting a password.

Every sign-in starts a new server-side session with a new id and a new CSRF token, so nothing learnt
about the session before signing in is any use after it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from accounts import sessions, throttle, tokens, users
from accounts.tokens import TokenError
from accounts.users import AccountError, AccountProblems, User
from directory.messages import N_, ResidentError
from portal import mail
from portal.auth import SESSION_KEY, allow
from portal.csrf import require_csrf
from portal.dependencies import Db, client_address
from portal.form_errors import by_field
from portal.job_kinds import PASSWORD_RESET
from portal.job_queue import job_queue
from portal.templating import render, request_translator, safe_next, url

router = APIRouter(include_in_schema=False)
SignedIn = Annotated[User, Depends(allow())]
Text = Annotated[str, Form()]


def _begin(request: Request, db: Db, user: User, next_url: str = "") -> Response:
    """Sign in: a fresh session (new id, new CSRF token), then on to where the person was going."""
    request.session.clear()
    request.session[SESSION_KEY] = sessions.start(db, user)
    return RedirectResponse(safe_next(next_url, url(request, "/account")), status_code=303)


def _form(request: Request, db: Db, template: str, problems: list[ResidentError] | None = None,
          default_field: str = "email", **values: Any) -> Response:
    errors = by_field(request_translator(request), problems or [], default_field)
    return render(request, db, template, status_code=400 if errors else 200, errors=errors, **values)


@router.get("/account/sign-in")
def sign_in_form(request: Request, db: Db, next: str = "") -> Response:  # noqa: A002 - the query's name
    return _form(request, db, "account/sign_in.html", email="", next=next)


@router.post("/account/sign-in", dependencies=[Depends(require_csrf)])
def sign_in(request: Request, db: Db, email: Text = "", password: Text = "", next: Text = "") -> Response:  # noqa: A002
    secret = request.app.state.settings.session_secret()
    keys = throttle.keys(secret, email, client_address(request))
    wait = throttle.wait_seconds(db, keys)
    if wait:
        problem = (AccountError("email", N_("Too many attempts to sign in. Wait {seconds} seconds, then try again."),
                                seconds=wait) if wait < 90 else
                   AccountError("email", N_("Too many attempts to sign in. Wait {minutes} minutes, then try again."),
                                minutes=-(-wait // 60)))
        response = _form(request, db, "account/sign_in.html", [problem], email=email, next=next)
        response.status_code = 429
        response.headers["retry-after"] = str(wait)
        return response
    user = users.authenticate(db, email, password) if email and password else None
    if user is None:
        throttle.failed(db, keys)
        problem = AccountError("email", N_("The email address or password is not right."))
        return _form(request, db, "account/sign_in.html", [problem], email=email, next=next)
    throttle.succeeded(db, keys)
    return _begin(request, db, user, next)


@router.post("/account/sign-out", dependencies=[Depends(require_csrf)])
def sign_out(request: Request, db: Db) -> Response:
    sessions.end(db, request.session.get(SESSION_KEY))
    request.session.clear()
    return render(request, db, "account/message.html", heading=N_("You have signed out"), message="")


@router.post("/account/sign-out-everywhere", dependencies=[Depends(require_csrf)])
def sign_out_everywhere(request: Request, db: Db, user: SignedIn) -> Response:
    sessions.end_everywhere(db, user.id)
    request.session.clear()
    return render(request, db, "account/message.html", heading=N_("You have signed out everywhere"),
                  message=N_("Every device where you were signed in has been signed out."))


@router.get("/account")
def account_home(request: Request, db: Db, user: SignedIn) -> Response:
    return render(request, db, "account/home.html", user=user, role_name=users.ROLES[user.role])


def _token_page(request: Request, db: Db, raw: str, kind: str) -> tokens.Token | Response:
    try:
        return tokens.peek(db, raw, kind)
    except TokenError as problem:
        return render(request, db, "account/message.html", status_code=404, heading=N_("This link cannot be used"),
                      message=problem.message, params=problem.params)


def _password_problems(password: str, confirm: str) -> list[ResidentError]:
    if password != confirm:
        return [AccountError("confirm", N_("The two passwords are not the same."))]
    return []


@router.get("/account/invitation/{raw}")
def invitation_form(request: Request, db: Db, raw: str) -> Response:
    token = _token_page(request, db, raw, tokens.INVITATION)
    if isinstance(token, Response):
        return token
    return _form(request, db, "account/invitation.html", token=token, raw=raw, name="",
                 existing=users.by_email(db, token.email) is not None)


@router.post("/account/invitation/{raw}", dependencies=[Depends(require_csrf)])
def accept_invitation(request: Request, db: Db, raw: str, name: Text = "", password: Text = "",
                      confirm: Text = "") -> Response:
    token = _token_page(request, db, raw, tokens.INVITATION)
    if isinstance(token, Response):
        return token
    existing = users.by_email(db, token.email)
    values = {"token": token, "raw": raw, "name": name, "existing": existing is not None}
    try:
        with db.atomic():
            if existing:
                user = users.authenticate(db, token.email, password)
                if user is None:
                    raise AccountProblems([AccountError("password", N_("The password is not right."))])
            else:
                problems = _password_problems(password, confirm)
                if problems:
                    raise AccountProblems(problems)
                user = users.create(db, token.email, name, password, token.role or users.EDITOR)
            tokens.spend(db, raw, tokens.INVITATION)
            if token.organization_id:
                users.add_membership(db, user.id, token.organization_id)
    except AccountProblems as found:
        return _form(request, db, "account/invitation.html", found.problems, "password", **values)
    except TokenError as problem:
        return render(request, db, "account/message.html", status_code=404, heading=N_("This link cannot be used"),
                      message=problem.message, params=problem.params)
    return _begin(request, db, users.get(db, user.id) or user)


@router.get("/account/reset/{raw}")
def reset_form(request: Request, db: Db, raw: str) -> Response:
    token = _token_page(request, db, raw, tokens.RESET)
    return token if isinstance(token, Response) else _form(request, db, "account/reset.html", raw=raw)


@router.post("/account/reset/{raw}", dependencies=[Depends(require_csrf)])
def reset_password(request: Request, db: Db, raw: str, password: Text = "", confirm: Text = "") -> Response:
    token = _token_page(request, db, raw, tokens.RESET)
    if isinstance(token, Response):
        return token
    user = users.get(db, token.user_id or "")
    try:
        if user is None:
            raise TokenError(N_("This link is not valid. Check you copied all of it, or ask for a new one."))
        with db.atomic():
            problems = _password_problems(password, confirm)
            if problems:
                raise AccountProblems(problems)
            users.set_password(db, user, password)
            tokens.spend(db, raw, tokens.RESET)
    except AccountProblems as found:
        return _form(request, db, "account/reset.html", found.problems, "password", raw=raw)
    except TokenError as problem:
        return render(request, db, "account/message.html", status_code=404, heading=N_("This link cannot be used"),
                      message=problem.message, params=problem.params)
    request.session.clear()
    return render(request, db, "account/message.html", heading=N_("Your password has been changed"),
                  message=N_("You have been signed out everywhere. Sign in with your new password."),
                  link=url(request, "/account/sign-in"), link_text=N_("Sign in"))


@router.get("/account/forgot-password")
def forgot_form(request: Request, db: Db) -> Response:
    return _form(request, db, "account/forgot.html", email="")


RESETS_PER_ADDRESS = 5  # forgotten-password requests in ten minutes from one address
RESETS_PER_ACCOUNT = 3  # ...and for one email address, so nobody's inbox is flooded


@router.post("/account/forgot-password", dependencies=[Depends(require_csrf)])
def forgot(request: Request, db: Db, email: Text = "") -> Response:
    problems = users.check_email(email)
    if problems:
        return _form(request, db, "account/forgot.html", problems, email=email)
    settings = request.app.state.settings
    secret = settings.session_secret()
    address = client_address(request)
    if not throttle.form_allowed(db, throttle.form_key(secret, "reset-address", address), RESETS_PER_ADDRESS):
        return _form(request, db, "account/forgot.html", [AccountError("email", N_(
            "You have asked several times just now. Wait a few minutes, then try again."))], email=email)
    if throttle.form_allowed(db, throttle.form_key(secret, "reset-account", users.normalise_email(email)),
                             RESETS_PER_ACCOUNT):
        # Looked up and sent by the worker, so the answer takes as long whether or not there is an account.
        job_queue(settings).submit(PASSWORD_RESET, "", {"email": email, "language": request_translator(request).code},
                                   "")
    # The same answer whether or not there is an account, so the page cannot be used to find staff emails.
    message = (N_("If there is an account for this email address, we have sent it a link to reset the password.")
               if mail.configured(settings) else
               N_("If there is an account for this email address, an administrator will send you a link to reset "
                  "the password."))
    return render(request, db, "account/message.html", heading=N_("Check your email"), message=message)


