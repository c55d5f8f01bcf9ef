"""Engagement leads keep codebooks (named themes with descriptions and example answers), place a question's answers
under one, check the answers the machine was unsure of, and add a discovered theme to a codebook in one step."""

from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from accounts.users import ADMIN, ENGAGEMENT_LEAD, User
from directory.messages import N_, ResidentError
from directory.spreadsheets import row
from portal import job_records
from portal.auth import allow
from portal.csrf import require_csrf
from portal.dependencies import Db, RowId, row_number
from portal.form_errors import by_field
from portal.job_kinds import CLASSIFY
from portal.job_queue import job_queue
from portal.routes.job_pages import status_values
from portal.templating import hash_id, render, request_translator, url
from surveys import codebooks, quote_translations, store
from surveys.privacy import suppress_counts
from surveys.questions import TEXT

router = APIRouter(include_in_schema=False, dependencies=[Depends(allow(ENGAGEMENT_LEAD, ADMIN))])
Lead = Annotated[User, Depends(allow(ENGAGEMENT_LEAD, ADMIN))]
Text = Annotated[str, Form(max_length=2000)]
CSRF = [Depends(require_csrf)]
BOOKS = "/surveys/codebooks"
SURVEYS = "/surveys/manage"


def _errors(request: Request, problems: list[ResidentError], default: str) -> dict[str, dict[str, str]]:
    return by_field(request_translator(request), problems, default)


def _in_place(error: codebooks.CodebookError, suffix: object) -> codebooks.CodebookError:
    """The same problem, pointing at the box of the one form (of several on the page) that was sent."""
    error.field = f"{error.field}-{suffix}"
    return error


# Codebooks ------------------------------------------------------------------------------------------------------

@router.get(BOOKS)
def codebook_list(request: Request, db: Db) -> Response:
    return _list_page(request, db, [])


def _list_page(request: Request, db: Db, problems: list[ResidentError], **values: str) -> Response:
    errors = _errors(request, problems, "name")
    return render(request, db, "surveys/codebooks/list.html", status_code=400 if errors else 200, errors=errors,
                  codebooks=codebooks.all_codebooks(db), values=values)


@router.post(f"{BOOKS}/new", dependencies=CSRF)
def new_codebook(request: Request, db: Db, name: Text = "", description: Text = "") -> Response:
    try:
        codebook_id = codebooks.create_codebook(db, name, description)
    except codebooks.CodebookError as error:
        return _list_page(request, db, [error], name=name, description=description)
    return RedirectResponse(url(request, f"{BOOKS}/{codebook_id}"), status_code=303)


IMPORT_LIMIT = 1_000_000  # bytes: thousands of examples


@router.post(f"{BOOKS}/import", dependencies=CSRF)
async def import_codebook(request: Request, db: Db) -> Response:
    """A codebook kept in a spreadsheet (theme, description, example): all of it, or nothing and why."""
    form = await request.form()
    name, upload = str(form.get("import-name", ""))[:200], form.get("file")

    def refused(message: str, **params: object) -> Response:
        return _list_page(request, db, [codebooks.CodebookError("file", message, **params)], **{"import-name": name})

    if not isinstance(upload, UploadFile) or not upload.filename:
        return refused(N_("Choose a CSV file."))
    data = await upload.read(IMPORT_LIMIT + 1)
    try:
        if len(data) > IMPORT_LIMIT:
            raise ValueError("the file is bigger than 1 MB")
        rows = codebooks.parse_csv(data.decode("utf-8"), "The file")
        codebook_id = codebooks.import_rows(db, name or upload.filename.rsplit(".", 1)[0][:80], rows)
    except UnicodeDecodeError:
        return refused(N_("Save the file as CSV UTF-8 and try again."))
    except codebooks.CodebookError as error:
        return refused(error.message, **error.params)
    except ValueError as problem:
        return refused(N_("This file cannot be used as a codebook: {detail}"), detail=str(problem))
    return RedirectResponse(url(request, f"{BOOKS}/{codebook_id}", saved="imported"), status_code=303)


@router.get(f"{BOOKS}/{{codebook_id}}.csv")
def codebook_csv(db: Db, codebook_id: RowId) -> Response:
    """The codebook as a spreadsheet, to keep, share, or use with `portal surveys classify-csv`."""
    book = _codebook(db, codebook_id)
    out = io.StringIO()
    csv.writer(out).writerows(row(list(line)) for line in codebooks.as_csv_rows(book))
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="codebook-{book.id}.csv"'})


def _codebook(db: Db, codebook_id: int) -> codebooks.Codebook:
    found = codebooks.get_codebook(db, codebook_id)
    if found is None:
        raise HTTPException(status_code=404, detail="codebook")
    return found


