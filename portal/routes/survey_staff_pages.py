"""Engagement leads build, translate, publish and close surveys, watch the answers come in and edit the themes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from accounts.users import ADMIN, ENGAGEMENT_LEAD, User
from directory.embeddings import Embedder
from directory.messages import N_, FieldError, ResidentError
from directory.schedules import london_today
from portal import job_records
from portal.auth import allow
from portal.csrf import require_csrf
from portal.dependencies import Db, get_embedder, row_number
from portal.form_errors import by_field
from portal.job_kinds import THEMES
from portal.job_queue import job_queue
from portal.languages import LANGUAGES
from portal.routes.job_pages import status_values
from portal.shortlist import qr_svg
from portal.templating import render, request_translator, url
from surveys import codebooks, editing, exports, pdf, report, results, store, theming
from surveys.privacy import suppress_counts
from surveys.questions import KINDS, TEXT

router = APIRouter(include_in_schema=False, dependencies=[Depends(allow(ENGAGEMENT_LEAD, ADMIN))])
Lead = Annotated[User, Depends(allow(ENGAGEMENT_LEAD, ADMIN))]
Model = Annotated[Embedder | None, Depends(get_embedder)]
Text = Annotated[str, Form()]
CSRF = [Depends(require_csrf)]
BASE = "/surveys/manage"


def _survey(db: Db, survey_id: str) -> store.Survey:
    found = store.get_survey(db, survey_id)
    if found is None:
        raise HTTPException(status_code=404, detail="survey")
    return found


def _today() -> str:
    return london_today().isoformat()


@router.get(BASE)
def survey_list(request: Request, db: Db) -> Response:
    surveys = store.all_surveys(db)
    counts = {s.id: results.responses(db, s.id) for s in surveys}
    return render(request, db, "surveys/manage/list.html", surveys=surveys, counts=counts,
                  today=london_today())


def _details_form(request: Request, db: Db, problems: list[ResidentError], **values: Any) -> Response:
    errors = by_field(request_translator(request), problems, "title")
    return render(request, db, "surveys/manage/new.html", status_code=400 if errors else 200, errors=errors,
                  **{"title": "", "purpose": "", "audience": "", "opens_on": _today(), "closes_on": "", **values})


@router.get(f"{BASE}/new")
def new_survey_form(request: Request, db: Db) -> Response:
    return _details_form(request, db, [])


@router.post(f"{BASE}/new", dependencies=CSRF)
def new_survey(request: Request, db: Db, lead: Lead, title: Text = "", purpose: Text = "", audience: Text = "",
               opens_on: Text = "", closes_on: Text = "") -> Response:
    values = {"title": title, "purpose": purpose, "audience": audience, "opens_on": opens_on, "closes_on": closes_on}
    problems = editing.check_details(**values)
    if problems:
        return _details_form(request, db, list(problems), **values)
    made = store.create_survey(db, title, purpose, audience, opens_on.strip(), closes_on.strip(), lead.id)
    return RedirectResponse(url(request, f"{BASE}/{made.id}"), status_code=303)


def _condition_choices(survey: store.Survey, before: int | None) -> list[tuple[str, str]]:
    """"Show only if": every answer to every earlier question that has answers to choose from."""
    return [(f"{q.id}::{o.value}", f"{q.prompt} → {o.label}") for q in survey.questions
            if (before is None or q.position < before) and q.choices() for o in q.choices()]


def _builder(request: Request, db: Db, survey: store.Survey, problems: list[ResidentError] | None = None,
             question: dict[str, Any] | None = None, editing_id: str = "", status_code: int = 200) -> Response:
    errors = by_field(request_translator(request), problems or [], "prompt")
    link = request.app.state.settings.link(f"/s/{survey.code}")
    editing_question = survey.question(editing_id)
    return render(request, db, "surveys/manage/survey.html", status_code=400 if errors else status_code,
                  errors=errors, survey=survey, state=survey.state(london_today()), link=link,
                  qr=qr_svg(link), kinds=KINDS, translate_into=LANGUAGES[1:],
                  kind_options=[(k, request_translator(request).gettext(v)) for k, v in KINDS.items()],
                  conditions=_condition_choices(survey, editing_question.position if editing_question else None),
                  question=question or {"kind": "single", "prompt": "", "help": "", "required": "", "options": "",
                                        "show_if": ""},
                  editing_id=editing_id, answered=results.responses(db, survey.id),
                  translated_names={lang.code: request_translator(request).language_name(lang.code, lang.english_name)
                                    for lang in LANGUAGES[1:]})


@router.get(f"{BASE}/{{survey_id}}")
def survey_page(request: Request, db: Db, survey_id: str, edit: str = "") -> Response:
    survey = _survey(db, survey_id)
    found = survey.question(edit)
    values = None
    if found:
        values = {"kind": found.kind, "prompt": found.prompt, "help": found.help,
                  "required": "yes" if found.required else "", "options": "\n".join(o.label for o in found.options),
                  "show_if": f"{found.show_if}::{found.show_if_values[0]}" if found.show_if else ""}
    return _builder(request, db, survey, question=values, editing_id=found.id if found else "")


@router.post(f"{BASE}/{{survey_id}}/details", dependencies=CSRF)
def update_details(request: Request, db: Db, survey_id: str, title: Text = "", purpose: Text = "",
                   audience: Text = "", opens_on: Text = "", closes_on: Text = "") -> Response:
    survey = _survey(db, survey_id)
    problems = editing.check_details(title, purpose, audience, opens_on, closes_on)
    if problems:
        for name, value in (("title", title), ("purpose", purpose), ("audience", audience), ("opens_on", opens_on),
                            ("closes_on", closes_on)):
            setattr(survey, name, value)
        return _builder(request, db, survey, list(problems))
    store.update_survey(db, survey_id, title=title.strip(), purpose=purpose.strip(), audience=audience.strip(),
                        opens_on=opens_on.strip(), closes_on=closes_on.strip())
    return RedirectResponse(url(request, f"{BASE}/{survey_id}"), status_code=303)


@router.post(f"{BASE}/{{survey_id}}/questions", dependencies=CSRF)
def save_question(request: Request, db: Db, survey_id: str, question_id: Text = "", kind: Text = "",
                  prompt: Text = "", help: Text = "", required: Text = "", options: Text = "",  # noqa: A002
                  show_if: Text = "") -> Response:
    survey = _survey(db, survey_id)
    if question_id and survey.question(question_id) is None:
        raise HTTPException(status_code=404, detail="question")
    question, problems = editing.question_from_form(survey, question_id, kind, prompt, help, required == "yes",
                                                    options, show_if)
    if problems:
        values = {"kind": kind, "prompt": prompt, "help": help, "required": required, "options": options,
                  "show_if": show_if}
        return _builder(request, db, survey, list(problems), values, question_id)
    before = survey.question(question_id) if question_id else None
    if before is not None and store.answered(db, before.id) and store.changes_meaning(before, question):
        # People answered the words as they were: they keep them, and the new words are a new question.
        question = store.new_version(db, survey_id, before, question)
    else:
        store.save_question(db, survey_id, question)
    return RedirectResponse(url(request, f"{BASE}/{survey_id}") + f"#question-{question.id}", status_code=303)


@router.post(f"{BASE}/{{survey_id}}/questions/{{question_id}}/delete", dependencies=CSRF)
def delete_question(request: Request, db: Db, survey_id: str, question_id: str) -> Response:
    survey = _survey(db, survey_id)
    if survey.question(question_id) is None:
        raise HTTPException(status_code=404, detail="question")
    if db.execute("select 1 from survey_questions where show_if = ? and retired_at is null limit 1",
                  [question_id]).fetchone():
        problem = FieldError("questions", N_("Another question is shown only after an answer to this one, so it "
                                             "cannot be removed. Change or remove that question first."))
        return _builder(request, db, survey, [problem], status_code=400)
    if store.answered(db, question_id):
        store.retire_question(db, question_id)  # no longer asked; its answers stay
    else:
        store.delete_question(db, question_id)
    return RedirectResponse(url(request, f"{BASE}/{survey_id}"), status_code=303)


@router.post(f"{BASE}/{{survey_id}}/publish", dependencies=CSRF)
def publish_survey(request: Request, db: Db, survey_id: str) -> Response:
    survey = _survey(db, survey_id)
    problems = editing.check_publishable(survey)
    if problems:
        return _builder(request, db, survey, list(problems))
    store.update_survey(db, survey_id, published=1, closed_at=None)
    return RedirectResponse(url(request, f"{BASE}/{survey_id}"), status_code=303)


@router.post(f"{BASE}/{{survey_id}}/close", dependencies=CSRF)
def close_survey(request: Request, db: Db, survey_id: str) -> Response:
    _survey(db, survey_id)
    store.update_survey(db, survey_id, closed_at=datetime.now(UTC).isoformat(timespec="seconds"))
    return RedirectResponse(url(request, f"{BASE}/{survey_id}"), status_code=303)


@router.post(f"{BASE}/{{survey_id}}/you-said-we-did", dependencies=CSRF)
def save_you_said(request: Request, db: Db, survey_id: str, you_said: Text = "", we_did: Text = "") -> Response:
    """What residents said and what the partnership did: published at the survey's link once it closes."""
    _survey(db, survey_id)
    store.update_survey(db, survey_id, you_said=you_said.strip()[:editing.TEXT_LIMIT],
                        we_did=we_did.strip()[:editing.TEXT_LIMIT])
    return RedirectResponse(url(request, f"{BASE}/{survey_id}") + "#you-said", status_code=303)


