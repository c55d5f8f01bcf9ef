"""Resident pages: search, filter, read a listing and report a problem, without JavaScript; errors are
messages on the page, never a crash."""

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from directory.store import open_db
from portal.app import ROUTERS, create_app
from portal.settings import Settings
from tests.portal.pages import DOMESTIC_ABUSE, csrf_token, listing_links, set_last_reviewed, visible_text


def test_home_offers_search_topics_and_neighbourhoods_and_labels_demo_data(client: TestClient) -> None:
    page = client.get("/").text
    assert "What do you need help with?" in page
    assert "Demonstration data" in page
    for topic in ("Money and debt", "Mental health", "Social prescribing", "Family and children", "Young people",
                  "Carers", "Older people", "Food", "Housing", "Health checks", "Community hubs"):
        assert f">{topic}</a>" in page
    assert "Neighbourhood 3 (South East Lewisham)" in page and 'name="postcode"' in page
    assert "Contains OS data © Crown copyright" in page


def test_a_directory_not_loaded_from_the_demo_is_not_labelled_demo(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(db=tmp_path / "empty.db", secret_key="x"))) as empty:
        assert "Demonstration data" not in empty.get("/").text


def test_searching_shows_results_near_a_postcode_that_link_to_listings(client: TestClient) -> None:
    page = client.get("/search", params={"q": "I can't pay my rent", "postcode": "SE6 4RU"}).text
    assert "places found near SE6 4RU" in page and " km away" in page
    first = listing_links(page)[0]
    listing = client.get(f"/services/{first}")
    assert listing.status_code == 200 and "Last reviewed:" in listing.text


def test_filters_are_in_the_address_so_a_search_can_be_shared(client: TestClient) -> None:
    page = client.get("/search", params={"q": "food", "free": "1", "category": "food", "neighbourhood": "n3"}).text
    assert 'id="free" name="free" type="checkbox" value="1" checked' in page
    assert 'value="food" checked' in page and '<option value="n3" selected' in page
    unfiltered = client.get("/search", params={"q": "food"}).text
    assert page.count('class="np-result"') <= unfiltered.count('class="np-result"')


def test_results_are_paged_and_page_links_keep_the_filters(client: TestClient) -> None:
    page = client.get("/search", params={"free": "1", "neighbourhood": "n2"}).text
    assert "govuk-pagination" in page
    assert "/search?neighbourhood=n2&amp;free=1&amp;page=2" in page
    second = client.get("/search", params={"free": "1", "neighbourhood": "n2", "page": "2"}).text
    assert set(listing_links(second)).isdisjoint(listing_links(page))


def test_live_search_returns_only_the_results_to_htmx(client: TestClient) -> None:
    fragment = client.get("/search", params={"q": "debt advice"}, headers={"HX-Request": "true"}).text
    assert "<html" not in fragment and 'class="np-result"' in fragment
    assert 'id="np-live" hx-swap-oob="innerHTML"' in fragment  # the screen-reader announcement of the new count


def test_nothing_found_suggests_a_spelling_other_topics_and_a_phone_line(seeded_path: Path) -> None:
    with TestClient(create_app(Settings(db=seeded_path, secret_key="x", embedder="none"))) as words_only:
        page = words_only.get("/search", params={"q": "bloood presure"}).text
    assert "We could not find anything for that" in page and "Searching by words only" in page
    assert 'Did you mean: <a class="govuk-link" href="/search?q=blood+pressure">blood pressure</a>' in page
    assert "Or call the Lewisham Health and Care Partnership advice line, free:" in page
    assert '<a class="govuk-link" href="tel:02079460000">020 7946 0000</a>' in page and ">Money and debt</a>" in page


def test_a_search_that_cannot_match_offers_to_drop_the_filters(client: TestClient) -> None:
    page = client.get("/search", params={"q": "zzzqqq", "category": "older-people", "neighbourhood": "n1",
                                         "free": "1", "open_now": "1", "language": "tr"}).text
    assert "We could not find anything for that" in page
    assert "Search again without filters" in page


