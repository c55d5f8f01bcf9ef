"""Row-level exports never pick out fewer than 5 people: checked exhaustively on every survey of up to 6 people
answering three questions about themselves and one choice (16 kinds of person), and on random ones of up to 40."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.anonymity import AT_LEAST, WITHHELD, protect, smallest_group

HEADER = ["language", "age", "area", "choice", "words"]
QUASI = [0, 1, 2, 3]
VALUES = (["en", "ar"], ["18-24", "75+"], ["n1", "n2"], ["yes", "I go without"])


def _check(rows: list[list[str]]) -> None:
    kept = protect(rows, HEADER, QUASI)
    assert len(kept.rows) == len(rows)
    assert [row[4] for row in kept.rows] == [row[4] for row in rows]  # the words are never withheld
    smallest = smallest_group(kept.rows, QUASI)
    assert smallest is None or smallest >= AT_LEAST
    for before, after in zip(rows, kept.rows, strict=True):  # only withheld, never changed into something else
        assert all(a in (b, WITHHELD) for a, b in zip(after, before, strict=True))
    assert sum(kept.withheld_cells.values()) == sum(cell == WITHHELD for row in kept.rows for cell in row)


def test_every_small_survey_of_alike_people_is_checked_exhaustively() -> None:
    people = [list(p) for p in itertools.product(*VALUES)]  # 16 kinds of person
    for size in range(1, 7):  # every group of up to 6 people from the 16 kinds
        for group in itertools.combinations_with_replacement(range(len(people)), size):
            _check([[*people[i], f"words {n}"] for n, i in enumerate(group)])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(*(st.sampled_from(v) for v in VALUES)), min_size=0, max_size=40))
def test_any_survey_keeps_every_combination_to_at_least_5_people(people: list[tuple[str, ...]]) -> None:
    _check([[*person, f"words {n}"] for n, person in enumerate(people)])


def test_one_arabic_speaker_over_75_who_goes_without_is_not_picked_out() -> None:
    rows = [["en", "18-24", "n1", "yes", ""]] * 9 + [["ar", "75+", "n1", "I go without", "No food since Friday"]]
    kept = protect([list(r) for r in rows], HEADER, QUASI)
    last = kept.rows[-1]
    assert last[4] == "No food since Friday" and "ar" not in last and "75+" not in last
    assert kept.withheld_cells["language"] >= 1
