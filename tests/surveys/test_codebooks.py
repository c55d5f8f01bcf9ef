"""A codebook's named themes hold a survey's answers in any language; unsure answers wait for a person, whose
decisions are kept, never overwritten, and learnt from; a discovered theme joins a codebook in one step."""

import csv
from datetime import date
from pathlib import Path

import pytest
import sqlite_utils

from surveys import answers, codebook, codebooks, store, theming
from surveys.codebook_csv import classify_csv
from surveys.questions import TEXT, Question
from surveys.theme_csv import CsvProblem

THEMES = {
    "Food": ("Food banks, meals and the cost of food", ["The food bank ran out of food", "We need more food parcels",
                                                         "Hot meals for families"]),
    "Seeing a GP": ("Appointments with a doctor", ["Could not get a GP appointment", "Waited weeks to see a doctor",
                                                   "The surgery never answers the phone"]),
    "Parks": ("Parks, playgrounds and green space", ["The playground is broken", "More benches in the park",
                                                      "Clean the park please"]),
}
ANSWERS = {
    "Food": ["Food is too expensive now", "El banco de alimentos no tenía comida", "Potrzebujemy paczek żywnościowych"],
    "Seeing a GP": ["Esperé semanas para ver al médico", "Czekałem miesiąc na wizytę u lekarza",
                    "No GP appointments for a month"],
    "Parks": ["The swings in the playground are broken", "Plant more trees in the park", "Parkta bank yok"],
}


@pytest.fixture
def book(db: sqlite_utils.Database) -> int:
    made = codebooks.create_codebook(db, "What matters", "Compared every quarter")
    for name, (description, examples) in THEMES.items():
        codebooks.add_theme(db, made, name, description, examples)
    return made


@pytest.fixture
def question(db: sqlite_utils.Database, book: int) -> str:
    made = store.create_survey(db, "Winter 2026", "", "", "2026-11-01", "2026-12-31", "lead")
    store.save_question(db, made.id, Question("", TEXT, "What would make your neighbourhood better?"))
    store.update_survey(db, made.id, published=1)
    survey = store.get_survey(db, made.id)
    for texts in ANSWERS.values():
        for text in texts:
            answers.submit(db, survey, {survey.questions[0].id: text}, "en", today=date(2026, 12, 1))
    codebooks.choose(db, survey.questions[0].id, book)
    return survey.questions[0].id


def theme_names(db: sqlite_utils.Database, question_id: str) -> dict[str, list[str]]:
    return {text: names for (rid, text) in theming.answer_texts(db, question_id)
            for r, names in codebooks.placed_for_export(db, question_id).items() if r == rid}


def test_answers_in_any_language_land_under_the_codebook_theme_they_mean(db, question, embedder) -> None:  # noqa: ANN001
    assert codebooks.classify(db, question, embedder) == 9
    placed = theme_names(db, question)
    wrong = {text: names[0] for theme, texts in ANSWERS.items() for text in texts
             if (names := placed[text])[0] != theme}
    assert len(wrong) <= 1, wrong  # eight of nine at least, with three examples a theme


def test_every_answer_has_a_confidence_and_unsure_ones_wait_least_sure_first(db, question, embedder) -> None:  # noqa: ANN001
    codebooks.classify(db, question, embedder)
    rows = db.execute("select confidence from survey_answer_codes where question_id = ?", [question]).fetchall()
    assert all(0 < c <= 1 for (c,) in rows)
    queue, waiting = codebooks.review_queue(db, question)
    assert waiting == len(queue)
    best = [item.suggested[0][1] for item in queue]
    assert best == sorted(best) and all(b < codebook.UNSURE for b in best)


def test_a_persons_decision_is_kept_through_later_runs_and_becomes_an_example(db, question, book, embedder) -> None:  # noqa: ANN001
    codebooks.classify(db, question, embedder)
    parks = next(t.id for t in codebooks.get_codebook(db, book).themes if t.name == "Parks")
    food = next(t.id for t in codebooks.get_codebook(db, book).themes if t.name == "Food")
    response = next(r for r, text in theming.answer_texts(db, question) if text == "Parkta bank yok")
    codebooks.decide(db, question, response, [parks, food])
    codebooks.classify(db, question, embedder)
    assert sorted(theme_names(db, question)["Parkta bank yok"]) == ["Food", "Parks"]
    assert response not in {u.response_id for u in codebooks.review_queue(db, question)[0]}
    examples = {(t.name, e.text, e.source) for t in codebooks.get_codebook(db, book).themes for e in t.examples}
    assert ("Parks", "Parkta bank yok", codebooks.CORRECTION) in examples
    codebooks.decide(db, question, response, [parks])  # deciding again replaces the earlier correction
    corrections = [(t.name, e.text) for t in codebooks.get_codebook(db, book).themes for e in t.examples
                   if e.source == codebooks.CORRECTION]
    assert corrections == [("Parks", "Parkta bank yok")]


