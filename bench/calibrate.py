"""Choosing the meaning-search floor and margin: relevance on the dev queries against noise on
out-of-scope questions. Prints a grid; the chosen values live in directory/search.py.

    python -m bench.calibrate
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench import relevance
from directory import index, search, seed
from directory.embeddings import load_embedder
from directory.store import open_db


def main() -> None:
    embedder = load_embedder()
    with tempfile.TemporaryDirectory() as folder:
        db = open_db(Path(folder) / "seed.db")
        seed.load_demo(db)
        index.refresh_embeddings(db, embedder)
        print("floor margin | hybrid MRR R@5 | meaning MRR R@5 | OOS any, mean")
        for floor in (0.0, 0.76, 0.77, 0.78, 0.79, 0.80):
            for margin in (0.03, 0.04, 0.05, 0.06, 1.0):
                search.MEANING_FLOOR[embedder.name] = floor
                search.MEANING_MARGIN[embedder.name] = margin
                hybrid = relevance.evaluate(db, embedder, "hybrid")
                meaning = relevance.evaluate(db, embedder, "meaning")
                print(f"{floor:.2f} {margin:.2f} | {hybrid.mrr:.3f} {hybrid.recall_at_5:.3f} | "
                      f"{meaning.mrr:.3f} {meaning.recall_at_5:.3f} | {meaning.out_of_scope_with_results:.0%} "
                      f"{meaning.out_of_scope_mean_results:.1f}", flush=True)


if __name__ == "__main__":
    main()
