"""Residents answer a survey in their language at its short link, with no account, and read what came of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from accounts import throttle
from directory.messages import N_, ResidentError
from directory.schedules import london_today
from portal.csrf import require_csrf
from portal.dependencies import Db, client_address
from portal.form_errors import by_field
from portal.i18n import Translator
from portal.templating import kiosk_reset_url, render, request_translator, url
from surveys import answers, store
from surveys.questions import MULTIPLE, RATING, RATINGS, STANDARD_PROMPTS, TEXT_LIMIT, WITH_OPTIONS, Question

router = APIRouter(include_in_schema=False)
CHANNELS = ("web", "kiosk")


@dataclass
class Shown:
    """A piece of the survey as a resident reads it, and the language it is in (English when untranslated)."""

    text: str
    lang: str


@dataclass
class ShownQuestion:
    question: Question
    name: str
    prompt: Shown
    help: Shown | None
    options: list[tuple[str, Shown]]
    condition: str = ""  # "If you answered ... to ..." for readers without JavaScript
    show_if_name: str = ""
    show_if_values: list[str] = field(default_factory=list)


def _piece(texts: dict[str, str], key: str, english: str, code: str) -> Shown:
    return Shown(texts[key], code) if texts.get(key) else Shown(english, "en")


def _prompt(q: Question, texts: dict[str, str], t: Translator) -> Shown:
    """A survey's own translation first; a standard question (age, neighbourhood...) in the portal's words."""
    if texts.get(f"q:{q.id}:prompt"):
        return Shown(texts[f"q:{q.id}:prompt"], t.code)
    translated = t.gettext(q.prompt) if q.kind in STANDARD_PROMPTS else q.prompt
    return Shown(translated, t.code if translated != q.prompt else "en")


def view(survey: store.Survey, texts: dict[str, str], t: Translator) -> dict[str, Any]:
    """The survey in the reader's language: its own translations, and the portal's for standard answers."""
    code = t.code
    questions = []
    for q in survey.questions:
        if q.kind in WITH_OPTIONS:
            options = [(o.value, _piece(texts, f"q:{q.id}:o:{o.value}", o.label, code)) for o in q.options]
        elif q.kind == RATING:
            options = [(v, Shown(t.number(int(v)), code)) for v in RATINGS]
        else:
            options = [(o.value, Shown(t.gettext(o.label), code)) for o in q.choices()]
        shown = ShownQuestion(q, answers.field_name(q), _prompt(q, texts, t),
                              _piece(texts, f"q:{q.id}:help", q.help, code) if q.help else None, options)
        if q.show_if and (earlier := survey.question(q.show_if)):
            chosen = next((s.text for v, s in questions_options(questions, earlier.id) if v in q.show_if_values), "")
            earlier_prompt = next((x.prompt.text for x in questions if x.question.id == earlier.id), earlier.prompt)
            shown.condition = t.gettext("Answer this only if you answered “%(answer)s” to “%(question)s”.") % {
                "answer": chosen, "question": earlier_prompt}
            shown.show_if_name, shown.show_if_values = answers.field_name(earlier), q.show_if_values
        questions.append(shown)
    return {"title": _piece(texts, "title", survey.title, code), "purpose": _piece(texts, "purpose", survey.purpose,
                                                                                    code),
            "audience": _piece(texts, "audience", survey.audience, code), "questions": questions,
            "you_said": _piece(texts, "you_said", survey.you_said, code),
            "we_did": _piece(texts, "we_did", survey.we_did, code)}


def questions_options(questions: list[ShownQuestion], question_id: str) -> list[tuple[str, Shown]]:
    return next((q.options for q in questions if q.question.id == question_id), [])


def _survey(db: Db, code: str) -> store.Survey:
    found = store.survey_by_code(db, code)
    if found is None or not found.published:
        raise HTTPException(status_code=404, detail="survey")
    return found


def _page(request: Request, db: Db, survey: store.Survey, given: answers.Answers | None = None,
          problems: list[ResidentError] | None = None, channel: str = "web") -> Response:
    t = request_translator(request)
    errors = by_field(t, problems or [], "survey")
    state = survey.state(london_today())
    return render(request, db, "surveys/answer.html", status_code=400 if errors else 200, errors=errors,
                  survey=survey, view=view(survey, store.texts(db, survey.id, t.code), t), state=state,
                  given=given or {}, channel=channel, text_limit=TEXT_LIMIT, multiple=MULTIPLE,
                  **_kiosk(request, survey, channel))


def _kiosk(request: Request, survey: store.Survey, channel: str) -> dict[str, Any]:
    """On a kiosk, a survey left half-answered starts again, empty, for the next person (as the kiosk does)."""
    return {"kiosk": True, "kiosk_reset": kiosk_reset_url(request, survey.code)} if channel == "kiosk" else {}


@router.get("/s/{code}")
def survey_page(request: Request, db: Db, code: str, channel: str = "web") -> Response:
    return _page(request, db, _survey(db, code), channel=channel if channel in CHANNELS else "web")


# A community event on one connection sends many answers in ten minutes; a script sending thousands is slowed.
ANSWERS_PER_ADDRESS = 120


@router.post("/s/{code}", dependencies=[Depends(require_csrf)])
async def answer_survey(request: Request, db: Db, code: str) -> Response:
    survey = _survey(db, code)
    form = await request.form()
    given = answers.read_answers(survey, form, lambda name: [str(v) for v in form.getlist(name)])
    channel = str(form.get("channel", "web"))
    key = throttle.form_key(request.app.state.settings.session_secret(), "survey", client_address(request))
    if not throttle.form_allowed(db, key, ANSWERS_PER_ADDRESS):
        response = _page(request, db, survey, given, [ResidentError(N_(
            "Many answers have come from your connection just now. Wait a few minutes, then send yours: what you "
            "chose is kept below."))], channel if channel in CHANNELS else "web")
        response.status_code = 429
        return response
    try:
        answers.submit(db, survey, given, request_translator(request).code, channel if channel in CHANNELS else "web")
    except answers.SurveyClosed:
        return _page(request, db, survey, given, channel=channel if channel in CHANNELS else "web")
    except ResidentError:
        return _page(request, db, survey, given, list(answers.check(survey, given)), channel)
    return RedirectResponse(url(request, f"/s/{code}/thanks", channel=channel if channel == "kiosk" else None),
                            status_code=303)


@router.get("/s/{code}/thanks")
def thanks_page(request: Request, db: Db, code: str, channel: str = "") -> Response:
    survey = _survey(db, code)
    t = request_translator(request)
    return render(request, db, "surveys/thanks.html", survey=survey, on_kiosk=channel == "kiosk",
                  view=view(survey, store.texts(db, survey.id, t.code), t), **_kiosk(request, survey, channel))


@router.get("/s/{code}/you-said-we-did")
def you_said_we_did(request: Request, db: Db, code: str) -> Response:
    survey = _survey(db, code)
    if survey.state(london_today()) != "closed" or not (survey.you_said or survey.we_did):
        raise HTTPException(status_code=404, detail="not yet")
    t = request_translator(request)
    return render(request, db, "surveys/you_said.html", survey=survey,
                  view=view(survey, store.texts(db, survey.id, t.code), t))
