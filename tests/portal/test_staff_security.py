"""Nobody touches what is not theirs, no form works without its token, and nothing typed runs as script.

The sweeps walk the app's own route table, so a route added later is checked without being listed here;
the table of who may use which part of the portal is written out below, as the specification.
"""

import hashlib
import html
import json
import re
from datetime import date
from pathlib import Path

import pytest
import sqlite_utils
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from accounts import tokens, users
from directory import changes, organisations, reports
from directory.translations import load_listing
from portal import job_records
from portal.app import ROUTERS
from portal.job_kinds import THEMES
from portal.settings import Settings
from referrals import intake as referral_intake
from referrals import store as referral_store
from referrals.sealing import Seal
from surveys import answers, codebooks, outcomes
from surveys import store as survey_store
from surveys.questions import TEXT, Question
from tests.portal.staff import form_fields, post, sign_in, staff, token

PERSONAS = ("anonymous", "editor_a", "editor_b", "moderator", "engagement_lead", "admin")
# Who may use each part of the staff portal. Editors are further limited to their own organisation.
ACCESS: dict[str, set[str]] = {
    "/admin": {"admin"},
    "/manage/refer": {"editor_a", "editor_b"},  # any organisation's member refers to any listing taking referrals
    "/manage": {"editor_a"},
    "/moderation": {"moderator", "admin"},  # administrators moderate too
    "/insight": {"moderator", "engagement_lead"},
    "/surveys/manage": {"engagement_lead", "admin"},
    "/surveys/codebooks": {"engagement_lead", "admin"},
    "/surveys/outcomes": {"engagement_lead", "admin"},
    "/jobs": {"engagement_lead", "admin"},  # a theming job here; imports are the administrators' alone
    "/account/sign-out-everywhere": {"editor_a", "editor_b", "moderator", "engagement_lead", "admin"},
    "/account": {"editor_a", "editor_b", "moderator", "engagement_lead", "admin"},
}
PUBLIC_ACCOUNT_PAGES = ("/account/sign-in", "/account/sign-out", "/account/invitation", "/account/reset",
                        "/account/forgot-password")
# Tables whose rows any action here could change; sessions are left out, as being signed in touches them.
WATCHED = ("services", "listing_changes", "listing_versions", "listing_reports", "service_translations", "users",
           "memberships", "organization_policies", "account_tokens", "organizations", "locations", "schedules",
           "codebooks", "codebook_themes", "codebook_examples", "survey_question_codebooks", "survey_answer_codes",
           "insights", "recommendations", "outcome_history", "quote_translations", "referrals", "referral_intake",
           "referral_views", "referral_events")


def snapshot(db: sqlite_utils.Database) -> str:
    digest = hashlib.sha256()
    for table in WATCHED:
        for row in db.execute(f"select * from [{table}] order by rowid"):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def routes() -> list[tuple[str, str]]:
    return [(method, route.path) for router in ROUTERS for route in router.routes if isinstance(route, APIRoute)
            for method in sorted(route.methods)]


def public(path: str) -> bool:
    return any(path == page or path.startswith(page + "/") for page in PUBLIC_ACCOUNT_PAGES)


def staff_part(path: str) -> str | None:
    if public(path):
        return None
    return next((prefix for prefix in ACCESS if path == prefix or path.startswith(prefix + "/")
                 or path.startswith(prefix + ".")), None)


@pytest.fixture
def db(seeded_db: sqlite_utils.Database) -> sqlite_utils.Database:
    """The seeded directory the client serves, for setting up and checking what it stores."""
    return seeded_db


