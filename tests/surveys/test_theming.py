"""An engagement lead's edits to the themes (names, merges, splits, answers moved) survive every later run."""

from datetime import date

import pytest
import sqlite_utils

from surveys import answers, store, theming
from surveys.questions import TEXT, Question

FOOD = ["The food bank ran out of food", "Need more food parcels for families", "Food is too expensive now",
        "El banco de alimentos no tenía comida", "Potrzebujemy więcej paczek żywnościowych", "Free hot meals please"]
GP = ["Waited three weeks for a GP appointment", "Could not get a doctor's appointment",
      "The GP waiting list is too long", "Esperé semanas para ver al médico", "Czekałem miesiąc na wizytę u lekarza",
      "Phone the surgery at 8am and still no appointment"]
PARKS = ["The park needs more benches", "Playground is broken", "Please clean the park", "More trees in the park",
         "The swings in the playground are broken"]


def say(db: sqlite_utils.Database, survey: store.Survey, texts: list[str]) -> None:
    for text in texts:
        answers.submit(db, survey, {survey.questions[0].id: text}, "en", today=date(2026, 12, 1))


@pytest.fixture
def survey(db: sqlite_utils.Database) -> store.Survey:
    made = store.create_survey(db, "What matters", "", "", "2026-11-01", "2026-12-31", "lead")
    store.save_question(db, made.id, Question("", TEXT, "What would make your neighbourhood better?"))
    store.update_survey(db, made.id, published=1)
    found = store.get_survey(db, made.id)
    say(db, found, FOOD + GP)
    return found


def theme_of(db: sqlite_utils.Database, question_id: str, text: str) -> int:
    return db.execute("select m.theme_id from survey_theme_members m join survey_answers a on a.response_id = "
                      "m.response_id and a.question_id = m.question_id where a.value = ?", [text]).fetchone()[0]


def test_a_first_run_finds_the_themes_and_a_rerun_with_nothing_new_changes_nothing(db, survey, embedder) -> None:  # noqa: ANN001
    question = survey.questions[0].id
    assert theming.run(db, survey.id, question, embedder) == 12
    assert theme_of(db, question, FOOD[0]) == theme_of(db, question, FOOD[3]) != theme_of(db, question, GP[0])
    before = theming.saved_themes(db, question)
    assert theming.run(db, survey.id, question, embedder) == 0
    assert [(t.id, t.label, t.size) for t in theming.saved_themes(db, question)] == [
        (t.id, t.label, t.size) for t in before]
    assert all(len(t.quotes) == 3 for t in before)


def test_names_merges_splits_and_moves_survive_new_answers(db, survey, embedder) -> None:  # noqa: ANN001
    question = survey.questions[0].id
    theming.run(db, survey.id, question, embedder)
    food, gp = theme_of(db, question, FOOD[0]), theme_of(db, question, GP[0])
    theming.rename(db, question, food, "Food and hunger")
    theming.move(db, question, db.execute("select response_id from survey_answers where value = ?",
                                          [FOOD[5]]).fetchone()[0], gp)
    split_off = theming.split(db, survey.id, question, gp, embedder)
    theming.merge(db, question, gp, [split_off])

    say(db, survey, ["We need a bigger food bank", "Food parcels every week please"] + PARKS)
    placed = theming.run(db, survey.id, question, embedder)
    assert placed == 7
    saved = {t.id: t for t in theming.saved_themes(db, question)}
    assert saved[food].label == "Food and hunger" and saved[food].label_edited
    assert theme_of(db, question, "We need a bigger food bank") == food
    assert theme_of(db, question, FOOD[5]) == gp  # moved by hand, and left there
    assert split_off not in saved and theme_of(db, question, GP[3]) == gp  # merged back, and still merged
    parks = theme_of(db, question, PARKS[0])
    assert parks not in (food, gp) and "park" in saved[parks].label


def test_edits_that_cannot_be_made_say_why(db, survey, embedder) -> None:  # noqa: ANN001
    question = survey.questions[0].id
    theming.run(db, survey.id, question, embedder)
    food = theme_of(db, question, FOOD[0])
    with pytest.raises(theming.ThemeError, match="Give the theme a name"):
        theming.rename(db, question, food, " ")
    with pytest.raises(theming.ThemeError, match="at least one other theme"):
        theming.merge(db, question, food, [food])
    with pytest.raises(theming.ThemeError, match="could not find that theme"):
        theming.rename(db, question, 9999, "x")
