"""Intent accuracy and macro F1 of a trained model on the held-out sets, one per language (JSON out).

Runs in the bot's environment: `python eval/evaluate.py MODEL.tar.gz eval/nlu_test_*.yml`.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections import defaultdict
from pathlib import Path

from rasa.core.agent import Agent
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader


def _examples(path: Path) -> list[tuple[str, str]]:
    data = RasaYAMLReader().read(path)
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


def _macro_f1(pairs: list[tuple[str, str]]) -> float:
    labels = {gold for gold, _ in pairs}
    scores = []
    for label in labels:
        tp = sum(1 for g, p in pairs if g == label and p == label)
        fp = sum(1 for g, p in pairs if g != label and p == label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores)


async def main() -> None:
    agent = Agent.load(sys.argv[1])
    report = {}
    for name in sys.argv[2:]:
        pairs, wrong, said = [], defaultdict(int), []
        for text, gold in _examples(Path(name)):
            parsed = await agent.parse_message(text)
            predicted = parsed["intent"]["name"]
            pairs.append((gold, predicted))
            said.append((text, gold, predicted))
            if predicted != gold:
                wrong[f"{gold} -> {predicted}"] += 1
        language = Path(name).stem.rsplit("_", 1)[-1]
        report[language] = {
            "examples": len(pairs), "accuracy": sum(g == p for g, p in pairs) / len(pairs),
            "macro_f1": _macro_f1(pairs), "most_confused": sorted(wrong.items(), key=lambda kv: -kv[1])[:5],
            "predictions": said,  # for measures the portal adds (its own crisis check comes before the model)
        }
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
