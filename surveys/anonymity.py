"""Row-level exports that cannot pick anyone out: every combination of what a row says about a person (the
month and way they answered, the language they answered in, age band, ethnic group, disability, caring,
neighbourhood and each choice they made) is shared by at least `AT_LEAST` rows, or is withheld.

In a small survey one row (Arabic, 75 or over, "I go without") can be one person. Cells are withheld one
column at a time, least useful first (when they answered, then the most identifying equality answers, choices
last), only in the rows whose combination is too rare, until every combination left is common enough. A row with
all of them withheld says nothing about who answered and keeps its words (redacted) and themes. Each withheld
cell says so, and the export reports how many cells of each column were withheld and why.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

AT_LEAST = 5
WITHHELD = "[withheld: fewer than 5 people]"


@dataclass
class Protected:
    rows: list[list[str]]  # the rows as exported, withheld cells marked
    withheld_cells: Counter[str] = field(default_factory=Counter)  # by column name


def _key(row: Sequence[str], columns: Sequence[int]) -> tuple[str, ...]:
    return tuple(row[i] for i in columns)


def protect(rows: Sequence[Sequence[str]], header: Sequence[str], quasi: Sequence[int]) -> Protected:
    """`rows` with cells of the `quasi` columns (in the order they may be given up) withheld until every
    combination of them is shared by at least AT_LEAST rows. Other columns are kept as they are."""
    out = [list(row) for row in rows]
    result = Protected(out)
    if not quasi:
        return result
    for column in quasi:
        counts = Counter(_key(row, quasi) for row in out)
        rare = [row for row in out if counts[_key(row, quasi)] < AT_LEAST]
        if not rare:
            return result
        for row in rare:
            if row[column] != WITHHELD:
                row[column] = WITHHELD
                result.withheld_cells[header[column]] += 1
    return result  # any row still rare now has every such cell withheld: it says nothing about who answered


def smallest_group(rows: Sequence[Sequence[str]], quasi: Sequence[int]) -> int | None:
    """The fewest rows sharing one combination of the quasi-identifying columns that says anything (rows with
    all of them withheld say nothing); None when no row says anything."""
    counts = Counter(key for row in rows if set(key := _key(row, quasi)) != {WITHHELD})
    return min(counts.values()) if counts else None
