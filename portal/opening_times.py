"""Opening times in the resident's language: rows for a listing page, a line for a card, and the answer to
"when is it open?" that the assistant gives."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from directory.schedules import DAY_CODES, LONDON, exception_dates, is_exception, is_open, next_opening, sessions_on
from portal.i18n import Translator

_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}


def _day_label(token: str, t: Translator) -> tuple[int, str]:
    code, ordinal = token[-2:], token[:-2]
    index = DAY_CODES.index(code)
    if not ordinal:
        return index, t.weekday(index)
    which = {
        "first": t.gettext("first"), "second": t.gettext("second"), "third": t.gettext("third"),
        "fourth": t.gettext("fourth"), "last": t.gettext("last"),
    }[_ORDINALS.get(int(ordinal), "first")]
    return index, t.gettext("%(day)s (the %(which)s one in the month)") % {"day": t.weekday(index), "which": which}


def sessions(schedules: list[dict[str, Any]], t: Translator) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """(day, opening hours) rows in Monday-to-Sunday order, and any notes the service wrote."""
    rows: dict[tuple[int, str], list[str]] = {}
    notes: list[str] = []
    for schedule in schedules:
        if is_exception(schedule):
            continue
        days = [d.strip() for d in (schedule.get("byday") or "").split(",") if d.strip()]
        if schedule.get("opens_at") and schedule.get("closes_at"):
            hours = f"{t.time(schedule['opens_at'])}–{t.time(schedule['closes_at'])}"
            for token in days:
                if token[-2:] in DAY_CODES:
                    rows.setdefault(_day_label(token, t), []).append(hours)
        if schedule.get("description") and schedule["description"] not in notes:
            notes.append(schedule["description"])
    return [(label, hours) for (_, label), hours in sorted(rows.items())], notes


def changes(schedules: list[dict[str, Any]], t: Translator, today: date) -> list[tuple[str, str, str]]:
    """Coming changes to the usual times, soonest first: (dates, hours or "Closed", the service's note)."""
    found = []
    for schedule in schedules:
        if not is_exception(schedule):
            continue
        first, last = exception_dates(schedule)
        if last < today:
            continue
        when = t.date(first) if first == last else f"{t.date(first)} – {t.date(last)}"
        if schedule.get("opens_at") and schedule.get("closes_at"):
            hours = f"{t.time(schedule['opens_at'])}–{t.time(schedule['closes_at'])}"
        else:
            hours = t.gettext("Closed")
        found.append((first, when, hours, schedule.get("description") or ""))
    return [(when, hours, note) for _, when, hours, note in sorted(found, key=lambda item: item[0])]


def _hours(found: list[tuple[time, time]], t: Translator) -> str:
    return ", ".join(f"{t.time(opens)}–{t.time(closes)}" for opens, closes in found)


def _all_day(found: list[tuple[time, time]]) -> bool:
    return any(opens == time(0) and closes >= time(23, 59) for opens, closes in found)


def open_all_week(schedule_list: list[dict[str, Any]], today: date) -> bool:
    """Open round the clock on each of the next seven days: a 24-hour line."""
    return all(_all_day(sessions_on(schedule_list, today + timedelta(days=ahead))) for ahead in range(7))


def today_line(schedule_list: list[dict[str, Any]], t: Translator, now: datetime) -> str | None:
    """A listing's hours today for a card: "Open 24 hours", "Open today 10:00–14:00", or None if closed."""
    found = sessions_on(schedule_list, now.astimezone(LONDON).date())
    if _all_day(found):
        return t.gettext("Open 24 hours")
    return t.gettext("Open today %(hours)s") % {"hours": _hours(found, t)} if found else None


def opens_at(when: datetime, t: Translator, now: datetime) -> str:
    """"Opens tomorrow at 10:00", said from `now`'s day; a day a week or more ahead is given by its date."""
    days = (when.date() - now.astimezone(LONDON).date()).days
    clock = t.time(when.time())
    if days == 0:
        return t.gettext("Opens today at %(time)s") % {"time": clock}
    if days == 1:
        return t.gettext("Opens tomorrow at %(time)s") % {"time": clock}
    day = t.weekday(when.weekday()) if days < 7 else t.date(when.date())
    return t.gettext("Opens %(day)s at %(time)s") % {"day": day, "time": clock}


def week(schedule_list: list[dict[str, Any]], t: Translator) -> list[str]:
    """The usual week, days in a row with the same hours run together: "Monday–Friday: 09:00–17:00"."""
    rows, _notes = sessions(schedule_list, t)
    weekdays = [t.weekday(i) for i in range(7)]
    lines: list[tuple[str, str, str]] = []  # (first day, last day, hours)
    for label, hours in rows:
        said = ", ".join(hours)
        if lines and label in weekdays and lines[-1][1] in weekdays and lines[-1][2] == said \
                and weekdays.index(label) == weekdays.index(lines[-1][1]) + 1:
            lines[-1] = (lines[-1][0], label, said)
        else:
            lines.append((label, label, said))
    return [f"{first}: {said}" if first == last else f"{first}–{last}: {said}" for first, last, said in lines]


def when_open(schedule_list: list[dict[str, Any]], t: Translator, now: datetime, day: date | None = None) -> list[str]:
    """The answer to "when is it open?" (on `day`, or today): that day's hours, the next opening if it is
    closed then, changes to the usual hours coming up, and the usual week."""
    now = now.astimezone(LONDON)
    today = now.date()
    if not schedule_list:
        return [t.gettext("They have not told us their opening times. Call them to ask.")]
    if open_all_week(schedule_list, day or today):
        return [t.gettext("Open 24 hours, every day.")]
    target = day or today
    found = sessions_on(schedule_list, target)
    which = 0 if target == today else 1 if target == today + timedelta(days=1) else 2
    name = t.weekday(target.weekday()) if (target - today).days < 7 else t.date(target)
    if _all_day(found):
        lines = [t.gettext("Open 24 hours on %(day)s.") % {"day": name}]
    elif found:
        lines = [(t.gettext("Open today: %(hours)s."), t.gettext("Open tomorrow: %(hours)s."),
                  t.gettext("Open on %(day)s: %(hours)s."))[which] % {"day": name, "hours": _hours(found, t)}]
    else:
        lines = [(t.gettext("Closed today."), t.gettext("Closed tomorrow."),
                  t.gettext("Closed on %(day)s."))[which] % {"day": name}]
    if which == 0 and is_open(schedule_list, now):
        lines.insert(0, t.gettext("Open now."))
    else:
        start = now if which == 0 else datetime.combine(target, time(0), tzinfo=LONDON)
        after = next_opening(schedule_list, start)
        if after is not None and not (found and after.date() == target):
            lines.append(opens_at(after, t, now))
    lines += [t.gettext("Change to the usual hours, %(dates)s: %(hours)s") % {"dates": when, "hours": hours}
              for when, hours, _note in changes(schedule_list, t, today)[:3]]
    return lines + week(schedule_list, t)
