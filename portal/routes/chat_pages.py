"""/chat: the signposting assistant in the portal, a page that works with or without JavaScript."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from accounts import throttle
from directory.embeddings import Embedder
from directory.messages import N_
from portal import conversation
from portal.conversation import MESSAGE_MAX, STARTERS, WELCOME
from portal.csrf import require_csrf
from portal.dependencies import Db, client_address, get_embedder
from portal.templating import render, request_translator, url

router = APIRouter(include_in_schema=False)
Model = Annotated[Embedder | None, Depends(get_embedder)]


def _page(request: Request, db: Db, embedder: Embedder | None, status_code: int = 200,
          problem: str | None = None) -> Response:
    """The whole conversation of this visit, never cached: Back from a listing shows it as it is now."""
    t = request_translator(request)
    response = render(request, db, "chat.html", status_code=status_code,
                      history=conversation.transcript(request, db, embedder, t), problem=problem,
                      starters_buttons=conversation.buttons(request, STARTERS, t),
                      welcome=t.gettext(WELCOME), message_max=MESSAGE_MAX)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/chat")
def chat(request: Request, db: Db, embedder: Model) -> Response:
    return _page(request, db, embedder)


# Messages from one address in ten minutes: a busy hub's kiosk sends far fewer; a flood is slowed.
MESSAGES_PER_ADDRESS = 200
SLOW_DOWN = N_("Many messages have come from your connection just now. Wait a few minutes, then send yours again.")


@router.post("/chat", dependencies=[Depends(require_csrf)])
def send(request: Request, db: Db, embedder: Model, message: Annotated[str, Form()] = "",
         button: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """With JavaScript, the new turn alone is added to the page; without, the page is fetched again (so Back
    and reload never send a message twice) and opens at the newest turn."""
    key = throttle.form_key(request.app.state.settings.session_secret(), "chat", client_address(request))
    if not throttle.form_allowed(db, key, MESSAGES_PER_ADDRESS):
        return _page(request, db, embedder, 429, request_translator(request).gettext(SLOW_DOWN))
    turn = conversation.take_turn(request, db, embedder, message, button)
    if turn.problem:
        return _page(request, db, embedder, 400, turn.problem)
    if request.headers.get("HX-Request") != "true":
        return RedirectResponse(url(request, "/chat") + "#np-latest", status_code=303)
    t = request_translator(request)
    return render(request, db, "_chat_turn.html", said=turn.said, latest=True,
                  replies=conversation.views(request, db, embedder, turn.replies, t))
