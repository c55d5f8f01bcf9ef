"""Referrals through the portal: an organisation's editors say whether a listing takes them; a resident asks a
listing to contact them (no account); the receiving organisation sees its referrals and opens one, each look
recorded. (Issue 19, begun: accepting, declining, outcomes and the referrer's own journey come next.)"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from accounts import throttle, users
from accounts.users import EDITOR, User
from directory.messages import N_, FieldError, ResidentError
from directory.translations import load_listing
from portal.auth import allow, owns
from portal.csrf import require_csrf
from portal.dependencies import Db, RowId, client_address
from portal.form_errors import by_field
from portal.i18n import Translator
from portal.templating import render, request_translator, url
from referrals import intake, store
from referrals.sealing import Seal, SealError

staff = APIRouter(include_in_schema=False, dependencies=[Depends(allow(EDITOR))])
public = APIRouter(include_in_schema=False)
Editor = Annotated[User, Depends(allow(EDITOR))]
Text = Annotated[str, Form(max_length=4000)]
CSRF = [Depends(require_csrf)]
REQUESTS_PER_ADDRESS = 10  # in ten minutes: a family asking for several services is fine, a script is not
REFERENCE = "referral_reference"  # the session key holding the reference to show once


def _seal(request: Request) -> Seal:
    return Seal(request.app.state.settings.referral_key_list())


def _live(db: Db, service_id: str) -> dict:  # type: ignore[type-arg]
    listing = load_listing(db, service_id[:100])
    if listing is None or listing.get("publication_status", "published") != "published":
        raise HTTPException(status_code=404, detail="listing")
    return listing


# The organisation's side -------------------------------------------------------------------------------------

def _intake_page(request: Request, db: Db, listing: dict, found: intake.Intake,  # type: ignore[type-arg]
                 problems: list[ResidentError] | None = None) -> Response:
    errors = by_field(request_translator(request), problems or [], "accepts")
    return render(request, db, "manage/referral_intake.html", status_code=400 if errors else 200, errors=errors,
                  listing=listing, intake=found, saved=request.query_params.get("saved", ""),
                  limit=intake.MAX_QUESTIONS)


@staff.get("/manage/listings/{service_id}/referrals")
def intake_page(request: Request, db: Db, editor: Editor, service_id: str) -> Response:
    listing = _live(db, service_id)
    owns(editor, listing["organization_id"])
    return _intake_page(request, db, listing, intake.intake(db, listing["id"]))


@staff.post("/manage/listings/{service_id}/referrals", dependencies=CSRF)
async def save_intake(request: Request, db: Db, editor: Editor, service_id: str) -> Response:
    listing = _live(db, service_id)
    owns(editor, listing["organization_id"])
    form = await request.form()
    accepts, contact_by = form.get("accepts") == "yes", str(form.get("contact_by", ""))
    questions = [str(form.get(f"question-{i}", "")) for i in range(1, intake.MAX_QUESTIONS + 1)]
    try:
        intake.save(db, listing["id"], editor.id, accepts, contact_by, questions)
    except FieldError as error:
        return _intake_page(request, db, listing, intake.Intake(listing["id"], accepts, contact_by, questions),
                            [error])
    return RedirectResponse(url(request, f"/manage/listings/{listing['id']}/referrals", saved="1"), status_code=303)


@staff.get("/manage/organisations/{organization_id}/referrals")
def inbox(request: Request, db: Db, editor: Editor, organization_id: str) -> Response:
    """The referrals an organisation received, newest first: references and states, no resident's details."""
    owns(editor, organization_id)
    received = store.received(db, organization_id)
    names = {r.service_id: (load_listing(db, r.service_id) or {}).get("name", "") for r in received}
    return render(request, db, "manage/referral_inbox.html", organization_id=organization_id, referrals=received,
                  names=names)


def _referral_page(request: Request, db: Db, editor: User, referral_id: int,
                   problems: list[ResidentError] | None = None) -> Response:
    """One referral with the resident's details, for the receiving or referring organisation; the look is
    recorded first. The receiving organisation answers it here."""
    found = store.summary(db, referral_id)
    if found is None:
        raise HTTPException(status_code=404, detail="referral")
    acting = next((o for o in (found.organization_id, found.referrer_organization_id) if editor.edits_for(o)), None)
    if acting is None:
        raise HTTPException(status_code=403, detail="referral")
    errors = by_field(request_translator(request), problems or [], "action")
    common = {"listing": load_listing(db, found.service_id) or {}, "receiving": acting == found.organization_id,
              "errors": errors, "reasons": store.DECLINE_REASONS, "outcomes": store.OUTCOMES,
              "events": store.events(db, referral_id), "saved": request.query_params.get("saved", "")}
    try:
        opened = store.open_details(db, _seal(request), referral_id, editor.id, acting)
    except SealError:  # the key that sealed it is not configured here: say so, never a bare server error
        return render(request, db, "manage/referral.html", status_code=503, referral=found, views=[], sealed=True,
                      **common)
    people = {u.id: u.name for u in users.everyone(db)}
    looked = [(people.get(who, "—"), at) for who, _organisation, at in store.views(db, referral_id)]
    common["events"] = [(kind, detail, at, people.get(who or "", "")) for kind, detail, at, who in common["events"]]
    return render(request, db, "manage/referral.html", status_code=400 if errors else 200, referral=opened,
                  views=looked, **common)