def test_corrections_teach_the_classifier(db, question, book, embedder) -> None:  # noqa: ANN001
    """What a person placed is learnt from: answers like it are then surer of that theme."""
    rubbish = codebooks.add_theme(db, book, "Rubbish", "", ["Fly-tipping on the corner"])
    probe = "Nobody ever empties the bins on our road"
    vector = theming.themes.embed([probe], embedder)

    def sureness() -> float:
        model = codebooks.classifier(db, book, embedder)
        return float(model.scores([probe], vector)[0][model.themes.index(str(rubbish))])

    before = sureness()
    survey_id = db.execute("select survey_id from survey_questions where id = ?", [question]).fetchone()[0]
    survey = store.get_survey(db, survey_id)
    answers.submit(db, survey, {question: "The bins are never emptied"}, "en", today=date(2026, 12, 2))
    codebooks.classify(db, question, embedder)
    response = next(r for r, text in theming.answer_texts(db, question) if text == "The bins are never emptied")
    codebooks.decide(db, question, response, [rubbish])
    assert sureness() > before + 0.1


def test_an_example_never_keeps_a_name_or_contact_details(db, book) -> None:  # noqa: ANN001
    theme = codebooks.get_codebook(db, book).themes[0].id
    codebooks.add_example(db, theme, "Ask Mrs Jones on 07700 900123 about the food bank")
    kept = [e.text for t in codebooks.get_codebook(db, book).themes for e in t.examples]
    assert not any("07700" in text or "Jones" in text for text in kept)


def test_a_theme_name_is_needed_once_per_codebook_and_length_capped(db, book) -> None:  # noqa: ANN001
    with pytest.raises(codebooks.CodebookError) as same:
        codebooks.add_theme(db, book, "  food ")
    assert same.value.field == "name"
    with pytest.raises(codebooks.CodebookError):
        codebooks.add_theme(db, book, "x" * (codebooks.NAME_LIMIT + 1))
    with pytest.raises(codebooks.CodebookError):
        codebooks.add_example(db, codebooks.get_codebook(db, book).themes[0].id, "   ")


def test_a_codebook_of_one_theme_says_it_cannot_learn(db, embedder) -> None:  # noqa: ANN001
    lonely = codebooks.create_codebook(db, "Lonely")
    codebooks.add_theme(db, lonely, "Everything", "", ["anything at all"])
    with pytest.raises(codebooks.CodebookError):
        codebooks.classifier(db, lonely, embedder)


def test_a_discovered_theme_joins_a_codebook_in_one_step(db, question, book, embedder) -> None:  # noqa: ANN001
    theming.run(db, "", question, embedder)
    found = theming.saved_themes(db, question)[0]
    new = codebooks.add_discovered(db, book, question, found.id, "Things people raised")
    theme = codebooks.get_codebook(db, book).theme(new)
    assert theme.name == "Things people raised"
    assert [e.text for e in theme.examples] == found.quotes and all(e.source == codebooks.DISCOVERED
                                                                   for e in theme.examples)


def test_choosing_another_codebook_starts_the_machines_and_peoples_placing_again(db, question, book, embedder) -> None:  # noqa: ANN001
    codebooks.classify(db, question, embedder)
    other = codebooks.create_codebook(db, "Another")
    codebooks.choose(db, question, other)
    assert db.execute("select count(*) from survey_answer_codes where question_id = ?", [question]).fetchone()[0] == 0


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def codebook_csv(tmp_path: Path) -> Path:
    lines = ["theme,description,example"] + [f'"{name}","{description}","{example}"' for name, (description, examples)
                                             in THEMES.items() for example in examples]
    return write(tmp_path / "codebook.csv", "\n".join(lines) + "\n")


