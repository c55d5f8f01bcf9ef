"""Checking what an engagement lead types when building a survey, so a form can mark every mistake at once."""

from __future__ import annotations

import re
from datetime import date

from directory.messages import N_, FieldError
from surveys.questions import KINDS, STANDARD_PROMPTS, WITH_OPTIONS, Option, Question
from surveys.store import Survey

TITLE_LIMIT, TEXT_LIMIT, OPTION_LIMIT, OPTIONS_MAX = 150, 2000, 200, 30


def _day(value: str, name: str, problems: list[FieldError]) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        problems.append(FieldError(name, N_("Enter a date like 2026-12-24.")))
        return None


def check_details(title: str, purpose: str, audience: str, opens_on: str, closes_on: str) -> list[FieldError]:
    problems = []
    if not title.strip():
        problems.append(FieldError("title", N_("Give the survey a title.")))
    for name, value, limit in (("title", title, TITLE_LIMIT), ("purpose", purpose, TEXT_LIMIT),
                               ("audience", audience, TEXT_LIMIT)):
        if len(value) > limit:
            problems.append(FieldError(name, N_("Use {count} characters or fewer."), count=limit))
    if not purpose.strip():
        problems.append(FieldError("purpose",
                                   N_("Say why you are asking, so residents know what their answers are for.")))
    opens, closes = _day(opens_on, "opens_on", problems), _day(closes_on, "closes_on", problems)
    if opens and closes and closes < opens:
        problems.append(FieldError("closes_on", N_("The closing date must be on or after the opening date.")))
    return problems


def _slug(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "option"
    value, n = base, 2
    while value in taken:
        value, n = f"{base}-{n}", n + 1
    taken.add(value)
    return value


def question_from_form(survey: Survey, question_id: str, kind: str, prompt: str, help_text: str, required: bool,
                       options: str, show_if: str) -> tuple[Question, list[FieldError]]:
    """The question the form describes and every problem with it; options are typed one per line."""
    problems: list[FieldError] = []
    if kind not in KINDS:
        problems.append(FieldError("kind", N_("Choose what kind of question this is.")))
    prompt = prompt.strip() or STANDARD_PROMPTS.get(kind, "")
    if not prompt:
        problems.append(FieldError("prompt", N_("Write the question.")))
    if len(prompt) > TEXT_LIMIT or len(help_text) > TEXT_LIMIT:
        problems.append(FieldError("prompt", N_("Use {count} characters or fewer."), count=TEXT_LIMIT))
    existing = survey.question(question_id)
    labels = [line.strip() for line in options.splitlines() if line.strip()]
    made: list[Option] = []
    if kind in WITH_OPTIONS:
        if len(labels) < 2:
            problems.append(FieldError("options", N_("Give at least two answers to choose from, one on each line.")))
        elif len(labels) > OPTIONS_MAX or any(len(label) > OPTION_LIMIT for label in labels):
            problems.append(FieldError("options", N_("Give up to {count} answers of up to {limit} characters each."),
                                       count=OPTIONS_MAX, limit=OPTION_LIMIT))
        # An answer that keeps its wording keeps its value, so answers already given still count.
        kept = {o.label: o.value for o in (existing.options if existing else [])}
        taken = set(kept.values())
        made = [Option(kept.get(label) or _slug(label, taken), label) for label in labels]
    condition_on, condition_values = None, []
    if show_if:
        earlier_id, _, value = show_if.partition("::")
        earlier = survey.question(earlier_id)
        position = existing.position if existing else len(survey.questions) + 1
        if earlier is None or earlier.position >= position or value not in [o.value for o in earlier.choices()]:
            problems.append(FieldError("show_if", N_("Choose an answer to an earlier question.")))
        else:
            condition_on, condition_values = earlier_id, [value]
    question = Question(question_id, kind, prompt, help_text.strip(), required, made, condition_on, condition_values,
                        existing.position if existing else 0)
    return question, problems


def check_publishable(survey: Survey) -> list[FieldError]:
    problems = check_details(survey.title, survey.purpose, survey.audience, survey.opens_on, survey.closes_on)
    if not survey.questions:
        problems.append(FieldError("questions", N_("Add at least one question before publishing.")))
    return problems
