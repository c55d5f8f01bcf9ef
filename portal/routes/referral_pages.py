"""Referrals through the portal: an organisation's editors say whether a listing takes them; a referrer (a member
of an organisation) refers a resident with their consent; a resident asks to be contacted from a listing, the
assistant or a kiosk (no account); the receiving organisation answers, each look at the details recorded and shown
to the organisations; a declined referral is passed on with its history; moderators see late ones."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from accounts import throttle, users
from accounts.users import ADMIN, EDITOR, MODERATOR, User
from directory.messages import N_, FieldError, ResidentError
from directory.taxonomy import NEIGHBOURHOODS
from directory.translations import load_listing
from portal import mail
from portal.auth import allow, owns
from portal.csrf import require_csrf
from portal.dependencies import Db, RowId, client_address
from portal.form_errors import by_field
from portal.i18n import Translator, translator
from portal.job_kinds import MAIL
from portal.job_queue import job_queue
from portal.languages import CODES, LANGUAGES
from portal.routes import kiosk_pages
from portal.templating import render, request_translator, url
from referrals import fhir, follow_up, intake, store
from referrals.sealing import Seal, SealError

staff = APIRouter(include_in_schema=False, dependencies=[Depends(allow(EDITOR))])
oversight = APIRouter(include_in_schema=False, dependencies=[Depends(allow(MODERATOR, ADMIN))])
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
    """The referrals an organisation received and those it made, newest first: references and states only."""
    owns(editor, organization_id)
    received, made = store.received(db, organization_id), store.made(db, organization_id)
    names = _listing_names(db, [r.service_id for r in received + made])
    return render(request, db, "manage/referral_inbox.html", organization_id=organization_id, referrals=received,
                  made=made, names=names)


@staff.get("/manage/organisations/{organization_id}/referrals/access")
def access_log(request: Request, db: Db, editor: Editor, organization_id: str) -> Response:
    """Every look at residents' details in this organisation's referrals (received or made): who, when."""
    owns(editor, organization_id)
    people = {u.id: u.name for u in users.everyone(db)}
    looks = [(look, people.get(look.user_id, "—")) for look in store.access_log(db, organization_id)]
    return render(request, db, "manage/referral_access.html", organization_id=organization_id, looks=looks)


def _listing_names(db: Db, service_ids: list[str]) -> dict[str, str]:
    """Listings' names in one query: a list of referrals needs only these, not each whole listing."""
    wanted = sorted(set(service_ids))
    marks = ", ".join("?" for _ in wanted)
    found = dict(db.execute(f"select id, name from services where id in ({marks})", wanted).fetchall())
    return {service_id: found.get(service_id, "") for service_id in wanted}


def _referral_for(db: Db, editor: User, referral_id: int) -> tuple[store.Referral, str]:
    """The referral (404 if none) and the organisation this person opens it for (403 if neither of its two)."""
    found = store.summary(db, referral_id)
    if found is None:
        raise HTTPException(status_code=404, detail="referral")
    return found, _acting(editor, found)


def _acting(editor: User, found: store.Referral) -> str:
    """The organisation this person opens a referral for: the receiving one, else the one that referred; else 403."""
    acting = next((o for o in (found.organization_id, found.referrer_organization_id) if editor.edits_for(o)), None)
    if acting is None:
        raise HTTPException(status_code=403, detail="referral")
    return acting


def _referral_page(request: Request, db: Db, editor: User, referral_id: int,
                   problems: list[ResidentError] | None = None, **values: str) -> Response:
    """One referral with the resident's details, for the receiving or referring organisation; the look is
    recorded first. The receiving organisation answers it here; either passes on a declined one."""
    found, acting = _referral_for(db, editor, referral_id)
    errors = by_field(request_translator(request), problems or [], "action")
    passed = store.summary(db, found.passed_on_to) if found.passed_on_to else None
    earlier = store.summary(db, found.passed_on_from) if found.passed_on_from else None
    common = {"listing": load_listing(db, found.service_id) or {}, "receiving": acting == found.organization_id,
              "errors": errors, "reasons": store.DECLINE_REASONS, "outcomes": store.OUTCOMES,
              "events": store.events(db, referral_id), "saved": request.query_params.get("saved", ""),
              "passed": passed, "earlier": earlier, "values": values,
              "elsewhere": [(i, n) for i, n in intake.accepting(db) if i != found.service_id]}
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


