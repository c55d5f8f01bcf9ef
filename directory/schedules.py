"""Opening hours from Open Referral schedules, always judged in Europe/London time.

A resident asking "open now" at 23:30 in British Summer Time means London's clock, not UTC's,
so every check converts to London first.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

Schedule = dict[str, Any]


def london_now() -> datetime:
    return datetime.now(LONDON)


def london_today() -> date:
    """Today's date in the borough: what "opens on", "checked on" and "answered in" mean, wherever the server is."""
    return london_now().date()


def _clock(value: str | None) -> time | None:
    if not value:
        return None
    parts = [int(p) for p in str(value).split(":")]
    return time(*parts[:3])


def _valid_on(schedule: Schedule, day: date) -> bool:
    for key, after in (("valid_from", True), ("valid_to", False)):
        value = schedule.get(key)
        if not value:
            continue
        try:
            bound = date.fromisoformat(str(value)[:10])
        except ValueError:
            continue
        if (after and day < bound) or (not after and day > bound):
            return False
    return True


def _nth_weekday_matches(token: str, day: date) -> bool:
    """'MO' any Monday; '1MO' the first Monday of the month; '-1FR' the last Friday."""
    code = token[-2:]
    if DAY_CODES[day.weekday()] != code:
        return False
    ordinal = token[:-2]
    if not ordinal:
        return True
    n = int(ordinal)
    if n > 0:
        return (day.day - 1) // 7 + 1 == n
    next_month = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return (next_month - day).days <= 7 * -n and (next_month - day).days > 7 * (-n - 1)


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def is_exception(schedule: Schedule) -> bool:
    """A change to the usual hours on some dates (a holiday closure, a special session).

    Open Referral has no separate object for these, so the directory writes them as schedules with a
    first date (`dtstart`), an optional last date (`until`) and no repeat rule; with no times, closed.
    """
    return not schedule.get("freq") and not schedule.get("byday") and _day(schedule.get("dtstart")) is not None


def exception_dates(schedule: Schedule) -> tuple[date, date]:
    first = _day(schedule.get("dtstart")) or date.min
    return first, max(first, _day(schedule.get("until")) or first)


def runs_on(schedule: Schedule, day: date) -> bool:
    """Whether the schedule has a session on this calendar day."""
    if is_exception(schedule):
        first, last = exception_dates(schedule)
        return first <= day <= last
    if not _valid_on(schedule, day):
        return False
    freq = (schedule.get("freq") or "WEEKLY").upper()
    byday = [t.strip().upper() for t in str(schedule.get("byday") or "").split(",") if t.strip()]
    if freq == "MONTHLY":
        monthdays = [int(d) for d in str(schedule.get("bymonthday") or "").split(",") if d.strip()]
        if monthdays and day.day in monthdays:
            return True
        return any(_nth_weekday_matches(t, day) for t in byday)
    if not byday:
        return True
    return DAY_CODES[day.weekday()] in {t[-2:] for t in byday}


def sessions_on(schedules: list[Schedule], day: date) -> list[tuple[time, time]]:
    """Opening and closing times on a day, earliest first; a session may run past midnight.

    On a day an exception covers, only the exceptions' times count: no times means closed that day.
    """
    changed = [s for s in schedules if is_exception(s) and runs_on(s, day)]
    found = []
    for schedule in changed or [s for s in schedules if not is_exception(s)]:
        opens, closes = _clock(schedule.get("opens_at")), _clock(schedule.get("closes_at"))
        if opens is not None and closes is not None and runs_on(schedule, day):
            found.append((opens, closes))
    return sorted(found)


def _inside(opens: time, closes: time, moment: time) -> bool:
    if closes == time(23, 59):
        return moment >= opens
    if closes > opens:
        return opens <= moment < closes
    return moment >= opens  # runs past midnight; the morning part is checked on the next day


def is_open(schedules: list[Schedule], at: datetime | None = None) -> bool:
    """Whether any schedule is open at this moment, London time."""
    moment = (at or london_now()).astimezone(LONDON)
    today, clock = moment.date(), moment.time()
    if any(_inside(o, c, clock) for o, c in sessions_on(schedules, today)):
        return True
    yesterday = today - timedelta(days=1)
    return any(c < o and clock < c for o, c in sessions_on(schedules, yesterday))


def next_opening(schedules: list[Schedule], at: datetime | None = None, days: int = 14) -> datetime | None:
    """When the service next opens after `at` (London time), within `days`; None if not in that time."""
    moment = (at or london_now()).astimezone(LONDON)
    for ahead in range(days + 1):
        day = moment.date() + timedelta(days=ahead)
        for opens, _closes in sessions_on(schedules, day):
            start = datetime.combine(day, opens, tzinfo=LONDON)
            if start > moment:
                return start
    return None


def weekly(text: str) -> list[Schedule]:
    """Schedules from a short setting, "MO,TU,WE,TH,FR 09:00-17:00; SA 10:00-13:00", as Open Referral holds them.

    Raises ValueError for anything else, so a mistyped setting stops the portal starting, not a resident.
    """
    found = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        days, _, hours = part.partition(" ")
        opens, _, closes = hours.strip().partition("-")
        codes = [d.strip().upper() for d in days.split(",")]
        if not codes or any(c not in DAY_CODES for c in codes) or _clock(opens) is None or _clock(closes) is None:
            raise ValueError(f"not days and hours like 'MO,TU 09:00-17:00': {part!r}")
        found.append({"freq": "WEEKLY", "byday": ",".join(codes), "opens_at": opens.strip(),
                      "closes_at": closes.strip()})
    return found