@pytest.fixture
def world(db) -> dict[str, str]:
    """Organisation A's listing with a waiting change and a report, and the people of the sweep."""
    people = staff(db)
    org_a = people["editor_a"].organizations[0]
    listing = db.execute("select id from services where organization_id = ? and publication_status = 'published' "
                         "order by name limit 1", [org_a]).fetchone()[0]
    change = changes.propose(db, {**load_listing(db, listing), "name": "A's draft name"}, people["editor_a"].id)
    report = reports.report_problem(db, listing, "times", "Wrong hours")
    survey = survey_store.create_survey(db, "Sweep", "Why", "", "2026-01-01", "2099-01-01", people["admin"].id)
    question = survey_store.save_question(db, survey.id, Question("", TEXT, "What would help?"))
    survey_store.update_survey(db, survey.id, published=1)
    job = job_records.create(db, THEMES, question.id, {"survey_id": survey.id, "question_id": question.id},
                             people["engagement_lead"].id)
    job_records.fail(db, job, "Stopped for the sweep")
    book = codebooks.create_codebook(db, "Sweep codebook")
    theme = codebooks.add_theme(db, book, "Food", "", ["More food"])
    example = db.execute("select id from codebook_examples where theme_id = ?", [theme]).fetchone()[0]
    response = answers.submit(db, survey_store.get_survey(db, survey.id), {question.id: "More food"}, "en",
                              today=date(2026, 6, 1))
    insight = outcomes.add_insight(db, people["engagement_lead"].id, "Food", "More food", "Food")
    db_file = Path(db.execute("pragma database_list").fetchone()[2])
    seal = Seal(Settings(db=db_file).referral_key_list())  # the portal's own key, beside its database
    referral_intake.save(db, listing, "t", True, "", ["Any children?"])
    referral = referral_store.refer(db, seal, service_id=listing, channel=referral_store.WEB,
                                    name="Sweep Resident", email="r@example.org", consent_text="Agreed",
                                    consent_by="resident")
    return {"job_id": str(job), "organization_id": org_a, "service_id": listing, "change_id": str(change.id),
            "report_id": str(report), "user_id": people["editor_b"].id, "survey_id": survey.id,
            "question_id": question.id, "language": "pl", "code": survey.code, "key": "times",
            "codebook_id": str(book), "theme_id": str(theme), "example_id": str(example),
            "response_id": str(response), "insight_id": str(insight), "referral_id": str(referral.id),
            **{f"{name}_email": p.email for name, p in people.items()}}


def concrete(path: str, world: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: world[m.group(1)], path)


def act_as(client: TestClient, persona: str, world: dict[str, str]) -> None:
    client.cookies.clear()
    if persona != "anonymous":
        assert sign_in(client, world[f"{persona}_email"]).status_code == 303


def test_every_staff_route_is_in_the_access_table() -> None:
    staff_paths = {path for _, path in routes() if path.startswith(("/account", "/admin", "/manage", "/moderation",
                                                                     "/insight", "/surveys"))}
    unlisted = {path for path in staff_paths if staff_part(path) is None and not public(path)}
    assert unlisted == set()
    assert len([p for p in staff_paths if staff_part(p)]) >= 25


def test_authorisation_sweep_every_staff_route_method_and_person(client: TestClient, db, world) -> None:
    """Anyone not signed in is sent to sign in; the wrong role, or an editor of another organisation, gets 403
    and the database is unchanged; the right person can open every page."""
    checked = 0
    for persona in PERSONAS:
        act_as(client, persona, world)
        csrf = token(client, "/account/sign-in" if persona == "anonymous" else "/account")
        for method, path in routes():
            part = staff_part(path)
            if part is None:
                continue
            url = concrete(path, world)
            # An editor of B may open the editors' pages without an organisation in their address: theirs.
            allowed = persona in ACCESS[part] or (persona == "editor_b" and part == "/manage" and "{" not in path)
            if allowed and method == "POST":
                continue  # what the right person's actions do is specified in test_manage_pages and friends
            before = snapshot(db)
            answer = client.request(method, url, data={"csrf_token": csrf, "reason": "x", "note": "x",
                                                       "version": "1", "email": "new@example.org", "name": "X"},
                                    follow_redirects=False)
            where = f"{persona} {method} {url}"
            if persona == "anonymous":
                assert answer.status_code == 303, where
                assert answer.headers["location"].startswith("/account/sign-in?next="), where
            elif not allowed:
                assert answer.status_code == 403, where
                assert snapshot(db) == before, where
            else:
                assert answer.status_code in (200, 303), where
                assert not answer.headers.get("location", "").startswith("/account/sign-in"), where
            checked += 1
    assert checked >= 150