def _translation_keys(survey: store.Survey) -> list[tuple[str, str, bool]]:
    """Every piece a resident reads, as (key, English text, long): the survey's own words only."""
    keys = [("title", survey.title, False), ("purpose", survey.purpose, True), ("audience", survey.audience, True)]
    for q in survey.questions:
        keys.append((f"q:{q.id}:prompt", q.prompt, True))
        if q.help:
            keys.append((f"q:{q.id}:help", q.help, True))
        keys += [(f"q:{q.id}:o:{o.value}", o.label, False) for o in q.options]
    if survey.you_said or survey.we_did:
        keys += [("you_said", survey.you_said, True), ("we_did", survey.we_did, True)]
    return [(key, english, long) for key, english, long in keys if english.strip()]


def _language(code: str) -> Any:
    found = next((lang for lang in LANGUAGES[1:] if lang.code == code), None)
    if found is None:
        raise HTTPException(status_code=404, detail="language")
    return found


@router.get(f"{BASE}/{{survey_id}}/translate/{{language}}")
def translate_page(request: Request, db: Db, survey_id: str, language: str) -> Response:
    survey = _survey(db, survey_id)
    return render(request, db, "surveys/manage/translate.html", survey=survey, language=_language(language),
                  keys=_translation_keys(survey), texts=store.texts(db, survey_id, language))