@staff.get("/manage/referrals/{referral_id}/fhir")
def referral_fhir(request: Request, db: Db, editor: Editor, referral_id: RowId) -> Response:
    """The referral as FHIR R4 (a ServiceRequest with a minimal Patient), for a system that speaks FHIR; opening
    it is a look at the details, recorded like any other."""
    found, acting = _referral_for(db, editor, referral_id)
    if found.erased_at:
        raise HTTPException(status_code=410, detail="erased")
    try:
        opened = store.open_details(db, _seal(request), referral_id, editor.id, acting)
    except SealError:
        raise HTTPException(status_code=503, detail="key") from None
    referrer = db.execute("select name from organizations where id = ?", [found.referrer_organization_id]).fetchone()
    bundle = fhir.as_fhir(opened, load_listing(db, found.service_id) or {}, request.app.state.settings.link(""),
                          referrer[0] if referrer else "")
    return Response(json.dumps(bundle, ensure_ascii=False), media_type="application/fhir+json", headers={
        "Content-Disposition": f'attachment; filename="{found.reference}.fhir.json"', "Cache-Control": "no-store"})


@staff.post("/manage/referrals/{referral_id}", dependencies=CSRF)
def answer_referral(request: Request, db: Db, editor: Editor, referral_id: RowId, action: Text = "",
                    reason: Text = "", note: Text = "", outcome: Text = "", to_service: Text = "",
                    consent: Text = "") -> Response:
    """Accept, decline with a reason, note a try at contact, or close with what happened (the receiver only);
    pass a declined one on (the receiver or the referrer)."""
    found = store.summary(db, referral_id)
    if found is None:
        raise HTTPException(status_code=404, detail="referral")
    if action == "pass_on":
        return _pass_on(request, db, editor, found, to_service[:100], consent)
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
    if action != "attempt":
        tell_referrer(request, db, found)
    return RedirectResponse(url(request, f"/manage/referrals/{referral_id}", saved=action), status_code=303)


def tell_referrer(request: Request, db: Db, found: store.Referral) -> None:
    """The person who referred hears by email (through the worker) that the referral's status changed: its
    reference, the new status and a link, never the resident's details. Nothing when email is not set up."""
    settings = request.app.state.settings
    referrer = users.get(db, found.referrer_id) if found.referrer_id else None
    if referrer is None or not mail.configured(settings):
        return
    now = store.summary(db, found.id)
    status = {store.ACCEPTED: "accepted", store.DECLINED: "declined", store.CLOSED: "closed"}.get(
        now.status if now else "", "updated")
    job_queue(settings).submit(MAIL, "", {
        "to": referrer.email, "subject": f"Referral {found.reference} was {status}",
        "body": f"The referral {found.reference} you made was {status}. See what happened:\n\n"
                + settings.link(f"/manage/referrals/{found.id}")}, "")


def _pass_on(request: Request, db: Db, editor: User, found: store.Referral, to_service: str,
             consent: str) -> Response:
    acting = _acting(editor, found)
    target = load_listing(db, to_service) if to_service else None
    if consent != "yes":
        return _referral_page(request, db, editor, found.id, [FieldError("consent", N_(
            "Tick the box to say they agreed to be passed on, or it cannot be sent."))], to_service=to_service)
    try:
        made = store.pass_on(db, _seal(request), found.id, to_service,
                             consent_text(translator(found.language), target or {}, PASSING_CONSENT), editor.id, acting)
    except FieldError as error:
        return _referral_page(request, db, editor, found.id, [error], to_service=to_service)
    return RedirectResponse(url(request, f"/manage/referrals/{made.id}", saved="passed_on"), status_code=303)


