"""Questions about places the resident has seen or named: when they are open, how to reach them, and who
to talk to now.

The assistant says what was asked (`about`); the portal answers from the directory with its own clock, so
opening times are never stale, a day named in any language counts, and the answer is rebuilt in the
resident's language whenever the conversation is shown again.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import regex
from rapidfuzz import fuzz

from directory import postcodes, schedules
from directory.corpus import Corpus, corpus
from directory.messages import N_
from directory.search import SearchInputError, SearchQuery, search
from directory.services import load_service
from portal import opening_times
from portal.assistant import Reply
from portal.i18n import Translator, translator

ASKS = ("hours", "contact", "person")
NAME_SCORE = 88  # of 100: "catford foodbank" still names Catford food bank, "food bank" alone names none
WORD_SCORE = 82  # each word of the name must be there, give or take a typo: a long name's slack is not a word
TYPO = 85  # of 100: "tomorow" is tomorrow
ONE_WORD = 7  # letters: a single word of a shown place's name counts only if it is this long and its own
NAME_MIN = 6  # letters: shorter names ("Age UK") are too easily found by chance inside other words
NEAR = 60  # of 100: a word this like one left out of a shortened name is a different place, not a typo
DISTINCT = 2  # the start of a name counts only if one of its words is in this many listings' names or fewer
TOMORROW = {  # Babel holds day names but not the word for tomorrow
    "en": ("tomorrow",), "pl": ("jutro",), "ar": ("غدا", "بكرة"), "bn": ("আগামীকাল",), "tr": ("yarın", "yarin"),
    "so": ("berri",), "pt": ("amanhã", "amanha"), "es": ("mañana", "manana"), "fr": ("demain",),
}
# Words that ask when or how to reach a place, in each portal language (and English in any), so a question
# naming a place ("czy ladywell youth club jest otwarty w czwartek") is answered even where the assistant
# hears only "youth club" and "Ladywell" and would list youth clubs again. Matched as word starts, folded.
WHEN = {
    "en": ("open", "clos", "hours", "time", "when"), "pl": ("otwar", "otwier", "zamk", "zamyk", "godzin", "kiedy"),
    "es": ("abre", "abier", "cierra", "horario", "hora", "cuando"), "pt": ("abre", "aberto", "fecha", "horario",
                                                                        "hora", "quando"),
    "tr": ("acik", "acil", "kapal", "kapan", "saat", "zaman"), "ar": ("مفتوح", "يفتح", "تفتح", "يغلق", "مواعيد",
                                                                    "ساعات", "متى"),
    "so": ("furan", "furm", "xiran", "saacad", "goorma"), "bn": ("খোলা", "বন্ধ", "সময", "কখন"),
    "fr": ("ouvert", "ouvre", "ferme", "horaire", "heure", "quand"),
}
REACH = {
    "en": ("phone", "number", "call", "ring", "contact", "address", "where", "locat", "based", "direction", "email"),
    "pl": ("telefon", "numer", "zadzwon", "kontakt", "adres", "gdzie", "dojech", "dojsc"),
    "es": ("telefono", "numero", "llamar", "contact", "direccion", "donde", "queda", "llegar"),
    "pt": ("telefone", "numero", "ligar", "contact", "contat", "morada", "endereco", "onde", "fica", "chegar"),
    "tr": ("telefon", "numara", "iletis", "adres", "nerede", "ulas"), "ar": ("رقم", "هاتف", "تلفون", "اتصل", "عنوان",
                                                                         "أين", "اين", "وين", "فين"),
    "so": ("lambar", "taleefan", "telefoon", "wac", "cinwaan", "xagee", "xaggee", "halkee"),
    "bn": ("ফোন", "নম্বর", "ঠিকানা", "কোথায"), "fr": ("telephone", "numero", "appeler", "contact", "adresse", "trouve"),
}
ASK_NEED = N_("Tell me what you need help with first, and I will find a place.")
LINE_OPEN = N_("The {owner} advice line is open now. Call {phone}.")
LINE_CLOSED = N_("The {owner} advice line ({phone}) is closed now. {opens}")
OPEN_NOW = N_("These are open now:")
NONE_OPEN = N_("Nothing near you is open right now. If you are in danger or need urgent help, call 999.")
_WORD = regex.compile(r"[\p{L}\p{M}]+")


def _fold(text: str) -> str:
    """Lower case without accents or Arabic vowel marks, so "sábado", "sabado" and "Sábado" are one word (and
    Turkish "açık" is "acik", as residents without a Turkish keyboard type it)."""
    plain = unicodedata.normalize("NFKD", text.casefold().replace("ı", "i"))
    return "".join(c for c in plain if unicodedata.category(c) != "Mn")


def _plain(text: str) -> str:
    """Words alone, folded: what a name and a message are compared as, in any script."""
    return " ".join(_WORD.findall(_fold(text)))


def _stem(name: str) -> str:
    """Enough of a day's name to know it inflected ("sobotę", "cumartesileri"), not so little it is another word."""
    return name if len(name) <= 4 else name[:max(4, len(name) - 2)]