@router.post(f"{BASE}/{{survey_id}}/translate/{{language}}", dependencies=CSRF)
async def save_translation(request: Request, db: Db, survey_id: str, language: str) -> Response:
    survey = _survey(db, survey_id)
    _language(language)
    form = await request.form()
    with db.atomic():
        for key, _, _ in _translation_keys(survey):
            store.set_text(db, survey_id, language, key, str(form.get(key, ""))[:editing.TEXT_LIMIT])
    return RedirectResponse(url(request, f"{BASE}/{survey_id}", saved=language), status_code=303)


@router.get(f"{BASE}/{{survey_id}}/results")
def results_page(request: Request, db: Db, survey_id: str) -> Response:
    survey = _survey(db, survey_id)
    themed = {}
    for q in survey.questions:
        if q.kind == TEXT:
            saved = theming.saved_themes(db, q.id)
            shown, _ = suppress_counts({t.id: t.size for t in saved})  # the sizes add up to the answers given
            themed[q.id] = [(t, shown[t.id]) for t in saved]
    waiting = {q.id: store.unthemed(db, q.id) for q in survey.questions if q.kind == TEXT}
    jobs = {q.id: job_records.worth_showing(db, THEMES, q.id) for q in survey.questions if q.kind == TEXT}
    return render(request, db, "surveys/manage/results.html", survey=survey, results=results.survey_results(db, survey),
                  total=results.responses(db, survey_id), themed=themed, waiting=waiting,
                  jobs={q: status_values(request, job) for q, job in jobs.items() if job})


@router.post(f"{BASE}/{{survey_id}}/themes/{{question_id}}/run", dependencies=CSRF)
def run_themes(request: Request, db: Db, lead: Lead, survey_id: str, question_id: str) -> Response:
    """Themes are found by the worker (embedding hundreds of answers takes a while); the answers page shows how
    far it has got. A question already being themed is not queued twice."""
    survey = _survey(db, survey_id)
    if survey.question(question_id) is None or survey.question(question_id).kind != TEXT:
        raise HTTPException(status_code=404, detail="question")
    current = job_records.latest(db, THEMES, question_id)
    if current is None or current.finished:
        job_queue(request.app.state.settings).submit(
            THEMES, question_id, {"survey_id": survey_id, "question_id": question_id}, lead.id)
    return RedirectResponse(url(request, f"{BASE}/{survey_id}/results") + f"#question-{question_id}",
                            status_code=303)