def test_an_editor_cannot_read_change_or_approve_another_organisations_listing(client: TestClient, db,
                                                                             world) -> None:
    act_as(client, "editor_b", world)
    before = snapshot(db)
    listing, org, change = world["service_id"], world["organization_id"], world["change_id"]
    assert client.get(f"/manage/listings/{listing}").status_code == 403  # its draft included
    assert "A&#39;s draft name" not in client.get(f"/manage/listings/{listing}").text
    assert client.get(f"/moderation/changes/{change}").status_code == 403
    page = f"/manage/organisations/{org}/listings/new"
    assert post(client, f"/manage/listings/{listing}/all", "/account", name="Taken over").status_code == 403
    assert post(client, f"/manage/listings/{listing}/edit/about", "/account", name="Taken over").status_code == 403
    assert post(client, f"/manage/listings/{listing}/check", "/account").status_code == 403
    assert client.get(f"/manage/listings/{listing}/check").status_code == 403
    assert post(client, page, "/account", name="Planted").status_code == 403
    assert post(client, f"/moderation/changes/{change}/approve", "/account").status_code == 403
    assert post(client, f"/manage/listings/{listing}/confirm", "/account").status_code == 403
    assert snapshot(db) == before
    act_as(client, "editor_a", world)  # their own organisation's editor cannot approve either
    assert post(client, f"/moderation/changes/{change}/approve", "/account").status_code == 403
    assert changes.change(db, int(change)).status == "pending" and snapshot(db) == before


def test_csrf_sweep_every_state_changing_route_refuses_a_missing_or_wrong_token(client: TestClient, db,
                                                                              world) -> None:
    world = {**world, "raw": tokens.issue(db, tokens.INVITATION, by="t", email="i@example.org", role=users.EDITOR)}
    checked = 0
    for method, path in routes():
        if method not in ("POST", "PUT", "PATCH", "DELETE"):
            continue
        part = staff_part(path)
        persona = sorted(ACCESS[part])[0] if part else "anonymous"
        act_as(client, persona, world)
        client.get("/account" if part else "/")  # the session now holds a real token, which is not sent
        url = concrete(path, world)
        for sent in ({}, {"data": {"csrf_token": "forged"}}, {"headers": {"X-CSRF-Token": "forged"}}):
            before = snapshot(db)
            answer = client.request(method, url, follow_redirects=False, **sent)
            assert answer.status_code == 400, f"{method} {url} {sent}"
            assert snapshot(db) == before, f"{method} {url} {sent}"
            checked += 1
    assert checked >= 3 * 25


SCRIPT = "<script>x({})</script><img src=z onerror=y>"


def _escaped(field: str) -> str:
    return html.escape(SCRIPT.format(field), quote=True).replace("&#x27;", "&#39;")


def test_script_typed_into_any_text_field_is_only_ever_shown_as_text(client: TestClient, db, world) -> None:
    org = world["organization_id"]
    organisations.set_publishes_directly(db, org, False)
    act_as(client, "editor_a", world)
    path = f"/manage/organisations/{org}/listings/new/all"
    fields = form_fields(client.get(path).text)
    checked_format = {"url", "email", "minimum_age", "maximum_age", "status"}
    typed = [name for name in fields if name != "csrf_token" and name not in checked_format
             and not re.search(r"(opens_at|closes_at|from|to|postcode|number|amount|email|phone|week)$", name)]
    for name in typed:
        fields[name] = [SCRIPT.format(name)]
    fields.update({"schedules-0-days": ["MO"], "schedules-0-opens_at": ["09:00"], "schedules-0-closes_at": ["12:00"],
                   "locations-0-postcode": ["SE6 4RU"], "phones-0-number": ["020 7946 0000"],
                   "exceptions-0-from": ["2099-01-01"]})
    sent = client.post(path, data=fields, follow_redirects=False)
    assert sent.status_code == 303, re.findall(r'govuk-error-message">(.*?)</p>', sent.text, re.S)
    change = changes.pending(db, org)[-1]
    reports.report_problem(db, world["service_id"], "other", SCRIPT.format("report"))

    pages = {f"/manage/organisations/{org}": ["name", "report"], f"/manage/listings/{change.service_id}/all": typed,
             f"/manage/listings/{change.service_id}/check": [n for n in typed if not n.endswith("-description")
                                                              or not n.startswith(("schedules", "exceptions"))]}
    act_as(client, "moderator", world)
    pages_for_moderator = {"/moderation": ["name", "report"], f"/moderation/changes/{change.id}": typed}
    for url, names in pages_for_moderator.items():
        page = client.get(url).text
        assert "<script>x(" not in page and "onerror=y>" not in page, url
        for name in names:
            if not name.endswith(("-days", "categories", "areas", "languages")):
                assert _escaped(name) in page or html.escape(SCRIPT.format(name), quote=False) in page, (url, name)
    post(client, f"/moderation/changes/{change.id}/approve", f"/moderation/changes/{change.id}")
    pages.update({f"/services/{change.service_id}": ["name", "description"],
                  f"/tr/services/{change.service_id}": ["tr-tr-name"],
                  f"/moderation/listings/{change.service_id}": ["name"]})
    for url, names in pages.items():
        if url.startswith("/manage"):
            act_as(client, "editor_a", world)
        page = client.get(url).text
        assert "<script>x(" not in page and "onerror=y>" not in page, url
        for name in names:
            assert _escaped(name) in page or html.escape(SCRIPT.format(name), quote=False) in page, (url, name)
        act_as(client, "moderator", world)
    results = client.get("/search", params={"q": "script"}).text
    assert "<script>x(" not in results
    api = client.get(f"/api/v1/services/{change.service_id}")
    assert api.headers["content-type"].startswith("application/json")
    assert json.loads(api.text)["name"] == SCRIPT.format("name")  # data kept exactly, to be escaped by whoever shows it