def named_day(text: str, t: Translator, today: date) -> date | None:
    """The day a question is about ("is it open on Saturday?", "w sobotę", "السبت", "tomorrow"), in the
    resident's language or English; the next such day from today, or None if no day is named."""
    words = [_fold(w) for w in _WORD.findall(text)]
    tomorrow = [_fold(w) for code in {t.code, "en"} for w in TOMORROW.get(code, ())]
    if any(fuzz.ratio(word, said) >= TYPO for word in words for said in tomorrow if len(word) > 4 or word == said):
        return today + timedelta(days=1)
    names = [(_stem(_fold(translator_day)), index) for speaker in (t, translator("en"))
             for index, translator_day in enumerate(speaker.weekday(i) for i in range(7))]
    matches = [(len(stem), index) for stem, index in names for word in words if word.startswith(stem)]
    if not matches:
        return None
    index = max(matches)[1]  # "cumartesi" is Saturday, though it starts with "cuma", Friday
    return today + timedelta(days=(index - today.weekday()) % 7)


@dataclass(frozen=True)
class _Name:
    text: str  # folded words of one name a listing goes by
    listing_id: str
    words: tuple[str, ...]
    telling: tuple[str, ...]  # its words that few other names have


_NAMES: dict[tuple[int, int, str], tuple[list[_Name], dict[str, set[str]]]] = {}


def _names(found: Corpus, language: str) -> tuple[list[_Name], dict[str, set[str]]]:
    """Every name a listing goes by (its own, its translations, its name before a dash: "Blood pressure checks
    – Rushey Green Pharmacy" is also "Blood pressure checks"), and which listings' names hold each word.
    Worked out once per change to the directory, not once a message."""
    key = (id(found), getattr(found, "generation", 0), language)
    if key not in _NAMES:
        pairs = _name_pairs(found, language)
        holding: dict[str, set[str]] = {}
        for name, listing_id in pairs:
            for word in name.split():
                holding.setdefault(word, set()).add(listing_id)
        names = [_Name(name, listing_id, tuple(name.split()),
                       tuple(w for w in name.split() if len(w) > 3 and len(holding[w]) <= DISTINCT))
                 for name, listing_id in pairs]
        if len(_NAMES) > 20:  # old generations and languages
            _NAMES.clear()
        _NAMES[key] = (names, holding)
    return _NAMES[key]


def _name_pairs(found: Corpus, language: str) -> list[tuple[str, str]]:
    pairs = []
    for listing in found.listings:
        for name in {listing.name, listing.name_in(language), *(t.name for t in listing.translations.values())}:
            for form in {name, regex.split(r"\s[–—-]\s", name)[0]}:
                processed = _plain(form)
                if len(processed.replace(" ", "")) >= NAME_MIN:
                    pairs.append((processed, listing.id))
    return pairs