def test_the_assistant_is_offered_when_one_is_configured(seeded_path: Path) -> None:
    settings = Settings(db=seeded_path, secret_key="x", assistant_url="/assistant")
    with TestClient(create_app(settings)) as with_bot:
        page = with_bot.get("/search", params={"q": "zzzqqq", "category": "carers", "language": "tr"}).text
    assert 'href="/assistant">Ask the assistant' in page


@pytest.mark.parametrize("params, expected", [
    ({"q": "food", "postcode": "not a postcode"}, "does not look like a postcode"),
    ({"q": "food", "page": "two"}, "The page number must be a whole number"),
    ({"q": "food", "page": "-1"}, "The page number must be a whole number"),
    ({"q": "food", "near": "far"}, "Choose a distance from the list"),
    ({"q": "food", "near": "5"}, "Give a postcode to search near it"),
    ({"q": "food", "category": "nonsense"}, "There is no category called"),
    ({"q": "food", "neighbourhood": "n9"}, "There is no neighbourhood called"),
])
def test_bad_search_input_is_explained_on_the_page_with_a_4xx(client: TestClient, params: dict, expected: str) -> None:
    response = client.get("/search", params=params)
    assert response.status_code == 400
    assert expected in response.text and "There is a problem" in response.text


def test_text_is_escaped_not_run(client: TestClient) -> None:
    page = client.get("/search", params={"q": "<script>alert(1)</script>"}).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_a_listing_says_how_to_get_there_when_it_is_open_and_what_it_costs(client: TestClient) -> None:
    first = listing_links(client.get("/search", params={"q": "Waldron Centre"}).text)[0]
    page = client.get(f"/services/{first}").text
    assert "https://www.openstreetmap.org/?mlat=" in page and "tile" not in page.lower()
    assert "Opening times" in page and ("Open now" in page or "Closed now" in page)
    assert "Monday" in page and "Cost" in page and "Languages spoken" in page
    assert "Report a problem with this listing" in page and "Save to shortlist" in page


def test_a_listing_not_reviewed_for_six_months_may_be_out_of_date(client: TestClient, seeded_path: Path) -> None:
    sid = set_last_reviewed(seeded_path, None, "2024-01-15")
    page = client.get(f"/services/{sid}").text
    assert "This listing may be out of date" in page and "15 January 2024" in page


def test_sensitive_listings_carry_a_quick_exit_to_a_neutral_site(client: TestClient) -> None:
    page = client.get(f"/services/{DOMESTIC_ABUSE}").text
    assert 'class="govuk-exit-this-page"' in page and 'href="https://www.bbc.co.uk/weather"' in page
    assert "press Shift 3 times" in page
    ordinary = listing_links(client.get("/search", params={"q": "lunch club"}).text)[0]
    assert "govuk-exit-this-page" not in client.get(f"/services/{ordinary}").text


def test_an_unknown_listing_or_page_is_a_friendly_404(client: TestClient) -> None:
    for path in ("/services/00000000-0000-0000-0000-000000000000", "/no-such-page", "/en/services/nope"):
        response = client.get(path)
        assert response.status_code == 404 and "Find help near you" in response.text
    polish = client.get("/pl/no-such-page")
    assert polish.status_code == 404 and 'lang="pl"' in polish.text and "Page not found" not in polish.text


def test_reporting_a_problem_reshows_the_form_with_errors_and_keeps_what_was_typed(client: TestClient) -> None:
    sid = listing_links(client.get("/search", params={"q": "food bank"}).text)[0]
    token = csrf_token(client, f"/services/{sid}/report")
    response = client.post(f"/services/{sid}/report",
                           data={"csrf_token": token, "problem": "other", "details": "x" * 1001})
    assert response.status_code == 400
    assert "Use 1000 characters or fewer" in response.text and "x" * 1001 in response.text
    assert 'value="other" checked' in response.text
    missing = client.post(f"/services/{sid}/report", data={"csrf_token": token})
    assert missing.status_code == 400 and "Choose what is wrong with this listing" in missing.text