def _themes_page(request: Request, db: Db, survey: store.Survey, question_id: str,
                 problems: list[ResidentError] | None = None) -> Response:
    question = survey.question(question_id)
    if question is None or question.kind != TEXT:
        raise HTTPException(status_code=404, detail="question")
    saved = theming.saved_themes(db, question_id)
    errors = by_field(request_translator(request), problems or [], "label")
    return render(request, db, "surveys/manage/themes.html", status_code=400 if errors else 200, errors=errors,
                  survey=survey, question=question, themes=saved, codebooks=codebooks.all_codebooks(db),
                  members={t.id: theming.members_of(db, question_id, t.id) for t in saved})


@router.get(f"{BASE}/{{survey_id}}/themes/{{question_id}}")
def themes_page(request: Request, db: Db, survey_id: str, question_id: str) -> Response:
    return _themes_page(request, db, _survey(db, survey_id), question_id)


@router.post(f"{BASE}/{{survey_id}}/themes/{{question_id}}/edit", dependencies=CSRF)
async def edit_themes(request: Request, db: Db, embedder: Model, survey_id: str, question_id: str) -> Response:
    """One form action per edit: rename, merge, split or move, named by the button pressed."""
    survey = _survey(db, survey_id)
    form = await request.form()
    action, theme = str(form.get("action", "")), str(form.get("theme", ""))
    try:
        theme_id = row_number(theme)
        if action == "rename":
            theming.rename(db, question_id, theme_id, str(form.get(f"label-{theme_id}", "")))
        elif action == "merge":
            theming.merge(db, question_id, theme_id, [row_number(str(v)) for v in form.getlist(f"merge-{theme_id}")])
        elif action == "split" and embedder is not None:
            theming.split(db, survey_id, question_id, theme_id, embedder)
        elif action == "codebook":
            codebook_id = row_number(str(form.get(f"codebook-{theme_id}", "")))
            codebooks.add_discovered(db, codebook_id, question_id, theme_id)
            return RedirectResponse(url(request, f"/surveys/codebooks/{codebook_id}", saved="theme"), status_code=303)
        elif action == "move":
            response_id = row_number(str(form.get("answer", "")))
            theming.move(db, question_id, response_id, row_number(str(form.get(f"to-{response_id}", ""))))
        else:
            raise HTTPException(status_code=400, detail="action")
    except ValueError as error:
        if isinstance(error, ResidentError):
            return _themes_page(request, db, survey, question_id, [error])
        raise HTTPException(status_code=400, detail="theme") from error
    return RedirectResponse(url(request, f"{BASE}/{survey_id}/themes/{question_id}"), status_code=303)


def _download(body: bytes | str, media_type: str, name: str) -> Response:
    data = body.encode("utf-8-sig") if isinstance(body, str) else body
    return Response(data, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get(f"{BASE}/{{survey_id}}/export.csv")
def export_csv(db: Db, survey_id: str) -> Response:
    survey = _survey(db, survey_id)
    return _download(exports.answers_csv(db, survey), "text/csv; charset=utf-8", f"survey-{survey.code}.csv")


@router.get(f"{BASE}/{{survey_id}}/export.xlsx")
def export_xlsx(db: Db, survey_id: str) -> Response:
    survey = _survey(db, survey_id)
    return _download(exports.workbook(report.build(db, survey)),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"survey-{survey.code}.xlsx")


@router.get(f"{BASE}/{{survey_id}}/report")
def report_page(request: Request, db: Db, survey_id: str) -> Response:
    survey = _survey(db, survey_id)
    return render(request, db, "surveys/manage/report.html", report=report.build(db, survey), written_on=_today())


@router.get(f"{BASE}/{{survey_id}}/report.pdf")
def report_pdf(db: Db, survey_id: str) -> Response:
    survey = _survey(db, survey_id)
    return _download(pdf.report_pdf(report.build(db, survey), _today()), "application/pdf",
                     f"survey-{survey.code}.pdf")
