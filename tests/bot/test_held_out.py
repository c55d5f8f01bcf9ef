"""The assistant's held-out utterances stay held out: none is a training example, word for word or nearly
(case, punctuation, accents, entity marks and a typo or two aside), nor is any message of a held-out
scripted conversation. A held-out figure on sentences the
model was trained on would flatter it."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml
from rapidfuzz import fuzz, process

BOT = Path(__file__).resolve().parents[2] / "bot"
CONVERSATIONS = BOT.parent / "bench" / "eval" / "heldout" / "conversations.yml"
NEARLY = 95  # of 100: "is it open on saturday" and "is it open on saturday?" or "is it open on saterday"


def normal(text: str) -> str:
    """An utterance as a resident would not tell apart: entity marks gone, no case, accents or punctuation."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if unicodedata.category(c) != "Mn")
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def examples(path: Path) -> list[str]:
    found = []
    for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
        if "intent" not in block:  # a lookup table or synonym: names, not sentences the model learns from
            continue
        found += [line[2:].strip() for line in (block.get("examples") or "").splitlines() if line.startswith("- ")]
    return found


TRAINING = sorted({normal(e) for path in (BOT / "data").glob("nlu*.yml") for e in examples(path)})


def overlaps(held_out: list[str], training: list[str]) -> list[tuple[str, str]]:
    """Held-out utterances that are training examples, exactly or nearly, with the example each matches."""
    found = []
    for utterance in held_out:
        match = process.extractOne(normal(utterance), training, scorer=fuzz.ratio, score_cutoff=NEARLY)
        if match:
            found.append((utterance, match[0]))
    return found


@pytest.mark.parametrize("path", sorted((BOT / "eval").glob("nlu_test_*.yml")), ids=lambda p: p.stem)
def test_no_held_out_utterance_is_a_training_example(path: Path) -> None:
    assert overlaps(examples(path), TRAINING) == []


def test_no_message_of_a_held_out_conversation_is_a_training_example() -> None:
    """The multi-turn benchmark's held-out conversations (bench/eval/heldout) are unseen too."""
    conversations = yaml.safe_load(CONVERSATIONS.read_text(encoding="utf-8"))["conversations"]
    assert overlaps([turn["say"] for c in conversations for turn in c["turns"]], TRAINING) == []


def test_the_check_finds_a_copy_however_it_is_dressed() -> None:
    assert overlaps(["Is it open on Sáturday?!"], [normal("is it open on saturday")])
    assert overlaps(["food bank near [SE6](postcode)"], [normal("food bank near SE6")])
    assert not overlaps(["is it open on sunday"], [normal("where is the food bank")])


@pytest.mark.parametrize("path", sorted((BOT / "eval" / "dev").glob("nlu_dev_*.yml")), ids=lambda p: p.stem)
def test_no_development_utterance_is_a_training_or_held_out_example(path: Path) -> None:
    """The development sets choose changes: they must be unseen by the model, and apart from the held-out ones."""
    held_out = sorted({normal(e) for p in (BOT / "eval").glob("nlu_test_*.yml") for e in examples(p)})
    assert overlaps(examples(path), TRAINING) == [] and overlaps(examples(path), held_out) == []