def test_a_report_is_stored_for_the_organisation_without_contact_details(client: TestClient, seeded_path) -> None:
    sid = listing_links(client.get("/search", params={"q": "food bank"}).text)[0]
    token = csrf_token(client, f"/services/{sid}/report")
    sent = client.post(f"/services/{sid}/report", data={
        "csrf_token": token, "problem": "times", "details": "Now shut on Fridays. Call me on 07700 900123"})
    assert sent.status_code == 200 and "Thank you for your report" in sent.text
    db = open_db(seeded_path)
    row = db.execute("select details, organization_id, status from listing_reports").fetchone()
    org = db.execute("select organization_id from services where id = ?", [sid]).fetchone()[0]
    assert row == ("Now shut on Fridays. Call me on [phone]", org, "open")


def test_a_flood_of_reports_from_one_address_is_slowed_and_what_was_typed_is_kept(client: TestClient,
                                                                                   seeded_path: Path) -> None:
    sid = listing_links(client.get("/search", params={"q": "food bank"}).text)[0]
    token = csrf_token(client, f"/services/{sid}/report")
    answers = [client.post(f"/services/{sid}/report", data={"csrf_token": token, "problem": "times",
                                                           "details": f"Report number {n}"}) for n in range(40)]
    assert [a.status_code for a in answers[:5]] == [200] * 5 and {a.status_code for a in answers[5:]} == {429}
    assert "Wait a few minutes" in answers[-1].text and "Report number 39" in answers[-1].text
    assert open_db(seeded_path)["listing_reports"].count == 5


def test_forms_without_the_csrf_token_are_refused(client: TestClient, seeded_path: Path) -> None:
    sid = listing_links(client.get("/search", params={"q": "food bank"}).text)[0]
    client.get("/shortlist")
    for path, data in ((f"/services/{sid}/report", {"problem": "closed"}),
                       ("/shortlist/add", {"service_id": sid}),
                       ("/shortlist/add", {"service_id": sid, "csrf_token": "forged"})):
        response = client.post(path, data=data)
        assert response.status_code == 400 and "This form has expired" in response.text
    db = open_db(seeded_path)
    assert db["listing_reports"].count == 0


def test_pages_send_a_strict_content_security_policy(client: TestClient) -> None:
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"


def test_over_https_browsers_are_told_to_keep_to_it_and_the_cdn_api_docs_are_off(seeded_path: Path) -> None:
    settings = Settings(db=seeded_path, secret_key="x" * 32, https=True, public_url="https://directory.example.org")
    with TestClient(create_app(settings), base_url="https://directory.example.org") as client:
        page = client.get("/pl/")
        assert page.headers["strict-transport-security"].startswith("max-age=31536000")
        assert "; secure" in page.headers["set-cookie"].lower()  # the language chosen is kept over HTTPS only
        assert client.get("/docs").status_code == 404 and client.get("/redoc").status_code == 404
        assert client.get("/openapi.json").status_code == 200  # the API's description stays


