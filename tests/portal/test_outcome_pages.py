"""The outcomes log through real HTTP: a lead makes a codebook theme an insight (its count suppressed and quotes
redacted as they stand), takes a recommendation to a board, downloads the board pack; residents read only what
was decided, by neighbourhood and topic, in every portal language; staff pages are for leads only."""

import html
import io
import re

import pytest
import sqlite_utils
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts import users
from portal.languages import LANGUAGES
from surveys import codebooks, outcomes
from tests.portal.staff import PASSWORD, post, run_jobs, sign_in
from tests.portal.test_codebook_pages import write_codebook
from tests.portal.test_survey_pages import answered

LOG = "/surveys/outcomes"


@pytest.fixture
def db(seeded_db: sqlite_utils.Database) -> sqlite_utils.Database:
    return seeded_db


@pytest.fixture
def lead(db) -> users.User:  # noqa: ANN001
    return users.create(db, "lead@example.org", "Lee Lead", PASSWORD, users.ENGAGEMENT_LEAD)


def an_insight(client: TestClient, db: sqlite_utils.Database) -> str:  # noqa: ANN001
    """A survey's answers placed under a codebook, and its first theme written up as an insight; its page."""
    book = write_codebook(client)
    survey_page, text = answered(client, db)
    codes = f"{survey_page}/codes/{text.id}"
    post(client, f"{codes}/run", codes, codebook=book.rsplit("/", 1)[1])
    run_jobs(client)
    start = re.search(r'href="(/surveys/outcomes/new\?[^"]+)"', client.get(codes).text).group(1).replace("&amp;", "&")
    form = client.get(start)
    assert form.status_code == 200
    fields = dict(re.findall(r'<input type="hidden" name="(survey|question|theme)" value="([^"]*)"', form.text))
    made = post(client, f"{LOG}/new", start, **fields, title="Fresh food", you_said="People want fresh fruit.",
                topic="Healthy food", neighbourhood="3")
    assert made.status_code == 303
    return made.headers["location"].split("?")[0]


def test_a_theme_becomes_an_insight_then_a_decided_recommendation_residents_can_read(client: TestClient, db,  # noqa: ANN001
                                                                                      lead) -> None:
    sign_in(client, lead.email)
    insight = an_insight(client, db)
    page = client.get(insight).text
    kept = outcomes.get_insight(db, int(insight.rsplit("/", 1)[1]))
    assert "People want fresh fruit." in page and html.escape(kept.answers) in page
    assert kept.answers in ("<5", "[c]") or int(kept.answers) >= 5  # six answers: a small count never shown as is
    agreed = dict(text="A weekly fruit stall", board="People's Partnership board", meeting_on="2027-01-20",
                  status="agreed", owner="", decision="", actions="", outcome="")
    refused = post(client, f"{insight}/recommendations", insight, **agreed)
    assert refused.status_code == 400 and "Say who owns this once it is agreed." in refused.text
    assert 'href="#owner-new"' in refused.text and "A weekly fruit stall" in refused.text  # nothing lost
    saved = post(client, f"{insight}/recommendations", insight, **(agreed | {"owner": "Public health"}))
    assert saved.status_code == 303
    assert "Recommendation made" in client.get(insight).text  # the history
    client.cookies.clear()
    for code in (language.code for language in LANGUAGES):
        prefix = "" if code == "en" else f"/{code}"
        index = client.get(f"{prefix}/you-said-we-did")
        assert index.status_code == 200 and "/you-said-we-did/topic/healthy-food" in index.text
        place = client.get(f"{prefix}/you-said-we-did/neighbourhood/3").text
        assert "A weekly fruit stall" in place and "People want fresh fruit." in place
    assert "A weekly fruit stall" not in client.get("/you-said-we-did/neighbourhood/1").text
    assert client.get("/you-said-we-did/topic/nothing-here").status_code == 404
    assert client.get("/you-said-we-did/neighbourhood/9").status_code == 404


def test_a_proposed_recommendation_is_not_public(client: TestClient, db, lead) -> None:  # noqa: ANN001
    sign_in(client, lead.email)
    insight = an_insight(client, db)
    post(client, f"{insight}/recommendations", insight, text="Think about a stall", status="proposed")
    client.cookies.clear()
    assert "Think about a stall" not in client.get("/you-said-we-did/neighbourhood/3").text
    assert "/topic/healthy-food" not in client.get("/you-said-we-did").text


