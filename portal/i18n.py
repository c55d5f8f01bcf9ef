"""Translations and locale-aware formatting for one request's language, from the catalogues in locales/.

The `.po` files are the source and are compiled in memory at start-up, so what runs is always what is
committed, and a fresh checkout works before `make translations` has compiled any `.mo` files.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_time, get_day_names
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations
from babel.units import format_unit

from directory.messages import ResidentError
from portal.languages import Language, language

LOCALES = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


@cache
def catalogue(code: str) -> NullTranslations:
    """The compiled translations for a language (English is the source text itself)."""
    po = LOCALES / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    if code == "en" or not po.exists():
        return NullTranslations()
    with po.open("rb") as handle:
        parsed = read_po(handle, locale=code)
    buffer = io.BytesIO()
    write_mo(buffer, parsed)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@cache
def _locale(name: str) -> Locale:
    """Parsed once per language: every date, time and distance on a page asks for it."""
    return Locale.parse(name)


@dataclass(frozen=True)
class Translator:
    """Everything a page needs to speak one language."""

    lang: Language

    @property
    def code(self) -> str:
        return self.lang.code

    @property
    def locale(self) -> Locale:
        return _locale(self.lang.babel_locale)

    def gettext(self, message: str) -> str:
        return catalogue(self.code).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return catalogue(self.code).ngettext(singular, plural, n)

    def error(self, problem: ResidentError) -> str:
        """A directory error in this language, its values filled in after translating."""
        return self.gettext(problem.message).format(**problem.params)

    def date(self, value: date | str | None) -> str:
        if isinstance(value, str):
            value = date.fromisoformat(value[:10])
        return format_date(value, format="long", locale=self.locale) if value else ""

    def time(self, value: time | str | None) -> str:
        if isinstance(value, str):
            value = time(*[int(p) for p in value.split(":")[:2]])
        return format_time(value, format="short", locale=self.locale) if value else ""

    def weekday(self, index: int) -> str:
        """Monday is 0, as in Python and in Open Referral's MO..SU order."""
        return get_day_names("wide", locale=self.locale)[index]

    def distance(self, km: float) -> str:
        if km < 1:
            return format_unit(round(km * 1000, -1), "length-meter", length="short", locale=self.locale)
        return format_unit(round(km, 1), "length-kilometer", length="short", locale=self.locale)

    def language_name(self, code: str, fallback: str) -> str:
        """A language's name in this language ("Polski" -> "polaco" in Spanish), else the name we were given."""
        name = self.locale.languages.get(code.lower()) if code else None
        return name[:1].upper() + name[1:] if name else fallback

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def percent(self, share: float) -> str:
        """0.42 as "42%" the language's way ("42 %" in French, "٪42" in Arabic)."""
        return format_percent(share, locale=self.locale)

    def now(self, value: datetime) -> str:
        return format_time(value, format="short", locale=self.locale)


def translator(code: str) -> Translator:
    return Translator(language(code))


def shown_in_every_language(code: str) -> list[str]:
    """The text in one language that pages in every language show: its own name in the language list, and the
    kiosk's "Choose your language" on its button. Fonts cut for just this text keep other pages light."""
    return [language(code).own_name, translator(code).gettext("Choose your language")]


if __name__ == "__main__":  # `python -m portal.i18n bn`: that text, a line each, for `make fonts`
    import sys

    print("\n".join(shown_in_every_language(sys.argv[1])))
