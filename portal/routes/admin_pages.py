"""Administrators: organisations, invitations, who has an account, and password resets without email.

Invitation and reset links are shown here once, to be passed on, and emailed too when SMTP is set.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from accounts import tokens, users
from accounts.users import ADMIN, EDITOR, ROLES, User
from directory import organisations
from directory.messages import N_, ResidentError
from portal import mail
from portal.auth import allow
from portal.csrf import require_csrf
from portal.dependencies import Db
from portal.form_errors import by_field
from portal.job_kinds import MAIL
from portal.job_queue import job_queue
from portal.templating import render, request_translator, url

router = APIRouter(include_in_schema=False, dependencies=[Depends(allow(ADMIN))])
Admin = Annotated[User, Depends(allow(ADMIN))]
Text = Annotated[str, Form()]
CSRF = [Depends(require_csrf)]


def _organisation(db: Db, organization_id: str) -> organisations.Organisation:
    found = organisations.get(db, organization_id)
    if found is None:
        raise HTTPException(status_code=404, detail="organisation")
    return found


@router.get("/admin")
def admin_home(request: Request, db: Db) -> Response:
    return render(request, db, "admin/home.html", organisations=organisations.all_organisations(db),
                  people=users.everyone(db), roles=ROLES, reset_requests=tokens.reset_requests(db), errors={},
                  email="", role="")


def _new_form(request: Request, db: Db, problems: list[ResidentError] | None = None, **values: Any) -> Response:
    errors = by_field(request_translator(request), problems or [], "name")
    return render(request, db, "admin/organisation_new.html", status_code=400 if errors else 200, errors=errors,
                  **{"name": "", "email": "", "website": "", "description": "", **values})


@router.get("/admin/organisations/new")
def new_organisation_form(request: Request, db: Db) -> Response:
    return _new_form(request, db)


@router.post("/admin/organisations/new", dependencies=CSRF)
def new_organisation(request: Request, db: Db, name: Text = "", email: Text = "", website: Text = "",
                     description: Text = "") -> Response:
    problems = organisations.check(name, email, website, description)
    if problems:
        return _new_form(request, db, problems, name=name, email=email, website=website, description=description)
    org_id = organisations.create(db, name, email, website, description)
    return RedirectResponse(url(request, f"/admin/organisations/{org_id}"), status_code=303)


def _organisation_page(request: Request, db: Db, organization_id: str, problems: list[ResidentError] | None = None,
                       **values: Any) -> Response:
    organisation = _organisation(db, organization_id)
    members = [u for u in users.everyone(db) if organization_id in u.organizations]
    errors = by_field(request_translator(request), problems or [], "email")
    return render(request, db, "admin/organisation.html", status_code=400 if errors else 200, errors=errors,
                  organisation=organisation, members=members,
                  invitations=tokens.pending_invitations(db, organization_id), **{"email": "", **values})


@router.get("/admin/organisations/{organization_id}")
def organisation_page(request: Request, db: Db, organization_id: str) -> Response:
    return _organisation_page(request, db, organization_id)


@router.post("/admin/organisations/{organization_id}/publishing", dependencies=CSRF)
def set_publishing(request: Request, db: Db, organization_id: str, publishes_directly: Text = "") -> Response:
    _organisation(db, organization_id)
    organisations.set_publishes_directly(db, organization_id, publishes_directly == "yes")
    return RedirectResponse(url(request, f"/admin/organisations/{organization_id}"), status_code=303)


def _link_page(request: Request, db: Db, heading: str, who: str, path: str, subject: str, intro: str) -> Response:
    """Email the link when we can (the worker sends it); show it either way, so the administrator can pass it on."""
    settings = request.app.state.settings
    t = request_translator(request)
    link = settings.link(path)
    emailed = mail.configured(settings)
    if emailed:
        job_queue(settings).submit(MAIL, "", {"to": who, "subject": t.gettext(subject),
                                              "body": t.gettext(intro) + "\n\n" + link}, "")
    return render(request, db, "admin/link.html", heading=heading, who=who, link=link, emailed=emailed)


@router.post("/admin/organisations/{organization_id}/invitations", dependencies=CSRF)
def invite_editor(request: Request, db: Db, admin: Admin, organization_id: str, email: Text = "") -> Response:
    _organisation(db, organization_id)
    problems = users.check_email(email)
    if problems:
        return _organisation_page(request, db, organization_id, problems, email=email)
    raw = tokens.issue(db, tokens.INVITATION, by=admin.id, email=email, organization_id=organization_id, role=EDITOR)
    return _link_page(request, db, N_("Invitation created"), users.normalise_email(email),
                      f"/account/invitation/{raw}", N_("You are invited to edit listings"),
                      N_("Use this link within 7 days to set your password and start editing your listings:"))


@router.post("/admin/invitations", dependencies=CSRF)
def invite_partner(request: Request, db: Db, admin: Admin, email: Text = "", role: Text = "") -> Response:
    """Moderators, engagement leads and administrators belong to the partnership, not an organisation."""
    problems: list[ResidentError] = users.check_email(email)
    if role not in ROLES or role == EDITOR:
        problems.append(users.AccountError("role", N_("Choose a role.")))
    if problems:
        errors = by_field(request_translator(request), problems, "email")
        return render(request, db, "admin/home.html", status_code=400, errors=errors, email=email, role=role,
                      organisations=organisations.all_organisations(db), people=users.everyone(db), roles=ROLES,
                      reset_requests=tokens.reset_requests(db))
    raw = tokens.issue(db, tokens.INVITATION, by=admin.id, email=email, role=role)
    return _link_page(request, db, N_("Invitation created"), users.normalise_email(email),
                      f"/account/invitation/{raw}", N_("You are invited to the neighbourhood directory"),
                      N_("Use this link within 7 days to set your password:"))


@router.post("/admin/users/{user_id}/reset", dependencies=CSRF)
def reset_link(request: Request, db: Db, admin: Admin, user_id: str) -> Response:
    person = users.get(db, user_id)
    if person is None:
        raise HTTPException(status_code=404, detail="user")
    raw = tokens.issue_reset(db, person.id, by=admin.id)
    return _link_page(request, db, N_("Password reset link created"), person.email, f"/account/reset/{raw}",
                      N_("Reset your password"), N_("Use this link within 24 hours to choose a new password:"))


@router.post("/admin/users/{user_id}/disable", dependencies=CSRF)
def disable_user(request: Request, db: Db, admin: Admin, user_id: str) -> Response:
    if user_id == admin.id or users.get(db, user_id) is None:
        raise HTTPException(status_code=404 if user_id != admin.id else 403, detail="user")
    users.disable(db, user_id)
    return RedirectResponse(url(request, "/admin"), status_code=303)