def _codebook_page(request: Request, db: Db, book: codebooks.Codebook, problems: list[ResidentError] | None = None,
                   **values: str) -> Response:
    errors = _errors(request, problems or [], "name-new")
    used = [s for s in store.all_surveys(db) if any(codebooks.codebook_of(db, q.id) == book.id for q in s.questions)]
    return render(request, db, "surveys/codebooks/codebook.html", status_code=400 if errors else 200, errors=errors,
                  book=book, values=values, used=used, saved=request.query_params.get("saved", ""))


@router.get(f"{BOOKS}/{{codebook_id}}")
def codebook_page(request: Request, db: Db, codebook_id: RowId) -> Response:
    return _codebook_page(request, db, _codebook(db, codebook_id))


def _back_to(request: Request, codebook_id: int, anchor: str = "", saved: str = "") -> Response:
    target = url(request, f"{BOOKS}/{codebook_id}", saved=saved) if saved else url(request, f"{BOOKS}/{codebook_id}")
    return RedirectResponse(target + (f"#{anchor}" if anchor else ""), status_code=303)


@router.post(f"{BOOKS}/{{codebook_id}}/themes", dependencies=CSRF)
def add_theme(request: Request, db: Db, codebook_id: RowId, name: Text = "", description: Text = "",
              example: Text = "") -> Response:
    book = _codebook(db, codebook_id)
    try:
        theme_id = codebooks.add_theme(db, book.id, name, description, [example] if example.strip() else [])
    except codebooks.CodebookError as error:
        return _codebook_page(request, db, book, [_in_place(error, "new")],
                              name=name, description=description, example=example)
    return _back_to(request, book.id, f"theme-{theme_id}", saved="theme")


@router.post(f"{BOOKS}/{{codebook_id}}/themes/{{theme_id}}", dependencies=CSRF)
def update_theme(request: Request, db: Db, codebook_id: RowId, theme_id: RowId, name: Text = "",
                 description: Text = "") -> Response:
    book = _codebook(db, codebook_id)
    try:
        codebooks.update_theme(db, book.id, theme_id, name, description)
    except codebooks.CodebookError as error:
        if error.field == "theme":
            raise HTTPException(status_code=404, detail="theme") from None
        values = {f"name-{theme_id}": name, f"description-{theme_id}": description}
        return _codebook_page(request, db, book, [_in_place(error, theme_id)], **values)
    return _back_to(request, book.id, f"theme-{theme_id}", saved="theme")


@router.post(f"{BOOKS}/{{codebook_id}}/themes/{{theme_id}}/examples", dependencies=CSRF)
def add_example(request: Request, db: Db, codebook_id: RowId, theme_id: RowId, example: Text = "") -> Response:
    book = _codebook(db, codebook_id)
    if book.theme(theme_id) is None:
        raise HTTPException(status_code=404, detail="theme")
    try:
        codebooks.add_example(db, theme_id, example)
    except codebooks.CodebookError as error:
        return _codebook_page(request, db, book, [_in_place(error, theme_id)], **{f"example-{theme_id}": example})
    return _back_to(request, book.id, f"theme-{theme_id}", saved="example")


@router.post(f"{BOOKS}/{{codebook_id}}/examples/{{example_id}}/delete", dependencies=CSRF)
def remove_example(request: Request, db: Db, codebook_id: RowId, example_id: RowId) -> Response:
    book = _codebook(db, codebook_id)
    try:
        codebooks.remove_example(db, book.id, example_id)
    except codebooks.CodebookError:
        raise HTTPException(status_code=404, detail="example") from None
    return _back_to(request, book.id, saved="removed")


# A question's answers under a codebook ---------------------------------------------------------------------------

def _question(db: Db, survey_id: str, question_id: str) -> tuple[store.Survey, object]:
    survey = store.get_survey(db, survey_id)
    question = survey.question(question_id) if survey else None
    if survey is None or question is None or question.kind != TEXT:
        raise HTTPException(status_code=404, detail="question")
    return survey, question


def _codes_page(request: Request, db: Db, survey_id: str, question_id: str,
                problems: list[ResidentError] | None = None) -> Response:
    survey, question = _question(db, survey_id, question_id)
    counts = codebooks.counts(db, question_id)
    for count in counts:  # the quotes with any translation into the lead's language
        count.quotes = quote_translations.with_translations(db, count.quotes, request.state.language)
    shown, _ = suppress_counts({c.theme.id: c.answers for c in counts})
    job = job_records.worth_showing(db, CLASSIFY, question_id)
    errors = _errors(request, problems or [], "codebook")
    return render(request, db, "surveys/manage/codes.html", status_code=400 if errors else 200, errors=errors,
                  survey=survey, question=question, codebooks=codebooks.all_codebooks(db),
                  chosen=codebooks.codebook_of(db, question_id), counts=[(c, shown[c.theme.id]) for c in counts],
                  unsure=codebooks.review_queue(db, question_id, limit=0)[1],
                  job=status_values(request, job) if job else None)


