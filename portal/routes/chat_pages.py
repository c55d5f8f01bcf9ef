"""/chat: the signposting assistant in the portal, a page that works with or without JavaScript."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from directory.embeddings import Embedder
from portal import conversation
from portal.conversation import MESSAGE_MAX, STARTERS, WELCOME, Reply
from portal.csrf import require_csrf
from portal.dependencies import Db, get_embedder
from portal.templating import render, request_translator

router = APIRouter(include_in_schema=False)
Model = Annotated[Embedder | None, Depends(get_embedder)]


def _page(request: Request, db: Db, embedder: Embedder | None, said: str | None, replies: list[Reply],
          status_code: int = 200, problem: str | None = None) -> Response:
    t = request_translator(request)
    fragment = request.headers.get("HX-Request") == "true"
    return render(request, db, "_chat_turn.html" if fragment else "chat.html", status_code=status_code,
                  said=said, replies=conversation.views(request, db, embedder, replies, t), problem=problem,
                  starters_buttons=conversation.buttons(request, STARTERS, t),
                  welcome=t.gettext(WELCOME), message_max=MESSAGE_MAX)


@router.get("/chat")
def chat(request: Request, db: Db, embedder: Model) -> Response:
    return _page(request, db, embedder, None, [])


@router.post("/chat", dependencies=[Depends(require_csrf)])
def send(request: Request, db: Db, embedder: Model, message: Annotated[str, Form()] = "",
         button: Annotated[str, Form(max_length=2000)] = "") -> Response:
    turn = conversation.take_turn(request, db, embedder, message, button)
    return _page(request, db, embedder, turn.said, turn.replies, 400 if turn.problem else 200, turn.problem)