def test_the_api_docs_have_their_own_policy_and_plain_http_no_hsts(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200 and "strict-transport-security" not in docs.headers
    policy = docs.headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net" in policy and "frame-ancestors 'none'" in policy


def test_the_session_cookie_is_httponly_and_samesite_lax(client: TestClient) -> None:
    cookie = client.get("/shortlist").headers["set-cookie"]
    assert "portal_session=" in cookie and "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()


def test_every_route_answers_junk_with_4xx_never_500(client: TestClient) -> None:
    """Walks the app's own route table, so a route added later is checked without being listed here."""
    junk = {"q": "%00" * 3, "page": "1e9999", "per_page": "-5", "near": "-0", "proximity": "nan",
            "postcode": "'; drop table services; --", "category": "../../etc", "ids": "!!!..", "lang": "xx",
            "text": "x" * 5000, "free": "maybe", "taxonomy_term_id": "<b>"}
    checked = 0
    for route in [route for router in ROUTERS for route in router.routes]:
        methods = route.methods
        path = re.sub(r"\{\w+\}", "x", route.path)
        for prefix in ("",) if path.startswith("/api") else ("", "/ar"):
            if "GET" in methods:
                assert client.get(prefix + path, params=junk).status_code < 500, path
            if "POST" in methods:
                answer = client.post(prefix + path, data={"csrf_token": "x", **junk}, follow_redirects=False)
                to_sign_in = answer.status_code == 303 and "/account/sign-in?next=" in answer.headers["location"]
                assert answer.status_code in (400, 404, 422) or to_sign_in, path
            checked += 1
    assert checked >= 15
    assert client.get("/search", params={"q": "x" * 600}).status_code == 400
    assert client.delete("/").status_code == 405


def test_information_pages_exist_and_say_what_is_kept(client: TestClient) -> None:
    assert "WCAG" in client.get("/accessibility").text
    privacy = visible_text(client.get("/privacy").text)
    assert "first part of a postcode" in privacy and "portal_session" in privacy
    data = client.get("/about-the-data").text
    assert "Open Referral UK" in data and "Open Government Licence" in data


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serving(seeded_path: Path, **env: str) -> tuple[subprocess.Popen, int]:
    """`portal serve` in its own process, once it answers."""
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "portal.cli", "serve", "--port", str(port)],
                              env={**os.environ, "PORTAL_DB": str(seeded_path), **env},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/")
            return server, port
        except httpx.ConnectError:
            time.sleep(0.3)
    server.terminate()
    pytest.fail("portal serve did not start within 60 s")


def test_portal_serve_listens_on_loopback_and_answers(seeded_path: Path) -> None:
    server, port = _serving(seeded_path)
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/api/v1/services", params={"text": "food bank"})
        assert response.status_code == 200 and response.json()["total_items"] > 0
        worker = _worker_pid(seeded_path)
        assert httpx.get(f"http://127.0.0.1:{port}/readyz").json()["checks"]["worker"]["ok"]
        assert os.getpriority(os.PRIO_PROCESS, worker) > os.getpriority(os.PRIO_PROCESS, server.pid)  # searches first
        environment = Path(f"/proc/{worker}/environ").read_bytes().split(b"\0")
        assert b"OMP_NUM_THREADS=1" in environment  # bulk model work keeps to one core, leaving one for searches
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    assert f"http://127.0.0.1:{port}/" in output
    _gone(worker)  # the worker stops with the portal, however the portal stops