@router.get(f"{SURVEYS}/{{survey_id}}/codes/{{question_id}}")
def codes_page(request: Request, db: Db, survey_id: str, question_id: str) -> Response:
    return _codes_page(request, db, survey_id, question_id)


@router.post(f"{SURVEYS}/{{survey_id}}/codes/{{question_id}}/run", dependencies=CSRF)
def run_codebook(request: Request, db: Db, lead: Lead, survey_id: str, question_id: str,
                 codebook: Text = "") -> Response:
    """Choose the codebook (if changed) and hand the placing to the worker; the page shows how far it has got."""
    _question(db, survey_id, question_id)
    try:
        codebooks.choose(db, question_id, row_number(codebook))
    except ValueError as error:
        found = error if isinstance(error, codebooks.CodebookError) else codebooks.CodebookError(
            "codebook", N_("Choose a codebook."))
        return _codes_page(request, db, survey_id, question_id, [found])
    job_queue(request.app.state.settings).submit_once(
        CLASSIFY, question_id, {"survey_id": survey_id, "question_id": question_id}, lead.id)
    return RedirectResponse(url(request, f"{SURVEYS}/{survey_id}/codes/{question_id}"), status_code=303)


@router.post(f"{SURVEYS}/{{survey_id}}/codes/{{question_id}}/translate", dependencies=CSRF)
def translate_quote(request: Request, db: Db, survey_id: str, question_id: str, quote: Text = "",
                    translation: Text = "") -> Response:
    """A person's translation of a quote into the language of the page they are reading it on."""
    _question(db, survey_id, question_id)
    quotes = {q.text for c in codebooks.counts(db, question_id) for q in c.quotes}
    if quote not in quotes:
        raise HTTPException(status_code=404, detail="quote")
    try:
        quote_translations.translate(db, quote, request.state.language, translation)
    except codebooks.CodebookError as error:
        return _codes_page(request, db, survey_id, question_id, [error])
    except ResidentError as error:  # the summary links to this quote's box
        return _codes_page(request, db, survey_id, question_id,
                           [codebooks.CodebookError(f"translation-{hash_id(quote)}", error.message, **error.params)])
    return RedirectResponse(url(request, f"{SURVEYS}/{survey_id}/codes/{question_id}", saved="translation"),
                            status_code=303)


def _review_page(request: Request, db: Db, survey_id: str, question_id: str,
                 problems: list[ResidentError] | None = None) -> Response:
    survey, question = _question(db, survey_id, question_id)
    chosen = codebooks.codebook_of(db, question_id)
    book = codebooks.get_codebook(db, chosen) if chosen else None
    if book is None:
        return RedirectResponse(url(request, f"{SURVEYS}/{survey_id}/codes/{question_id}"), status_code=303)
    queue, waiting = codebooks.review_queue(db, question_id)
    errors = _errors(request, problems or [], "themes")
    return render(request, db, "surveys/manage/review.html", status_code=400 if errors else 200, errors=errors,
                  survey=survey, question=question, book=book, queue=queue, waiting=waiting,
                  saved=request.query_params.get("saved", ""))


@router.get(f"{SURVEYS}/{{survey_id}}/codes/{{question_id}}/review")
def review_page(request: Request, db: Db, survey_id: str, question_id: str) -> Response:
    return _review_page(request, db, survey_id, question_id)


@router.post(f"{SURVEYS}/{{survey_id}}/codes/{{question_id}}/review/{{response_id}}", dependencies=CSRF)
async def decide(request: Request, db: Db, survey_id: str, question_id: str, response_id: RowId) -> Response:
    """A person's themes for one answer: kept, and learnt from at the next run."""
    _question(db, survey_id, question_id)
    form = await request.form()
    try:
        chosen = [row_number(str(v)) for v in form.getlist(f"themes-{response_id}")[:20]]
    except ValueError:
        raise HTTPException(status_code=400, detail="theme") from None
    try:
        codebooks.decide(db, question_id, response_id, chosen)
    except codebooks.CodebookError as error:
        if error.field == "answer":
            raise HTTPException(status_code=404, detail="answer") from None
        return _review_page(request, db, survey_id, question_id, [_in_place(error, response_id)])
    return RedirectResponse(url(request, f"{SURVEYS}/{survey_id}/codes/{question_id}/review", saved="1"),
                            status_code=303)