def named_listing(found: Corpus, text: str, language: str, shown: list[str]) -> str | None:
    """The listing a message names, misspellings included ("when is catford foodbank open"), or None.

    A name counts if it, or its first two words or more, is in the message: residents say "Deptford Lounge"
    for "Deptford Lounge community hub". A shortened name must keep a word few names have, and the message
    must not say something else where the name goes on ("Catford" for "Deptford"), nor hold another
    listing's word. Or every word that tells the name apart (two or more) is there, in any order ("brockley
    pantry"). The longest such name wins;
    if it belongs to several listings, the one already shown, else none (a guess would answer about the wrong place).
    """
    said = _plain(text)
    names, holding = _names(found, language)
    present: dict[str, bool] = {}  # each word of the names looked for in the message once, not once a name
    def here(word: str) -> bool:
        if word not in present:
            present[word] = fuzz.partial_ratio(word, said) >= WORD_SCORE
        return present[word]

    best: dict[str, int] = {}
    for entry in names:
        words, listing_id = entry.words, entry.listing_id
        if len(words[0]) <= 2 or here(words[0]):  # every start of a name begins with its first word
            for size in range(len(words), 1 if len(words) > 1 else 0, -1):
                start = " ".join(words[:size])
                if len(start.replace(" ", "")) < NAME_MIN:
                    break
                if not all(here(w) for w in words[:size] if len(w) > 2):
                    continue
                if size < len(words) and (min(len(holding[w]) for w in words[:size]) > DISTINCT
                                          or _near_miss(words[size:], said)
                                          or _contradicted(said, listing_id, holding)):
                    continue  # a start shared by many names, or the rest of the name said otherwise ("Catford")
                if len(start) <= len(said) + 2 and fuzz.partial_ratio(start, said) >= NAME_SCORE:
                    best[listing_id] = max(best.get(listing_id, 0), len(start))
                    break
        telling = entry.telling
        if len(telling) >= 2 and all(here(w) for w in telling) \
                and all(any(fuzz.ratio(w, word) >= NAME_SCORE for word in said.split()) for w in telling) \
                and not _contradicted(said, listing_id, holding):  # "brockley pantry": its telling words, any order
            best[listing_id] = max(best.get(listing_id, 0), len(" ".join(telling)))
    if not best:
        return _one_word_of_shown(names, holding, said, shown)
    longest = max(best.values())
    named = [listing_id for listing_id, size in best.items() if size == longest]
    if len(named) == 1:
        return named[0]
    return next((listing_id for listing_id in named if listing_id in shown), None)


def _one_word_of_shown(names: list[_Name], holding: dict[str, set[str]], said: str,
                       shown: list[str]) -> str | None:
    """A place just shown, named by a word of its name that no other listing's name has ("z tym befriending"
    for "Befriending for older people"): enough when it can only mean one of the places on the screen."""
    words = said.split()
    for entry in names:
        listing_id = entry.listing_id
        if listing_id not in shown:
            continue
        for word in entry.words:
            if len(word) >= ONE_WORD and holding[word] == {listing_id} \
                    and any(fuzz.ratio(word, w) >= NAME_SCORE for w in words):
                return listing_id
    return None


def _near_miss(left_out: list[str], said: str) -> bool:
    """Whether the message has a word like, but not, one the shortened name left out: "bank żywności w
    catford" is not "bank żywności w deptford", though it starts the same."""
    return any(NEAR <= fuzz.ratio(out, word) < NAME_SCORE for out in left_out if len(out) > 3
               for word in said.split() if len(word) > 3)


def _contradicted(said: str, listing_id: str, holding: dict[str, set[str]]) -> bool:
    """Whether the message has a word from other listings' names that none of this listing's names has."""
    return any(len(word) > 3 and word in holding and listing_id not in holding[word] for word in said.split())


def _says(words: list[str], cues: dict[str, tuple[str, ...]], language: str) -> bool:
    wanted = [_fold(cue) for code in {language, "en"} for cue in cues.get(code, ())]
    return any(word.startswith(cue) or (not cue.isascii() and cue in word) for word in words for cue in wanted)