# The referrer's side -----------------------------------------------------------------------------------------

def _refer_page(request: Request, db: Db, editor: User, listing: dict, found: intake.Intake,  # type: ignore[type-arg]
                problems: list[ResidentError] | None = None, **values: str) -> Response:
    errors = by_field(request_translator(request), problems or [], "name")
    language = values.get("language") or request.query_params.get("language", "")
    language = language if language in CODES else request_translator(request).code
    organisations = {o: (db.execute("select name from organizations where id = ?", [o]).fetchone() or [o])[0]
                     for o in editor.organizations}
    return render(request, db, "referrals/refer.html", status_code=400 if errors else 200, errors=errors,
                  listing=listing, intake=found, values={**values, "language": language},
                  consent=consent_text(translator(language), listing, PASSING_CONSENT), consent_language=language,
                  resident_languages=LANGUAGES, neighbourhoods=NEIGHBOURHOODS, organisations=organisations)


@staff.get("/manage/refer/{service_id}")
def refer_page(request: Request, db: Db, editor: Editor, service_id: str) -> Response:
    """A referrer, with the resident beside them or on the phone, refers them to a listing that takes referrals."""
    listing, found = _accepting(db, service_id)
    if not editor.organizations:
        raise HTTPException(status_code=403, detail="organisation")
    return _refer_page(request, db, editor, listing, found)


@staff.post("/manage/refer/{service_id}", dependencies=CSRF)
async def refer(request: Request, db: Db, editor: Editor, service_id: str) -> Response:
    listing, found = _accepting(db, service_id)
    form = await request.form()
    values = _details(form, found) | {k: str(form.get(k, ""))[:100] for k in ("language", "referring",
                                                                               "neighbourhood")}
    referring = values["referring"] if values["referring"] in editor.organizations else (
        editor.organizations[0] if len(editor.organizations) == 1 else "")
    if not referring:
        raise HTTPException(status_code=403, detail="organisation")
    language = values["language"] if values["language"] in CODES else "en"
    if values["consent"] != "yes":
        return _refer_page(request, db, editor, listing, found, [FieldError("consent", N_(
            "Tick the box to say they agreed, or the referral cannot be sent."))], **values)
    try:
        agreed = consent_text(translator(language), listing, PASSING_CONSENT)
        made = store.refer(db, _seal(request), **_resident(values, found), service_id=listing["id"],
                           channel=store.REFERRER, consent_text=agreed,
                           consent_by=editor.id, language=language, need=store.need_of(listing),
                           neighbourhood=_neighbourhood(values["neighbourhood"]), referrer_id=editor.id,
                           referrer_organization_id=referring)
    except FieldError as error:
        return _refer_page(request, db, editor, listing, found, [error], **values)
    return RedirectResponse(url(request, f"/manage/referrals/{made.id}", saved="sent"), status_code=303)


PASSING_CONSENT = N_("I agree that %(organisation)s may be given my details and what I need, and contact me about "
                     "it. They keep them for 12 months after they have helped me, then delete them.")


# Oversight ---------------------------------------------------------------------------------------------------

@oversight.get("/moderation/referrals")
def late_referrals(request: Request, db: Db) -> Response:
    """Referrals waiting too long, across organisations: references, organisations and days, no one's details."""
    settings = request.app.state.settings
    late = follow_up.overdue(db, accept_days=settings.referral_accept_days,
                             contact_days=settings.referral_contact_days)
    names = dict(db.execute("select id, name from organizations").fetchall())
    listings = _listing_names(db, [item.service_id for item in late])
    return render(request, db, "moderation/referrals.html", late=late, organisations=names, listings=listings,
                  accept_days=settings.referral_accept_days, contact_days=settings.referral_contact_days)


# The resident's side -----------------------------------------------------------------------------------------

