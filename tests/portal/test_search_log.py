"""Residents' searches are logged in batches by one writer per process, so logging never slows a page."""

from pathlib import Path

from fastapi.testclient import TestClient

from directory.store import open_db
from portal import search_log
from portal.search_log import SearchLogWriter


def test_searches_from_the_pages_are_logged_by_the_time_the_portal_stops(client: TestClient, seeded_path) -> None:
    client.get("/search", params={"q": "food bank near SE6 4RU", "free": "1"})
    client.get("/pl/search", params={"q": "jedzenie"})
    client.app.state.search_log.stop()
    rows = list(open_db(seeded_path)["search_log"].rows_where(order_by="id"))
    assert [(r["query"], r["language"]) for r in rows] == [("food bank near SE6", "en"), ("jedzenie", "pl")]
    assert rows[0]["filters"] == '{"free": true}'


def test_the_writer_writes_a_batch_in_one_go_and_drops_rather_than_waits_when_full(tmp_path: Path, monkeypatch) -> None:
    db = open_db(tmp_path / "portal.db")
    monkeypatch.setattr(search_log, "MAX_PENDING", 3)
    writer = SearchLogWriter(tmp_path / "portal.db")
    for text in ("a", "b", "c", "d", "e"):
        writer.add(text, 1)
    assert writer.dropped == 2
    assert writer.flush() == 3 and db["search_log"].count == 3


def test_a_portal_set_not_to_log_keeps_nothing(tmp_path: Path) -> None:
    writer = SearchLogWriter(tmp_path / "portal.db", enabled=False)
    writer.add("food", 3)
    assert writer.flush() == 0
