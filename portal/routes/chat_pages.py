"""/chat: the signposting assistant in the portal. Rasa answers through the portal; if Rasa is not
running, the directory does, and a crisis is always answered first with emergency numbers."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from directory.corpus import Corpus, corpus
from directory.crisis import sounds_like_crisis
from directory.embeddings import Embedder
from directory.messages import N_
from directory.search import SearchQuery, search
from portal import assistant
from portal.assistant import Reply
from portal.csrf import require_csrf
from portal.dependencies import Db, get_embedder
from portal.i18n import Translator
from portal.templating import render, request_translator, url

router = APIRouter(include_in_schema=False)
Model = Annotated[Embedder | None, Depends(get_embedder)]
MESSAGE_MAX = 500

CRISIS = N_("If you are in danger now, or someone's life is at risk, call 999. You can talk to Samaritans at any "
            "time, free, on 116 123. The South London and Maudsley 24-hour mental health crisis line is "
            "0800 731 2864. The nearest A&E is at University Hospital Lewisham, Lewisham High Street, SE13 6LH.")
WELCOME = N_("Hello. I can help you find free and local support in Lewisham. What do you need help with?")
UNAVAILABLE = N_("The assistant is not available just now, so here is what the directory found for your words.")
NOTHING = N_("I could not find anything for that. Call {phone} and someone will help you find support.")
STARTERS = (
    (N_("Money and debt"), "/find_debt_advice"), (N_("Food"), "/find_food_support"),
    (N_("Housing"), "/find_housing_help"), (N_("Mental health"), "/find_mental_health_support"),
    (N_("Family and children"), "/find_family_support"), (N_("Speak to a person"), "/speak_to_person"),
)


def _conversation(request: Request) -> str:
    """An anonymous id for this browser's conversation, so the assistant remembers the last turn."""
    if "chat" not in request.session:
        request.session["chat"] = secrets.token_urlsafe(12)
    return request.session["chat"]


def _words(message: str) -> str:
    """A button's intent as words to search for when the assistant cannot be asked ('/find_food_support')."""
    if not message.startswith("/"):
        return message
    return message[1:].split("{")[0].removeprefix("find_").replace("_", " ")


def _from_directory(db: Db, embedder: Embedder | None, text: str, settings: Any) -> list[Reply]:
    found = search(db, SearchQuery(text=_words(text), limit=3), embedder) if _words(text).strip() else None
    if not found or not found.hits:
        return [Reply(say=NOTHING, params={"phone": settings.help_phone})]
    return [Reply(say=UNAVAILABLE, listings=[{"id": h.listing.id, "today": None} for h in found.hits])]


def _in_language(request: Request, link: str) -> str:
    """A portal link from the assistant ('/search?q=…'), in the resident's language."""
    path, _, query = link.partition("?")
    return url(request, path) + (f"?{query}" if query else "")


def _view(reply: Reply, t: Translator, found: Corpus, request: Request) -> dict[str, Any]:
    """A reply in the resident's language: text translated then filled in, listings from the directory."""
    params = {k: t.gettext(v) if isinstance(v, str) else v for k, v in reply.params.items()}
    listings = []
    for item in reply.listings:
        index = found.index_of.get(item.get("id", ""))
        if index is None:
            continue
        listing = found.listings[index]
        listings.append({"listing": listing, "name": listing.name_in(t.code), "summary": listing.summary_in(t.code),
                         "translated": t.code == "en" or t.code in listing.translations,
                         "today": item.get("today"), "url": url(request, f"/services/{listing.id}")})
    buttons = [{"title": t.gettext(b.get("title", "")), "payload": b.get("payload"),
                "url": _in_language(request, b["url"]) if b.get("url") else None} for b in reply.buttons]
    try:
        text = t.gettext(reply.say).format(**params)
    except (KeyError, IndexError, ValueError):
        text = t.gettext(reply.say)
    return {"text": text, "listings": listings, "buttons": buttons, "urgent": reply.urgent}


def _page(request: Request, db: Db, embedder: Embedder | None, said: str | None, replies: list[Reply],
          status_code: int = 200, problem: str | None = None) -> Response:
    t = request_translator(request)
    found = corpus(db, embedder)
    fragment = request.headers.get("HX-Request") == "true"
    return render(request, db, "_chat_turn.html" if fragment else "chat.html", status_code=status_code,
                  said=said, replies=[_view(r, t, found, request) for r in replies], problem=problem,
                  starters_buttons=[{"title": t.gettext(title), "payload": payload} for title, payload in STARTERS],
                  welcome=t.gettext(WELCOME), message_max=MESSAGE_MAX)


@router.get("/chat")
def chat(request: Request, db: Db, embedder: Model) -> Response:
    return _page(request, db, embedder, None, [])


@router.post("/chat", dependencies=[Depends(require_csrf)])
def send(request: Request, db: Db, embedder: Model, message: Annotated[str, Form()] = "",
         title: Annotated[str, Form()] = "") -> Response:
    t = request_translator(request)
    text = message.strip()
    if not text:
        return _page(request, db, embedder, None, [], 400, t.gettext(N_("Type a message, or choose a button.")))
    if len(text) > MESSAGE_MAX:
        return _page(request, db, embedder, None, [], 400,
                     t.gettext(N_("Use {limit} characters or fewer.")).format(limit=MESSAGE_MAX))
    shown = title.strip() or text
    if sounds_like_crisis(text):
        return _page(request, db, embedder, shown, [Reply(say=CRISIS, urgent=True)])
    settings = request.app.state.settings
    replies = assistant.ask(settings.rasa_url, _conversation(request), text, t.code)
    if replies is None:
        replies = _from_directory(db, embedder, text, settings)
    return _page(request, db, embedder, shown, replies)