def test_a_board_pack_downloads_as_pdf_and_workbook(client: TestClient, db, lead) -> None:  # noqa: ANN001
    sign_in(client, lead.email)
    insight = an_insight(client, db)
    post(client, f"{insight}/recommendations", insight, text="=cmd|' /C calc'!A0", board="Health and care board",
         meeting_on="2027-02-03", status="proposed")
    log = client.get(LOG).text
    link = re.search(r'href="(/surveys/outcomes/pack\.xlsx\?[^"]+)"', log).group(1).replace("&amp;", "&")
    book = load_workbook(io.BytesIO(client.get(link).content))
    cells = [c for row in book["Open recommendations"].iter_rows(values_only=True) for c in row if c]
    assert not any(str(c).startswith("=") for c in cells)  # a formula stays text
    document = client.get(link.replace("pack.xlsx", "pack.pdf"))
    assert document.headers["content-type"] == "application/pdf"
    assert "Health and care board" in PdfReader(io.BytesIO(document.content)).pages[0].extract_text()
    assert client.get(f"{LOG}/pack.pdf?board=Nobody&on=2027-02-03").status_code == 404


def test_the_log_is_for_leads_and_administrators_only(client: TestClient, db, lead) -> None:  # noqa: ANN001
    made = outcomes.add_insight(db, lead.id, "Fresh food", "Fresh fruit", "Food")
    editor = users.create(db, "ed@example.org", "Ed Editor", PASSWORD, users.EDITOR)
    sign_in(client, editor.email)
    for path in (LOG, f"{LOG}/{made}", f"{LOG}/pack.pdf?board=x&on=2027-01-01"):
        assert client.get(path, follow_redirects=False).status_code == 403
    assert post(client, f"{LOG}/{made}/recommendations", "/account", text="x").status_code == 403


def test_changing_an_insight_keeps_what_it_was(client: TestClient, db, lead) -> None:  # noqa: ANN001
    sign_in(client, lead.email)
    insight = an_insight(client, db)
    long = post(client, insight, insight, title="x" * 121, you_said="y", topic="z", neighbourhood="")
    assert long.status_code == 400 and "Use 120 characters or fewer." in long.text
    post(client, insight, insight, title="Fresh, affordable food", you_said="People want fresh fruit.",
         topic="Healthy food", neighbourhood="")
    changes = outcomes.history(db, int(insight.rsplit("/", 1)[1]))
    assert [(c.field, c.before, c.after) for c in changes if c.field in ("title", "neighbourhood")] == [
        ("title", "Fresh food", "Fresh, affordable food"), ("neighbourhood", "3", "")]


def test_a_theme_heard_again_in_another_survey_joins_an_insight_already_in_the_log(client: TestClient, db,  # noqa: ANN001
                                                                                   lead) -> None:
    sign_in(client, lead.email)
    insight = an_insight(client, db)
    book = next(b for b in codebooks.all_codebooks(db))
    later_page, later = answered(client, db)  # a second survey, placed under the same codebook
    codes = f"{later_page}/codes/{later.id}"
    post(client, f"{codes}/run", codes, codebook=str(book.id))
    run_jobs(client)
    start = re.search(r'href="(/surveys/outcomes/new\?[^"]+)"', client.get(codes).text).group(1).replace("&amp;", "&")
    fields = dict(re.findall(r'<input type="hidden" name="(survey|question|theme)" value="([^"]*)"',
                             client.get(start).text))
    insight_id = insight.rsplit("/", 1)[1]
    added = post(client, f"{LOG}/new/source", start, **fields, insight=insight_id)
    assert added.status_code == 303 and added.headers["location"].startswith(insight)
    assert len(outcomes.get_insight(db, int(insight_id)).sources) == 2
    again = post(client, f"{LOG}/new/source", start, **fields, insight=insight_id)
    assert again.status_code == 400 and "This theme is already part of that insight." in again.text
    assert post(client, f"{LOG}/new/source", start, **fields, insight="x").status_code == 400
