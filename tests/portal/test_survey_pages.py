"""Surveys through real HTTP: an engagement lead builds, translates and publishes one; residents answer it at
its short link in their language, without an account, losing nothing to a mistake; the lead sees the counts
(small ones suppressed) and themes, and once it closes residents read what came of it."""

import html
import re

import pytest
import sqlite_utils
from fastapi.testclient import TestClient

from accounts import users
from portal import job_kinds
from portal.routes import survey_pages
from surveys import store
from surveys.questions import Question
from tests.portal.pages import reset_link
from tests.portal.staff import PASSWORD, form_fields, post, run_jobs, sign_in


@pytest.fixture
def db(seeded_db: sqlite_utils.Database) -> sqlite_utils.Database:
    """The seeded directory the client serves, for setting up and checking what it stores."""
    return seeded_db


@pytest.fixture
def lead(db) -> users.User:
    return users.create(db, "lead@example.org", "Lee Lead", PASSWORD, users.ENGAGEMENT_LEAD)


def build(client: TestClient) -> tuple[str, str]:
    """A published survey with a required choice, a question shown only after "Yes", free text and age."""
    made = post(client, "/surveys/manage/new", "/surveys/manage/new", title="Food in Catford",
                purpose="Help us shape the new pantry.", audience="", opens_on="2026-01-01", closes_on="2099-12-31")
    page = made.headers["location"]
    post(client, f"{page}/questions", page, kind="single", prompt="Have you used a food bank?", options="Yes\nNo",
         required="yes")
    condition = re.search(r'<option value="([^"]+::yes)"', client.get(page).text).group(1)
    post(client, f"{page}/questions", page, kind="multiple", prompt="Which ones?", options="Catford\nDeptford",
         show_if=condition)
    post(client, f"{page}/questions", page, kind="text", prompt="What would help?")
    post(client, f"{page}/questions", page, kind="age", prompt="")
    assert post(client, f"{page}/publish", page).status_code == 303
    code = re.search(r"/s/(\w+)", client.get(page).text).group(1)
    return page, code


def answered(client: TestClient, db: sqlite_utils.Database) -> tuple[str, Question]:
    """A built survey with six free-text answers: three about fresh food, three about opening times."""
    from datetime import date

    from surveys import answers

    page, code = build(client)
    survey = store.survey_by_code(db, code)
    text = survey.questions[2]
    for comment in ["More fresh fruit", "Fresh vegetables please", "Fruit and veg", "Open on Saturdays",
                    "Weekend opening", "Open later on Fridays"]:
        answers.submit(db, survey, {survey.questions[0].id: "no", text.id: comment}, "en", today=date(2026, 6, 1))
    return page, text


def names(page: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r'name="(q-[\w-]+)"', page)))


