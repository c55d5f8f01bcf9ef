"""Train what `directory/scope.py` uses to tell a request for help from everything else, for one model.

    python -m bench.scope_training      # writes directory/data/scope/<model>.json

Requests for help: the assistant's training sentences for needs (bot/data/nlu*.yml: the "find ..." intents,
opening hours, places, a person, crisis), the partnership's categories of need by name and description in
every portal language (locales/), and the development queries (bench/eval/dev/). (211 Miami's names for
kinds of help were tried as more short needs: they taught it to take keyboard mash for a need.)
Not requests for help: the assistant's greetings, thanks and out-of-scope sentences, 2,300 questions for
other assistants (bench/data/clinc150/), CLINC150's `oos_train` and the development nonsense inputs. The
held-out split chooses nothing here: its queries are read only to leave out any training sentence that is
one of them word for word (a few greetings and short needs are also in the assistant's training data).

The thresholds are chosen by five-fold cross-validation over the development items, against both
development directories: the fewest out-of-scope inputs finding anything, with no more than 3 in 100
in-scope queries losing a relevant listing they would have found in their top 10 with no floor at all (the
gate and the distance from the closest listing together: what the benchmark reports).
"""

from __future__ import annotations

import itertools
import json
import random
import re
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression

from bench import relevance
from directory.corpus import corpus
from directory.crisis import sounds_like_crisis
from directory.embeddings import Embedder, load_embedder
from directory.scope import _slug
from directory.search import SearchQuery, _similarities, search, words_in
from directory.taxonomy import CATEGORIES
from directory.words import letters, stems
from portal.i18n import translator
from portal.languages import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "directory" / "data" / "scope"
NEEDS = ("ask_opening_hours", "ask_location", "speak_to_person", "crisis")
NOT_NEEDS = ("out_of_scope", "greet", "goodbye", "thank", "affirm", "deny")
LOST_AT_MOST = 0.03
FOLDS = 5
_ENTITY = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def assistant_sentences() -> tuple[list[str], list[str]]:
    """(needs, not needs) from the assistant's training data, entity markup removed."""
    needs, not_needs = [], []
    for path in sorted((ROOT / "bot" / "data").glob("nlu*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            intent = item.get("intent") or ""
            examples = [_ENTITY.sub(r"\1", line[2:]).strip() for line in (item.get("examples") or "").splitlines()
                        if line.startswith("- ")]
            if intent.startswith("find_") or intent in NEEDS:
                needs += examples
            elif intent in NOT_NEEDS:
                not_needs += examples
    return needs, not_needs


def categories() -> list[str]:
    """Each category of need by name and by description, in every language the portal speaks."""
    found = []
    for language in LANGUAGES:
        t = translator(language.code)
        for category in CATEGORIES:
            found += [t.gettext(category.name), t.gettext(category.description)]
    return found


def other_assistants() -> list[str]:
    data = json.loads((ROOT / "bench" / "data" / "clinc150" / "other_domains.json").read_text(encoding="utf-8"))
    return [s for sentences in data["sentences_by_intent"].values() for s in sentences]


def held_out() -> set[str]:
    """The held-out queries, folded, so that none of them is trained on."""
    return {_fold(item["query"]) for name in ("demo", "miami211", "nonsense")
            for item in json.loads((relevance.EVAL / "heldout" / f"{name}.json").read_text(encoding="utf-8"))}


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def training_sentences() -> tuple[list[str], list[str]]:
    """(requests for help, not requests for help) outside the evaluation sets, none a held-out query."""
    needs, not_needs = assistant_sentences()
    needs += categories()
    not_needs += other_assistants()
    kept = held_out()
    return [t for t in needs if _fold(t) not in kept], [t for t in not_needs if _fold(t) not in kept]


def _vectors(embedder: Embedder, texts: list[str]) -> dict[str, np.ndarray]:
    unique = sorted(set(texts))
    return dict(zip(unique, embedder.embed_queries(unique), strict=True))


def main() -> None:
    embedder = load_embedder()
    needs, not_needs = training_sentences()
    outside = relevance.out_of_scope("dev")
    dev: list[tuple[str, str, str]] = []  # (directory, text, kind): kind is q, oos or junk
    nearest: dict[tuple[str, str], float] = {}
    worded: dict[tuple[str, str], bool] = {}  # all the search's words are in one of the three closest listings
    named: dict[tuple[str, str], bool] = {}  # ...in one of their names
    had_hit: dict[tuple[str, str], bool] = {}
    floor_hit: dict[tuple[str, str], bool] = {}
    for directory in relevance.DIRECTORIES:
        db = relevance.build(directory, embedder)
        found = corpus(db, embedder)
        items = [(q, "q") for q in relevance.judged(db, directory, "dev")]
        items += [(t, "oos") for t in next(v for k, v in outside.items() if k.startswith("CLINC"))]
        items += [(t, "junk") for t in outside["nonsense"]]
        for item, kind in items:
            text = item.query if kind == "q" else item
            language = item.lang if kind == "q" else None
            sims = _similarities(found, embedder.embed_search(text))
            nearest[(directory, text)] = float(sims.max())
            closest = [found.listings[i].id for i in np.argsort(-sims)[:3]]
            named[(directory, text)], worded[(directory, text)] = words_in(db, closest, text, language)
            if kind == "q":  # found in the top ten without any floor; still found with the distance floor alone
                query = SearchQuery(text=text, limit=relevance.DEPTH, query_language=language)
                had_hit[(directory, text)] = any(hit.listing.id in item.relevant
                                                 for hit in search(db, query, embedder, reject=False).hits)
                floor_hit[(directory, text)] = any(hit.listing.id in item.relevant
                                                   for hit in search(db, query, embedder, gate=False).hits)
            dev.append((directory, text, kind))
        db.close()
    vectors = _vectors(embedder, needs + not_needs + [text for _, text, _ in dev])
    base_x = [vectors[t] for t in needs] + [vectors[t] for t in not_needs]
    base_y = [1] * len(needs) + [0] * len(not_needs)

    def fit(labelled: dict[str, int]) -> LogisticRegression:
        x = np.array(base_x + [vectors[t] for t in labelled])
        return LogisticRegression(C=10, max_iter=3000, class_weight="balanced").fit(
            x, base_y + list(labelled.values()))

    texts = sorted({text for _, text, _ in dev})
    fold = {text: random.Random(text).randrange(FOLDS) for text in texts}
    scores: dict[str, float] = {}
    for k in range(FOLDS):
        model = fit({text: int(kind == "q") for _, text, kind in dev if fold[text] != k})
        held = [text for text in texts if fold[text] == k]
        for text, value in zip(held, model.decision_function(np.array([vectors[t] for t in held])), strict=True):
            scores[text] = float(value)

    # Everything the thresholds are tried against, as arrays: one row per development item.
    where = np.array([directory for directory, _, _ in dev])
    kind = np.array([k for _, _, k in dev])
    score = np.array([scores[text] for _, text, _ in dev])
    near_of = np.array([nearest[(d, text)] for d, text, _ in dev])
    always = np.array([named[(d, text)] or sounds_like_crisis(text) or (worded[(d, text)] and len(stems(text)) <= 2)
                       for d, text, _ in dev])
    covered = np.array([worded[(d, text)] for d, text, _ in dev])
    has_letters = np.array([letters(text) >= 2 for _, text, _ in dev])
    hit = np.array([k == "q" and had_hit[(d, text)] for d, text, k in dev])
    kept = np.array([k == "q" and floor_hit[(d, text)] for d, text, k in dev])  # what the distance floor keeps

    def outcome(sure: float, likely: float, near: float, close: float,
                with_words: float) -> tuple[float, float, float]:
        """(worst share of in-scope queries losing a hit, worst out-of-scope share, worst nonsense share)."""
        accepted = has_letters & (always | (near_of >= close) | (score >= sure)
                                  | ((score >= likely) & (near_of >= near)) | (covered & (score >= with_words)))
        worst = [0.0, 0.0, 0.0]
        for directory in relevance.DIRECTORIES:
            mine = where == directory
            queries = mine & (kind == "q")
            shares = (float(np.mean(hit[queries] & ~(accepted[queries] & kept[queries]))),
                      float(np.mean(accepted[mine & (kind == "oos")])),
                      float(np.mean(accepted[mine & (kind == "junk")])))
            worst = [max(a, b) for a, b in zip(worst, shares, strict=True)]
        return worst[0], worst[1], worst[2]

    grid = itertools.product(np.arange(-1.0, 2.51, 0.25), np.arange(-3.0, 1.01, 0.25),
                             np.arange(0.78, 0.901, 0.02), np.arange(0.84, 0.951, 0.01), np.arange(-6.0, 1.01, 0.5))
    best = None
    for sure, likely, near, close, with_words in grid:
        if likely > sure or with_words > sure:
            continue
        lost, oos, junk = outcome(sure, likely, near, close, with_words)
        if lost > LOST_AT_MOST:
            continue
        key = (max(oos / 0.15, junk / 0.10), lost)
        if best is None or key < best[0]:
            best = (key, (float(sure), float(likely), float(near), float(close), float(with_words)),
                    (lost, oos, junk))
    assert best is not None, "no thresholds keep in-scope losses under 3 in 100"
    (sure, likely, near, close, with_words), (lost, oos, junk) = best[1], best[2]
    final = fit({text: int(kind == "q") for _, text, kind in dev})
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{_slug(embedder.name)}.json"
    path.write_text(json.dumps({
        "model": embedder.name, "trained": f"{datetime.now(UTC):%Y-%m-%d}",
        "trained_on": {"requests for help": len(needs) + sum(kind == "q" for _, _, kind in dev),
                       "not requests for help": len(not_needs) + sum(kind != "q" for _, _, kind in dev)},
        "cross_validated_on_dev": {"in-scope queries losing a hit": round(lost, 3),
                                   "out-of-scope finding anything": round(oos, 3),
                                   "nonsense finding anything": round(junk, 3)},
        "sure": sure, "likely": likely, "near": round(near, 3), "close": round(close, 3), "worded": with_words,
        "bias": float(final.intercept_[0]), "weights": [round(float(w), 6) for w in final.coef_[0]],
    }, indent=1) + "\n", encoding="utf-8")
    print(f"{path}: sure {sure} likely {likely} near {near:.2f} close {close:.2f} worded {with_words}; "
          "cross-validated on dev: "
          f"{lost:.1%} in-scope lose a hit, {oos:.0%} out-of-scope and {junk:.0%} nonsense find anything")


if __name__ == "__main__":
    main()
