"""Everything an insight export says about a survey, gathered once, with every small count suppressed.

The workbook, the HTML report and the PDF are three layouts of this one structure, so the figures in
them cannot disagree, and no layout can show a count the suppression rule did not allow.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

import sqlite_utils

from surveys import codebooks, results, store, theming
from surveys.privacy import TOTAL, suppress, suppress_counts
from surveys.questions import EQUALITY, MULTIPLE, NEIGHBOURHOOD, TEXT, Question
from surveys.store import Survey


@dataclass
class Breakdown:
    """One question's answers split by one group (a neighbourhood, an age band...), as may be published."""

    question: Question
    by: Question
    rows: list[str]  # the group's labels
    columns: list[str]  # the answers' labels
    cells: list[list[str]]  # shown counts, rows by columns, then each row's total
    totals: list[str]  # each column's total, then the grand total

    @property
    def lines(self) -> list[tuple[str, list[str]]]:
        return list(zip(self.rows, self.cells, strict=True))


@dataclass
class ThemeSummary:
    label: str
    shown: str
    quotes: list[str]


@dataclass
class Report:
    survey: Survey
    responses: str  # how many answered, as may be shown
    languages: dict[str, str]  # language code -> shown count
    questions: list[results.QuestionResult]
    themes: dict[str, list[ThemeSummary]]  # question id -> its themes, largest first
    breakdowns: list[Breakdown] = field(default_factory=list)
    codes: dict[str, tuple[str, list[ThemeSummary]]] = field(default_factory=dict)  # question id -> codebook, themes
    earlier: list[results.QuestionResult] = field(default_factory=list)  # earlier wordings, no longer asked

    @property
    def who(self) -> list[results.QuestionResult]:
        """Who answered: the neighbourhood and equality questions."""
        return [r for r in self.questions if r.question.kind in (NEIGHBOURHOOD, *EQUALITY)]

    @property
    def asked(self) -> list[results.QuestionResult]:
        return [r for r in self.questions if r.question.kind not in (NEIGHBOURHOOD, *EQUALITY)]


def _by_response(db: sqlite_utils.Database, question_id: str) -> dict[int, list[str]]:
    rows = db.execute("select response_id, value from survey_answers where question_id = ?", [question_id])
    return {r: (json.loads(v) if v.startswith("[") else [v]) for r, v in rows}


def breakdown(db: sqlite_utils.Database, question: Question, by: Question) -> Breakdown:
    """Answers to `question` by the group each person gave for `by`, suppressed as one table with totals.

    "Choose any" questions count people per answer, so their rows do not sum to a total: each cell is then
    suppressed on its own, and no totals are shown.
    """
    groups, answers = _by_response(db, by.id), _by_response(db, question.id)
    row_options, column_options = results.options_of(by), results.options_of(question)
    counted: Counter[tuple[str, str]] = Counter()
    for response, chosen in answers.items():
        for group in groups.get(response, []):
            for value in chosen:
                counted[(group, value)] += 1
    rows, columns = [o.value for o in row_options], [o.value for o in column_options]
    if question.kind == MULTIPLE:
        cells = [[suppress_counts({"n": counted[(r, c)]})[1] for c in columns] + [""] for r in rows]
        return Breakdown(question, by, [o.label for o in row_options], [o.label for o in column_options], cells,
                         [""] * (len(columns) + 1))
    grid = suppress(rows, columns, dict(counted))
    cells = [[grid.shown(r, c) for c in [*columns, TOTAL]] for r in rows]
    totals = [grid.shown(TOTAL, c) for c in [*columns, TOTAL]]
    return Breakdown(question, by, [o.label for o in row_options], [o.label for o in column_options], cells, totals)


def build(db: sqlite_utils.Database, survey: Survey) -> Report:
    count = results.responses(db, survey.id)
    languages = Counter(lang for (lang,) in db.execute("select language from survey_responses where survey_id = ?",
                                                       [survey.id]))
    shown_languages, _ = suppress_counts(dict(languages)) if languages else ({}, "0")
    themes = {}
    for question in survey.questions:
        if question.kind == TEXT:
            saved = theming.saved_themes(db, question.id)
            shown, _ = suppress_counts({t.id: t.size for t in saved})  # theme sizes add up to the answers given
            themes[question.id] = [ThemeSummary(t.label, shown[t.id], t.quotes) for t in saved]
    codes = {}
    for question in survey.questions:
        counts = codebooks.counts(db, question.id) if question.kind == TEXT else []
        book = codebooks.get_codebook(db, codebooks.codebook_of(db, question.id) or 0) if counts else None
        if book is not None:
            # An answer can be under more than one theme: each count is suppressed on its own.
            codes[question.id] = (book.name, [ThemeSummary(c.theme.name, suppress_counts({"n": c.answers})[1],
                                                           [q.text for q in c.quotes]) for c in counts])
    earlier = [results.question_result(db, q) for q in survey.earlier if store.answered(db, q.id)]
    groups = [q for q in survey.questions if q.kind in (NEIGHBOURHOOD, *EQUALITY)]
    asked = [q for q in survey.questions if q.kind not in (TEXT, NEIGHBOURHOOD, *EQUALITY)]
    return Report(survey, suppress_counts({"all": count})[1], {k: str(v) for k, v in shown_languages.items()},
                  results.survey_results(db, survey), themes,
                  [breakdown(db, q, by) for by in groups for q in asked], codes, earlier)
