"""A listing's page, and the short form residents use to report a problem with it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from starlette.responses import Response

from accounts import throttle
from directory import reports, schedules, sources
from directory.corpus import Listing, corpus, is_out_of_date
from directory.embeddings import Embedder
from directory.messages import N_
from directory.services import load_service
from portal import listing_facts, opening_times, shortlist
from portal.csrf import require_csrf
from portal.dependencies import Db, client_address, get_embedder
from portal.i18n import Translator
from portal.opening_times import sessions
from portal.templating import current_url, render, request_translator
from referrals import intake

router = APIRouter(include_in_schema=False)
Model = Annotated[Embedder | None, Depends(get_embedder)]


def _published(db: Db, embedder: Embedder | None, service_id: str) -> tuple[dict[str, Any], Listing]:
    found = corpus(db, embedder)
    record = load_service(db, service_id) if service_id in found.index_of else None
    if record is None:
        raise HTTPException(status_code=404, detail="listing")
    return record, found.listings[found.index_of[service_id]]


def _spoken(record: dict[str, Any], t: Translator) -> list[str]:
    return [t.language_name(lang.get("code") or "", lang.get("name") or "") for lang in record.get("languages") or []]


@router.get("/services/{service_id}")
def listing_page(request: Request, service_id: str, db: Db, embedder: Model) -> Response:
    return listing_response(request, db, embedder, service_id)


def listing_response(request: Request, db: Db, embedder: Embedder | None, service_id: str,
                     kiosk: bool = False) -> Response:
    """A listing's page; on a kiosk, in the kiosk's layout with nothing that leads away from it."""
    record, listing = _published(db, embedder, service_id)
    t = request_translator(request)
    translated = t.code == "en" or t.code in listing.translations
    rows, notes = sessions(record.get("schedules") or [], t)
    reviewed = listing.last_reviewed
    origin = sources.provenance(db, [service_id]).get(service_id)
    return render(
        request, db, "listing.html", service=record, listing=listing, translated=translated,
        listing_name=listing.name_in(t.code), description=(listing.translations[t.code].description
                                                   if t.code in listing.translations else listing.description),
        sensitive=listing.sensitive, sessions=rows, schedule_notes=notes,
        time_changes=opening_times.changes(record.get("schedules") or [], t, schedules.london_now().date()),
        open_now=schedules.is_open(record.get("schedules") or []), places=listing_facts.places(record),
        spoken=_spoken(record, t), last_reviewed=t.date(reviewed) if reviewed else None,
        out_of_date=is_out_of_date(reviewed, schedules.london_now().date()),
        saved=service_id in shortlist.saved_ids(request), current_url=current_url(request), kiosk=kiosk,
        own_words=listing.fields_in(t.code), origin=origin,
        origin_date=t.date(origin.fetched_at[:10]) if origin else None,
        takes_referrals=intake.intake(db, service_id).accepts,
    )


def _report_form(request: Request, db: Db, listing: Listing, status_code: int = 200, **values: Any) -> Response:
    t = request_translator(request)
    return render(request, db, "report.html", status_code=status_code, listing=listing,
                  listing_name=listing.name_in(t.code), problems=reports.PROBLEMS,
                  **{"errors": {}, "problem": "", "details": "", **values})


@router.get("/services/{service_id}/report")
def report_form(request: Request, service_id: str, db: Db, embedder: Model) -> Response:
    _, listing = _published(db, embedder, service_id)
    return _report_form(request, db, listing)


REPORTS_PER_ADDRESS = 5  # in ten minutes: enough for a hub's shared connection, too few for a flood


@router.post("/services/{service_id}/report", dependencies=[Depends(require_csrf)])
def send_report(
    request: Request, service_id: str, db: Db, embedder: Model,
    problem: Annotated[str, Form()] = "", details: Annotated[str, Form()] = "",
) -> Response:
    _, listing = _published(db, embedder, service_id)
    t = request_translator(request)
    problems = reports.check_report(problem, details)
    if problems:
        errors = {e.field: {"text": t.error(e), "href": f"#{e.field}"} for e in problems}
        return _report_form(request, db, listing, status_code=400, errors=errors, problem=problem, details=details)
    address = client_address(request)
    if not throttle.form_allowed(db, throttle.form_key(request.app.state.settings.session_secret(), "report", address),
                                 REPORTS_PER_ADDRESS):
        slow = {"text": t.gettext(N_("You have sent several reports just now. Wait a few minutes, then send this "
                                     "one: what you wrote is kept below.")), "href": "#details"}
        return _report_form(request, db, listing, status_code=429, errors={"details": slow}, problem=problem,
                            details=details)
    reports.report_problem(db, service_id, problem, details, language=t.code)
    return render(request, db, "report_sent.html", listing=listing)
