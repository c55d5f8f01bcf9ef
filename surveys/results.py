"""What a survey's answers add up to, question by question, with every small number suppressed.

Counts are what the engagement lead sees live and what every export is built from, so the same
suppression rule (surveys/privacy.py) applies everywhere a count leaves the database.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

import sqlite_utils

from surveys.privacy import suppress_counts
from surveys.questions import MULTIPLE, RATING, RATINGS, TEXT, Option, Question
from surveys.store import Survey


@dataclass
class Bar:
    value: str
    label: str
    count: int
    shown: str  # the count as it may be published: a number, or "<5"


@dataclass
class QuestionResult:
    question: Question
    answered: int
    answered_shown: str
    bars: list[Bar]  # empty for free text


def responses(db: sqlite_utils.Database, survey_id: str) -> int:
    return db.execute("select count(*) from survey_responses where survey_id = ?", [survey_id]).fetchone()[0]


def _values(db: sqlite_utils.Database, question_id: str) -> list[list[str]]:
    rows = db.execute("select value from survey_answers where question_id = ?", [question_id])
    return [json.loads(v) if v.startswith("[") else [v] for (v,) in rows]


def options_of(question: Question) -> list[Option]:
    if question.kind == RATING:
        return [Option(v, v) for v in RATINGS]
    return question.choices()


def question_result(db: sqlite_utils.Database, question: Question) -> QuestionResult:
    values = _values(db, question.id)
    answered = len(values)
    if question.kind == TEXT:
        _, shown = suppress_counts({"answered": answered})
        return QuestionResult(question, answered, shown, [])
    counted = Counter(v for chosen in values for v in chosen)
    options = options_of(question)
    counts = {o.value: counted.get(o.value, 0) for o in options}
    if question.kind == MULTIPLE:  # people choose several, so the counts do not add up to a total
        shown = {k: suppress_counts({k: n})[0][k] for k, n in counts.items()}
        total = suppress_counts({"answered": answered})[1]
    else:
        shown, total = suppress_counts(counts)
    return QuestionResult(question, answered, total, [Bar(o.value, o.label, counts[o.value], shown[o.value])
                                                      for o in options])


def survey_results(db: sqlite_utils.Database, survey: Survey) -> list[QuestionResult]:
    return [question_result(db, q) for q in survey.questions]