@staff.get("/manage/referrals/{referral_id}")
def referral_page(request: Request, db: Db, editor: Editor, referral_id: RowId) -> Response:
    return _referral_page(request, db, editor, referral_id)


@staff.post("/manage/referrals/{referral_id}", dependencies=CSRF)
def answer_referral(request: Request, db: Db, editor: Editor, referral_id: RowId, action: Text = "",
                    reason: Text = "", note: Text = "", outcome: Text = "") -> Response:
    """Accept, decline with a reason, note a try at contact, or close with what happened: the receiver only."""
    found = store.summary(db, referral_id)
    if found is None:
        raise HTTPException(status_code=404, detail="referral")
    if not editor.edits_for(found.organization_id):
        raise HTTPException(status_code=403, detail="referral")
    steps = {"accept": lambda: store.accept(db, referral_id, editor.id, found.organization_id),
             "decline": lambda: store.decline(db, referral_id, reason, note, editor.id, found.organization_id),
             "attempt": lambda: store.attempt(db, referral_id, note, editor.id, found.organization_id),
             "close": lambda: store.close(db, referral_id, outcome, editor.id, found.organization_id)}
    if action not in steps:
        raise HTTPException(status_code=400, detail="action")
    try:
        steps[action]()
    except FieldError as error:
        return _referral_page(request, db, editor, referral_id, [error])
    return RedirectResponse(url(request, f"/manage/referrals/{referral_id}", saved=action), status_code=303)


# The resident's side -----------------------------------------------------------------------------------------

def _ask_page(request: Request, db: Db, listing: dict, found: intake.Intake,  # type: ignore[type-arg]
              problems: list[ResidentError] | None = None, **values: str) -> Response:
    errors = by_field(request_translator(request), problems or [], "name")
    return render(request, db, "referrals/contact_me.html", status_code=400 if errors else 200, errors=errors,
                  listing=listing, intake=found, values=values,
                  consent=consent_text(request_translator(request), listing))


def _accepting(db: Db, service_id: str) -> tuple[dict, intake.Intake]:  # type: ignore[type-arg]
    listing = _live(db, service_id)
    found = intake.intake(db, listing["id"])
    if not found.accepts:
        raise HTTPException(status_code=404, detail="referrals")
    return listing, found


@public.get("/services/{service_id}/contact-me")
def ask_page(request: Request, db: Db, service_id: str) -> Response:
    listing, found = _accepting(db, service_id)
    return _ask_page(request, db, listing, found)


@public.post("/services/{service_id}/contact-me", dependencies=CSRF)
async def ask(request: Request, db: Db, service_id: str) -> Response:
    """A resident asks to be contacted: all of it kept sealed, or the form back with what they typed."""
    listing, found = _accepting(db, service_id)
    form = await request.form()
    values = {k: str(form.get(k, ""))[:4000] for k in ("name", "phone", "email", "contact_times", "story",
                                                         "interpreter", "consent")}
    values.update({f"answer-{i}": str(form.get(f"answer-{i}", ""))[:2000] for i in range(len(found.questions))})
    t = request_translator(request)
    key = throttle.form_key(request.app.state.settings.session_secret(), "contact-me", client_address(request))
    if not throttle.form_allowed(db, key, REQUESTS_PER_ADDRESS):
        response = _ask_page(request, db, listing, found, [ResidentError(N_(
            "Many requests have come from your connection just now. Wait a few minutes, then send yours: what you "
            "wrote is kept below."))], **values)
        response.status_code = 429
        return response
    if values["consent"] != "yes":
        return _ask_page(request, db, listing, found, [FieldError("consent", N_(
            "Tick the box to say they may contact you, or they cannot."))], **values)
    try:
        made = store.refer(db, _seal(request), service_id=listing["id"], channel=store.WEB, name=values["name"],
                           phone=values["phone"], email=values["email"], contact_times=values["contact_times"],
                           story=values["story"], answers={q: values[f"answer-{i}"] for i, q in
                                                           enumerate(found.questions)},
                           consent_text=consent_text(t, listing),
                           consent_by="resident", language=t.code, interpreter=values["interpreter"] == "yes")
    except FieldError as error:
        return _ask_page(request, db, listing, found, [error], **values)
    request.session[REFERENCE] = made.reference
    return RedirectResponse(url(request, f"/services/{listing['id']}/contact-me/sent"), status_code=303)


def consent_text(t: Translator, listing: dict) -> str:  # type: ignore[type-arg]
    """What a resident agrees to, in their language, naming who will contact them; kept (sealed) as they saw it."""
    organisation = (listing.get("organization") or {}).get("name") or listing.get("name", "")
    return t.gettext(CONSENT) % {"organisation": organisation}


CONSENT = N_("I agree that %(organisation)s may keep what I wrote here and contact me about it. They keep it for "
             "12 months after they have helped me, then delete it.")


@public.get("/services/{service_id}/contact-me/sent")
def sent_page(request: Request, db: Db, service_id: str) -> Response:
    listing = _live(db, service_id)
    reference = request.session.pop(REFERENCE, None)
    if not reference:
        return RedirectResponse(url(request, f"/services/{listing['id']}"), status_code=303)
    return render(request, db, "referrals/sent.html", listing=listing, reference=reference)
