"""Residents' answers are checked as a whole and kept anonymously; questions they were not shown are skipped."""

from datetime import date

import pytest
import sqlite_utils

from surveys import answers, store
from surveys.questions import AGE, MULTIPLE, PREFER_NOT, RATING, SINGLE, TEXT, Option, Question

TODAY = date(2026, 12, 1)


@pytest.fixture
def survey(db: sqlite_utils.Database) -> store.Survey:
    made = store.create_survey(db, "Food in Catford", "Shape the new pantry", "Catford residents", "2026-11-01",
                               "2026-12-31", "lead-1")
    store.save_question(db, made.id, Question("", SINGLE, "Have you used a food bank?", required=True,
                                              options=[Option("yes", "Yes"), Option("no", "No")]))
    first = store.get_survey(db, made.id).questions[0]
    store.save_question(db, made.id, Question("", MULTIPLE, "Which ones?", options=[
        Option("a", "Catford"), Option("b", "Deptford")], show_if=first.id, show_if_values=["yes"], required=True))
    store.save_question(db, made.id, Question("", RATING, "How easy was it?"))
    store.save_question(db, made.id, Question("", TEXT, "What would help?"))
    store.save_question(db, made.id, Question("", AGE, "What is your age?"))
    store.update_survey(db, made.id, published=1)
    return store.get_survey(db, made.id)


def ids(survey: store.Survey) -> dict[str, str]:
    return {q.prompt: q.id for q in survey.questions}


def test_a_question_shown_only_after_a_given_answer(survey) -> None:  # noqa: ANN001
    q = ids(survey)
    assert [x.prompt for x in answers.shown(survey, {q["Have you used a food bank?"]: "no"})] == [
        "Have you used a food bank?", "How easy was it?", "What would help?", "What is your age?"]
    assert "Which ones?" in [x.prompt for x in answers.shown(survey, {q["Have you used a food bank?"]: "yes"})]


def test_every_problem_is_found_at_once_against_its_question(survey) -> None:  # noqa: ANN001
    q = ids(survey)
    found = answers.check(survey, {q["Have you used a food bank?"]: "yes", q["Which ones?"]: [],
                                   q["How easy was it?"]: "9", q["What would help?"]: "x" * 2001,
                                   q["What is your age?"]: "ancient"})
    assert {p.field: p.message for p in found} == {
        f"q-{q['Which ones?']}": "Choose an answer.",
        f"q-{q['How easy was it?']}": "Choose from the answers given.",
        f"q-{q['What would help?']}": "Use {count} characters or fewer.",
        f"q-{q['What is your age?']}": "Choose from the answers given.",
    }


def test_an_answer_is_kept_without_anything_about_who_gave_it(db, survey) -> None:  # noqa: ANN001
    q = ids(survey)
    given = {q["Have you used a food bank?"]: "no", q["Which ones?"]: ["a"], q["What would help?"]: "More fresh fruit",
             q["What is your age?"]: PREFER_NOT}
    response = answers.submit(db, survey, given, "pl", "kiosk", TODAY)
    stored = {r["question_id"]: r["value"] for r in db["survey_answers"].rows_where("response_id = ?", [response])}
    assert stored == {q["Have you used a food bank?"]: "no", q["What would help?"]: "More fresh fruit",
                      q["What is your age?"]: PREFER_NOT}  # "Which ones?" was not asked, so not kept
    assert set(db["survey_responses"].columns_dict) == {"id", "survey_id", "submitted_on", "language", "channel"}


def test_a_survey_takes_answers_only_while_it_is_open(db, survey) -> None:  # noqa: ANN001
    q = ids(survey)
    with pytest.raises(answers.SurveyClosed):
        answers.submit(db, survey, {q["Have you used a food bank?"]: "no"}, "en", today=date(2027, 1, 1))
    assert survey.state(date(2026, 10, 1)) == "scheduled" and survey.state(TODAY) == "open"
    with pytest.raises(answers.FieldError):
        answers.submit(db, survey, {}, "en", today=TODAY)
    assert db.execute("select count(*) from survey_responses").fetchone()[0] == 0


def test_answers_are_deleted_when_the_promised_two_years_are_up(db, survey) -> None:  # noqa: ANN001
    q = ids(survey)
    old = answers.submit(db, survey, {q["Have you used a food bank?"]: "no"}, "en", today=TODAY)
    new = answers.submit(db, survey, {q["Have you used a food bank?"]: "yes", q["Which ones?"]: ["a"]}, "en",
                         today=date(2026, 12, 20))
    assert store.purge_expired(db, today=date(2028, 12, 10)) == 1
    assert [r for (r,) in db.execute("select id from survey_responses")] == [new]
    assert db.execute("select count(*) from survey_answers where response_id = ?", [old]).fetchone()[0] == 0
