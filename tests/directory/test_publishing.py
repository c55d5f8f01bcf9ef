"""One function publishes a listing, and every path goes through it: afterwards its history, its words, its
meaning and search all tell the same story. Imports publish a batch at a time and give back all or nothing."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlite_utils

import directory
from directory import changes, freshness, oruk, publishing, seed
from directory.embeddings import Embedder
from directory.history import SYSTEM, latest_version, version, versions
from directory.index import documents, text_hash
from directory.oruk import IMPORT_BATCH, import_services
from directory.publishing import embed_listings, publish_translation
from directory.search import SearchQuery, search
from directory.translations import KEY, load_listing
from tests.builders import service

WORD = "Quokkafest"  # a word no demonstration listing holds, so finding it means this listing's words are current


def renamed(db: sqlite_utils.Database, service_id: str, word: str = WORD) -> dict:
    return {**load_listing(db, service_id), "name": f"{word} lunch club"}


def _approve(db: sqlite_utils.Database, sid: str) -> None:
    proposed = changes.propose(db, renamed(db, sid), "editor-1")
    changes.approve(db, proposed.id, "moderator-1")


def _direct(db: sqlite_utils.Database, sid: str) -> None:
    changes.propose(db, renamed(db, sid), "editor-1", publish_directly=True)


def _import(db: sqlite_utils.Database, sid: str) -> None:
    import_services(db, [renamed(db, sid)])


def _restore(db: sqlite_utils.Database, sid: str) -> None:
    changes.publish(db, renamed(db, sid), "editor-1", "edited")
    changes.publish(db, renamed(db, sid, "Ordinary"), "editor-1", "edited")
    changes.restore(db, sid, latest_version(db, sid) - 1, "moderator-1")


def _translation(db: sqlite_utils.Database, sid: str) -> None:
    publish_translation(db, sid, "pl", f"{WORD} klub", "Obiady dla sąsiadów.", by="editor-1")


def _confirm(db: sqlite_utils.Database, sid: str) -> None:
    changes.publish(db, renamed(db, sid), "editor-1", "edited")
    freshness.confirm(db, sid, "editor-1")


def _archive_and_back(db: sqlite_utils.Database, sid: str) -> None:
    changes.publish(db, renamed(db, sid), "editor-1", "edited")
    changes.archive(db, sid, "moderator-1")
    changes.unarchive(db, sid, "moderator-1")


PATHS: dict[str, Callable[[sqlite_utils.Database, str], None]] = {
    "approved change": _approve, "published directly": _direct, "import or sync": _import,
    "restored version": _restore, "translation": _translation, "still correct": _confirm,
    "archived and shown again": _archive_and_back,
}


@pytest.mark.slow
@pytest.mark.parametrize("path", PATHS)
def test_every_path_leaves_history_words_meaning_and_search_agreeing(path: str, seeded_db: sqlite_utils.Database,
                                                                     embedder: Embedder) -> None:
    sid = seeded_db.execute("select id from services where publication_status = 'published' order by id "
                            "limit 1").fetchone()[0]
    generation = seeded_db.execute("select value from meta where key = 'generation'").fetchone()[0]
    PATHS[path](seeded_db, sid)
    live = load_listing(seeded_db, sid)
    assert version(seeded_db, sid, latest_version(seeded_db, sid)).record == live  # history is the live listing
    words = " ".join(seeded_db.execute("select name, body from search_words where service_id = ?", [sid]).fetchone())
    assert WORD.lower() in words.lower()
    assert seeded_db.execute("select value from meta where key = 'generation'").fetchone()[0] != generation
    embed_listings(seeded_db, embedder, [sid])
    [doc] = documents(seeded_db, [sid])
    stored = seeded_db.execute("select text_hash from service_embeddings where service_id = ?", [sid]).fetchone()[0]
    assert stored == text_hash(embedder, doc)  # its meaning is of the text residents see now
    found = search(seeded_db, SearchQuery(text=WORD, language="pl" if path == "translation" else None), embedder)
    assert sid in [hit.listing.id for hit in found.hits]


def test_the_seed_publishes_translations_with_their_history(db: sqlite_utils.Database) -> None:
    seed.load_demo(db)
    translated = next(iter(seed.demo_translations()))
    [first] = versions(db, translated)
    assert first.record[KEY] == load_listing(db, translated)[KEY]
    assert (first.action, first.changed_by) == ("imported", SYSTEM)


def test_nothing_but_publishing_writes_a_listing_its_versions_or_its_translations() -> None:
    """The functions that store a listing's parts are called from publishing.py alone."""
    writers = {"save_service", "replace_translations", "record_version", "record_version_if_changed"}
    callers = set()
    for file in Path(directory.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(file.read_text())):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in writers:
                    callers.add(file.name)
    assert callers <= {"publishing.py", "history.py"}  # history.backfill gives old listings a first version


def _feed(count: int, word: str = "Supper") -> list[dict]:
    return [service(f"feed-{i}", f"{word} club {i}", f"Meals for neighbours, night {i}.") for i in range(count)]


def test_an_import_publishes_a_batch_per_transaction(db: sqlite_utils.Database) -> None:
    """Each batch is its own short transaction, so other writers wait for a batch, never for the whole feed."""
    began: list[str] = []
    db.conn.set_trace_callback(lambda sql: began.append(sql) if sql.startswith("BEGIN") else None)
    report = import_services(db, _feed(2 * IMPORT_BATCH + 3))
    db.conn.set_trace_callback(None)
    assert (report.created, report.updated) == (2 * IMPORT_BATCH + 3, 0)
    assert len(began) == 3


def test_an_import_that_fails_part_way_puts_back_every_listing_it_wrote(db: sqlite_utils.Database,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import_services(db, _feed(IMPORT_BATCH))
    before = {row["id"]: load_listing(db, row["id"]) for row in db["services"].rows}
    feed = _feed(IMPORT_BATCH, "Breakfast") + [service("new-one", "Brand new club", "Never seen before.")] + \
        _feed(3 * IMPORT_BATCH, "Later")[IMPORT_BATCH:]
    real, calls = publishing.publish_listing, []

    def failing(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls.append(args[1]["id"])
        if len(calls) == IMPORT_BATCH + 10:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(oruk, "publish_listing", failing)
    with pytest.raises(OSError, match="disk full"):
        import_services(db, feed)
    monkeypatch.undo()
    for sid, listing in before.items():  # the first batch had renamed these: back as they were
        assert {k: v for k, v in load_listing(db, sid).items() if k != "last_modified"} == \
            {k: v for k, v in listing.items() if k != "last_modified"}
    published = {row[0] for row in db.execute("select name from services where publication_status = 'published'")}
    assert not any(name.startswith(("Breakfast", "Brand new", "Later")) for name in published)
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_an_import_with_any_wrong_record_writes_nothing(db: sqlite_utils.Database) -> None:
    feed = _feed(IMPORT_BATCH + 5)
    feed[-1] = {**feed[-1], "name": 42}
    with pytest.raises(oruk.ImportRejected):
        import_services(db, feed)
    assert db["services"].count == 0 and db["listing_versions"].count == 0
