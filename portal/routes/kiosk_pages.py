"""/kiosk: the assistant on a touch screen in a community hub, for one stranger after another.

Language first, big buttons for the common needs, no keyboard needed. After a spell without a touch a
countdown shows, then everything the visitor did (conversation, shortlist, session) is wiped and the
start screen returns. "Take this with you" gives a QR code and a print view of what was found.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from directory.corpus import corpus
from directory.embeddings import Embedder
from directory.messages import N_
from portal import assistant, conversation, shortlist, transcripts
from portal.conversation import MESSAGE_MAX
from portal.csrf import require_csrf
from portal.dependencies import Db, get_embedder
from portal.languages import LANGUAGES
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
_FOUND = "kiosk_found"


@router.get("/kiosk")
def start(request: Request, db: Db) -> Response:
    """The start screen: choose a language, in each language's own name."""
    return render(request, db, "kiosk/start.html", kiosk=True, kiosk_languages=LANGUAGES)


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
    if request.headers.get("HX-Request") != "true":
        return RedirectResponse(url(request, "/kiosk/chat") + "#np-latest", status_code=303)
    return render(request, db, "_chat_turn.html", kiosk=True, chat_action="/kiosk/chat", said=turn.said,
                  latest=True, replies=conversation.views(request, db, embedder, turn.replies,
                                                          request_translator(request)))


@router.get("/kiosk/take-away")
def take_away(request: Request, db: Db, embedder: Model) -> Response:
    """What was found, to print or to carry away on a phone by QR code (never a sensitive listing)."""
    ids = [i for i in request.session.get(_FOUND, []) if isinstance(i, str)] + shortlist.saved_ids(request)
    found = shortlist.listings(corpus(db, embedder), list(dict.fromkeys(ids)))
    return render(request, db, "kiosk/take_away.html", kiosk=True, found_listings=found,
                  **share_context(request, found))


_SURVEY_START = re.compile(r"^/s/[a-z0-9]{4,12}$")


def reset_url(survey_code: str | None = None) -> str:
    """Where a kiosk goes to start again: the kiosk's front page, or the start of the survey it is running."""
    return "/kiosk/reset" + (f"?next=/s/{survey_code}" if survey_code else "")


@router.get("/kiosk/reset")
def reset(request: Request, db: Db, next: str = "") -> Response:  # noqa: A002 - the query parameter's name
    """Forget this visitor: the assistant's memory of the conversation, the shortlist, the whole session.

    A GET, so that a kiosk left alone can also start again without JavaScript (a timed refresh); it can
    only ever clear the session of the browser that asks. A kiosk running a survey starts the survey
    again, empty, for the next person; nowhere else can be named.
    """
    conversation_id = request.session.get("chat")
    if conversation_id:
        assistant.forget(request.app.state.settings.rasa_url, conversation_id)
        transcripts.forget(db, conversation_id)
    request.session.clear()
    target = f"{next}?channel=kiosk" if _SURVEY_START.match(next) else "/kiosk"
    response = RedirectResponse(target, status_code=303)
    response.delete_cookie("lang")
    return response
