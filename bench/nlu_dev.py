"""Intent accuracy on the development sets, with every miss listed: for choosing the assistant's next change.

Never the figure to report (that is `bench/assistant.py`, on the held-out sets), and never run on held-out data.

    python -m bench.nlu_dev [--only hard]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from bench.crisis import intents
from portal.assistant_services import BOT

DEV = BOT / "eval" / "dev"


def labelled(path: Path) -> list[tuple[str, str]]:
    """(utterance, intent) pairs of one development file."""
    import yaml

    pairs = []
    for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        pairs += [(line[2:].strip(), block["intent"]) for line in (block.get("examples") or "").splitlines()
                  if line.startswith("- ")]
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="", help="only files whose name holds this, e.g. hard")
    args = parser.parse_args()
    files = [p for p in sorted(DEV.glob("nlu_dev_*.yml")) if args.only in p.stem]
    pairs = {p: labelled(p) for p in files}
    texts = [text for found in pairs.values() for text, _ in found]
    said = dict(zip(texts, intents(texts), strict=True))
    confused: Counter[tuple[str, str]] = Counter()
    for path, found in pairs.items():
        wrong = [(text, want, said[text]) for text, want in found if said[text] != want]
        print(f"{path.stem}: {1 - len(wrong) / len(found):.3f} of {len(found)}")
        for text, want, got in wrong:
            confused[(want, got)] += 1
            print(f"    {want} -> {got}: {text}")
    print("most confused:", confused.most_common(15))


if __name__ == "__main__":
    main()
