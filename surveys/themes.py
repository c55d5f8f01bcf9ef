"""Grouping free-text answers, in any language, into themes a person can read and act on.

Each answer becomes a multilingual sentence vector (the directory's own embedding model), similar answers
are clustered with k-means, each theme is named by the words that set it apart from the others
(class-based TF-IDF), and its quotes are the answers nearest its centre that needed nothing redacted.
Answers added later join the nearest existing theme, or form new ones, so a person's edits to the
themes survive (see surveys/theming.py).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import KMeans

from directory import words
from directory.embeddings import Embedder
from surveys.redaction import EMAIL, NAME, PHONE, POSTCODE, redact

# Embedding time grows with every token, and on the hand-themed NHS comments the first 64 characters
# found themes as well as the first 200 did (bench/results.md), in 70% of the time.
MAX_CHARS = 64
MAX_THEMES = 30
PROGRESS_EVERY = 256  # answers embedded between reports of how far theming has got (passes stay full: bench)
QUOTES = 3
LABEL_WORDS = 3
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
# Words that say nothing about a theme in the languages residents most often answer in.
_OWN_STOP_WORDS = frozenset("""
the and for was were are but not you your with this that have has had they them their there very all our out
get got can could would should will just also been being from what when which who how its it's into than then
too some any about more most much only other over such own same she her him his hers here where why because
did does doing done don't didn't isn't wasn't i'm i've we've they're there's thank thanks lot really well
need able one two make made like feel felt always never still even every
del las los por para con una que como pero más muy está son the nie jest się dla czy jak ale tak już
des les une pour avec est pas par que qui sur dans très tout ele ela uma com não mais muito para por
bir için çok ama gibi daha olan olarak ile iyi ve ee oo ka ku la iyo waa في من على إلى عن مع هذا هذه كان
""".split())
# The portal's other languages' stop words (the search's lists: stopwords-iso, less words that carry meaning).
# English keeps the short list above: a general list drops "help", "open" and "good", which name themes.
ANSWER_LANGUAGES = ("pl", "pt", "es", "tr", "so", "fr", "ar", "bn")
STOP_WORDS = _OWN_STOP_WORDS.union(*(words.stop_words(code) for code in ANSWER_LANGUAGES))
# What redaction puts in place of contact details and names: never a word of an answer, so never a theme's name.
_MARKERS = re.compile("|".join(re.escape(marker) for marker in (EMAIL, PHONE, POSTCODE, NAME)))


@dataclass
class Theme:
    number: int
    label: str
    words: list[str]
    size: int
    quotes: list[str] = field(default_factory=list)


@dataclass
class Theming:
    assignments: list[int]  # the theme number of each answer, in the order given
    themes: list[Theme]
    centres: np.ndarray  # one L2-normalised row per theme


def prepare(text: str) -> str:
    """What is embedded: the answer's start, up to MAX_CHARS characters and not cutting a word, tidied."""
    tidy = " ".join(text.split())
    if len(tidy) <= MAX_CHARS:
        return tidy
    cut = tidy[: MAX_CHARS + 1].rsplit(" ", 1)[0]
    return cut if len(cut) >= MAX_CHARS // 2 else tidy[:MAX_CHARS]