DETAILS = ("name", "phone", "email", "contact_times", "story", "interpreter", "consent")
VIA = {"web": store.WEB, "assistant": store.ASSISTANT}  # where a resident's request on the website began
KEYPAD = tuple("123456789") + ("+", "0", "del")
TIMES = {"morning": N_("Mornings"), "afternoon": N_("Afternoons"), "evening": N_("Evenings"),
         "any": N_("Any time")}


def _details(form: object, found: intake.Intake) -> dict[str, str]:
    """What a referral form sent, each capped, with the answers to the listing's own questions."""
    get = form.get  # type: ignore[attr-defined]
    values = {k: str(get(k, ""))[:4000] for k in DETAILS}
    values.update({f"answer-{i}": str(get(f"answer-{i}", ""))[:2000] for i in range(len(found.questions))})
    return values


def _resident(values: dict[str, str], found: intake.Intake) -> dict[str, object]:
    return {"name": values["name"], "phone": values["phone"], "email": values["email"],
            "contact_times": values["contact_times"], "story": values["story"],
            "answers": {q: values.get(f"answer-{i}", "") for i, q in enumerate(found.questions)},
            "interpreter": values["interpreter"] == "yes"}


def _neighbourhood(value: str) -> int | None:
    return next((n.number for n in NEIGHBOURHOODS if n.code == value), None)


def _ask_page(request: Request, db: Db, listing: dict, found: intake.Intake,  # type: ignore[type-arg]
              problems: list[ResidentError] | None = None, kiosk: bool = False, **values: str) -> Response:
    errors = by_field(request_translator(request), problems or [], "phone" if kiosk else "name")
    via = values.get("via") or request.query_params.get("via", "")
    return render(request, db, "referrals/kiosk_contact_me.html" if kiosk else "referrals/contact_me.html",
                  status_code=400 if errors else 200, errors=errors, listing=listing, intake=found,
                  values={**values, "via": via if via in VIA else "web"}, neighbourhoods=NEIGHBOURHOODS,
                  consent=consent_text(request_translator(request), listing), kiosk=kiosk, keypad=KEYPAD,
                  times=TIMES)


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
    values = _details(form, found) | {k: str(form.get(k, ""))[:20] for k in ("via", "neighbourhood")}
    channel = VIA.get(values["via"], store.WEB)
    return _self_referral(request, db, listing, found, values, channel, f"/services/{listing['id']}/contact-me/sent")


def _self_referral(request: Request, db: Db, listing: dict, found: intake.Intake,  # type: ignore[type-arg]
                   values: dict[str, str], channel: str, sent: str) -> Response:
    """One rule for a resident's own request, from the website, the assistant or a kiosk: rate-limited per
    connection, consent ticked, then sealed and kept; the reference is shown once on the next page."""
    kiosk = channel == store.KIOSK
    t = request_translator(request)
    if values["consent"] != "yes":  # before counting: forgetting the tick is not a request
        return _ask_page(request, db, listing, found, [FieldError("consent", N_(
            "Tick the box to say they may contact you, or they cannot."))], kiosk=kiosk, **values)
    key = throttle.form_key(request.app.state.settings.session_secret(), "contact-me", client_address(request))
    if not throttle.form_allowed(db, key, REQUESTS_PER_ADDRESS):
        response = _ask_page(request, db, listing, found, [ResidentError(N_(
            "Many requests have come from your connection just now. Wait a few minutes, then send yours: what you "
            "wrote is kept below."))], kiosk=kiosk, **values)
        response.status_code = 429
        return response
    try:
        made = store.refer(db, _seal(request), **_resident(values, found), service_id=listing["id"], channel=channel,
                           consent_text=consent_text(t, listing), consent_by="resident", language=t.code,
                           need=store.need_of(listing), neighbourhood=_neighbourhood(values.get("neighbourhood", "")))
    except FieldError as error:
        return _ask_page(request, db, listing, found, [error], kiosk=kiosk, **values)
    request.session[REFERENCE] = made.reference
    return RedirectResponse(url(request, sent), status_code=303)


