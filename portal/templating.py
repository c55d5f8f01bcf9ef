"""Jinja2 set up for the resident pages: the design system's macros, translations and the page context.

Every page is rendered through `render`, so each one gets the same language, direction, language
picker, demonstration-data flag, CSRF token and shortlist count without a route having to remember.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
import sqlite_utils
from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from directory import history, seed
from portal import auth, csrf, languages, shortlist
from portal.auth import signed_in
from portal.i18n import Translator, translator
from portal.languages import LANGUAGES
from portal.middleware import STAFF_PATHS, split_language
from surveys.redaction import redact


def hash_id(text: object) -> str:
    """A short id for an element that stands for some text (a quote's translation box)."""
    return hashlib.sha256(str(text).encode()).hexdigest()[:12]


TEMPLATES = Path(__file__).parent / "templates"


@jinja2.pass_context
def _gettext(context: jinja2.runtime.Context, message: str) -> str:
    return context["t"].gettext(message)


@jinja2.pass_context
def _ngettext(context: jinja2.runtime.Context, singular: str, plural: str, n: int) -> str:
    return context["t"].ngettext(singular, plural, n)


_WORD_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")


def unbroken_hyphens(text: object) -> str:
    """Hyphens inside words made non-breaking, for left-to-right text on a right-to-left page: Chromium lays
    out "24-hour" broken after its hyphen as "-24" (found on an Arabic staff page at 360 px)."""
    return _WORD_HYPHEN.sub("\u2011", str(text))


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([
            jinja2.FileSystemLoader(TEMPLATES),
            jinja2.PrefixLoader({"govuk_frontend_jinja": jinja2.PackageLoader("govuk_frontend_jinja")}),
        ]),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["direction"] = lambda code: languages.language(code).direction if code in languages.CODES else "ltr"
    env.filters["unbroken_hyphens"] = unbroken_hyphens
    env.filters["written_in"] = history.written_in  # the language of a listing field's text, from its label
    env.filters["hash_id"] = hash_id
    env.filters["redact"] = lambda text: redact(str(text)).text  # residents' words shown to staff
    env.tests["shown_count"] = lambda shown: str(shown).isdigit()  # not suppressed: "<5" and "[c]" get no bar
    env.filters["spoken_name"] = lambda pair, t: t.language_name(pair[0], pair[1])  # a language, in the page's
    return env


templates = Jinja2Templates(env=_environment())


def request_translator(request: Request) -> Translator:
    return translator(request.state.language)


def url(request: Request, path: str, **params: Any) -> str:
    """A link within the portal, in the page's language; empty and None parameters are left out."""
    code = request.state.language
    prefix = f"/{code}" if code != "en" else ""
    pairs = [(k, v) for k, value in params.items() for v in (value if isinstance(value, list) else [value])
             if v not in (None, "", False)]
    return prefix + path + (f"?{urlencode(pairs)}" if pairs else "")


def safe_next(next_url: str, fallback: str) -> str:
    """Only ever go back to a page on this site."""
    return next_url if next_url.startswith("/") and not next_url.startswith(("//", "/\\")) else fallback


def current_url(request: Request) -> str:
    """This page's address in its language, for coming back to after a form."""
    code = request.state.language
    prefix = f"/{code}" if code != "en" else ""
    query = request.url.query
    return prefix + request.url.path + (f"?{query}" if query else "")


def language_links(request: Request) -> list[tuple[Any, str]]:
    """Each language with a link to this same page in it."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    suffix = f"?{urlencode(query)}" if query else ""
    return [(lang, f"/{lang.code}{request.url.path}{suffix}") for lang in LANGUAGES]


def kiosk_reset_url(request: Request, survey_code: str | None = None) -> str:
    """Where a kiosk goes to start again: the kiosk's front page, or the start of the survey it is running. The
    address carries a token from this visitor's session, so no link elsewhere can wipe anyone's visit."""
    query = {"t": csrf.purpose_token(request, csrf.KIOSK_RESET), **({"next": f"/s/{survey_code}"} if survey_code
                                                                    else {})}
    return "/kiosk/reset?" + urlencode(query)


def render(
    request: Request, db: sqlite_utils.Database, template: str, status_code: int = 200, **values: Any
) -> Response:
    t = request_translator(request)
    context = {
        "t": t, "lang": t.lang, "languages": language_links(request),
        "url": lambda path, **params: url(request, path, **params),
        "demo": seed.is_demo(db), "csrf_field": csrf.FIELD, "csrf_token": csrf.csrf_token(request),
        "shortlist_count": len(shortlist.saved_ids(request)),
        "kiosk_reset": kiosk_reset_url(request),
        "settings": request.app.state.settings, "path": request.url.path,
        # Staff pages are for work: the header leaves out what residents use (their shortlist, the assistant).
        "staff_page": split_language(request.url.path)[1].startswith(STAFF_PATHS),
        "current_user": signed_in(request) if auth.SESSION_KEY in request.session else None, **values,
    }
    return templates.TemplateResponse(request, template, context, status_code=status_code)
