"""Codebooks through real HTTP: a lead writes one, places a question's answers under it in the background,
checks the unsure ones (decisions kept), adds a discovered theme in one step; mistakes re-render with what was
typed; only engagement leads and administrators see any of it."""

import re
from datetime import date

import pytest
import sqlite_utils
from fastapi.testclient import TestClient

from accounts import users
from surveys import answers, codebooks, store, theming
from tests.portal.staff import PASSWORD, post, run_jobs, sign_in
from tests.portal.test_survey_pages import answered

BOOKS = "/surveys/codebooks"


@pytest.fixture
def db(seeded_db: sqlite_utils.Database) -> sqlite_utils.Database:
    return seeded_db


@pytest.fixture
def lead(db) -> users.User:  # noqa: ANN001
    return users.create(db, "lead@example.org", "Lee Lead", PASSWORD, users.ENGAGEMENT_LEAD)


def write_codebook(client: TestClient) -> str:
    made = post(client, f"{BOOKS}/new", BOOKS, name="Food pantry", description="Every quarter")
    book = made.headers["location"]
    post(client, f"{book}/themes", book, name="Fresh food", description="Fruit, vegetables",
         example="More fresh fruit and veg")
    post(client, f"{book}/themes", book, name="Opening hours", description="When it is open",
         example="Open at weekends please")
    post(client, f"{book}/themes", book, name="Prices", description="What things cost", example="Food costs too much")
    return book


def test_a_lead_writes_a_codebook_and_places_answers_under_it_in_the_background(client: TestClient, db,  # noqa: ANN001
                                                                                 lead) -> None:
    sign_in(client, lead.email)
    book = write_codebook(client)
    page = client.get(book).text
    assert "Fresh food" in page and "Opening hours" in page and "More fresh fruit and veg" in page
    survey_page, text = answered(client, db)
    codes = f"{survey_page}/codes/{text.id}"
    assert codes in client.get(f"{survey_page}/results").text
    book_id = book.rsplit("/", 1)[1]
    started = post(client, f"{codes}/run", codes, codebook=book_id)
    assert started.status_code == 303
    assert "Waiting to start." in client.get(codes).text  # the web request only queued it
    assert run_jobs(client) == 1
    done = client.get(codes).text
    assert "6 answers placed under the codebook" in done
    placed = codebooks.placed_for_export(db, text.id)
    by_text = {t: placed[r][0] for r, t in theming.answer_texts(db, text.id)}
    assert by_text["Fresh vegetables please"] == "Fresh food" and by_text["Weekend opening"] == "Opening hours"
    assert "Used by:" in client.get(book).text


def test_the_unsure_answers_are_checked_and_the_decision_is_kept(client: TestClient, db, lead) -> None:  # noqa: ANN001
    sign_in(client, lead.email)
    book = write_codebook(client)
    survey_page, text = answered(client, db)
    survey = store.get_survey(db, survey_page.rsplit("/", 1)[1])
    answers.submit(db, survey, {survey.questions[0].id: "no", text.id: "The number 47 bus is always late"}, "en",
                   today=date(2026, 6, 2))
    codes = f"{survey_page}/codes/{text.id}"
    post(client, f"{codes}/run", codes, codebook=book.rsplit("/", 1)[1])
    run_jobs(client)
    review = client.get(f"{codes}/review")
    assert review.status_code == 200
    queue, waiting = codebooks.review_queue(db, text.id)
    themes = {t.name: t.id for t in codebooks.get_codebook(db, int(book.rsplit("/", 1)[1])).themes}
    # An answer about none of the themes: the machine is unsure of it, so a person is asked.
    assert "The number 47 bus is always late" in [u.text for u in queue] and waiting == len(queue)
    assert "The number 47 bus is always late" in review.text
    queue = [u for u in queue if u.text == "The number 47 bus is always late"]
    item = queue[0]
    empty = post(client, f"{codes}/review/{item.response_id}", f"{codes}/review")
    assert empty.status_code == 400 and "Choose at least one theme for this answer." in empty.text
    saved = post(client, f"{codes}/review/{item.response_id}", f"{codes}/review",
                 **{f"themes-{item.response_id}": [str(themes["Opening hours"])]})
    assert saved.status_code == 303
    assert "Saved. The next run learns from it." in client.get(saved.headers["location"]).text
    post(client, f"{codes}/run", codes, codebook=book.rsplit("/", 1)[1])
    run_jobs(client)
    assert codebooks.placed_for_export(db, text.id)[item.response_id] == ["Opening hours"]
    assert codebooks.review_queue(db, text.id)[1] == waiting - 1


def test_codebook_mistakes_re_render_with_what_was_typed(client: TestClient, lead) -> None:  # noqa: ANN001
    sign_in(client, lead.email)
    blank = post(client, f"{BOOKS}/new", BOOKS, name="", description="Kept")
    assert blank.status_code == 400 and "Give it a name." in blank.text and "Kept" in blank.text
    book = write_codebook(client)
    same = post(client, f"{book}/themes", book, name="fresh food", description="again", example="bread")
    assert same.status_code == 400 and "already has a theme called fresh food" in same.text
    assert 'href="#name-new"' in same.text and 'value="bread"' in same.text
    long = post(client, f"{book}/themes", book, name="x" * 81)
    assert long.status_code == 400 and "Use 80 characters or fewer." in long.text