def consent_text(t: Translator, listing: dict, wording: str = "") -> str:  # type: ignore[type-arg]
    """What a resident agrees to, in their language, naming who will contact them; kept (sealed) as they saw it.
    Their own request (CONSENT), or someone else sending their details (PASSING_CONSENT), read to them."""
    organisation = (listing.get("organization") or {}).get("name") or listing.get("name", "")
    return t.gettext(wording or CONSENT) % {"organisation": organisation}


CONSENT = N_("I agree that %(organisation)s may keep what I wrote here and contact me about it. They keep it for "
             "12 months after they have helped me, then delete it.")


@public.get("/services/{service_id}/contact-me/sent")
def sent_page(request: Request, db: Db, service_id: str) -> Response:
    return _sent(request, db, service_id, kiosk=False)


def _sent(request: Request, db: Db, service_id: str, kiosk: bool) -> Response:
    """The reference, shown once: Back, or the next person at a kiosk, finds the listing or the chat instead."""
    listing = _live(db, service_id)
    reference = request.session.pop(REFERENCE, None)
    if not reference:
        return RedirectResponse(url(request, "/kiosk/chat" if kiosk else f"/services/{listing['id']}"),
                                status_code=303)
    response = render(request, db, "referrals/sent.html", listing=listing, reference=reference, kiosk=kiosk)
    response.headers["Cache-Control"] = "no-store"
    return response


@public.get("/contact-me")
def hub_page(request: Request, db: Db) -> Response:
    """"Can someone call me?" with no listing chosen: the partnership's hub team, when one takes referrals."""
    hub = intake.hub_service(db)
    if hub is None:
        raise HTTPException(status_code=404, detail="hub")
    return RedirectResponse(url(request, f"/services/{hub}/contact-me", via=request.query_params.get("via", "")),
                            status_code=303)


# On a kiosk: an on-screen keypad for the number, big choices for when; no keyboard needed -----------------------

def _kiosk_accepting(request: Request, db: Db, service_id: str) -> tuple[dict, intake.Intake]:  # type: ignore[type-arg]
    """A listing this visitor was shown (or the hub team) that takes referrals."""
    if service_id != intake.hub_service(db) and not kiosk_pages.was_shown(request, service_id):
        raise HTTPException(status_code=404, detail="referrals")
    return _accepting(db, service_id)


@public.get("/kiosk/services/{service_id}/contact-me")
def kiosk_ask_page(request: Request, db: Db, service_id: str) -> Response:
    listing, found = _kiosk_accepting(request, db, service_id)
    return _ask_page(request, db, listing, found, kiosk=True)


@public.post("/kiosk/services/{service_id}/contact-me", dependencies=CSRF)
async def kiosk_ask(request: Request, db: Db, service_id: str) -> Response:
    """A key of the keypad adds to the number and shows the form again (no JavaScript needed); "Send" sends."""
    listing, found = _kiosk_accepting(request, db, service_id)
    form = await request.form()
    values = _details(form, found) | {"when": str(form.get("when", ""))[:20]}
    key = str(form.get("key", ""))
    if key in KEYPAD:
        values["phone"] = values["phone"][:-1] if key == "del" else (values["phone"] + key)[:20]
        return _ask_page(request, db, listing, found, kiosk=True, **values)
    values["contact_times"] = TIMES.get(values["when"], "")  # in English, as the organisation's staff read it
    return _self_referral(request, db, listing, found, values, store.KIOSK,
                          f"/kiosk/services/{listing['id']}/contact-me/sent")


@public.get("/kiosk/services/{service_id}/contact-me/sent")
def kiosk_sent_page(request: Request, db: Db, service_id: str) -> Response:
    return _sent(request, db, service_id, kiosk=True)


@public.get("/kiosk/contact-me")
def kiosk_hub_page(request: Request, db: Db) -> Response:
    hub = intake.hub_service(db)
    if hub is None:
        raise HTTPException(status_code=404, detail="hub")
    return RedirectResponse(url(request, f"/kiosk/services/{hub}/contact-me"), status_code=303)
