"""Opening times laid out for a listing page: one row per day, in the resident's language."""

from __future__ import annotations

from datetime import date
from typing import Any

from directory.schedules import DAY_CODES, exception_dates, is_exception
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
