"""/kiosk: the assistant on a touch screen in a community hub, for one stranger after another.

Language first, big buttons for the common needs, no keyboard needed. After a spell without a touch a
countdown shows, then everything the visitor did (conversation, shortlist, session) is wiped and the
start screen returns. "Take this with you" gives a QR code and a print view of what was found.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from directory.corpus import corpus
from directory.embeddings import Embedder
from directory.messages import N_
from directory.postcodes import PostcodeError
from directory.schedules import london_now
from directory.search import SearchInputError, SearchQuery
from directory.services import load_service
from directory.taxonomy import category_by_code
from portal import assistant, conversation, listing_facts, opening_times, shortlist, transcripts
from portal.conversation import MESSAGE_MAX
from portal.csrf import KIOSK_RESET, has_purpose_token, require_csrf
from portal.dependencies import Db, get_embedder
from portal.i18n import translator
from portal.languages import LANGUAGES
from portal.metrics import measured_search
from portal.routes import listings
from portal.routes.shortlist_pages import share_context
from portal.templating import render, request_translator, url

router = APIRouter(include_in_schema=False)
Model = Annotated[Embedder | None, Depends(get_embedder)]
NEEDS = (
    (N_("Money and debt"), "/find_debt_advice"), (N_("Benefits"), "/find_benefits_advice"),
    (N_("Food"), "/find_food_support"), (N_("Housing"), "/find_housing_help"),
    (N_("Mental health"), "/find_mental_health_support"), (N_("A Black therapist"), "/find_black_therapist"),
    (N_("Family and children"), "/find_family_support"), (N_("Young people"), "/find_youth_support"),
    (N_("Carers"), "/find_carer_support"), (N_("Older people"), "/find_older_people_support"),
    (N_("Health checks"), "/find_health_check"), (N_("Work and skills"), "/find_employment_support"),
    (N_("Community hubs"), "/find_community_hub"), (N_("Speak to a person"), "/speak_to_person"),
)
CHOOSE = N_("Choose your language")
_FOUND = "kiosk_found"
_SEEN = "kiosk_seen"
SEEN_MOST = 40  # listings a visitor may open: what the conversation and "See more" showed them


@router.get("/kiosk")
def start(request: Request, db: Db) -> Response:
    """The start screen: choose a language, in each language's own name."""
    asks = [(language, translator(language.code).gettext(CHOOSE)) for language in LANGUAGES]
    return render(request, db, "kiosk/start.html", kiosk=True, kiosk_languages=asks)


def _chat_page(request: Request, db: Db, embedder: Embedder | None, status_code: int = 200,
               problem: str | None = None) -> Response:
    t = request_translator(request)
    response = render(request, db, "kiosk/chat.html", status_code=status_code, kiosk=True,
                      chat_action="/kiosk/chat", history=conversation.transcript(request, db, embedder, t),
                      problem=problem, message_max=MESSAGE_MAX, found_count=len(request.session.get(_FOUND, [])),
                      needs=conversation.buttons(request, NEEDS, t))
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/kiosk/chat")
def chat(request: Request, db: Db, embedder: Model) -> Response:
    return _chat_page(request, db, embedder)


@router.post("/kiosk/chat", dependencies=[Depends(require_csrf)])
def send(request: Request, db: Db, embedder: Model, message: Annotated[str, Form()] = "",
         button: Annotated[str, Form(max_length=2000)] = "") -> Response:
    turn = conversation.take_turn(request, db, embedder, message, button)
    if turn.problem:
        return _chat_page(request, db, embedder, 400, turn.problem)
    found = [i for i in request.session.get(_FOUND, []) if isinstance(i, str)]
    for reply in turn.replies:
        found += [item["id"] for item in reply.listings if item.get("id") and item["id"] not in found]
    request.session[_FOUND] = found[-shortlist.LIMIT:]
    _may_open(request, found)
    if request.headers.get("HX-Request") != "true":
        return RedirectResponse(url(request, "/kiosk/chat") + "#np-latest", status_code=303)
    return render(request, db, "_chat_turn.html", kiosk=True, chat_action="/kiosk/chat", said=turn.said,
                  latest=True, replies=conversation.views(request, db, embedder, turn.replies,
                                                          request_translator(request)))