def asked_about_named(found: Corpus, text: str, language: str, shown: list[str], today: date) -> Reply | None:
    """A question about a place named in the message (its hours on a day, its phone or address), answered
    without the assistant; None if the message names no place or does not ask when or how to reach it."""
    named = named_listing(found, text, language, shown)
    if named is None:
        return None
    words = [_fold(w) for w in _WORD.findall(text)]
    day = named_day(text, translator(language), today)
    about = "hours" if day or _says(words, WHEN, language) else "contact" if _says(words, REACH, language) else None
    if about is None:
        return None
    return Reply(about=about, listings=[{"id": named}], params={"day": day.isoformat() if day else ""})


def resolve(reply: Reply, found: Corpus, text: str, language: str, shown: list[str], today: date) -> Reply:
    """What the assistant was asked, made exact: the listings it is about (one named in the message, else those
    last shown) and the day named, kept as data so the answer is worked out whenever it is shown."""
    named = named_listing(found, text, language, shown)
    if reply.about == "person" and not named:
        return Reply(about="person", where=reply.where)
    if reply.about == "person":  # "can I talk to someone at Citizens Advice?", "what's Citizens Advice's number?"
        return Reply(about="contact", listings=[{"id": named}])
    about = [named] if named else shown[:3]
    if not about:
        return Reply(say=ASK_NEED)
    day = named_day(text, translator(language), today) if reply.about == "hours" else None
    return Reply(about=reply.about, listings=[{"id": i} for i in about], params={"day": day.isoformat() if day else ""})


def hours(db: Any, listing_id: str, t: Translator, now: datetime, day: str) -> list[str]:
    record = load_service(db, listing_id) or {}
    return opening_times.when_open(record.get("schedules") or [], t, now, date.fromisoformat(day) if day else None)


def person(db: Any, embedder: Any, settings: Any, where: str, t: Translator, now: datetime) -> dict[str, Any]:
    """Talking to someone, knowing the time: in hours, the advice line; out of hours, when it reopens and what
    is open now (round-the-clock lines, and the nearest community hub that is open)."""
    line = schedules.weekly(settings.help_line_hours)
    values = {"owner": settings.help_line_owner, "phone": settings.help_phone}
    tel = regex.sub(r"[^\d+]", "", settings.help_phone)
    if schedules.is_open(line, now):
        return {"text": t.gettext(LINE_OPEN).format(**values), "calls": [{"number": settings.help_phone, "tel": tel}],
                "open": [], "intro": ""}
    reopens = schedules.next_opening(line, now)
    values["opens"] = opening_times.opens_at(reopens, t, now) + "." if reopens else ""
    open_now = _open_now(db, embedder, where, now)
    return {"text": t.gettext(LINE_CLOSED).format(**values), "calls": [], "open": open_now,
            "intro": t.gettext(OPEN_NOW if open_now else NONE_OPEN)}


def _open_now(db: Any, embedder: Any, where: str, now: datetime) -> list[str]:
    """The nearest community hub open now, then the lines open round the clock."""
    try:
        hubs = search(db, SearchQuery(categories=["community-hubs"], open_now=True, postcode=where or None,
                                      limit=1, at=now), embedder).hits
    except (SearchInputError, postcodes.PostcodeError):  # a place the directory cannot use: any hub open now
        hubs = search(db, SearchQuery(categories=["community-hubs"], open_now=True, limit=1, at=now), embedder).hits
    return [h.listing.id for h in hubs] + _round_the_clock(corpus(db, embedder), now)[:3]


_ALWAYS: dict[tuple[int, int, date], list[str]] = {}


def _round_the_clock(found: Corpus, now: datetime) -> list[str]:
    """Listings open 24 hours every day this week: worked out once a day per change to the directory, since
    every out-of-hours answer (and every redraw of one) asks."""
    today = now.astimezone(schedules.LONDON).date()
    key = (id(found), found.generation, today)
    if key not in _ALWAYS:
        _ALWAYS.clear()
        _ALWAYS[key] = [listing.id for listing in found.listings
                        if listing.schedules and opening_times.open_all_week(listing.schedules, today)]
    return _ALWAYS[key]