def test_script_in_an_organisation_or_a_persons_name_is_only_ever_shown_as_text(client: TestClient, db,
                                                                              world) -> None:
    act_as(client, "admin", world)
    made = post(client, "/admin/organisations/new", "/admin/organisations/new", name=SCRIPT.format("org"),
                description=SCRIPT.format("does"))
    org = made.headers["location"].rsplit("/", 1)[1]
    invited = post(client, f"/admin/organisations/{org}/invitations", f"/admin/organisations/{org}",
                   email="named@example.org")
    link = re.search(r"/account/invitation/[\w-]+", invited.text).group(0)
    client.cookies.clear()
    post(client, link, link, name=SCRIPT.format("person"), password="kettle orbit plum sandal",
         confirm="kettle orbit plum sandal")
    seen = {"/account": "person", f"/manage/organisations/{org}": "org",
            f"/manage/organisations/{org}/listings/new": "org"}
    for url, name in seen.items():
        page = client.get(url).text
        assert "<script>x(" not in page and _escaped(name) in page, url
    act_as(client, "admin", world)
    for url in ("/admin", f"/admin/organisations/{org}"):
        page = client.get(url).text
        assert "<script>x(" not in page and _escaped("org") in page, url
    assert _escaped("person") in client.get("/admin").text


def test_script_in_a_referral_is_only_ever_shown_as_text(client: TestClient, db, world) -> None:
    """What a resident, a referrer and an organisation's editor type about a referral, on every page that shows
    it: the listing, the forms, the referral, both organisations' lists, the access log and the FHIR download."""
    listing, org = world["service_id"], world["organization_id"]
    referral_intake.save(db, listing, "t", True, SCRIPT.format("contact_by"), [SCRIPT.format("question")])
    form = f"/services/{listing}/contact-me"
    page = client.get(form).text
    assert "<script>x(" not in page and _escaped("contact_by") in page and _escaped("question") in page
    typed = {name: SCRIPT.format(name) for name in ("name", "contact_times", "story", "answer-0")}
    sent = post(client, form, form, phone="07700 900123", consent="yes", **typed)
    assert sent.status_code == 303
    act_as(client, "editor_b", world)
    refer = f"/manage/refer/{listing}"
    assert _escaped("question") in client.get(refer).text
    made = post(client, refer, refer, phone="07700 900124", consent="yes", **{**typed, "name": SCRIPT.format("them")})
    assert made.status_code == 303
    act_as(client, "editor_a", world)
    inbox = client.get(f"/manage/organisations/{org}/referrals").text
    assert "<script>x(" not in inbox
    links = [link for link in re.findall(r'href="(/manage/referrals/\d+)"', inbox)
             if link != f"/manage/referrals/{world['referral_id']}"]
    assert len(links) == 2
    for link in links:
        post(client, link, link, action="attempt", note=SCRIPT.format("note"))
        page = client.get(link).text
        assert "<script>x(" not in page and "onerror=y>" not in page, link
        assert _escaped("story") in page and _escaped("note") in page and _escaped("question") in page, link
        fhir = client.get(link + "/fhir")
        assert fhir.headers["content-type"].startswith("application/fhir+json")
        assert SCRIPT.format("story") in json.loads(fhir.text)["entry"][1]["resource"]["note"][0]["text"]
    act_as(client, "editor_b", world)
    made_page = client.get(made.headers["location"].split("?")[0]).text
    assert "<script>x(" not in made_page and _escaped("them") in made_page
    for url in (f"/manage/organisations/{users.get(db, world['user_id']).organizations[0]}/referrals",
                f"/manage/organisations/{users.get(db, world['user_id']).organizations[0]}/referrals/access"):
        assert "<script>x(" not in client.get(url).text, url