def _may_open(request: Request, ids: list[str]) -> None:
    """Listings this visitor was shown, and so may open on the kiosk; after "Start again", none."""
    seen = [i for i in request.session.get(_SEEN, []) if isinstance(i, str) and i not in ids]
    request.session[_SEEN] = (seen + ids)[-SEEN_MOST:]


def was_shown(request: Request, service_id: str) -> bool:
    """Whether this visitor was shown that listing, and so may open it (or ask it to call them) on the kiosk."""
    return service_id in request.session.get(_SEEN, [])


@router.get("/kiosk/services/{service_id}")
def listing(request: Request, service_id: str, db: Db, embedder: Model) -> Response:
    """A listing the visitor was shown, in the kiosk's layout. Any other (one the last visitor opened, reached
    with Back after the screen started again) goes to the start screen instead."""
    if not was_shown(request, service_id):
        return RedirectResponse(url(request, "/kiosk"), status_code=303)
    return listings.listing_response(request, db, embedder, service_id, kiosk=True)


@router.get("/kiosk/search")
def more(request: Request, db: Db, embedder: Model, q: Annotated[str, Query(max_length=500)] = "",
         category: Annotated[str, Query(max_length=60)] = "", postcode: Annotated[str, Query(max_length=20)] = "",
         ) -> Response:
    """"See more" on a kiosk: ten places for the same need, in the kiosk's layout."""
    t = request_translator(request)
    query = SearchQuery(text=q, categories=[category] if category else [], postcode=postcode or None, limit=10,
                        query_language=t.code)
    try:
        found = measured_search("kiosk", db, query, embedder)
    except (SearchInputError, PostcodeError):
        plain = SearchQuery(text=q, categories=[category] if category_by_code(category) else [], limit=10,
                            query_language=t.code)
        found = measured_search("kiosk", db, plain, embedder)
    ids = [hit.listing.id for hit in found.hits]
    _may_open(request, ids)
    return render(request, db, "kiosk/results.html", kiosk=True, hits=found.hits, total=found.total,
                  now=london_now())


@router.get("/kiosk/take-away")
def take_away(request: Request, db: Db, embedder: Model) -> Response:
    """What was found, to print or to carry away on a phone by QR code (never a sensitive listing)."""
    ids = [i for i in request.session.get(_FOUND, []) if isinstance(i, str)] + shortlist.saved_ids(request)
    found = shortlist.listings(corpus(db, embedder), list(dict.fromkeys(ids)))
    t = request_translator(request)
    details = {listing.id: {**listing_facts.contact(db, listing.id, listing.fields_in(t.code)),
                            "hours": opening_times.week((load_service(db, listing.id) or {}).get("schedules") or [], t)}
               for listing in found}
    return render(request, db, "kiosk/take_away.html", kiosk=True, found_listings=found, details=details,
                  **share_context(request, found))


_SURVEY_START = re.compile(r"^/s/[a-z0-9]{4,12}$")


@router.get("/kiosk/reset")
def reset(request: Request, db: Db, next: str = "", t: str = "") -> Response:  # noqa: A002 - the query parameter's name
    """Forget this visitor: the assistant's memory of the conversation, the shortlist, the whole session.

    A GET with the session's own token, so a kiosk left alone can start again without JavaScript (a timed
    refresh) and GOV.UK's "Exit this page" works; without the token (a link from another site), it asks
    first, and only the "Start again" button (a POST) forgets. A kiosk running a survey starts the survey
    again, empty, for the next person; nowhere else can be named.
    """
    if not has_purpose_token(request, KIOSK_RESET, t):
        return render(request, db, "kiosk/reset.html", kiosk=True, next=next if _SURVEY_START.match(next) else "")
    return _forget(request, db, next)


@router.post("/kiosk/reset", dependencies=[Depends(require_csrf)])
def reset_by_button(request: Request, db: Db, next: Annotated[str, Form()] = "") -> Response:  # noqa: A002
    """The "Start again" button: forgets this visitor as the timed reset does."""
    return _forget(request, db, next)


def _forget(request: Request, db: Db, next: str) -> Response:  # noqa: A002
    conversation_id = request.session.get("chat")
    if conversation_id:
        assistant.forget(request.app.state.settings.rasa_url, conversation_id)
        transcripts.forget(db, conversation_id)
    request.session.clear()
    target = f"{next}?channel=kiosk" if _SURVEY_START.match(next) else "/kiosk"
    response = RedirectResponse(target, status_code=303)
    response.delete_cookie("lang")
    return response
