"""Syncing from another publisher's Open Referral UK feed, over real HTTP on 127.0.0.1: one portal syncing from
another portal's API, and a test feed that fails in each way a publisher's server can. A sync is all or
nothing, keeps where each listing came from, archives what the publisher dropped and never overwrites a local
edit silently."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import sqlite_utils
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from directory import changes, oruk, sources
from directory.feeds import FeedReader
from directory.history import latest_version
from directory.publishing import publish_listing, publish_translation
from directory.store import open_db
from directory.translations import load_listing
from portal.app import create_app
from portal.cli import app as cli
from portal.job_queue import JobQueue
from portal.settings import Settings
from tests.builders import service
from tests.live import serve

PUBLISHER_LISTINGS = [
    service("pantry", "Brockley Community Pantry", "Low-cost groceries every Tuesday.", ("food",),
            postcode="SE4 1UT", organisation="Brockley Food Network"),
    service("advice", "Sydenham Money Advice", "Help with debts, bills and benefits.", ("money-debt",),
            postcode="SE26 4PU", organisation="Sydenham Advice Trust"),
    service("carers", "Carers' Café", "Meet other unpaid carers over tea.", ("carers",), postcode=None,
            organisation="Brockley Food Network"),
]


def no_pause(_: float) -> None:
    """Retries without waiting: the tests count tries, not seconds."""


@pytest.fixture
def publisher(tmp_path: Path) -> Iterator[tuple[str, sqlite_utils.Database]]:
    """Another portal, with a directory of its own, served on 127.0.0.1."""
    path = tmp_path / "publisher" / "portal.db"
    path.parent.mkdir()
    db = open_db(path)
    oruk.import_services(db, PUBLISHER_LISTINGS)
    publish_translation(db, PUBLISHER_LISTINGS[0]["id"], "pl", "Spiżarnia społeczna Brockley",
                        "Tanie zakupy spożywcze w każdy wtorek.", {"eligibility": "Dla każdego."})
    with serve(Settings(db=path, secret_key="publisher", log_searches=False, rasa_url="")) as base:
        yield f"{base}/api/v1", db
    db.close()


@pytest.fixture
def ours(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    db = open_db(tmp_path / "ours.db")
    yield db
    db.close()


def sync(db: sqlite_utils.Database, name: str, url: str | None = None, **reader: Any) -> sources.SyncReport:
    found = sources.source(db, name)
    assert found is not None
    return sources.sync(db, name, FeedReader(url or found.url, sleep=no_pause, **reader))


def listing_state(db: sqlite_utils.Database) -> list[tuple]:
    """Everything a sync could change, to show one that failed changed nothing."""
    return [tuple(row) for row in db.execute(
        "select s.id, s.name, s.publication_status, (select max(version) from listing_versions v where "
        "v.service_id = s.id) from services s order by s.id").fetchall()] + \
        [tuple(row) for row in db.execute("select * from listing_sources order by service_id").fetchall()]


def test_one_portal_syncs_another_and_keeps_where_each_listing_came_from(publisher, ours, tmp_path) -> None:  # noqa: ANN001
    url, _ = publisher
    sources.add_source(ours, "brockley", url)
    report = sync(ours, "brockley")
    assert (report.fetched, report.created, report.updated, report.archived) == (3, 3, 0, 0)
    pantry_id = sources.local_id("brockley", PUBLISHER_LISTINGS[0]["id"])
    pantry = load_listing(ours, pantry_id)
    assert pantry["name"] == "Brockley Community Pantry" and pantry["publication_status"] == "published"
    assert pantry["translations"]["pl"]["name"] == "Spiżarnia społeczna Brockley"
    assert pantry["translations"]["pl"]["eligibility"] == "Dla każdego."
    assert pantry_id != PUBLISHER_LISTINGS[0]["id"]  # ids of our own: no publisher can write over another's
    with TestClient(create_app(Settings(db=tmp_path / "ours.db", secret_key="x"))) as client:
        api = client.get(f"/api/v1/services/{pantry_id}").json()
        assert api["provenance"]["source"] == "brockley"
        assert api["provenance"]["remote_id"] == PUBLISHER_LISTINGS[0]["id"]
        page = client.get(f"/services/{pantry_id}")
        assert "Listed by brockley" in page.text
        assert client.get(f"/api/v1/services/{pantry_id}", params={"lang": "pl"}).json()["name"] == \
            "Spiżarnia społeczna Brockley"
    again = sync(ours, "brockley")
    assert again.incremental and again.unchanged + again.fetched - again.unchanged == again.fetched
    assert (again.created, again.updated) == (0, 0)


def test_a_later_sync_brings_changes_and_archives_what_the_publisher_dropped(publisher, ours) -> None:  # noqa: ANN001
    url, theirs = publisher
    sources.add_source(ours, "brockley", url)
    sync(ours, "brockley")
    time.sleep(1.1)  # changes are stamped to the second
    advice = load_listing(theirs, PUBLISHER_LISTINGS[1]["id"])
    advice["description"] = "Help with debts, bills and benefits, now on Saturdays too."
    publish_listing(theirs, advice, "editor@example.org", "edited")
    changes.archive(theirs, PUBLISHER_LISTINGS[2]["id"], "editor@example.org")
    report = sync(ours, "brockley")
    # Only what changed since the last sync (less five minutes for clocks out of step) is fetched again.
    assert report.incremental and report.fetched < 3 and report.updated == 1 and report.archived == 1
    assert "Saturdays" in load_listing(ours, sources.local_id("brockley", PUBLISHER_LISTINGS[1]["id"]))["description"]
    dropped = load_listing(ours, sources.local_id("brockley", PUBLISHER_LISTINGS[2]["id"]))
    assert dropped is not None and dropped["publication_status"] == "archived"  # kept, with its history
    changes.unarchive(theirs, PUBLISHER_LISTINGS[2]["id"], "editor@example.org")
    back = sync(ours, "brockley")
    assert back.updated == 1
    assert load_listing(ours, sources.local_id("brockley", PUBLISHER_LISTINGS[2]["id"]))["publication_status"] == \
        "published"


def test_a_local_edit_is_never_overwritten_silently(publisher, ours) -> None:  # noqa: ANN001
    url, theirs = publisher
    sources.add_source(ours, "brockley", url)
    sync(ours, "brockley")
    ours_id = sources.local_id("brockley", PUBLISHER_LISTINGS[0]["id"])
    edited = load_listing(ours, ours_id)
    edited["description"] = "Low-cost groceries every Tuesday. Bring your own bags."
    changes.propose(ours, edited, by="vcse@example.org", publish_directly=True)
    unchanged_there = sync(ours, "brockley")  # the publisher changed nothing: our edit stays
    assert unchanged_there.updated == 0
    assert "own bags" in load_listing(ours, ours_id)["description"]
    time.sleep(1.1)
    theirs_now = load_listing(theirs, PUBLISHER_LISTINGS[0]["id"])
    theirs_now["description"] = "Low-cost groceries every Tuesday and Thursday."
    publish_listing(theirs, theirs_now, "editor@example.org", "edited")
    report = sync(ours, "brockley")
    assert report.held == ["Brockley Community Pantry"] and report.updated == 0
    assert "own bags" in load_listing(ours, ours_id)["description"]  # still ours until a moderator decides
    [waiting] = changes.pending(ours)
    assert waiting.submitted_by == "sync:brockley"
    seen = changes.compare(ours, waiting.id)
    both = next(c for c in seen.changes if c.field.lower().startswith("description"))
    assert "own bags" in both.before and "Thursday" in both.after
    assert sync(ours, "brockley").held == []  # offered once, not again every sync


class ScriptedFeed(BaseHTTPRequestHandler):
    """A publisher's server that answers as the test scripts it: `script(path, query, count)` returns
    (status, body, delay in seconds)."""

    script: Callable[[str, dict[str, list[str]], int], tuple[int, Any, float]]
    calls: list[str]

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        parts = urlsplit(self.path)
        self.calls.append(self.path)
        status, body, delay = self.script(parts.path, parse_qs(parts.query), len(self.calls))
        time.sleep(delay)
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def scripted_feed(script: Callable[[str, dict[str, list[str]], int], tuple[int, Any, float]]
                  ) -> Iterator[tuple[str, list[str]]]:
    calls: list[str] = []
    handler = type("Handler", (ScriptedFeed,), {"script": staticmethod(script), "calls": calls})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/v1", calls
    finally:
        server.shutdown()
        server.server_close()


FEED = [service(f"feed-{i}", f"Feed listing {i}", f"Listing number {i} of a long feed.", ("food",),
                postcode=None) for i in range(7)]


def pages_of(records: list[dict], failing: Callable[[str, int], tuple[int, Any, float] | None] = lambda p, n: None
             ) -> Callable[[str, dict[str, list[str]], int], tuple[int, Any, float]]:
    """A healthy ORUK 3.0 feed of `records`, three to a page, unless `failing` says otherwise."""
    by_id = {r["id"]: r for r in records}

    def script(path: str, query: dict[str, list[str]], count: int) -> tuple[int, Any, float]:
        number = int((query.get("page") or ["1"])[0])
        broken = failing(path, number)
        if broken:
            return broken
        if "modified_after" in query or "minimal" in query:
            return 400, {"detail": "Unknown parameter"}, 0
        if path.endswith("/services"):
            window = records[(number - 1) * 3: number * 3]
            pages = -(-len(records) // 3)
            return 200, {"total_items": len(records), "total_pages": pages, "page_number": number,
                         "size": len(window), "first_page": number == 1, "last_page": number >= pages,
                         "empty": not records, "contents": [{"id": r["id"], "name": r["name"]} for r in window]}, 0
        found = by_id.get(path.rsplit("/", 1)[-1])
        return (200, found, 0) if found else (404, {"detail": "not found"}, 0)

    return script


def test_a_healthy_test_feed_syncs_and_a_publisher_without_modified_after_is_read_whole(ours) -> None:  # noqa: ANN001
    with scripted_feed(pages_of(FEED)) as (url, calls):
        sources.add_source(ours, "test-feed", url)
        assert sync(ours, "test-feed").created == 7
        again = sync(ours, "test-feed")
        assert not again.incremental and again.unchanged == 7
        assert any("modified_after" in call for call in calls)  # asked, refused, then read whole


@pytest.mark.parametrize("failure, where", [
    (lambda path, n: (500, {"detail": "boom"}, 0) if path.endswith("/services") and n == 3 else None,
     "(page 3): the publisher's server answered 500, 4 times"),
    (lambda path, n: (200, b"<html>Maintenance</html>", 0) if path.endswith("/services") and n == 2 else None,
     "page 2): the answer is not JSON"),
    (lambda path, n: (404, {"detail": "gone"}, 0) if path.endswith(FEED[4]["id"]) else None,
     f"service {FEED[4]['id']}): the publisher's server answered 404"),
    (lambda path, n: (200, {"items": []}, 0) if path.endswith("/services") and n == 2 else None,
     "page 2 is not an Open Referral UK page"),
    (lambda path, n: (200, {**FEED[5], "schedules": [{"id": FEED[5]["id"], "opens_at": "nine"}]}, 0)
     if path.endswith(FEED[5]["id"]) else None, "schedules[0].opens_at: 'nine' is not a time like 09:30"),
    (lambda path, n: (200, {**FEED[6], "organization": None, "organization_id": None}, 0)
     if path.endswith(FEED[6]["id"]) else None, "every listing must say which organisation runs it"),
])
def test_a_feed_that_fails_changes_nothing_and_the_report_says_what_and_where(ours, failure, where) -> None:  # noqa: ANN001
    with scripted_feed(pages_of(FEED)) as (url, _):
        sources.add_source(ours, "test-feed", url)
        sync(ours, "test-feed")
    changed = [{**r, "description": r["description"] + " Changed."} for r in FEED]
    before = listing_state(ours)
    with scripted_feed(pages_of(changed, failure)) as (url, _), pytest.raises(sources.SyncFailed) as failed:
        sync(ours, "test-feed", url)
    assert where in str(failed.value) and str(failed.value).startswith("Nothing changed")
    assert listing_state(ours) == before
    assert sources.source(ours, "test-feed").last_status == "failed"
    assert where in sources.source(ours, "test-feed").last_report


def test_a_server_too_slow_to_answer_is_tried_again_then_the_sync_fails_whole(ours) -> None:  # noqa: ANN001
    def slow(path: str, n: int) -> tuple[int, Any, float] | None:
        return (200, {}, 2.0) if path.endswith("/services") and n == 2 else None

    with scripted_feed(pages_of(FEED, slow)) as (url, calls):
        sources.add_source(ours, "test-feed", url)
        client = httpx.Client(timeout=httpx.Timeout(0.3))
        with pytest.raises(sources.SyncFailed, match="did not answer in time, 4 times"):
            sync(ours, "test-feed", client=client)
        assert sum("page=2" in call for call in calls) == 4
    assert ours["services"].count == 0


def test_a_server_that_stumbles_once_is_tried_again_and_the_sync_succeeds(ours) -> None:  # noqa: ANN001
    stumbled: list[int] = []

    def once(path: str, n: int) -> tuple[int, Any, float] | None:
        if path.endswith("/services") and n == 2 and not stumbled:
            stumbled.append(n)
            return 503, {"detail": "busy"}, 0
        return None

    with scripted_feed(pages_of(FEED, once)) as (url, _):
        sources.add_source(ours, "test-feed", url)
        assert sync(ours, "test-feed").created == 7


def test_sources_are_added_listed_and_synced_from_the_command_line(publisher, tmp_path) -> None:  # noqa: ANN001
    url, _ = publisher
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    added = runner.invoke(cli, ["directory", "sources", "add", "brockley", url, "--every", "6h", "--db", db])
    assert added.exit_code == 0, added.output
    assert runner.invoke(cli, ["directory", "sources", "add", "Bad Name", url, "--db", db]).exit_code == 2
    assert runner.invoke(cli, ["directory", "sources", "add", "x", url, "--every", "1m", "--db", db]).exit_code == 2
    listed = runner.invoke(cli, ["directory", "sources", "list", "--db", db])
    assert "brockley" in listed.output and "never" in listed.output
    synced = runner.invoke(cli, ["directory", "sync", "--db", db])
    assert synced.exit_code == 0, synced.output
    assert "3 new" in " ".join(synced.output.split())
    assert runner.invoke(cli, ["directory", "sync", "nobody", "--db", db]).exit_code == 2


def test_the_worker_syncs_each_source_when_its_schedule_says(publisher, tmp_path) -> None:  # noqa: ANN001
    url, _ = publisher
    settings = Settings(db=tmp_path / "scheduled.db", secret_key="x")
    db = open_db(settings.db)
    sources.add_source(db, "brockley", url, every="6h")
    sources.add_source(db, "by-hand", url)
    queue = JobQueue(settings)
    assert queue.queue_due_syncs() == 1
    assert queue.queue_due_syncs() == 0  # one waiting already
    queue.work_waiting()
    assert sources.source(db, "brockley").last_status == "ok"
    assert sources.source(db, "by-hand").last_status == "never"
    assert queue.queue_due_syncs() == 0  # not due for six hours
    assert latest_version(db, sources.local_id("brockley", PUBLISHER_LISTINGS[0]["id"])) == 1


def test_an_oruk_1_feed_is_read_page_by_page_and_upgraded(ours) -> None:  # noqa: ANN001
    from tests.directory.test_oruk_import import V1_FEED

    first = V1_FEED["content"][0]
    second = {**first, "id": "5678", "name": "Carers Lewisham evening group",
              "service_at_locations": [], "contacts": []}

    def v1_pages(path: str, query: dict[str, list[str]], count: int) -> tuple[int, Any, float]:
        if "modified_after" in query or "minimal" in query:
            return 400, {"detail": "Unknown parameter"}, 0
        number = int((query.get("page") or ["1"])[0])
        item = [first, second][number - 1]
        return 200, {"totalElements": 2, "totalPages": 2, "number": number, "size": 1, "first": number == 1,
                     "last": number == 2, "content": [item]}, 0

    with scripted_feed(v1_pages) as (url, calls):
        sources.add_source(ours, "carers-v1", url)
        report = sync(ours, "carers-v1")
        assert report.created == 2 and not any("/services/" in call for call in calls)  # 1.x pages hold it all
        assert sync(ours, "carers-v1").unchanged == 2  # the same ids again: updated in place, never doubled
    names = {row["name"] for row in ours["services"].rows}
    assert names == {"Carers Lewisham drop-in", "Carers Lewisham evening group"}


def test_an_answer_too_big_to_be_a_feed_page_is_refused_and_nothing_changes(ours, monkeypatch) -> None:  # noqa: ANN001
    from directory import feeds

    monkeypatch.setattr(feeds, "MOST_BYTES", 300)  # a page of three summaries is about 400 bytes
    with scripted_feed(pages_of(FEED)) as (url, _):
        sources.add_source(ours, "test-feed", url)
        with pytest.raises(sources.SyncFailed, match="bigger than"):
            sync(ours, "test-feed")
    assert ours["services"].count == 0
