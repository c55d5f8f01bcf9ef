"""Whatever a stranger typed, an exported cell shows it as text: it never runs as a formula and holds no
control character a workbook would refuse."""

from hypothesis import example, given
from hypothesis import strategies as st

from directory.spreadsheets import FORMULA_STARTS, cell
from directory.text import clean

FORMULA_LIKE = st.builds(lambda space, start, rest: space + start + rest, st.sampled_from(["", " ", "\t", "\r\n"]),
                         st.sampled_from(FORMULA_STARTS), st.text())


@given(st.one_of(st.text(), FORMULA_LIKE))
@example("'")  # an apostrophe alone is text already
@example("\x00=1")  # a control character before a formula does not hide it
def test_text_in_a_cell_cannot_run_and_keeps_every_printable_character(text: str) -> None:
    shown = cell(text)
    assert isinstance(shown, str)
    assert shown.lstrip(" \t\n")[:1] not in FORMULA_STARTS
    runs = clean(text).lstrip(" \t\n")[:1] in FORMULA_STARTS
    assert shown == ("'" + clean(text) if runs else clean(text))  # an apostrophe only where one is needed
    assert not any(ord(c) < 32 and c not in "\t\n" for c in shown)


@given(st.one_of(st.integers(), st.floats(allow_nan=False)))
def test_numbers_stay_numbers(number: float) -> None:
    assert cell(number) == number


def test_a_formula_after_spaces_or_in_full_width_letters_is_still_text() -> None:
    assert cell("  =1+1") == "'  =1+1" and cell("\uff1dSUM(A1)") == "'\uff1dSUM(A1)"
    assert cell("-5 degrees") == "'-5 degrees" and cell("a = b") == "a = b"


@given(st.text())
def test_cleaning_keeps_tabs_and_line_breaks_and_nothing_else_that_controls(text: str) -> None:
    cleaned = clean(text)
    assert "\r" not in cleaned
    assert all(ord(c) >= 32 or c in "\t\n" for c in cleaned)
    assert all(c in text for c in cleaned if c != "\n")
