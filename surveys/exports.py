"""Insight exports for the People's Partnership: the answers as CSV and the whole picture as a workbook.

Free text is redacted in every export (surveys/redaction.py) and every count passes through the
suppression rule (surveys/report.py). Responses are numbered in a shuffled order and dated by month
only, so a row cannot be matched to the moment someone stood at a kiosk.
"""

from __future__ import annotations

import csv
import io
import json
import random

import sqlite_utils
from babel import Locale
from openpyxl import Workbook
from openpyxl.styles import Font

from directory.spreadsheets import cell, row
from surveys import anonymity
from surveys.questions import AGE, CARER, DISABILITY, ETHNICITY, LANGUAGE, MULTIPLE, NEIGHBOURHOOD, RATING, SINGLE, TEXT
from surveys.redaction import redact
from surveys.report import Report
from surveys.results import options_of
from surveys.store import Survey


def _label(survey: Survey, question_id: str, value: str) -> str:
    question = next((q for q in [*survey.questions, *survey.earlier] if q.id == question_id), None)
    labels = {o.value: o.label for o in options_of(question)} if question else {}
    return labels.get(value, value)


# What a row says about who answered, in the order cells are given up when too few people share it: when and
# how they answered first, then the most identifying equality answers, their choices last.
_GIVE_UP_FIRST = (ETHNICITY, DISABILITY, CARER, LANGUAGE, AGE, NEIGHBOURHOOD)
_CHOICES = (SINGLE, MULTIPLE, RATING)


def answers_csv(db: sqlite_utils.Database, survey: Survey) -> str:
    """One row per response: month, language, and each answer (free text redacted, with its theme), with no
    combination of what a row says about a person shared by fewer than 5 rows (surveys/anonymity.py)."""
    themes = dict(db.execute("select m.response_id || ':' || m.question_id, t.label from survey_theme_members m "
                             "join survey_themes t on t.id = m.theme_id where t.survey_id = ?", [survey.id]).fetchall())
    responses = db.execute("select id, substr(submitted_on, 1, 7), language, channel from survey_responses "
                           "where survey_id = ?", [survey.id]).fetchall()
    random.SystemRandom().shuffle(responses)  # from the system's secret entropy: no seed to recover the order by
    given: dict[int, dict[str, str]] = {}
    for response, question, value in db.execute(
            "select a.response_id, a.question_id, a.value from survey_answers a join survey_responses r on "
            "r.id = a.response_id where r.survey_id = ?", [survey.id]):
        given.setdefault(response, {})[question] = value
    header = ["month", "language", "channel"]
    position: dict[str, int] = {}
    asked = [*survey.questions, *survey.earlier]  # earlier wordings keep their answers, under their own words
    for q in asked:
        position[q.id] = len(header)
        header.append(q.prompt if q in survey.questions else f"{q.prompt} (earlier wording, no longer asked)")
        if q.kind == TEXT:
            header.append(f"{header[-1]} (theme)")
    lines: list[list[str]] = []
    for response, month, language, channel in responses:
        line: list[str] = [month or "", language or "", channel or ""]
        for q in asked:
            value = given.get(response, {}).get(q.id, "")
            if q.kind == TEXT:
                line += [redact(value).text, themes.get(f"{response}:{q.id}", "")]
            elif q.kind == MULTIPLE and value:
                line.append("; ".join(_label(survey, q.id, v) for v in json.loads(value)))
            else:
                line.append(_label(survey, q.id, value) if value else "")
        lines.append(line)
    quasi = [0, 2, 1] + [position[q.id] for kind in _GIVE_UP_FIRST for q in asked if q.kind == kind]
    quasi += [position[q.id] for q in asked if q.kind in _CHOICES]
    kept = anonymity.protect(lines, header, quasi)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(row(["response", *header]))
    for number, line in enumerate(kept.rows, start=1):
        writer.writerow(row([number, *line]))
    return out.getvalue()


