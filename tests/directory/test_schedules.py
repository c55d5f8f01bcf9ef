"""Opening hours are judged on London's clock, summer and winter, including overnight and monthly sessions."""

from datetime import UTC, date, datetime

from directory.schedules import is_open, runs_on, sessions_on

WEEKDAYS_9_TO_5 = [{"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": "09:00", "closes_at": "17:00"}]


def test_open_now_uses_british_summer_time() -> None:
    # 08:30 UTC on Wednesday 15 July 2026 is 09:30 in London.
    assert is_open(WEEKDAYS_9_TO_5, datetime(2026, 7, 15, 8, 30, tzinfo=UTC))


def test_open_now_uses_greenwich_mean_time_in_winter() -> None:
    # 08:30 UTC on Wednesday 14 January 2026 is 08:30 in London: not yet open.
    assert not is_open(WEEKDAYS_9_TO_5, datetime(2026, 1, 14, 8, 30, tzinfo=UTC))
    assert is_open(WEEKDAYS_9_TO_5, datetime(2026, 1, 14, 9, 0, tzinfo=UTC))


def test_closed_at_closing_time_and_at_weekends() -> None:
    assert not is_open(WEEKDAYS_9_TO_5, datetime(2026, 1, 14, 17, 0, tzinfo=UTC))
    assert not is_open(WEEKDAYS_9_TO_5, datetime(2026, 1, 17, 12, 0, tzinfo=UTC))  # a Saturday


def test_a_session_past_midnight_is_open_in_the_small_hours_of_the_next_day() -> None:
    night_shelter = [{"byday": "FR", "opens_at": "20:00", "closes_at": "02:00"}]
    assert is_open(night_shelter, datetime(2026, 1, 16, 23, 0, tzinfo=UTC))  # Friday night
    assert is_open(night_shelter, datetime(2026, 1, 17, 1, 30, tzinfo=UTC))  # Saturday 01:30
    assert not is_open(night_shelter, datetime(2026, 1, 17, 3, 0, tzinfo=UTC))


def test_a_round_the_clock_line_is_always_open() -> None:
    crisis_line = [{"byday": "MO,TU,WE,TH,FR,SA,SU", "opens_at": "00:00", "closes_at": "23:59"}]
    assert is_open(crisis_line, datetime(2026, 1, 17, 23, 59, 30, tzinfo=UTC))
    assert is_open(crisis_line, datetime(2026, 1, 18, 0, 0, tzinfo=UTC))


def test_monthly_sessions_on_the_first_monday_and_the_last_friday() -> None:
    first_monday = {"freq": "MONTHLY", "byday": "1MO"}
    assert runs_on(first_monday, date(2026, 2, 2)) and not runs_on(first_monday, date(2026, 2, 9))
    last_friday = {"freq": "MONTHLY", "byday": "-1FR"}
    assert runs_on(last_friday, date(2026, 1, 30)) and not runs_on(last_friday, date(2026, 1, 23))


def test_schedules_outside_their_valid_dates_do_not_count() -> None:
    pop_up = [{"byday": "SA", "opens_at": "10:00", "closes_at": "13:00", "valid_from": "2026-03-01",
               "valid_to": "2026-03-31"}]
    assert sessions_on(pop_up, date(2026, 3, 7)) and not sessions_on(pop_up, date(2026, 4, 4))


def test_a_change_to_the_usual_times_replaces_them_on_the_days_it_covers() -> None:
    christmas = {"dtstart": "2026-12-24", "until": "2026-12-27", "description": "Closed for Christmas"}
    late_opening = {"dtstart": "2026-12-30", "opens_at": "12:00", "closes_at": "20:00"}
    hours = [*WEEKDAYS_9_TO_5, christmas, late_opening]
    assert not is_open(hours, datetime(2026, 12, 24, 10, 0, tzinfo=UTC))  # a Thursday, usually open
    assert is_open(hours, datetime(2026, 12, 28, 10, 0, tzinfo=UTC))  # the Monday after: usual hours again
    assert not is_open(hours, datetime(2026, 12, 30, 10, 0, tzinfo=UTC))
    assert is_open(hours, datetime(2026, 12, 30, 19, 0, tzinfo=UTC))
    assert sessions_on(hours, date(2026, 12, 30)) == sessions_on([late_opening], date(2026, 12, 30))
    assert runs_on(christmas, date(2026, 12, 27)) and not runs_on(christmas, date(2026, 12, 28))
