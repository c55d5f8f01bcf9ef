"""The languages the portal speaks, and how a request chooses one.

Order of choice: the URL (`/pl/...` or `?lang=pl`), then the cookie a resident's earlier choice
left, then the browser's Accept-Language, then English.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT = "en"
COOKIE = "lang"


@dataclass(frozen=True)
class Language:
    code: str
    own_name: str  # what speakers call it: the picker shows this
    english_name: str
    babel_locale: str  # for dates, times, numbers and plurals
    direction: str = "ltr"


LANGUAGES: tuple[Language, ...] = (
    Language("en", "English", "English", "en_GB"),
    Language("pl", "Polski", "Polish", "pl_PL"),
    Language("pt", "Português", "Portuguese", "pt_PT"),
    Language("es", "Español", "Spanish", "es_ES"),
    Language("tr", "Türkçe", "Turkish", "tr_TR"),
    Language("so", "Soomaali", "Somali", "so_SO"),
    Language("fr", "Français", "French", "fr_FR"),
    Language("ar", "العربية", "Arabic", "ar", "rtl"),
    Language("bn", "বাংলা", "Bengali", "bn_BD"),
)
CODES = frozenset(language.code for language in LANGUAGES)


def language(code: str) -> Language:
    return next((lang for lang in LANGUAGES if lang.code == code), LANGUAGES[0])


def from_accept_language(header: str | None) -> str | None:
    """The best language we speak from an Accept-Language header, honouring q-values."""
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        code = tag.strip().lower().split("-")[0]
        if code in CODES and quality > 0:
            choices.append((-quality, position, code))
    return min(choices)[2] if choices else None


def choose(from_path: str | None, from_query: str | None, from_cookie: str | None, accept: str | None) -> str:
    """The language for this request, first match wins."""
    for candidate in (from_query, from_path, from_cookie):
        if candidate and candidate.lower() in CODES:
            return candidate.lower()
    return from_accept_language(accept) or DEFAULT