def test_a_lead_builds_translates_and_publishes_and_a_resident_answers_in_polish(client: TestClient, db,
                                                                                lead) -> None:
    sign_in(client, lead.email)
    page, code = build(client)
    form = f"{page}/translate/pl"
    fields = form_fields(client.get(form).text)
    survey = store.survey_by_code(db, code)
    first = survey.questions[0]
    fields.update({"title": ["Jedzenie w Catford"], f"q:{first.id}:prompt": ["Czy korzystałeś z banku żywności?"],
                   f"q:{first.id}:o:yes": ["Tak"]})
    saved = client.post(form, data=fields, follow_redirects=False)
    assert saved.status_code == 303
    assert "The Polish translation is saved." in client.get(saved.headers["location"]).text  # it says so

    client.cookies.clear()
    polish = client.get(f"/pl/s/{code}").text
    assert "Jedzenie w Catford" in polish and ">Tak<" in polish and "Czy korzystałeś" in polish
    # not translated yet: shown in English, isolated and marked as English
    assert 'lang="en" dir="ltr">No</span> <span class="np-in-english">(po angielsku)<' in polish
    assert "Before you start" not in polish and "2 years" not in polish  # the consent statement is in Polish
    q = names(polish)
    token = form_fields(polish)["csrf_token"][0]
    missing = client.post(f"/pl/s/{code}", data={"csrf_token": token, q[2]: "Więcej owoców", q[3]: "35-44"})
    assert missing.status_code == 400
    assert f'href="#{q[0]}"' in missing.text and "Więcej owoców</textarea>" in missing.text
    assert 'value="35-44" checked' in missing.text  # nothing typed is lost
    sent = client.post(f"/pl/s/{code}", data={"csrf_token": token, q[0]: "yes", q[1]: ["a", "b"]},
                       follow_redirects=False)
    assert sent.status_code == 400  # "a" and "b" are not answers on offer
    sent = client.post(f"/pl/s/{code}", data={"csrf_token": token, q[0]: "yes", q[1]: ["catford"],
                                             q[2]: "Więcej owoców, zadzwoń 07700 900123", q[3]: "35-44"},
                       follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == f"/pl/s/{code}/thanks"
    response = db.execute("select * from survey_responses").fetchone()
    assert response[3] == "pl" and db.execute("select count(*) from survey_answers").fetchone()[0] == 4

    client.cookies.clear()  # forget the Polish the resident chose: the lead reads English
    sign_in(client, lead.email)
    results = client.get(f"{page}/results").text
    assert "1 person has answered" in results and "&lt;5" in results


def test_a_closed_survey_says_so_and_then_shows_you_said_we_did(client: TestClient, db, lead) -> None:
    sign_in(client, lead.email)
    page, code = build(client)
    post(client, f"{page}/you-said-we-did", page, you_said="You wanted fresh fruit.", we_did="The pantry stocks it.")
    assert client.get(f"/s/{code}/you-said-we-did").status_code == 404  # not until it closes
    post(client, f"{page}/close", page)
    client.cookies.clear()
    closed = client.get(f"/s/{code}").text
    assert "This survey has closed" in closed and "<textarea" not in closed
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/account/sign-in").text).group(1)
    late = client.post(f"/s/{code}", data={"csrf_token": token, "q-x": "y"})
    assert "This survey has closed" in late.text
    assert db.execute("select count(*) from survey_responses").fetchone()[0] == 0
    said = client.get(f"/s/{code}/you-said-we-did").text
    assert "You wanted fresh fruit." in said and "The pantry stocks it." in said


def test_the_builder_marks_every_mistake_and_keeps_what_was_typed(client: TestClient, lead) -> None:
    sign_in(client, lead.email)
    bad = post(client, "/surveys/manage/new", "/surveys/manage/new", title="", purpose="", audience="",
               opens_on="2026-12-31", closes_on="2026-01-01")
    assert bad.status_code == 400
    assert "Give the survey a title." in bad.text and "The closing date must be on or after" in bad.text
    page, _ = build(client)
    one = post(client, f"{page}/questions", page, kind="single", prompt="Pick", options="Only one")
    assert one.status_code == 400 and "Give at least two answers" in one.text and "Only one</textarea>" in one.text
    empty = post(client, "/surveys/manage/new", "/surveys/manage/new", title="Draft", purpose="Why", audience="",
                 opens_on="2026-01-01", closes_on="2026-02-01")
    draft = empty.headers["location"]
    refused = post(client, f"{draft}/publish", draft)
    assert refused.status_code == 400 and "Add at least one question" in refused.text


def test_themes_are_found_and_edited_from_the_results(client: TestClient, db, lead) -> None:
    sign_in(client, lead.email)
    page, text = answered(client, db)
    results = client.get(f"{page}/results").text
    assert "Find themes in 6 new answers" in results
    started = post(client, f"{page}/themes/{text.id}/run", f"{page}/results")
    assert started.headers["location"].endswith(f"/results#question-{text.id}")  # answered before any theming
    waiting = client.get(f"{page}/results").text
    assert "Waiting to start." in waiting and "Find themes in 6 new answers" not in waiting  # not queued twice
    job = re.search(r'hx-get="/jobs/(\d+)" hx-trigger="every 2s"', waiting).group(1)
    assert run_jobs(client) == 1
    status = client.get(f"/jobs/{job}", headers={"HX-Request": "true"}).text
    assert "Finished." in status and "6 answers placed in themes." in status and "every 2s" not in status
    themes_page = client.get(f"{page}/themes/{text.id}").text
    theme = re.search(r'name="theme" value="(\d+)"', themes_page).group(1)
    renamed = post(client, f"{page}/themes/{text.id}/edit", f"{page}/themes/{text.id}", action="rename",
                   theme=theme, **{f"label-{theme}": "Fresh food"})
    assert renamed.status_code == 303 and "Fresh food" in client.get(f"{page}/results").text
    blank = post(client, f"{page}/themes/{text.id}/edit", f"{page}/themes/{text.id}", action="rename", theme=theme,
                 **{f"label-{theme}": ""})
    assert blank.status_code == 400 and "Give the theme a name." in blank.text


def test_exports_download_for_leads_only(client: TestClient, db, lead) -> None:
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    sign_in(client, lead.email)
    page, _ = build(client)
    workbook = client.get(f"{page}/export.xlsx")
    assert workbook.status_code == 200 and "attachment" in workbook.headers["content-disposition"]
    assert load_workbook(io.BytesIO(workbook.content)).sheetnames[0] == "Summary"
    document = client.get(f"{page}/report.pdf")
    assert "Food in Catford" in PdfReader(io.BytesIO(document.content)).pages[0].extract_text()
    assert client.get(f"{page}/export.csv").text.lstrip("\ufeff").startswith("response,month,language,channel")
    assert "What we asked" in client.get(f"{page}/report").text
    editor = users.create(db, "ed@example.org", "Ed Editor", PASSWORD, users.EDITOR)
    client.cookies.clear()
    sign_in(client, editor.email)
    assert client.get(f"{page}/export.xlsx", follow_redirects=False).status_code == 403


def test_themes_are_merged_split_and_answers_moved_from_the_themes_page(client: TestClient, db, lead) -> None:
    from surveys import theming

    sign_in(client, lead.email)
    page, text = answered(client, db)
    themes_url = f"{page}/themes/{text.id}"
    post(client, f"{themes_url}/run", f"{page}/results")
    run_jobs(client)
    ids = [t.id for t in theming.saved_themes(db, text.id)]
    assert len(ids) == 2
    answer = theming.members_of(db, text.id, ids[0])[0][0]
    moved = post(client, f"{themes_url}/edit", themes_url, action="move", theme=str(ids[0]), answer=str(answer),
                 **{f"to-{answer}": str(ids[1])})
    assert moved.status_code == 303 and answer in [m[0] for m in theming.members_of(db, text.id, ids[1])]
    assert "Moved by hand" in client.get(themes_url).text
    post(client, f"{themes_url}/edit", themes_url, action="split", theme=str(ids[1]))
    assert len(theming.saved_themes(db, text.id)) == 3
    merged = post(client, f"{themes_url}/edit", themes_url, action="merge", theme=str(ids[0]),
                  **{f"merge-{ids[0]}": [str(t.id) for t in theming.saved_themes(db, text.id) if t.id != ids[0]]})
    assert merged.status_code == 303 and [t.id for t in theming.saved_themes(db, text.id)] == [ids[0]]


def test_on_a_kiosk_an_abandoned_survey_starts_again_empty_for_the_next_person(client: TestClient, db,
                                                                                lead) -> None:
    sign_in(client, lead.email)
    _, code = build(client)
    client.cookies.clear()
    page = client.get(f"/s/{code}", params={"channel": "kiosk"}).text
    reset = reset_link(page)  # the idle countdown's destination
    assert reset.startswith("/kiosk/reset?t=") and reset.endswith(f"&next=%2Fs%2F{code}")
    assert f'url={html.escape(reset)}"' in page  # and without JavaScript, a timed refresh
    assert "data-reset-url" not in client.get(f"/s/{code}").text  # on a phone, nothing resets
    client.post("/shortlist/add", data={"csrf_token": form_fields(page)["csrf_token"][0], "service_id": "x"})
    again = client.get(reset, follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == f"/s/{code}?channel=kiosk"
    fresh = reset_link(client.get(f"/s/{code}", params={"channel": "kiosk"}).text)  # the next person's own link
    token = fresh.split("t=")[1].split("&")[0]
    evil = client.get(f"/kiosk/reset?t={token}&next=//evil.example.org", follow_redirects=False)
    assert evil.headers["location"] == "/kiosk"


def test_control_characters_in_an_answer_are_taken_out_and_every_export_still_opens(client: TestClient, db,
                                                                                     lead) -> None:
    import csv
    import io

    from openpyxl import load_workbook

    sign_in(client, lead.email)
    page, code = build(client)
    client.cookies.clear()
    form = client.get(f"/s/{code}").text
    q = names(form)
    sent = client.post(f"/s/{code}", follow_redirects=False, data={
        "csrf_token": form_fields(form)["csrf_token"][0], q[0]: "no", q[2]: "More\x01 fruit\x0b and\x00 veg\r\nplease"})
    assert sent.status_code == 303
    kept = db.execute("select value from survey_answers where value like 'More%'").fetchone()[0]
    assert kept == "More fruit and veg\nplease"
    sign_in(client, lead.email)
    workbook = client.get(f"{page}/export.xlsx")
    assert workbook.status_code == 200 and load_workbook(io.BytesIO(workbook.content))
    rows = list(csv.reader(io.StringIO(client.get(f"{page}/export.csv").text.lstrip("\ufeff"))))
    assert any("More fruit and veg\nplease" in c for row in rows for c in row)


def test_english_on_an_arabic_survey_page_keeps_its_direction_and_says_it_is_english(client: TestClient, db,
                                                                                     lead) -> None:
    sign_in(client, lead.email)
    page, code = build(client)  # not translated into Arabic
    post(client, f"{page}/you-said-we-did", page, you_said="You wanted fresh fruit.", we_did="The pantry stocks it.")
    client.cookies.clear()
    arabic = client.get(f"/ar/s/{code}").text
    assert '<span lang="en" dir="ltr">What would help?</span> <span class="np-in-english">(بالإنجليزية)</span>' \
        in arabic
    sign_in(client, lead.email)
    post(client, f"{page}/close", page)
    client.cookies.clear()
    said = client.get(f"/ar/s/{code}/you-said-we-did").text
    assert 'lang="en" dir="ltr"' in said and "(بالإنجليزية)" in said
    sign_in(client, lead.email)  # the answers page staff read in Arabic marks the English question too
    answers_page = client.get(f"/ar{page}/results").text
    assert '3. <span lang="en" dir="ltr">What would help?</span> <span class="np-in-english">' in answers_page


def test_a_theming_job_that_fails_says_why_and_can_be_tried_again(client: TestClient, db, lead,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    sign_in(client, lead.email)
    page, text = answered(client, db)
    post(client, f"{page}/themes/{text.id}/run", f"{page}/results")
    monkeypatch.setattr(job_kinds, "shared_embedder", lambda choice: None)  # the model would not load
    run_jobs(client)
    failed = client.get(f"{page}/results").text
    assert "This did not finish." in failed and "The model that finds themes could not be loaded" in failed
    retry = re.search(r'action="(/jobs/\d+/retry)"', failed).group(1)
    monkeypatch.undo()
    assert post(client, retry, f"{page}/results").status_code == 303
    run_jobs(client)
    assert "6 answers placed in themes." in client.get(f"{page}/results").text


def test_a_flood_of_answers_from_one_connection_is_slowed_and_what_was_chosen_is_kept(
        client: TestClient, db, lead, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(survey_pages, "ANSWERS_PER_ADDRESS", 3)  # the real limit is sized for a busy event
    sign_in(client, lead.email)
    _, code = build(client)
    client.cookies.clear()
    form = client.get(f"/s/{code}").text
    q = names(form)
    sent = [client.post(f"/s/{code}", follow_redirects=False, data={
        "csrf_token": form_fields(form)["csrf_token"][0], q[0]: "no", q[2]: f"Answer number {n}"}) for n in range(6)]
    assert [s.status_code for s in sent] == [303] * 3 + [429] * 3
    assert "Wait a few minutes" in sent[-1].text and "Answer number 5" in sent[-1].text
    assert db.execute("select count(*) from survey_responses").fetchone()[0] == 3


def test_a_question_with_answers_is_never_changed_under_them(client: TestClient, db, lead) -> None:  # noqa: ANN001
    """Changing what it asks makes a new question in its place; removing it stops asking it. The answers given
    stay, with the words they answered, in the row-level export."""
    import csv
    import io

    sign_in(client, lead.email)
    page, text = answered(client, db)
    survey_id = page.rstrip("/").rsplit("/", 1)[1]
    code = store.get_survey(db, survey_id).code
    survey = store.survey_by_code(db, code)
    changed = post(client, f"{page}/questions", page, question_id=text.id, kind="text",
                   prompt="What one thing would help most?")
    assert changed.status_code == 303
    survey = store.survey_by_code(db, code)
    assert [q.prompt for q in survey.earlier] == ["What would help?"]
    now = survey.questions[2]
    assert now.prompt == "What one thing would help most?" and now.id != text.id and now.position == text.position
    assert db.execute("select count(*) from survey_answers where question_id = ?", [text.id]).fetchone()[0] == 6
    # A hint is not what the question asks: it is changed in place.
    post(client, f"{page}/questions", page, question_id=now.id, kind="text", prompt=now.prompt,
         help="One thing is enough.")
    assert store.survey_by_code(db, code).questions[2].id == now.id
    # The choice another question depends on cannot be removed; an answered one is retired, not deleted.
    first = survey.questions[0]
    refused = post(client, f"{page}/questions/{first.id}/delete", page)
    assert refused.status_code == 400 and "shown only after an answer to this one" in html.unescape(refused.text)
    age = survey.questions[3]
    from datetime import date

    from surveys import answers
    answers.submit(db, store.survey_by_code(db, code), {first.id: "no", age.id: "25-34"}, "en",
                   today=date(2026, 6, 2))
    post(client, f"{page}/questions/{age.id}/delete", page)
    survey = store.survey_by_code(db, code)
    assert age.id not in [q.id for q in survey.questions] and age.id in [q.id for q in survey.earlier]
    which = survey.questions[1]  # never answered: removed outright
    post(client, f"{page}/questions/{which.id}/delete", page)
    assert which.id not in [q.id for q in [*store.survey_by_code(db, code).questions,
                                           *store.survey_by_code(db, code).earlier]]
    client.cookies.clear()
    assert "What is your age" not in client.get(f"/s/{code}").text  # no longer asked
    sign_in(client, lead.email)
    header = next(csv.reader(io.StringIO(client.get(f"{page}/export.csv").text)))
    assert "What would help? (earlier wording, no longer asked)" in header
    assert "No longer asked, kept with their answers" in client.get(page).text
