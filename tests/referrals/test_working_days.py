"""Working days skip weekends and the bank holidays of England and Wales, in London time."""

from datetime import date

from referrals.working_days import is_working_day, london_day, working_days_between


def test_weekends_and_bank_holidays_are_not_working_days() -> None:
    assert is_working_day(date(2026, 12, 7))  # a Monday
    assert not is_working_day(date(2026, 12, 12))  # a Saturday
    assert not is_working_day(date(2026, 12, 25))  # Christmas Day
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day falls on a Saturday: the Monday after instead
    assert not is_working_day(date(2027, 3, 26))  # Good Friday 2027
    assert not is_working_day(date(2026, 8, 31))  # summer bank holiday (England and Wales, not Scotland's)


def test_working_days_are_counted_after_the_first_day() -> None:
    assert working_days_between(date(2026, 12, 7), date(2026, 12, 7)) == 0
    assert working_days_between(date(2026, 12, 11), date(2026, 12, 14)) == 1  # Friday to Monday
    # Christmas Eve (Thursday) to the Tuesday after: Friday 25th, Monday 28th off; Tuesday 29th counts.
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 29)) == 1


def test_the_day_is_londons() -> None:
    assert london_day("2026-06-30T23:30:00+00:00") == date(2026, 7, 1)  # 00:30 BST
    assert london_day("2026-12-31T23:30:00+00:00") == date(2026, 12, 31)  # GMT in winter