def test_classify_csv_adds_themes_and_confidence_to_every_row(tmp_path, embedder) -> None:  # noqa: ANN001
    rows = [text for texts in ANSWERS.values() for text in texts]
    source = write(tmp_path / "in.csv", "id,comment\n" + "".join(f'{i},"{t}"\n' for i, t in enumerate(rows)) + "9,\n")
    out = tmp_path / "out.csv"
    done = classify_csv(source, "comment", codebook_csv(tmp_path), out, embedder)
    assert (done.rows, done.answered) == (len(rows) + 1, len(rows))
    written = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(written[0]) == ["id", "comment", "themes", "confidence"]
    assert written[-1]["themes"] == "" and written[-1]["confidence"] == ""
    right = sum(row["themes"].split("; ")[0] == theme for theme, texts in ANSWERS.items() for text in texts
                for row in written if row["comment"] == text)
    assert right >= 8
    assert all(0 < float(row["confidence"]) <= 1 for row in written[:-1])


@pytest.mark.parametrize(("content", "says"), [
    ("theme,example\nFood,bread\n", "at least two themes"),
    ("name,example\nFood,bread\n", "no column 'theme'"),
    ("theme,example\n,bread\nParks,swings\n", "line 2: the theme is empty"),
    ("theme,example\nFood;Drink,bread\nParks,swings\n", "cannot hold ';'"),
])
def test_a_codebook_csv_that_cannot_be_used_writes_nothing_and_says_why(tmp_path, embedder, content, says) -> None:  # noqa: ANN001
    source = write(tmp_path / "in.csv", "comment\nhello\n")
    out = tmp_path / "out.csv"
    with pytest.raises(CsvProblem) as problem:
        classify_csv(source, "comment", write(tmp_path / "book.csv", content), out, embedder)
    assert says in str(problem.value)
    assert not out.exists() and not list(tmp_path.glob("*.partial"))


def test_reports_give_the_codebook_themes_and_the_earlier_wordings_with_their_answers(db, question, embedder) -> None:  # noqa: ANN001
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from surveys import exports, pdf, report

    codebooks.classify(db, question, embedder)
    survey_id = db.execute("select survey_id from survey_questions where id = ?", [question]).fetchone()[0]
    store.retire_question(db, question)  # asked no longer; its answers stay, under its words
    store.save_question(db, survey_id, Question("", TEXT, "What else would help?"))
    built = report.build(db, store.get_survey(db, survey_id))
    assert [r.question.prompt for r in built.earlier] == ["What would make your neighbourhood better?"]
    assert built.codes == {}  # the codebook belonged to the retired question; the new one has none yet
    codebooks.choose(db, store.get_survey(db, survey_id).questions[0].id, codebooks.codebook_of(db, question))
    survey = store.get_survey(db, survey_id)
    answers.submit(db, survey, {survey.questions[0].id: "More food parcels"}, "en", today=date(2026, 12, 2))
    codebooks.classify(db, survey.questions[0].id, embedder)
    built = report.build(db, survey)
    name, found = built.codes[survey.questions[0].id]
    assert name == "What matters" and {t.label: t.shown for t in found}["Food"] == "<5"  # one answer: never shown as 1
    book = load_workbook(io.BytesIO(exports.workbook(built)))
    sheet = [c for row in book["Codebook themes"].iter_rows(values_only=True) for c in row if c]
    assert "Food" in sheet and 1 not in sheet
    questions = [c for row in book["Questions"].iter_rows(values_only=True) for c in row if c]
    assert "What would make your neighbourhood better? (earlier wording, no longer asked)" in questions
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.report_pdf(built, "2026-12-07"))).pages)
    assert "Codebook themes" in text and "Earlier wordings, no longer asked" in text


@pytest.mark.parametrize("model", ["e5", "minilm"])
def test_an_answer_about_none_of_the_themes_is_unsure_whichever_model_reads_it(embedder, model) -> None:  # noqa: ANN001
    """Each model puts unrelated sentences at its own distance; the sentence-transformers backend keeps working."""
    from directory.embeddings import SentenceTransformerEmbedder
    from surveys.themes import embed

    reader = embedder if model == "e5" else SentenceTransformerEmbedder()
    texts = [e for _, (_, examples) in THEMES.items() for e in examples]
    names = [name for name, (_, examples) in THEMES.items() for _ in examples]
    placed = codebook.Classifier(texts, embed(texts, reader), names, reader.unrelated_below)
    probes = ["The number 47 bus is always late", "Quantum physics is hard", "Free hot meals for families please"]
    vectors = embed(probes, reader)
    bus, physics, meals = placed.place(probes, vectors)
    assert bus.unsure and physics.unsure
    assert meals.theme == "Food"
    assert placed.scores(probes, vectors).sum(axis=1) == pytest.approx([codebook.FAR_FACTOR] * 2 + [1.0])