def test_a_discovered_theme_is_added_to_a_codebook_in_one_step(client: TestClient, db, lead) -> None:  # noqa: ANN001
    sign_in(client, lead.email)
    book = write_codebook(client)
    survey_page, text = answered(client, db)
    themes_url = f"{survey_page}/themes/{text.id}"
    post(client, f"{themes_url}/run", f"{survey_page}/results")
    run_jobs(client)
    found = theming.saved_themes(db, text.id)[0]
    book_id = book.rsplit("/", 1)[1]
    added = post(client, f"{themes_url}/edit", themes_url, action="codebook", theme=str(found.id),
                 **{f"codebook-{found.id}": book_id})
    assert added.status_code == 303 and added.headers["location"].startswith(book)
    page = client.get(added.headers["location"]).text
    assert "From a discovered theme" in page and found.label in page


def test_only_engagement_leads_and_administrators_see_codebooks(client: TestClient, db, lead) -> None:  # noqa: ANN001
    sign_in(client, lead.email)
    book = write_codebook(client)
    editor = users.create(db, "ed@example.org", "Ed Editor", PASSWORD, users.EDITOR)
    client.cookies.clear()
    assert client.get(book, follow_redirects=False).status_code in (302, 303)  # signed out: to the sign-in page
    sign_in(client, editor.email)
    assert client.get(book, follow_redirects=False).status_code == 403
    assert client.get(BOOKS, follow_redirects=False).status_code == 403


def test_another_codebooks_example_cannot_be_removed_through_this_one(client: TestClient, db, lead) -> None:  # noqa: ANN001
    sign_in(client, lead.email)
    first = write_codebook(client)
    other = post(client, f"{BOOKS}/new", BOOKS, name="Other").headers["location"]
    example = re.search(r'/examples/(\d+)/delete', client.get(first).text).group(1)
    refused = post(client, f"{other}/examples/{example}/delete", other)
    assert refused.status_code == 404
    assert f"/examples/{example}/delete" in client.get(first).text


def test_a_quote_in_another_language_can_be_given_a_translation_marked_as_one(client: TestClient, db,  # noqa: ANN001
                                                                               lead) -> None:
    sign_in(client, lead.email)
    book = write_codebook(client)
    survey_page, text = answered(client, db)
    survey = store.get_survey(db, survey_page.rsplit("/", 1)[1])
    words = "Więcej świeżych owoców i warzyw"
    answers.submit(db, survey, {survey.questions[0].id: "no", text.id: words}, "pl", today=date(2026, 6, 2))
    codes = f"{survey_page}/codes/{text.id}"
    post(client, f"{codes}/run", codes, codebook=book.rsplit("/", 1)[1])
    run_jobs(client)
    response = next(r for r, t in theming.answer_texts(db, text.id) if t == words)
    fresh = next(t.id for t in codebooks.get_codebook(db, int(book.rsplit("/", 1)[1])).themes if t.name == "Fresh food")
    codebooks.decide(db, text.id, response, [fresh])  # a person's choice is quoted first
    page = client.get(codes).text
    assert f'<q lang="pl" dir="ltr">{words}</q>' in page and "Add a translation" in page
    saved = post(client, f"{codes}/translate", codes, quote=words, translation="More fresh fruit and vegetables")
    assert saved.status_code == 303
    page = client.get(codes).text
    assert "Translated:" in page and "More fresh fruit and vegetables" in page and words in page  # beside, not instead
    assert post(client, f"{codes}/translate", codes, quote="Not a quote here", translation="x").status_code == 404
    long = post(client, f"{codes}/translate", codes, quote=words, translation="x" * 1001)
    assert long.status_code == 400 and "Use 1000 characters or fewer." in long.text


def test_a_codebook_comes_in_from_a_spreadsheet_and_goes_out_as_one(client: TestClient, db, lead) -> None:  # noqa: ANN001
    sign_in(client, lead.email)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get(BOOKS).text).group(1)

    def send(content: bytes, name: str = "") -> object:
        return client.post(f"{BOOKS}/import", data={"csrf_token": csrf, "import-name": name},
                           files={"file": ("pantry.csv", content, "text/csv")}, follow_redirects=False)

    good = (b"theme,description,example\nFresh food,Fruit and veg,More fresh fruit\nFresh food,,Veg please\n"
            b"=Opening hours,,Open on Saturdays\n")
    made = send(good, "Pantry")
    assert made.status_code == 303
    book = codebooks.get_codebook(db, int(made.headers["location"].split("?")[0].rsplit("/", 1)[1]))
    assert book.name == "Pantry" and {t.name: len(t.examples) for t in book.themes} == {"Fresh food": 2,
                                                                                       "=Opening hours": 1}
    out = client.get(f"{BOOKS}/{book.id}.csv")
    lines = out.text.lstrip("\ufeff").splitlines()
    assert lines[0] == "theme,description,example" and "'=Opening hours,,Open on Saturdays" in lines  # never a formula
    before = len(codebooks.all_codebooks(db))
    for content, says in ((b"theme,example\nFood,bread\n", "at least two themes"),
                          ("theme,example\nFood,pain\nParc,banc\n".encode("utf-16"), "CSV UTF-8"),
                          (b"", "Choose a CSV file.")):
        refused = send(content) if content else client.post(f"{BOOKS}/import", data={"csrf_token": csrf},
                                                            follow_redirects=False)
        assert refused.status_code == 400 and says in refused.text
    assert len(codebooks.all_codebooks(db)) == before  # nothing kept from a file that could not be used