@pytest.mark.parametrize("prefix", ["", "/pl", "/ar"])
def test_every_staff_page_is_kept_out_of_caches_in_every_language(client: TestClient, db, world,
                                                                   prefix: str) -> None:
    """Staff pages and downloads may hold drafts, residents' words and links that work once: `no-store`
    whether or not the address starts with a language."""
    checked = 0
    for persona in PERSONAS:
        act_as(client, persona, world)
        for method, path in routes():
            part = staff_part(path) if method == "GET" else None
            wanted = public(path) and persona == "anonymous" and method == "GET"
            if not wanted and (part is None or persona not in ACCESS[part]):
                continue
            url = prefix + concrete(path, {"raw": "a-link-that-was-never-sent", **world})
            answer = client.get(url, follow_redirects=False)
            assert answer.headers.get("cache-control") == "no-store", f"{persona} GET {url} ({answer.status_code})"
            checked += 1
    assert checked >= 30


@pytest.mark.parametrize("number", [str(2**63), str(10**30), "-1", "1e29"])
def test_an_impossible_number_in_any_address_is_a_clear_answer_never_a_server_error(client: TestClient, db, world,
                                                                                      number: str) -> None:
    """Every staff route with a numbered part (a change, a report...), as the person allowed to use it, given a
    number past SQLite's 64-bit integers or not a whole number at all."""
    ids = r"\{(change_id|report_id|job_id|\w+_number)\}"
    numbered = [(method, path) for method, path in routes() if re.search(ids, path)]
    assert numbered
    for method, path in numbered:
        persona = sorted(ACCESS[staff_part(path)])[0]
        act_as(client, persona, world)
        url = re.sub(ids, number, concrete_but(path, world))
        answer = client.request(method, url, data={"csrf_token": token(client, "/account"), "note": "x",
                                                   "reason": "x"}, follow_redirects=False)
        assert answer.status_code in (400, 404), f"{persona} {method} {url}: {answer.status_code}"


def concrete_but(path: str, world: dict[str, str]) -> str:
    """The address with every part filled in except the numbered ones."""
    return re.sub(r"\{(\w+)\}", lambda m: m.group(0) if m.group(1) in ("change_id", "report_id", "job_id")
                  or m.group(1).endswith("_number") else world[m.group(1)], path)


@pytest.mark.parametrize("number", [str(2**63), "1e29", "-3"])
def test_an_impossible_number_typed_into_a_form_is_refused_never_a_server_error(client: TestClient, db, world,
                                                                                number: str) -> None:
    act_as(client, "moderator", world)
    restored = post(client, f"/moderation/listings/{world['service_id']}/restore",
                    f"/moderation/listings/{world['service_id']}", version=number)
    assert restored.status_code in (400, 404)
    act_as(client, "engagement_lead", world)
    themes = f"/surveys/manage/{world['survey_id']}/themes/{world['question_id']}"
    for form in ({"action": "rename", "theme": number}, {"action": "move", "theme": "1", "answer": number}):
        answer = client.post(f"{themes}/edit", data={"csrf_token": token(client, "/account"), **form},
                             follow_redirects=False)
        assert answer.status_code == 400
