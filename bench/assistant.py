"""The assistant: training time, intent accuracy on held-out sets per language, and one chat turn's time
through the portal against straight to Rasa (`make bench` needs `make bot-install` first)."""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.servers import assistant_running
from directory.crisis import sounds_like_crisis
from directory.embeddings import Embedder
from portal.assistant_services import BOT

LANGUAGES = ("en", "pl", "pt", "es", "tr", "so", "ar")
TURNS = 60
MESSAGES = ["I need a food bank", "help with debts", "someone to talk to, I feel low", "where is a family hub",
            "nie mam pieniędzy na jedzenie", "necesito ayuda con el alquiler", "hello", "can I speak to a person"]


@dataclass
class AssistantResult:
    train_s: float
    nlu: dict[str, dict] = field(default_factory=dict)
    rasa_test_accuracy: float = 0.0
    rasa_test_macro_f1: float = 0.0
    portal_ms: tuple[float, float] = (0.0, 0.0)
    rasa_ms: tuple[float, float] = (0.0, 0.0)


def _bot(*args: str, **kwargs) -> subprocess.CompletedProcess:  # noqa: ANN003
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(BOT)}
    return subprocess.run([str(BOT / ".venv" / "bin" / args[0]), *args[1:]], cwd=BOT, env=env, check=True,
                          capture_output=True, text=True, **kwargs)


def _p50_p95(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _turns(embedder: Embedder) -> tuple[tuple[float, float], tuple[float, float]]:
    with assistant_running(embedder) as running, httpx.Client(base_url=running.portal, timeout=30) as client:
        page = client.get("/chat").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        through_portal, straight = [], []
        for i in range(TURNS):
            message = MESSAGES[i % len(MESSAGES)]
            start = time.perf_counter()
            client.post("/chat", data={"csrf_token": token, "message": message},
                        headers={"HX-Request": "true"}).raise_for_status()
            through_portal.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            httpx.post(f"{running.rasa}/webhooks/rest/webhook", timeout=30,
                       json={"sender": "bench", "message": message}).raise_for_status()
            straight.append((time.perf_counter() - start) * 1000)
    return _p50_p95(through_portal), _p50_p95(straight)


def run(embedder: Embedder) -> AssistantResult:
    if not (BOT / ".venv" / "bin" / "rasa").exists():
        raise SystemExit("bench: the assistant benchmark needs `make bot-install` first")
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        _bot("rasa", "train", "--force", "--quiet", "--fixed-model-name", "bench", "--out", folder)
        result = AssistantResult(train_s=time.perf_counter() - start)
        model = str(Path(folder) / "bench.tar.gz")
        report = _bot("python", "eval/evaluate.py", model, *[f"eval/nlu_test_{lang}.yml" for lang in LANGUAGES])
        result.nlu = json.loads(report.stdout.strip().splitlines()[-1])
        out = Path(folder) / "results"
        _bot("rasa", "test", "nlu", "--nlu", "eval/nlu_test_en.yml", "-m", model, "--out", str(out))
        intents = json.loads((out / "intent_report.json").read_text())
        result.rasa_test_accuracy = intents["accuracy"]
        result.rasa_test_macro_f1 = intents["macro avg"]["f1-score"]
        shutil.rmtree(out, ignore_errors=True)
    result.portal_ms, result.rasa_ms = _turns(embedder)
    return result


def crisis(predictions: list[list[str]]) -> dict[str, float | int]:
    """Recall and precision of the crisis answer as residents meet it: the portal's own check, then the model's
    crisis intent. Recall is over held-out crisis phrasings; a false alarm is any other utterance answered as a
    crisis (asking for counselling is a need, not a crisis)."""
    said = [(gold == "crisis", predicted == "crisis" or sounds_like_crisis(text))
            for text, gold, predicted in predictions]
    true = sum(1 for gold, answered in said if gold and answered)
    answered = sum(1 for _, a in said if a)
    crises = sum(1 for gold, _ in said if gold)
    return {"crises": crises, "recall": true / crises if crises else 1.0,
            "precision": true / answered if answered else 1.0, "false_alarms": answered - true}


def table(result: AssistantResult) -> str:
    names = {"en": "English (all 25 intents)", "pl": "Polish", "pt": "Portuguese", "es": "Spanish", "tr": "Turkish",
             "so": "Somali", "ar": "Arabic"}
    rows = ["| held-out set | utterances | intent accuracy | macro F1 | target |", "|---|---:|---:|---:|---:|"]
    for code in LANGUAGES:
        r = result.nlu[code]
        target = "≥ 0.95" if code == "en" else "≥ 0.90"
        rows.append(f"| {names[code]} | {r['examples']} | {r['accuracy']:.3f} | {r['macro_f1']:.3f} | {target} |")
    rows += ["", "The crisis answer (the portal's own check first, then the model's crisis intent), on the same "
             "held-out utterances:", "",
             "| held-out set | crisis phrasings | recall | precision | others answered as a crisis | target |",
             "|---|---:|---:|---:|---:|---|"]
    for code in LANGUAGES:
        c = crisis(result.nlu[code].get("predictions", []))
        recall, precision = ((f"{c['recall']:.2f}", f"{c['precision']:.2f}") if c["crises"]
                             else ("–", "–"))  # a set without crisis phrasings measures only false alarms
        rows.append(f"| {names[code]} | {c['crises']} | {recall} | {precision} | {c['false_alarms']} "
                    "| recall 1.0, precision ≥ 0.9 |")
    rows += ["", f"`rasa test nlu` on the English held-out split: intent accuracy {result.rasa_test_accuracy:.3f}, "
                 f"macro F1 {result.rasa_test_macro_f1:.3f}.", "",
             "| measure | figure |", "|---|---:|",
             f"| training, NLU and dialogue (`rasa train --force`) | {result.train_s:.0f} s |",
             f"| one chat turn through the portal's /chat, p50 / p95 ({TURNS} turns) | "
             f"{result.portal_ms[0]:.0f} / {result.portal_ms[1]:.0f} ms |",
             f"| the same turn straight to Rasa's REST webhook, p50 / p95 | "
             f"{result.rasa_ms[0]:.0f} / {result.rasa_ms[1]:.0f} ms |"]
    return "\n".join(rows)
