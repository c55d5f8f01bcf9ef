"""Placing answers under a codebook's named themes: a classifier that learns from the themes' example answers.

A board wants the same named themes every quarter, so the engagement lead writes them down once (a name, a plain
description, a few example answers in any language) and every survey's answers are placed under them. Each
answer is read two ways at once: its words (TF-IDF of words and word pairs, which catches "parking", "halal")
and its meaning (the multilingual sentence vector, which catches "no pude aparcar" as parking too); a linear SVM,
one theme against the rest, learns from the examples, and its vote is averaged with how near the answer is to
each theme's examples in meaning. On the hand-themed NHS comments this beat either alone
at every codebook size tried (bench/codebook.py, chosen on a development split of the training comments only;
held-out figures in bench/results.md).

Every answer gets its most likely theme, and any other that is nearly as likely, each with a confidence (a
softmax of the SVM's scores). Answers whose best theme is below UNSURE go to a person; what they decide becomes
an example too, so the next run learns from it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from surveys.redaction import redact

# Chosen on a development split of the training comments (bench/codebook.py --dev, five draws of examples for
# the small codebooks), never on the held-out:
MEANING_WEIGHT = 1.5  # how much the sentence vector counts beside the words (the words' vector has length 1)
C = 0.5  # the SVM's regularisation: 0.5 beat 1 and 2 with 20 examples per theme and with all of them
BALANCE = 0.25  # a theme with fewer examples weighs (mean/count) ** BALANCE more: rare themes are not drowned
SHARPNESS = 5.0  # softmax temperature on the SVM scores
# The SVM's vote is averaged with one from meaning alone: how near the answer is to each theme's centre (the mean
# of its examples' vectors). With 5 or 20 examples a theme, the centre is steadier than the SVM's edge.
CENTRE_VOTE = 1.0
CENTRE_SHARPNESS = 30.0  # cosine similarities differ by hundredths; this turns them into a vote that counts
CALIBRATION = 1.75  # the averaged votes are raised to this power (and summed to 1 again): confidence ~ accuracy
# An answer nearer no theme than the model puts unrelated sentences (its `unrelated_below`) has its confidences
# halved: however the votes fell, none of the themes fits it, so a person should look, however few the examples.
FAR_FACTOR = 0.5
UNSURE = 0.5  # below this a person should look
ALSO = 0.3  # a second (or third) theme is given when its own confidence reaches this
MAX_THEMES = 3


class CodebookTooSmall(ValueError):
    """A classifier needs at least two themes, each with an example."""


@dataclass
class Placed:
    """One answer's themes, most likely first, each with its confidence (0-1)."""

    themes: list[tuple[str, float]]

    @property
    def theme(self) -> str:
        return self.themes[0][0]

    @property
    def confidence(self) -> float:
        return self.themes[0][1]

    @property
    def unsure(self) -> bool:
        return self.confidence < UNSURE


def _softmax(scores: np.ndarray) -> np.ndarray:
    raised = np.exp(scores - scores.max(axis=1, keepdims=True))
    return raised / raised.sum(axis=1, keepdims=True)


def _words(texts: Sequence[str]) -> list[str]:
    # Contact details and names never become a feature (a name is not a theme).
    return [redact(text).text for text in texts]


class Classifier:
    """Trained once from examples (text, its vector, its theme), then asked about any number of answers."""

    def __init__(self, texts: Sequence[str], vectors: np.ndarray, themes: Sequence[str],
                 unrelated_below: float | None = None) -> None:
        self.unrelated_below = unrelated_below
        names = sorted(set(themes))
        if len(names) < 2:
            raise CodebookTooSmall("A codebook needs at least two themes with an example each.")
        # Themes are learnt by number (scikit-learn reads a theme named "12" as the number 12 in class weights).
        number = {name: i for i, name in enumerate(names)}
        labels = [number[t] for t in themes]
        counts = Counter(labels)
        self.vectoriser = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2))
        words = self.vectoriser.fit_transform(_words(texts))
        mean = len(labels) / len(counts)
        self.model = LinearSVC(C=C, class_weight={t: (mean / n) ** BALANCE for t, n in counts.items()})
        self.model.fit(self._features(words, vectors), labels)
        self.themes: list[str] = [str(t) for t in names]
        vectors = np.asarray(vectors, dtype=np.float32)
        centres = np.stack([vectors[[i for i, t in enumerate(labels) if t == n]].mean(axis=0)
                            for n in range(len(names))])
        self.centres = centres / np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)

    @staticmethod
    def _features(words: csr_matrix, vectors: np.ndarray) -> csr_matrix:
        return hstack([words, csr_matrix(np.asarray(vectors, dtype=np.float32) * MEANING_WEIGHT)]).tocsr()

    def scores(self, texts: Sequence[str], vectors: np.ndarray) -> np.ndarray:
        """Each answer's confidence in each theme (rows sum to 1, or to FAR_FACTOR for an answer near no theme),
        columns in `self.themes` order."""
        if not len(texts):
            return np.zeros((0, len(self.themes)))
        decision = self.model.decision_function(self._features(self.vectoriser.transform(_words(texts)), vectors))
        if decision.ndim == 1:  # two themes: sklearn gives one score, for the second
            decision = np.stack([-decision, decision], axis=1)
        near = np.asarray(vectors, dtype=np.float32) @ self.centres.T
        votes = (_softmax(SHARPNESS * decision) + CENTRE_VOTE * _softmax(CENTRE_SHARPNESS * near)) / (1 + CENTRE_VOTE)
        votes = votes ** CALIBRATION
        votes /= votes.sum(axis=1, keepdims=True)
        if self.unrelated_below is not None:
            votes[near.max(axis=1) < self.unrelated_below] *= FAR_FACTOR
        return votes

    def place(self, texts: Sequence[str], vectors: np.ndarray) -> list[Placed]:
        out = []
        for row in self.scores(texts, vectors):
            order = np.argsort(-row)[:MAX_THEMES]
            kept = [order[0], *[i for i in order[1:] if row[i] >= ALSO]]
            out.append(Placed([(self.themes[i], round(float(row[i]), 3)) for i in kept]))
        return out
