"""Working days as the partnership keeps them: Monday to Friday in London, not on a bank holiday in England and
Wales (from the `holidays` package, so next year's are known without anyone typing them in)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    england = holidays.country_holidays("GB", subdiv="ENG", years=year)
    wales = holidays.country_holidays("GB", subdiv="WLS", years=year)
    return frozenset(england) | frozenset(wales)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def london_day(moment: str | datetime) -> date:
    """The date in London of an ISO moment (stored in UTC): a referral sent at 23:30 BST is the next day's."""
    at = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return at.astimezone(LONDON).date()


def working_days_between(start: date, end: date) -> int:
    """Whole working days after `start` up to and including `end` (0 when end is not after start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count