def embed(texts: Sequence[str], embedder: Embedder,
          progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """One vector per answer; identical answers ("Nothing", "No") are embedded once. `progress(done, total)`
    hears after each few dozen, so the page that asked can say how far it has got."""
    prepared = [prepare(t) for t in texts]
    unique = sorted(set(prepared))
    parts = []
    for start in range(0, len(unique), PROGRESS_EVERY):
        parts.append(embedder.embed_queries(unique[start:start + PROGRESS_EVERY]))
        if progress:
            progress(min(start + PROGRESS_EVERY, len(unique)), len(unique))
    vectors = np.vstack(parts) if parts else np.zeros((0, embedder.dim), dtype=np.float32)
    row = {text: i for i, text in enumerate(unique)}
    return vectors[[row[t] for t in prepared]] if prepared else vectors


def choose_count(n: int) -> int:
    """How many themes for n answers: enough to tell needs apart, few enough for a board to read."""
    return max(1, min(MAX_THEMES, n // 3, round(math.sqrt(n / 2))))


def cluster(vectors: np.ndarray, count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """k-means on unit vectors (cosine); returns each row's cluster and the normalised centres."""
    count = max(1, min(count, len(vectors)))
    model = KMeans(n_clusters=count, n_init=1, random_state=seed).fit(vectors)
    centres = model.cluster_centers_
    centres = centres / np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
    return model.labels_.astype(int), centres.astype(np.float32)


def words_of(text: str) -> list[str]:
    """The words that can name a theme: no stop words in the portal's languages, no redaction markers."""
    return [w for w in (m.group(0).lower() for m in _WORD.finditer(_MARKERS.sub(" ", text))) if w not in STOP_WORDS]


def distinctive_words(texts: Sequence[str], assignments: Sequence[int], count: int) -> dict[int, list[str]]:
    """Each group's most characteristic words by class-based TF-IDF: frequent in it, rare in the others."""
    counts: dict[int, Counter[str]] = {}
    for text, group in zip(texts, assignments, strict=True):
        counts.setdefault(group, Counter()).update(words_of(redact(text).text))
    groups_with: Counter[str] = Counter()
    for found in counts.values():
        groups_with.update(found.keys())
    average = sum(sum(c.values()) for c in counts.values()) / max(1, len(counts))
    total: Counter[str] = Counter()
    for found in counts.values():
        total.update(found)
    best: dict[int, list[str]] = {}
    for group, found in counts.items():
        size = sum(found.values()) or 1
        scored = {w: (n / size) * math.log(1 + average / total[w]) for w, n in found.items() if n >= 2 or size < 20}
        best[group] = [w for w, _ in sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:count]]
    return best


def representative_quotes(texts: Sequence[str], vectors: np.ndarray, members: np.ndarray, centre: np.ndarray,
                          count: int = QUOTES) -> list[str]:
    """The answers nearest the theme's centre that needed nothing taken out, else redacted ones; no repeats."""
    order = members[np.argsort(-(vectors[members] @ centre))]
    clean, redacted, seen = [], [], set()
    for i in order[: 50 * count]:
        text = " ".join(texts[i].split())
        if text.lower() in seen or not 3 <= len(text) <= 400:
            continue
        seen.add(text.lower())
        found = redact(text)
        (clean if found.clean else redacted).append(found.text)
        if len(clean) >= count:
            break
    return (clean + redacted)[:count]


def label(words: list[str]) -> str:
    return ", ".join(words) if words else "(no common words)"


def find_themes(texts: Sequence[str], embedder: Embedder, count: int | None = None, seed: int = 0,
                vectors: np.ndarray | None = None) -> Theming:
    """Themes for a set of answers; `count` fixes how many (otherwise chosen from how many answers there are)."""
    if not texts:
        return Theming([], [], np.zeros((0, embedder.dim), dtype=np.float32))
    vectors = embed(texts, embedder) if vectors is None else vectors
    assignments, centres = cluster(vectors, count or choose_count(len(texts)), seed)
    return describe(texts, vectors, assignments, centres)


def describe(texts: Sequence[str], vectors: np.ndarray, assignments: np.ndarray, centres: np.ndarray) -> Theming:
    """Name each cluster and pick its quotes; themes are numbered from the largest, 1 upwards."""
    sizes = Counter(assignments.tolist())
    order = sorted(sizes, key=lambda c: (-sizes[c], c))
    number = {cluster_id: i + 1 for i, cluster_id in enumerate(order)}
    renumbered = [number[a] for a in assignments.tolist()]
    words = distinctive_words(texts, renumbered, LABEL_WORDS)
    themes = []
    for cluster_id in order:
        members = np.flatnonzero(assignments == cluster_id)
        n = number[cluster_id]
        themes.append(Theme(n, label(words.get(n, [])), words.get(n, []), len(members),
                            representative_quotes(texts, vectors, members, centres[cluster_id])))
    return Theming(renumbered, themes, centres[order])
