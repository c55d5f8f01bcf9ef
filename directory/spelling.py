"""'Did you mean…?' for searches that found nothing, from the words the directory itself uses."""

from __future__ import annotations

import difflib
import re

from directory.corpus import Corpus

_WORD = re.compile(r"\w+", re.UNICODE)
_vocabularies: dict[int, tuple[int, frozenset[str]]] = {}


def vocabulary(found: Corpus) -> frozenset[str]:
    """Every word of three letters or more in the published listings, in any of their languages."""
    cached = _vocabularies.get(id(found))
    if cached and cached[0] == found.generation:
        return cached[1]
    words: set[str] = set()
    for listing in found.listings:
        translated = (f"{t.name} {t.description}" for t in listing.translations.values())
        texts = [listing.name, listing.description, *translated]
        for text in texts:
            words.update(w for w in _WORD.findall(text.lower()) if len(w) >= 3 and not w.isdigit())
    _vocabularies.clear()
    _vocabularies[id(found)] = (found.generation, frozenset(words))
    return _vocabularies[id(found)][1]


def suggest(found: Corpus, text: str) -> str | None:
    """The query with misspelt words replaced by the closest directory words, or None if nothing changed."""
    known = vocabulary(found)
    words = _WORD.findall(text.lower())
    fixed = []
    for word in words:
        if len(word) < 4 or word in known:
            fixed.append(word)
            continue
        close = difflib.get_close_matches(word, known, n=1, cutoff=0.75)
        fixed.append(close[0] if close else word)
    return " ".join(fixed) if fixed != words else None
