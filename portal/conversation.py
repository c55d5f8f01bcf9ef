"""One turn of a conversation with the assistant, as /chat and /kiosk both hold it.

A crisis is answered first with emergency numbers, whether or not Rasa is running; otherwise Rasa answers
through its REST channel, and if it cannot, the directory does. Replies become views in the resident's
language: text translated then filled in, listings from the directory with their translated names.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import Request
from itsdangerous import BadSignature, URLSafeSerializer

from directory.corpus import Corpus, Listing, corpus
from directory.crisis import sounds_like_crisis
from directory.embeddings import Embedder
from directory.messages import N_
from directory.schedules import london_now, london_today
from directory.search import SearchQuery
from directory.text import clean
from directory.words import letters
from portal import assistant, follow_ups, listing_facts, opening_times, transcripts
from portal.assistant import Reply
from portal.dependencies import Db
from portal.i18n import Translator, translator
from portal.metrics import measured_search
from portal.templating import safe_next, url
from referrals import intake

MESSAGE_MAX = 500

CRISIS = N_("If you are in danger now, or someone's life is at risk, call 999. You can talk to Samaritans at any "
            "time, free, on 116 123. The South London and Maudsley 24-hour mental health crisis line is "
            "0800 731 2864. The nearest A&E is at University Hospital Lewisham, Lewisham High Street, SE13 6LH.")
WELCOME = N_("Hello. I can help you find free and local support in Lewisham. What do you need help with?")
UNAVAILABLE = N_("The assistant is not available just now, so here is what the directory found for your words.")
NOTHING = N_("I could not find anything for that. Call {phone} and someone will help you find support.")
SAY_MORE = N_("I did not catch what you need. Tell me in a few words, in any language, or choose a topic.")
CRISIS_CALLS = (
    {"title": N_("Call 999"), "tel": "999"}, {"title": N_("Call Samaritans, 116 123"), "tel": "116123"},
    {"title": N_("Call the crisis line, 0800 731 2864"), "tel": "08007312864"},
)
STARTERS = (
    (N_("Money and debt"), "/find_debt_advice"), (N_("Food"), "/find_food_support"),
    (N_("Housing"), "/find_housing_help"), (N_("Mental health"), "/find_mental_health_support"),
    (N_("Family and children"), "/find_family_support"), (N_("Speak to a person"), "/speak_to_person"),
)


def conversation_id(request: Request) -> str:
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
    words = _words(text)
    found = measured_search("assistant", db, SearchQuery(text=words, limit=3), embedder) if words.strip() else None
    if not found or not found.hits:
        return [Reply(say=NOTHING, params={"phone": settings.help_phone})]
    return [Reply(say=UNAVAILABLE, listings=[{"id": h.listing.id, "today": None} for h in found.hits])]


def _in_language(request: Request, link: str) -> str | None:
    """A portal link from the assistant ('/search?q=…'), in the resident's language; None for anything that is
    not a path on this site (a link elsewhere, `//host`, `javascript:`), which is never shown."""
    if not safe_next(link, ""):
        return None
    path, _, query = link.partition("?")
    return url(request, path) + (f"?{query}" if query else "")


def _signer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(request.app.state.settings.session_secret(), salt="chat-button")


def button(request: Request, title: str, payload: str) -> dict[str, str]:
    """A button that sends the assistant `payload` (an intent, `/find_food_support`) when pressed.

    The payload travels signed, so only a button the portal showed can send an intent: anything a resident
    types is words, whatever it starts with.
    """
    return {"title": title, "payload": payload, "signed": _signer(request).dumps([payload, title])}


def pressed(request: Request, signed: str) -> tuple[str, str] | None:
    """The (payload, title) of a button the portal showed, or None for anything else."""
    try:
        payload, title = _signer(request).loads(signed)
    except (BadSignature, ValueError, TypeError):
        return None
    return (payload, title) if isinstance(payload, str) and isinstance(title, str) else None


def on_kiosk(request: Request) -> bool:
    """Whether the conversation is on a community-hub kiosk, whose every link must keep to the kiosk."""
    return request.url.path.startswith("/kiosk")


def _listing(listing: Listing, t: Translator, request: Request, now: datetime) -> dict[str, Any]:
    where = "/kiosk/services/" if on_kiosk(request) else "/services/"
    return {"listing": listing, "name": listing.name_in(t.code), "summary": listing.summary_in(t.code),
            "translated": t.code == "en" or t.code in listing.translations,
            "today": opening_times.today_line(listing.schedules, t, now),
            "url": url(request, f"{where}{listing.id}")}


def _buttons(reply: Reply, t: Translator, request: Request) -> list[dict[str, str]]:
    """Buttons that send an intent, links to portal pages, and numbers to call."""
    found = []
    for b in reply.buttons:
        title = t.gettext(str(b.get("title", "")))
        if b.get("tel"):
            found.append({"title": title, "tel": "".join(c for c in str(b["tel"]) if c.isdigit() or c == "+")})
        elif b.get("url"):
            target = str(b["url"])
            if on_kiosk(request):  # "See more" opens the kiosk's own list; nothing leads out of the kiosk
                target = "/kiosk" + target if target.startswith("/search?") else ""
            link = _in_language(request, target) if target else None
            if link:
                found.append({"title": title, "url": link})
        elif isinstance(b.get("payload"), str) and b["payload"].startswith("/"):
            found.append(button(request, title, b["payload"]))
    return found


def view(reply: Reply, t: Translator, found: Corpus, request: Request, db: Db, embedder: Embedder | None,
         now: datetime) -> dict[str, Any]:
    """A reply in the resident's language: text translated then filled in, listings from the directory, and
    a question about places answered from the directory as it is now."""
    params = {k: t.gettext(v) if isinstance(v, str) else v for k, v in reply.params.items()}
    listings = [_listing(found.listings[found.index_of[item["id"]]], t, request, now)
                for item in reply.listings if item.get("id") in found.index_of]
    try:
        text = t.gettext(reply.say).format(**params) if reply.say else ""
    except (KeyError, IndexError, ValueError):
        text = t.gettext(reply.say)
    shown = {"text": text, "listings": listings, "buttons": _buttons(reply, t, request), "urgent": reply.urgent,
             "about": reply.about}
    if reply.say == follow_ups.ASK_NEED:  # asked how to reach someone before any place was shown
        shown["buttons"] = shown["buttons"] + call_back(request, db, t)
    if reply.about == "hours":
        for item in listings:
            item["lines"] = follow_ups.hours(db, item["listing"].id, t, now, str(reply.params.get("day") or ""))
    elif reply.about == "contact":
        for item in listings:
            item["contact"] = listing_facts.contact(db, item["listing"].id, item["listing"].fields_in(t.code))
    elif reply.about == "person":
        answer = follow_ups.person(db, embedder, request.app.state.settings, reply.where, t, now)
        shown.update(text=answer["text"], intro=answer["intro"],
                     buttons=[{"title": t.gettext(N_("Call {phone}")).format(phone=c["number"]), "tel": c["tel"]}
                              for c in answer["calls"]] + call_back(request, db, t),
                     listings=[_listing(found.listings[found.index_of[i]], t, request, now)
                               for i in answer["open"] if i in found.index_of])
    return shown


def call_back(request: Request, db: Db, t: Translator) -> list[dict[str, str]]:
    """"Can someone call me?": a button to ask the partnership's hub team to, when one takes referrals (from the
    kiosk, its keypad form; on the website, the form saying it began with the assistant)."""
    if intake.hub_service(db) is None:
        return []
    path = "/kiosk/contact-me" if on_kiosk(request) else "/contact-me?via=assistant"
    return [{"title": t.gettext(N_("Ask someone to call you back")), "url": _in_language(request, path) or path}]


@dataclass
class Turn:
    """One message and its answer: what to show as said, the replies, or what is wrong with the message."""

    said: str | None
    replies: list[Reply]
    problem: str | None = None


def remember(request: Request, db: Db, turn: Turn) -> Turn:
    """Keep the turn for the rest of the visit (see `transcripts`), unless the message was refused."""
    if not turn.problem:
        transcripts.keep(db, conversation_id(request), turn.said, turn.replies)
    return turn


def take_turn(request: Request, db: Db, embedder: Embedder | None, message: str, signed_button: str = "") -> Turn:
    """Check the message, then answer it in the request's language (a button shows its title as said).

    A typed message is always words: a leading `/`, which Rasa would take as an intent and its entities, is
    dropped. Only a button the portal signed (see `button`) sends an intent.
    """
    t = translator(request.state.language)
    if signed_button:
        found = pressed(request, signed_button)
        if found is None:
            return Turn(None, [], t.gettext(N_("That button no longer works. Type your message, or choose a "
                                                 "button again.")))
        payload, title = found
        return remember(request, db, Turn(title, answer(request, db, embedder, payload, t.code)))
    text = clean(message).strip().lstrip("/").strip()
    problem = problem_with(text, t)
    if problem:
        return Turn(None, [], problem)
    return remember(request, db, Turn(text, answer(request, db, embedder, text, t.code)))


def buttons(request: Request, pairs: tuple[tuple[str, str], ...], t: Translator) -> list[dict[str, str]]:
    return [button(request, t.gettext(title), payload) for title, payload in pairs]


def problem_with(text: str, t: Translator) -> str | None:
    """What is wrong with a message, in the resident's language, or None."""
    if not text:
        return t.gettext(N_("Type a message, or choose a button."))
    if len(text) > MESSAGE_MAX:
        return t.gettext(N_("Use {limit} characters or fewer.")).format(limit=MESSAGE_MAX)
    return None


