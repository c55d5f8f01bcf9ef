"""After a change, each worker's corpus is updated for the listings that changed alone (reloading thousands
of listings for every approval made the first search after it slow), and ends exactly as a full reload would."""

from __future__ import annotations

import numpy as np
import pytest
import sqlite_utils

from directory import corpus as corpora
from directory.changes import archive, publish, unarchive
from directory.embeddings import Embedder
from directory.index import refresh_embeddings
from directory.publishing import publish_translation
from directory.store import bump_generation, generation
from directory.translations import load_listing
from tests.builders import service


def _same(updated: corpora.Corpus, full: corpora.Corpus) -> None:
    assert [listing.id for listing in updated.listings] == [listing.id for listing in full.listings]
    assert updated.listings == full.listings
    assert updated.index_of == full.index_of and updated.spoken == full.spoken
    assert np.array_equal(updated.has_vector, full.has_vector)
    assert np.allclose(updated.vectors, full.vectors)

    def translations(found: corpora.Corpus) -> list[tuple[str, bytes]]:
        return sorted((found.listings[owner].id, vector.tobytes())
                      for owner, vector in zip(found.translation_owner, found.translation_vectors, strict=True))

    assert translations(updated) == translations(full)


def _full(db: sqlite_utils.Database, embedder: Embedder) -> corpora.Corpus:
    return corpora._load(db, generation(db), embedder)


def test_edits_archives_new_listings_and_translations_update_only_what_changed(
        seeded_db: sqlite_utils.Database, embedder: Embedder) -> None:
    before = corpora.corpus(seeded_db, embedder)
    renamed, hidden, translated = (before.listings[i].id for i in (0, 5, 9))
    record = load_listing(seeded_db, renamed)
    publish(seeded_db, {**record, "name": "Zebra crossing helpers", "description": "Now on Saturdays too."},
            "editor", "edited", embedder)
    archive(seeded_db, hidden, "moderator")
    publish_translation(seeded_db, translated, "pl", "Pomoc", "Pomoc dla mieszkańców.")
    publish(seeded_db, service("brand-new", "Aardvark art club", "Painting for adults, Tuesdays.", ("community-hubs",)),
            "editor", "created", embedder)
    refresh_embeddings(seeded_db, embedder)  # the new translation's embedding
    after = corpora.corpus(seeded_db, embedder)
    _same(after, _full(seeded_db, embedder))
    assert {"Aardvark art club", "Zebra crossing helpers"} <= {listing.name for listing in after.listings}
    assert hidden not in after.index_of
    untouched = before.listings[3]
    assert after.listings[after.index_of[untouched.id]] is untouched  # kept, not read again
    unarchive(seeded_db, hidden, "moderator")
    _same(corpora.corpus(seeded_db, embedder), _full(seeded_db, embedder))


def test_a_change_to_everything_reloads_everything(seeded_db: sqlite_utils.Database, embedder: Embedder) -> None:
    before = corpora.corpus(seeded_db, embedder)
    with seeded_db.atomic():
        bump_generation(seeded_db)
    after = corpora.corpus(seeded_db, embedder)
    assert after is not before and all(a is not b for a, b in zip(after.listings, before.listings, strict=True))


@pytest.mark.parametrize("behind", [1, 3])
def test_a_worker_too_far_behind_reloads_everything(seeded_db: sqlite_utils.Database, embedder: Embedder,
                                                    behind: int, monkeypatch: pytest.MonkeyPatch) -> None:
    before = corpora.corpus(seeded_db, embedder)
    monkeypatch.setattr(corpora, "MOST_UPDATED", 1)
    ids = [listing.id for listing in before.listings[:behind + 1]]
    with seeded_db.atomic():
        bump_generation(seeded_db, ids)
    after = corpora.corpus(seeded_db, embedder)
    assert all(a is not b for a, b in zip(after.listings, before.listings, strict=True))
    _same(after, _full(seeded_db, embedder))


def test_an_edit_in_place_replaces_that_listing_alone(seeded_db: sqlite_utils.Database, embedder: Embedder) -> None:
    before = corpora.corpus(seeded_db, embedder)
    edited = before.listings[7]
    record = load_listing(seeded_db, edited.id)
    publish(seeded_db, {**record, "description": "Now also on Saturday mornings, with an interpreter."}, "editor",
            "edited", embedder)
    publish_translation(seeded_db, edited.id, "so", "Caawimaad", "Caawimaad loogu talagalay dadka deggan.")
    refresh_embeddings(seeded_db, embedder)
    after = corpora.corpus(seeded_db, embedder)
    _same(after, _full(seeded_db, embedder))
    assert after.index_of is before.index_of  # nothing moved
    assert after.listings[7] is not edited and after.listings[8] is before.listings[8]
