"""Small-number suppression: no count under 5 is ever shown, nor can it be worked out from the totals.

A breakdown is a grid of counts with its row and column totals. Every count under 5 is shown as "<5"
(primary suppression). Then, wherever a row or column would have exactly one hidden count, so that the
total minus the others would give it away, the smallest other count in that line is hidden too, shown as
"[c]" (complementary suppression), until no line can be solved for a hidden count.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

THRESHOLD = 5
SUPPRESSED = "<5"
HIDDEN = "[c]"  # a count of 5 or more hidden so that a small one beside it cannot be worked out (ONS's mark)


@dataclass
class Grid:
    """Counts by row and column, with totals; `shown` gives every figure as it may be published."""

    rows: list[Hashable]
    columns: list[Hashable]
    counts: dict[tuple[Hashable, Hashable], int]
    hidden: set[tuple[Hashable, Hashable]]  # ("total", c), (r, "total") and ("total", "total") for the margins

    def value(self, row: Hashable, column: Hashable) -> int:
        if row == TOTAL and column == TOTAL:
            return sum(self.counts.values())
        if row == TOTAL:
            return sum(self.counts[(r, column)] for r in self.rows)
        if column == TOTAL:
            return sum(self.counts[(row, c)] for c in self.columns)
        return self.counts[(row, column)]

    def shown(self, row: Hashable, column: Hashable) -> str:
        if (row, column) not in self.hidden:
            return str(self.value(row, column))
        return SUPPRESSED if self.value(row, column) < THRESHOLD else HIDDEN


TOTAL = "total"


def _lines(grid: Grid) -> list[list[tuple[Hashable, Hashable]]]:
    """Every set of figures where one is the sum of the others: each row and column with its total."""
    if len(grid.rows) == 1:
        row = grid.rows[0]
        return [[(row, c) for c in grid.columns] + [(row, TOTAL)]]
    across = [[(r, c) for c in grid.columns] + [(r, TOTAL)] for r in [*grid.rows, TOTAL]]
    down = [[(r, c) for r in grid.rows] + [(TOTAL, c)] for c in [*grid.columns, TOTAL]]
    return across + down


def suppress(rows: Sequence[Hashable], columns: Sequence[Hashable], counts: dict[tuple[Hashable, Hashable], int],
             threshold: int = THRESHOLD) -> Grid:
    """The grid with every count under `threshold` hidden, and enough others hidden that none can be recovered."""
    grid = Grid(list(rows), list(columns), {(r, c): counts.get((r, c), 0) for r in rows for c in columns}, set())
    lines = _lines(grid)
    every = {cell for line in lines for cell in line} | set(grid.counts)
    grid.hidden = {cell for cell in every if grid.value(*cell) < threshold}
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = [cell for cell in line if cell in grid.hidden]
            if len(hidden) != 1:
                continue
            candidates = [cell for cell in line if cell not in grid.hidden]
            if not candidates:
                continue
            # Hide the smallest other count, preferring an inner count to a total.
            smallest = min(candidates, key=lambda cell: (TOTAL in cell, grid.value(*cell), str(cell)))
            grid.hidden.add(smallest)
            changed = True
    return grid


def suppress_counts(counts: dict[Hashable, int], threshold: int = THRESHOLD) -> tuple[dict[Hashable, str], str]:
    """One breakdown with its total: each count as it may be shown, and the total as it may be shown."""
    keys = list(counts)
    grid = suppress(["all"], keys, {("all", k): v for k, v in counts.items()}, threshold)
    return {k: grid.shown("all", k) for k in keys}, grid.shown("all", TOTAL)
