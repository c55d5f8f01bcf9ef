"""Checking a resident's answers and keeping them: every problem at once, nothing stored until all is well.

Skip logic decides which questions a resident is asked; a question they were not shown is never
required and nothing they typed into it is kept.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date

import sqlite_utils

from directory.messages import N_, FieldError
from directory.schedules import london_today
from directory.text import clean
from surveys.questions import MULTIPLE, RATING, RATINGS, TEXT, TEXT_LIMIT, Question
from surveys.store import Survey

Answers = dict[str, str | list[str]]  # question id -> the value (a list for "choose any")


class SurveyClosed(FieldError):
    """The survey is not taking answers today (a draft, not open yet, or closed)."""


def field_name(question: Question) -> str:
    return f"q-{question.id}"


def read_answers(survey: Survey, form: Mapping[str, object], getlist) -> Answers:  # noqa: ANN001 - form.getlist
    """The posted answers, shaped by each question's kind, with control characters taken out."""
    found: Answers = {}
    for question in survey.questions:
        name = field_name(question)
        if question.kind == MULTIPLE:
            found[question.id] = [clean(str(v)) for v in getlist(name)]
        else:
            found[question.id] = clean(str(form.get(name, "") or ""))
    return found


def shown(survey: Survey, answers: Answers) -> list[Question]:
    """The questions this resident is asked, given their answers so far (a condition on an unasked question
    is not met)."""
    asked: list[Question] = []
    for question in survey.questions:
        if question.show_if:
            earlier = next((q for q in asked if q.id == question.show_if), None)
            given = answers.get(question.show_if, "")
            values = given if isinstance(given, list) else [given]
            if earlier is None or not set(values) & set(question.show_if_values):
                continue
        asked.append(question)
    return asked


def check(survey: Survey, answers: Answers) -> list[FieldError]:
    """Every problem with the answers, each against its question's field."""
    problems = []
    for question in shown(survey, answers):
        name, value = field_name(question), answers.get(question.id, "")
        empty = not value or (isinstance(value, str) and not value.strip())
        if empty:
            if question.required:
                problems.append(FieldError(name, N_("Answer this question.") if question.kind == TEXT
                                           else N_("Choose an answer.")))
            continue
        if question.kind == TEXT:
            if len(str(value)) > TEXT_LIMIT:
                problems.append(FieldError(name, N_("Use {count} characters or fewer."), count=TEXT_LIMIT))
            continue
        allowed = RATINGS if question.kind == RATING else [o.value for o in question.choices()]
        chosen = value if isinstance(value, list) else [value]
        if any(v not in allowed for v in chosen) or len(set(chosen)) != len(chosen):
            problems.append(FieldError(name, N_("Choose from the answers given.")))
    return problems


def submit(db: sqlite_utils.Database, survey: Survey, answers: Answers, language: str, channel: str = "web",
           today: date | None = None) -> int:
    """Store one anonymous response, all or nothing; raises SurveyClosed, or the first FieldError."""
    day = today or london_today()
    if survey.state(day) != "open":
        raise SurveyClosed("survey", N_("This survey is not taking answers."))
    problems = check(survey, answers)
    if problems:
        raise problems[0]
    kept = {q.id: answers[q.id] for q in shown(survey, answers) if answers.get(q.id)}
    with db.atomic():
        response = db["survey_responses"].insert({"survey_id": survey.id, "submitted_on": day.isoformat(),
                                                  "language": language, "channel": channel}).last_pk
        for question_id, value in kept.items():
            stored = json.dumps(value, ensure_ascii=False) if isinstance(value, list) else clean(str(value)).strip()
            db["survey_answers"].insert({"response_id": response, "question_id": question_id, "value": stored})
    return int(response)
