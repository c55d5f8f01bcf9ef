"""The People's Partnership's exports open in ordinary tools, hold the expected figures, never show a count
under 5 or one a total would give away, and never carry a resident's contact details or name."""

import csv
import io
from datetime import date

import pytest
import sqlite_utils
from openpyxl import load_workbook
from pypdf import PdfReader

from surveys import anonymity, answers, exports, pdf, report, store, theming
from surveys.questions import AGE, NEIGHBOURHOOD, SINGLE, TEXT, Option, Question

COMMENTS = ["Fresh fruit please, call me on 07700 900 123", "MORE VEG, EMAIL JO@EXAMPLE.ORG",
            "Open on Saturdays near se64ru", "My name is Amara and I want longer hours",
            "=HYPERLINK(\"http://example.org\")"]


@pytest.fixture
def survey(db: sqlite_utils.Database, embedder) -> store.Survey:  # noqa: ANN001
    made = store.create_survey(db, "Food in Catford", "Shape the pantry", "Everyone", "2026-01-01", "2026-12-31",
                               "lead")
    for question in (Question("", SINGLE, "Would you use a pantry?", options=[
            Option("yes", "Yes"), Option("no", "No"), Option("maybe", "Maybe")]),
            Question("", TEXT, "What would help?"), Question("", NEIGHBOURHOOD, "Where do you live?"),
            Question("", AGE, "What is your age?")):
        store.save_question(db, made.id, question)
    store.update_survey(db, made.id, published=1, you_said="Fresh food", we_did="Fruit every week")
    survey = store.get_survey(db, made.id)
    use, text, area, age = (q.id for q in survey.questions)
    # 20 yes (12 in n1, 8 in n3), 7 no (all n1), 3 maybe (n3): "maybe" is under 5.
    plan = [("yes", "n1")] * 12 + [("yes", "n3")] * 8 + [("no", "n1")] * 7 + [("maybe", "n3")] * 3
    for i, (choice, where) in enumerate(plan):
        given = {use: choice, area: where, age: "25-34" if i % 2 else "35-44"}
        if i < len(COMMENTS):
            given[text] = COMMENTS[i]
        answers.submit(db, survey, given, "pl" if i < 4 else "en", today=date(2026, 6, 1))
    theming.run(db, survey.id, text, embedder)
    return store.get_survey(db, made.id)


def test_the_workbook_has_each_sheet_and_suppresses_small_counts(db, survey) -> None:  # noqa: ANN001
    book = load_workbook(io.BytesIO(exports.workbook(report.build(db, survey))))
    assert book.sheetnames == ["Summary", "Questions", "Codebook themes", "Themes", "By neighbourhood",
                               "By equality group"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0]}
    assert summary["People who answered"] == 30 and summary["Answered in Polish"] == "<5"  # a number, a name
    assert summary["Answered in English"] != 26  # 30 - 4 would give the hidden count away
    questions = [row for row in book["Questions"].iter_rows(values_only=True)]
    counts = {row[0]: row[1] for row in questions if row[0] in ("Yes", "No", "Maybe")}
    assert counts == {"Yes": 20, "No": "[c]", "Maybe": "<5"}  # 7 is hidden, or 30 - 20 - 7 would give 3 away
    area = [row for row in book["By neighbourhood"].iter_rows(values_only=True)]
    n1 = next(row for row in area if row[0] == "Neighbourhood 1 (North Lewisham)")
    assert n1[0:4] == ("Neighbourhood 1 (North Lewisham)", 12, "[c]", "<5")  # no "maybe" here: 0 hidden, so 7 too
    every_cell = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert not any(str(c) in ("1", "2", "3", "4") for c in every_cell)
    assert not any("07700" in str(c) or "@" in str(c) for c in every_cell)


def test_the_answers_csv_order_cannot_be_worked_back_to_when_people_answered(db, survey) -> None:  # noqa: ANN001
    """Rows are shuffled from secret entropy, not seeded by anything a reader knows (such as the survey's id): a
    seeded shuffle would give the same order every time."""

    def order() -> list[str]:
        return [",".join(row[1:]) for row in csv.reader(io.StringIO(exports.answers_csv(db, survey)))][1:]

    orders = [order() for _ in range(3)]
    assert len({tuple(o) for o in orders}) > 1  # 30 rows: the same order twice by chance is 1 in 30!


