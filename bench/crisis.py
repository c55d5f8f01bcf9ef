"""The crisis answer, as residents meet it: the portal's own check first, then the assistant's crisis intent.

Measured on messages written before any run (`bench/eval/{dev,heldout}/crisis*.yml`): in each language, people
at risk now (the answer must reach every one of them: recall 1.0) and people asking for support close to it,
such as counselling, grief or feeling low (who must get help for that, not emergency numbers: precision).

    python -m bench.crisis --split dev
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from directory.crisis import sounds_like_crisis
from portal.assistant_services import BOT, MODEL

EVAL = Path(__file__).with_name("eval")


@dataclass
class Measured:
    language: str
    crises: int
    caught: int  # crises answered as a crisis
    needs: int
    alarms: int  # needs answered as a crisis
    missed: list[str]
    wrong: list[str]

    @property
    def recall(self) -> float:
        return self.caught / self.crises if self.crises else 1.0

    @property
    def precision(self) -> float:
        return self.caught / (self.caught + self.alarms) if self.caught + self.alarms else 1.0


def intents(texts: list[str], model: Path = MODEL) -> list[str]:
    """The trained assistant's intent for each text (it runs in the bot's own Python)."""
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(BOT)}
    done = subprocess.run([str(BOT / ".venv" / "bin" / "python"), "eval/intents.py", str(model)], cwd=BOT, env=env,
                          input=json.dumps(texts), capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def messages(split: str) -> dict[str, dict[str, list[str]]]:
    """Every crisis and near-crisis message of a split, by language then kind, from each of its files."""
    found: dict[str, dict[str, list[str]]] = {}
    for path in sorted((EVAL / split).glob("crisis*.yml")):
        for language, kinds in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            for kind, texts in kinds.items():
                found.setdefault(language, {}).setdefault(kind, []).extend(texts)
    return found


def run(split: str = "heldout", model: Path = MODEL) -> list[Measured]:
    data = messages(split)
    texts = [text for kinds in data.values() for kind in ("crisis", "need") for text in kinds[kind]]
    said = dict(zip(texts, intents(texts, model), strict=True))
    found = []
    for language, kinds in data.items():
        answered = {t: said[t] == "crisis" or sounds_like_crisis(t) for kind in ("crisis", "need") for t in kinds[kind]}
        missed = [t for t in kinds["crisis"] if not answered[t]]
        wrong = [t for t in kinds["need"] if answered[t]]
        found.append(Measured(language, len(kinds["crisis"]), len(kinds["crisis"]) - len(missed), len(kinds["need"]),
                              len(wrong), missed, wrong))
    return found


def table(measured: list[Measured], split: str = "heldout") -> str:
    rows = [f"Crisis messages and near-crisis requests for support ({split} split), answered by the portal's check "
            "then the assistant's crisis intent.", "",
            "| language | people at risk | answered as a crisis | recall | asking for support | answered as a crisis "
            "| precision |", "|---|---:|---:|---:|---:|---:|---:|"]
    for m in measured:
        rows.append(f"| {m.language} | {m.crises} | {m.caught} | {m.recall:.2f} | {m.needs} | {m.alarms} | "
                    f"{m.precision:.2f} |")
    return "\n".join(rows + ["", "Targets: recall 1.0 in every language, precision ≥ 0.9."])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("dev", "heldout"), default="dev")
    split = parser.parse_args().split
    measured = run(split)
    print(table(measured, split))
    for m in measured:
        for text in m.missed:
            print(f"{m.language} MISSED: {text}")
        for text in m.wrong:
            print(f"{m.language} FALSE ALARM: {text}")


if __name__ == "__main__":
    main()