def _count(value: object) -> object:
    """A count as a number a spreadsheet can add up; "<5" and "[c]" (suppressed) stay as they are."""
    return int(value) if isinstance(value, str) and value.isdigit() else value


def _language_name(code: str) -> str:
    return Locale.parse("en").languages.get(code, code) if code else "not known"


def _table(sheet, top: int, heading: str, header: list[str], rows: list[list[object]]) -> int:  # noqa: ANN001
    sheet.cell(top, 1, cell(heading)).font = Font(bold=True, size=12)
    for col, text in enumerate(header, start=1):
        sheet.cell(top + 1, col, cell(text)).font = Font(bold=True)
    for r, values in enumerate(rows, start=top + 2):
        for col, value in enumerate(values, start=1):  # the first column names the row; the others count
            sheet.cell(r, col, cell(value if col == 1 else _count(value)))
    return top + len(rows) + 3


def workbook(report: Report) -> bytes:
    """Summary, each question's counts, themes with quotes, and breakdowns by neighbourhood and equality group."""
    survey = report.survey
    book = Workbook()
    summary = book.active
    summary.title = "Summary"
    rows = [["Survey", survey.title], ["Why we asked", survey.purpose], ["Who it was for", survey.audience],
            ["Open", f"{survey.opens_on} to {survey.last_day()}"], ["People who answered", _count(report.responses)]]
    rows += [[f"Answered in {_language_name(code)}", _count(shown)] for code, shown in sorted(report.languages.items())]
    rows += [["Counts under 5", "shown as <5; [c] marks a count hidden so a total cannot reveal a small one"],
             ["You said", survey.you_said], ["We did", survey.we_did]]
    _table(summary, 1, survey.title, ["", ""], rows)
    sheet = book.create_sheet("Questions")
    top = 1
    for result in report.questions:
        if result.bars:
            top = _table(sheet, top, result.question.prompt, ["Answer", "People"],
                         [[b.label, b.shown] for b in result.bars] + [["Answered", result.answered_shown]])
    for result in report.earlier:
        top = _table(sheet, top, f"{result.question.prompt} (earlier wording, no longer asked)", ["Answer", "People"],
                     [[b.label, b.shown] for b in result.bars] + [["Answered", result.answered_shown]])
    sheet = book.create_sheet("Codebook themes")
    top = 1
    if not report.codes:
        sheet.cell(1, 1, cell("No codebook themes: no question's answers have been placed under a codebook."))
    for question_id, (name, found) in report.codes.items():
        question = survey.question(question_id)
        top = _table(sheet, top, f"{question.prompt if question else question_id} ({name})",
                     ["Theme", "Answers", "Quotes"], [[t.label, t.shown, "\n".join(t.quotes)] for t in found])
    sheet = book.create_sheet("Themes")
    top = 1
    for question_id, found in report.themes.items():
        question = survey.question(question_id)
        top = _table(sheet, top, question.prompt if question else question_id, ["Theme", "Answers", "Quotes"],
                     [[t.label, t.shown, "\n".join(t.quotes)] for t in found])
    for name, kinds, why_empty in (
            ("By neighbourhood", ("neighbourhood",),
             "No breakdown by neighbourhood: the survey did not ask people which neighbourhood they live in."),
            ("By equality group", ("age", "ethnicity", "disability", "carer", "language"),
             "No breakdown by equality group: the survey asked no question about age, ethnic group, disability, "
             "caring or language.")):
        sheet = book.create_sheet(name)
        top = 1
        shown = [b for b in report.breakdowns if b.by.kind in kinds]
        if not shown:
            sheet.cell(1, 1, cell(why_empty))
        for b in shown:
            top = _table(sheet, top, f"{b.question.prompt} (by: {b.by.prompt})",
                         ["", *b.columns, "Total"], [[label, *cells] for label, cells in b.lines]
                         + [["Total", *b.totals]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