def _worker_pid(db: Path) -> int:
    """The worker `portal serve` started, once it has written its pid file."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            return int(db.with_name(db.stem + ".worker.pid").read_text())
        except (FileNotFoundError, ValueError):
            time.sleep(0.2)
    pytest.fail("the worker did not start within 30 s")


def _gone(pid: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    pytest.fail(f"the worker (pid {pid}) outlived the portal")


def _sign_in_failures(port: int, count: int) -> str:
    """Wrong passwords for as many different accounts, each naming a new address in X-Forwarded-For."""
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
        for i in range(count):
            page = client.get("/account/sign-in").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            answer = client.post("/account/sign-in", headers={"X-Forwarded-For": f"203.0.113.{i}"},
                                 data={"csrf_token": token, "email": f"guess{i}@example.org", "password": "wrong"})
        return answer.text


def _addresses_counted(db: Path) -> int:
    """How many different client addresses the sign-in throttle has counted failures for."""
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute("select count(distinct key) from login_failures where key like 'address:%'").fetchone()[0]


def test_a_forwarded_address_is_believed_only_from_the_configured_proxy(seeded_path: Path) -> None:
    server, port = _serving(seeded_path)
    try:  # no proxy configured: naming a new address each time does not get round the per-address slowing
        _sign_in_failures(port, 12)
    finally:
        server.terminate()
        server.communicate(timeout=20)
    assert _addresses_counted(seeded_path) == 1
    server, port = _serving(seeded_path, PORTAL_TRUSTED_PROXY="127.0.0.1")
    try:  # behind the configured proxy, each resident's own address counts
        _sign_in_failures(port, 12)
    finally:
        server.terminate()
        server.communicate(timeout=20)
    assert _addresses_counted(seeded_path) == 1 + 12


@pytest.mark.parametrize("moment, label", [("2026-12-27T23:30", "a Sunday night"),
                                           ("2026-12-28T09:15", "a bank holiday morning"),
                                           ("2026-12-09T10:30", "a Wednesday morning")])
def test_open_now_lists_exactly_what_is_open_at_that_moment_in_london(client: TestClient, moment: str,
                                                                      label: str) -> None:
    import time_machine

    from directory import schedules
    from directory.corpus import corpus
    from directory.store import connect
    from tests.conftest import london

    with time_machine.travel(london(moment), tick=False):
        shown = set()
        for page in range(1, 10):
            found = listing_links(client.get("/search", params={"open_now": "1", "page": page}).text)
            if not found:
                break
            shown |= set(found)
    directory = corpus(connect(client.app.state.settings.db), None)
    open_then = {listing.id for listing in directory.listings if schedules.is_open(listing.schedules, london(moment))}
    assert shown == open_then, label
    assert open_then or label != "a Wednesday morning"


def test_a_search_nothing_answers_shows_the_helpful_page_and_counts_as_unmet_need(client: TestClient,
                                                                                   seeded_path: Path) -> None:
    page = client.get("/search", params={"q": "fix my car"}).text
    assert "We could not find anything for that" in page and not listing_links(page)
    assert '<a class="govuk-link" href="tel:02079460000">020 7946 0000</a>' in page and ">Housing</a>" in page
    client.app.state.search_log.flush()
    gaps = open_db(seeded_path).execute("select query, result_count from search_log where query = 'fix my car'")
    assert gaps.fetchall() == [("fix my car", 0)]


def test_with_a_postcode_relevant_results_can_be_ordered_nearest_first(client: TestClient) -> None:
    asked = {"q": "debt advice", "postcode": "SE6 4RU"}
    by_relevance = listing_links(client.get("/search", params=asked).text)
    nearest = client.get("/search", params={**asked, "sort": "nearest"}).text
    distances = [float(d) for d in re.findall(r"<li>([\d.]+) km away</li>", nearest)]
    assert distances == sorted(distances) and len(distances) >= 2
    assert set(listing_links(nearest)) == set(by_relevance)  # the same listings, in another order
    assert '<option value="nearest" selected' in nearest


def test_a_results_card_says_where_when_what_it_costs_and_which_languages(client: TestClient) -> None:
    page = client.get("/search", params={"q": "food bank"}).text
    cards = re.findall(r'<li class="np-result".*?</li>\s*</ul>', page, flags=re.S)
    assert cards
    for card in cards:
        meta = visible_text(card)
        assert ("away" in meta or "All of Lewisham" in meta or "Neighbourhood" in meta
                or "By phone or online" in meta), meta
        assert "Free" in meta or "May cost money" in meta, meta


@pytest.mark.parametrize(("q", "shown"), [("domestic abuse", True), ("food bank", False), ("rent", False)])
def test_exit_this_page_shows_on_results_only_with_a_sensitive_listing_near_the_top(client: TestClient, q: str,
                                                                                    shown: bool) -> None:
    assert ('class="govuk-exit-this-page"' in client.get("/search", params={"q": q}).text) is shown
