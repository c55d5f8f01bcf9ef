"""Choosing how much words add to meaning, on the development split only (never the held-out one).

    python -m bench.tune

Prints hybrid MRR@10 on both development directories for each word weight and agreement span; the chosen
values live in directory/search.py (WORD_WEIGHT, AGREEMENT).
"""

from __future__ import annotations

import itertools

from bench import relevance
from directory import search
from directory.embeddings import load_embedder

WEIGHTS = (0.0, 0.01, 0.02, 0.03, 0.05, 0.08)
SPANS = (0.03, 0.05, 0.08, 0.12)


def main() -> None:
    embedder = load_embedder()
    built = {d: relevance.build(d, embedder) for d in relevance.DIRECTORIES}
    queries = {d: relevance.judged(db, d, "dev") for d, db in built.items()}
    print("word weight, agreement span: " + ", ".join(f"{d} MRR (English / other)" for d in built))
    for weight, span in itertools.product(WEIGHTS, SPANS):
        search.WORD_WEIGHT[embedder.name], search.AGREEMENT[embedder.name] = weight, span
        cells = []
        for directory, db in built.items():
            s = relevance.evaluate(db, embedder, queries[directory], "hybrid")
            cells.append(f"{s.mrr:.3f} ({s.group(True):.3f} / {s.group(False):.3f})")
        print(f"{weight:.2f}, {span:.2f}: " + ", ".join(cells), flush=True)


if __name__ == "__main__":
    main()
