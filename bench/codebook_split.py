"""The fixed split of the NHS Friends and Family Test comments (`../shared/data/feedback-themes/`, 44 hand-made
subcategories) for measuring codebook classification: 80 % to build codebooks from and train baselines on,
20 % held out, committed before any classifier was written or tuned.

Comments are split by their text, not by row: the same words ("Nothing.") answered by many people all fall
on one side, so no held-out comment is also a training example. Within each subcategory (a text's most common
one), texts are ordered by the SHA-256 of their normalised words and every fifth goes to the held-out side,
so each theme is held out in proportion and the split never depends on a random seed or on anything measured.

    python -m bench.codebook_split        # writes bench/eval/heldout/feedback_themes.json (row numbers)
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from pathlib import Path

from bench import themes

HELD_OUT = Path(__file__).with_name("eval") / "heldout" / "feedback_themes.json"
EVERY = 5  # one text in five is held out


def normal(text: str) -> str:
    return " ".join(text.casefold().split())


def split(rows: list[dict[str, str]]) -> tuple[list[int], list[int]]:
    """(training row numbers, held-out row numbers): `row_index` values of the source file."""
    by_text: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_text[normal(row["feedback"])].append(row)
    by_theme: dict[str, list[str]] = defaultdict(list)
    for text, same in by_text.items():
        theme = Counter(row["subcategory"] for row in same).most_common(1)[0][0]
        by_theme[theme].append(text)
    held: set[str] = set()
    for texts in by_theme.values():
        ordered = sorted(texts, key=lambda text: hashlib.sha256(text.encode()).hexdigest())
        held.update(ordered[EVERY - 1::EVERY] if len(ordered) >= EVERY else ordered[-1:] if len(ordered) > 1 else [])
    train = [int(row["row_index"]) for row in rows if normal(row["feedback"]) not in held]
    heldout = [int(row["row_index"]) for row in rows if normal(row["feedback"]) in held]
    return sorted(train), sorted(heldout)


def load_split(rows: list[dict[str, str]]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The committed split applied to the source rows: (training rows, held-out rows)."""
    held = set(json.loads(HELD_OUT.read_text(encoding="utf-8"))["row_index"])
    return ([row for row in rows if int(row["row_index"]) not in held],
            [row for row in rows if int(row["row_index"]) in held])


def main() -> None:
    rows = themes.load()
    _, heldout = split(rows)
    HELD_OUT.write_text(json.dumps({
        "source": "../shared/data/feedback-themes/fft_phase1_comments.csv (The Strategy Unit, pxtextmining "
                  "phase 1 data; see its SOURCE_README.md)",
        "made_by": "python -m bench.codebook_split",
        "rows": len(rows), "held_out": len(heldout), "row_index": heldout,
    }, indent=1) + "\n", encoding="utf-8")
    print(f"{len(heldout)} of {len(rows)} comments held out -> {HELD_OUT}")


if __name__ == "__main__":
    main()
