"""No count under 5 is shown, and none can be worked out from the totals beside it."""

import itertools

from surveys.privacy import HIDDEN, SUPPRESSED, TOTAL, suppress, suppress_counts


def test_a_small_count_is_hidden_and_so_is_another_so_the_total_does_not_give_it_away() -> None:
    shown, total = suppress_counts({"Yes": 40, "No": 12, "Not sure": 3})
    assert shown == {"Yes": "40", "No": HIDDEN, "Not sure": SUPPRESSED} and total == "55"


def test_nothing_is_hidden_when_every_count_is_five_or_more() -> None:
    assert suppress_counts({"Yes": 5, "No": 7}) == ({"Yes": "5", "No": "7"}, "12")


def test_a_total_under_five_hides_everything() -> None:
    shown, total = suppress_counts({"Yes": 3, "No": 1})
    assert set(shown.values()) == {SUPPRESSED} and total == SUPPRESSED


def test_a_breakdown_by_neighbourhood_cannot_be_solved_for_a_hidden_count() -> None:
    rows, columns = ["n1", "n2", "n3"], ["Yes", "No"]
    counts = {("n1", "Yes"): 30, ("n1", "No"): 2, ("n2", "Yes"): 25, ("n2", "No"): 20, ("n3", "Yes"): 9,
              ("n3", "No"): 11}
    grid = suppress(rows, columns, counts)
    assert grid.shown("n1", "No") == SUPPRESSED
    every_row, every_column = [*rows, TOTAL], [*columns, TOTAL]
    for line in [[(r, c) for c in every_column] for r in every_row] + [[(r, c) for r in every_row]
                                                                       for c in every_column]:
        assert sum(cell in grid.hidden for cell in line) != 1, line  # never exactly one unknown in a sum


def test_suppression_holds_for_every_small_table() -> None:
    """Exhaustively, for 2x2 tables of counts 0..7: no line is left with a single hidden figure."""
    for values in itertools.product(range(0, 8, 3), repeat=4):
        counts = dict(zip([("a", "x"), ("a", "y"), ("b", "x"), ("b", "y")], values, strict=True))
        grid = suppress(["a", "b"], ["x", "y"], counts)
        for (r, c), n in counts.items():
            assert n >= 5 or grid.shown(r, c) == SUPPRESSED
            assert n < 5 or grid.shown(r, c) in (str(n), HIDDEN)
        for line in ([("a", "x"), ("a", "y"), ("a", TOTAL)], [("b", "x"), ("b", "y"), ("b", TOTAL)],
                     [(TOTAL, "x"), (TOTAL, "y"), (TOTAL, TOTAL)], [("a", "x"), ("b", "x"), (TOTAL, "x")],
                     [("a", "y"), ("b", "y"), (TOTAL, "y")], [("a", TOTAL), ("b", TOTAL), (TOTAL, TOTAL)]):
            assert sum(cell in grid.hidden for cell in line) != 1, (values, line)