def test_the_answers_csv_redacts_free_text_and_never_runs_a_formula(db, survey) -> None:  # noqa: ANN001
    rows = list(csv.reader(io.StringIO(exports.answers_csv(db, survey))))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["response", "month", "language", "channel"] and len(body) == 30
    text = [r[header.index("What would help?")] for r in body if r[header.index("What would help?")]]
    joined = " ".join(text)
    for secret in ("07700", "900 123", "JO@EXAMPLE.ORG", "se64ru", "Amara"):
        assert secret not in joined
    assert "[phone]" in joined and "[email]" in joined and "[postcode]" in joined and "[name]" in joined
    assert any(t.startswith("'=HYPERLINK") for t in text)
    assert {r[1] for r in body} <= {"2026-06", anonymity.WITHHELD}  # the month, never the day


def test_reports_give_the_day_a_survey_really_closed_and_explain_an_empty_breakdown(db, survey) -> None:  # noqa: ANN001
    """Closed early on 6 December, a survey planned to 31 December was reported as open to the 31st."""
    store.update_survey(db, survey.id, closed_at="2026-12-06T10:00:00+00:00")
    closed = store.get_survey(db, survey.id)
    book = load_workbook(io.BytesIO(exports.workbook(report.build(db, closed))))
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0]}
    assert summary["Open"] == "2026-01-01 to 2026-12-06"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.report_pdf(
        report.build(db, closed), "2026-12-07"))).pages)
    assert "Open 2026-01-01 to 2026-12-06" in " ".join(text.split())
    area_only = store.create_survey(db, "Just words", "Why", "Everyone", "2026-01-01", "2026-12-31", "lead")
    store.save_question(db, area_only.id, Question("", TEXT, "Anything else?"))
    empty = load_workbook(io.BytesIO(exports.workbook(report.build(db, store.get_survey(db, area_only.id)))))
    assert empty["By neighbourhood"]["A1"].value.startswith("No breakdown by neighbourhood: the survey did not ask")


def test_the_pdf_report_reads_back_with_its_figures(db, survey) -> None:  # noqa: ANN001
    document = PdfReader(io.BytesIO(pdf.report_pdf(report.build(db, survey), "2026-12-01")))
    text = " ".join(page.extract_text() for page in document.pages)
    for expected in ("Food in Catford", "What we asked", "Who answered", "The main themes", "You said",
                     "Fruit every week", "30 people answered", "<5"):
        assert expected in text
    assert "07700" not in text and "Amara" not in text


FORMULA = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _safe(value: object) -> bool:
    """A cell a spreadsheet shows as what it is: a number, or text with no control character that cannot run."""
    if isinstance(value, int | float) or value is None:
        return True
    text = str(value)
    runs = text.lstrip(" \t\n")[:1] in FORMULA
    return not runs and not any(ord(c) < 32 and c not in "\t\n" for c in text)


def test_every_cell_of_every_export_is_safe_even_from_answers_stored_before_cleaning(db, survey) -> None:  # noqa: ANN001
    """Answers kept before control characters were cleaned on the way in, and a language that came from an API
    caller, still export: every cell of the CSV and the workbook is cleaned and cannot run as a formula."""
    text = next(q.id for q in survey.questions if q.kind == TEXT)
    response = db.execute("select id from survey_responses where survey_id = ? limit 1", [survey.id]).fetchone()[0]
    db.execute("update survey_answers set value = ? where response_id = ? and question_id = ?",
               ["tab\x0bfeed\x01nul\x00end", response, text])
    db.execute("update survey_responses set language = ? where id = ?", ["=HYPERLINK(\"http://x\")", response])
    db.conn.commit()
    rows = list(csv.reader(io.StringIO(exports.answers_csv(db, survey))))
    assert all(_safe(c) for row in rows for c in row)
    assert any("tabfeednulend" in c for row in rows for c in row)
    book = load_workbook(io.BytesIO(exports.workbook(report.build(db, survey))))
    assert all(_safe(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row)


def test_no_row_of_the_answers_csv_picks_out_fewer_than_5_people(db, survey) -> None:  # noqa: ANN001
    """Language answered in, month, channel, neighbourhood, age and the choice made: every combination a row
    shows is shared by at least 5 rows; what would be rarer is withheld, and each withheld cell says so."""
    rows = list(csv.reader(io.StringIO(exports.answers_csv(db, survey))))
    header, body = rows[0], rows[1:]
    quasi = [header.index(name) for name in ("month", "language", "channel", "Where do you live?",
                                             "What is your age?", "Would you use a pantry?")]
    assert anonymity.smallest_group(body, quasi) >= 5
    assert any(anonymity.WITHHELD in row for row in body)  # this survey has rare combinations to withhold
    assert len(body) == 30  # every answer's words are kept