def answer(request: Request, db: Db, embedder: Embedder | None, text: str, language: str) -> list[Reply]:
    """The replies to one message: crisis first, then the assistant, then the directory.

    A question the assistant recognises about places ("when are they open?", "where is it?", "can I talk to
    someone?") is answered by the portal from the directory, about the places named or last shown.
    """
    if sounds_like_crisis(text):
        return [Reply(say=CRISIS, urgent=True, buttons=[dict(call) for call in CRISIS_CALLS])]
    if letters(text) < 2:  # "?", "🍞", "😢", "7", "a": nothing to search for, and never a "yes"
        return [Reply(say=SAY_MORE, buttons=[{"title": title, "payload": payload} for title, payload in STARTERS])]
    settings = request.app.state.settings
    if not text.startswith("/"):
        found, today = corpus(db, embedder), london_today()
        about_named = follow_ups.asked_about_named(found, text, language,
                                                   transcripts.last_shown(db, conversation_id(request)), today)
        if about_named is not None:
            return [about_named]
    replies = assistant.ask(settings.rasa_url, conversation_id(request), text, language)
    if replies is None and text == "/speak_to_person":  # the button still works with the assistant stopped
        replies = [Reply(about="person")]
    if replies is None:
        return _from_directory(db, embedder, text, settings)
    if not any(r.about in follow_ups.ASKS for r in replies):
        return replies
    found, shown = corpus(db, embedder), transcripts.last_shown(db, conversation_id(request))
    today = london_today()
    return [follow_ups.resolve(r, found, text, language, shown, today) if r.about in follow_ups.ASKS else r
            for r in replies]


def views(request: Request, db: Db, embedder: Embedder | None, replies: list[Reply], t: Translator) -> list[dict]:
    found, now = corpus(db, embedder), london_now()
    return [view(r, t, found, request, db, embedder, now) for r in replies]


def transcript(request: Request, db: Db, embedder: Embedder | None, t: Translator) -> list[dict[str, Any]]:
    """Every turn of this visit's conversation so far, as views: what the resident said and the replies."""
    if "chat" not in request.session:
        return []
    return [{"said": said, "replies": views(request, db, embedder, replies, t)}
            for said, replies in transcripts.turns(db, request.session["chat"])]
