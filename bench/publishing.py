"""How soon an approved change reaches residents: queueing a change, approving it (saving, history, the
word index and that listing's embedding), and the first search afterwards (which updates that listing alone
in the worker's corpus), on the 20,000-listing synthetic directory."""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import latency
from directory import changes
from directory.embeddings import Embedder
from directory.search import SearchQuery, search
from directory.store import open_db
from directory.translations import load_listing

SIZE = 20000
EDITS = 20
# Made-up words put in the changed listing's name, so that only it can hold them and a hit shows the index
# was updated (in the name, because a made-up word alone is not a need: only a listing named by it is shown).
WORDS = tuple(f"qq{i}zorb" for i in range(EDITS))


@dataclass
class Publishing:
    size: int
    edits: int
    queue_ms: tuple[float, float]
    approve_ms: tuple[float, float]
    first_search_ms: tuple[float, float]  # after an edit that leaves the listing where it stands
    renamed_search_ms: tuple[float, float]  # after a rename, which moves it in the corpus's order
    found_first: int
    embedded: int | None = None  # when the directory's build was stopped part way


def _p50_p95(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run(embedder: Embedder, workdir: Path = latency.WORKDIR, unfinished: bool = False) -> Publishing:
    built = latency.build(SIZE, embedder, workdir, unfinished)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "publishing.db"
        shutil.copy(workdir / f"bench-{SIZE}.db", path)
        db = open_db(path)
        search(db, SearchQuery(text="warm up"), embedder)
        ids = [row[0] for row in db.execute(
            "select id from services where publication_status = 'published' order by random() limit ?", [EDITS])]
        queued, approved, first, found = [], [], {"edited": [], "renamed": []}, 0
        for n, (service_id, word) in enumerate(zip(ids, WORDS, strict=False)):
            record = load_listing(db, service_id)
            kind = "edited" if n % 2 == 0 else "renamed"
            if kind == "edited":  # the usual approval: new hours, a new phone number, a better description
                record["description"] = f"{record.get('description', '')} Now with a {word} group on Saturdays."
            else:
                record["name"] = f"{record['name']} {word}"
            start = time.perf_counter()
            change = changes.propose(db, record, "bench-editor")
            queued.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            changes.approve(db, change.id, "bench-moderator", embedder)
            approved.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            hits = search(db, SearchQuery(text=record["name"], limit=5), embedder).hits  # a search by its name
            first[kind].append((time.perf_counter() - start) * 1000)
            # found: the listing among the first five for its name, as changed
            found += any(hit.listing.id == service_id and word in f"{hit.listing.name} {hit.listing.description}"
                         for hit in hits)
        db.close()
    return Publishing(SIZE, len(ids), _p50_p95(queued), _p50_p95(approved), _p50_p95(first["edited"]),
                      _p50_p95(first["renamed"]), found, built.embedded)


def table(result: Publishing) -> str:
    rows = [
        "| step | p50 ms | p95 ms |", "|---|---:|---:|",
        f"| queue a change (validate, store) | {result.queue_ms[0]:.0f} | {result.queue_ms[1]:.0f} |",
        f"| approve (save, history, word index, re-embed the listing) | {result.approve_ms[0]:.0f} | "
        f"{result.approve_ms[1]:.0f} |",
        f"| first resident search after approving an edit (that listing replaced in memory) | "
        f"{result.first_search_ms[0]:.0f} | {result.first_search_ms[1]:.0f} |",
        f"| first resident search after approving a rename (that listing moved in memory) | "
        f"{result.renamed_search_ms[0]:.0f} | {result.renamed_search_ms[1]:.0f} |",
    ]
    partial = (f" ({result.embedded:,} of its listings embedded: the build was stopped part way; every listing "
               "is in the corpus and its vector array either way)" if result.embedded is not None else "")
    return (f"{result.edits} edits to random published listings of the {result.size:,}-listing synthetic "
            f"directory{partial}, half adding a made-up word to its description, half to its name; the changed "
            f"listing, as changed, was among the first five results for a search by its name in "
            f"**{result.found_first} of {result.edits}** searches made straight after approval.\n\n"
            + "\n".join(rows))
