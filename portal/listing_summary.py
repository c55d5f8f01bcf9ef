"""A listing's answers said the way its editor wrote them, in the reader's language: for "check your answers"
and for the moderator's comparison ("Closed 24–26 December: Christmas", not "schedules 2: first date").

Each row belongs to a section of the form and has a label the form uses, so an editor recognises it and a
moderator sees what changed in the editor's own terms. The one-page form's answers (portal/listing_form.py)
are the input, whether they came from a draft or from a stored listing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_interval

from directory.messages import N_
from directory.taxonomy import CATEGORIES, NEIGHBOURHOODS
from portal import listing_form, opening_times
from portal.i18n import Translator
from portal.languages import LANGUAGES

STATUS = {"active": N_("Yes, it is running"), "temporarily closed": N_("Closed for now"),
          "inactive": N_("Not running at the moment"), "defunct": N_("Closed for good")}
# (section, answer, label): the order and the labels of the form itself.
TEXTS = (
    ("about", "name", N_("Name")), ("about", "alternate_name", N_("Other name (optional)")),
    ("about", "description", N_("What it does")), ("about", "status", N_("Is it running?")),
    ("about", "alert", N_("Notice to residents (optional)")),
    ("who", "eligibility_description", N_("Who can use it")), ("who", "minimum_age", N_("Youngest age (optional)")),
    ("who", "maximum_age", N_("Oldest age (optional)")), ("who", "application_process", N_("How to start using it")),
    ("who", "accreditations", N_("Accreditations (optional)")), ("cost", "fees", N_("What it costs")),
    ("contact", "url", N_("Website")), ("contact", "email", N_("Email address")),
    ("languages", "other_languages", N_("Other languages")),
)
TRANSLATED_LABELS = {"name": N_("Name"), "description": N_("What it does"), "eligibility": N_("Who can use it"),
                     "how_to_start": N_("How to start using it"), "fees": N_("What it costs"),
                     "hours_notes": N_("Notes on opening times"), "transportation": N_("How to get there"),
                     "access": N_("Accessibility")}


@dataclass(frozen=True)
class Row:
    section: str
    key: str  # the same thing in two listings has the same key, so they can be compared
    label: str  # in the reader's language
    lines: tuple[str, ...]  # empty when nothing is answered
    lang: str = "en"  # the language the answer is written in: the editor's English, a translation's own, or the
    # reader's for answers chosen from a list (days, categories) and said in their words


def _interval(first: date, last: date | None, t: Translator) -> str:
    if last is None or last == first:
        return t.date(first)
    return format_interval(first, last, "yMMMMd", locale=t.locale)


def _times(values: dict[str, Any], t: Translator) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The usual week ("Monday–Friday: 09:00–17:00") and the changes to it ("Closed 24–26 December 2026:
    Christmas"), from the form's rows as the listing would store them."""
    schedules = listing_form.schedule_records(values)
    week = opening_times.week(schedules, t)
    _, notes = opening_times.sessions(schedules, t)
    usual = tuple(week + [note for note in notes if note])
    changes = []
    for row in values.get("exceptions") or []:
        try:
            first = date.fromisoformat(row["from"].strip())
        except ValueError:
            changes.append(" ".join(part for part in (row["from"], row["to"], row["description"]) if part))
            continue
        try:
            last = date.fromisoformat(row["to"].strip()) if row["to"].strip() else None
        except ValueError:
            last = None
        when = _interval(first, last, t)
        opens, closes = listing_form.read_time(row["opens_at"]), listing_form.read_time(row["closes_at"])
        said = (t.gettext("Open %(dates)s, %(hours)s") % {"dates": when, "hours": f"{t.time(opens)}–{t.time(closes)}"}
                if opens and closes else t.gettext("Closed %(dates)s") % {"dates": when})
        changes.append(f"{said}: {row['description'].strip()}" if row["description"].strip() else said)
    return usual, tuple(changes)


def _named(codes: list[str], names: dict[str, str], t: Translator) -> tuple[str, ...]:
    return tuple(t.gettext(names[code]) if code in names else code for code in codes)


def rows(values: dict[str, Any], t: Translator) -> list[Row]:
    """Every answer as the editor would read it back, in the form's order."""
    out = []
    categories = {c.code: c.name for c in CATEGORIES}
    areas = {"borough": N_("Anywhere in Lewisham"), **{n.code: n.name for n in NEIGHBOURHOODS}}
    for section, key, label in TEXTS[:5]:
        chosen = key == "status" and values.get(key) in STATUS
        shown = t.gettext(STATUS[values[key]]) if chosen else values.get(key)
        out.append(Row(section, key, t.gettext(label), (str(shown).strip(),) if str(shown or "").strip() else (),
                       t.code if chosen else "en"))
    out.append(Row("about", "categories", t.gettext(N_("What kinds of help it gives")),
                   _named(values.get("categories") or [], categories, t), t.code))
    out.append(Row("about", "areas", t.gettext(N_("Where residents can use it")),
                   _named(values.get("areas") or [], areas, t), t.code))
    for section, key, label in TEXTS[5:11]:
        text = str(values.get(key) or "").strip()
        out.append(Row(section, key, t.gettext(label), (text,) if text else ()))
    out.append(Row("cost", "costs", t.gettext(N_("Prices")), tuple(
        ": ".join(part for part in (row["option"].strip(), f"£{row['amount'].strip()}" if row["amount"].strip()
                                    else "", row["amount_description"].strip()) if part)
        for row in values.get("costs") or [])))
    usual, changes = _times(values, t)
    out.append(Row("times", "schedules", t.gettext(N_("Opening times")), usual, t.code))
    out.append(Row("times", "exceptions", t.gettext(N_("Changes to the usual times")), changes, t.code))
    out.append(Row("places", "locations", t.gettext(N_("Where it is")), tuple(
        ". ".join(part for part in (", ".join(p for p in (row["name"], row["address_1"], row["address_2"], row["city"],
                                                          row["postcode"]) if p.strip()),
                                    row["transportation"].strip(), row["access"].strip(),
                                    row["access_details"].strip()) if part)
        for row in values.get("locations") or [])))
    for section, key, label in TEXTS[11:13]:
        text = str(values.get(key) or "").strip()
        out.append(Row(section, key, t.gettext(label), (text,) if text else ()))
    out.append(Row("contact", "phones", t.gettext(N_("Phone numbers")), tuple(
        f"{row['number'].strip()} ({row['description'].strip()})" if row["description"].strip()
        else row["number"].strip() for row in values.get("phones") or [])))
    out.append(Row("contact", "contacts", t.gettext(N_("Contact people or teams")), tuple(
        ", ".join(p.strip() for p in (row["name"], row["title"], row["email"], row["phone"]) if p.strip())
        for row in values.get("contacts") or [])))
    spoken = dict(listing_form.SPOKEN)
    out.append(Row("languages", "languages", t.gettext(N_("Languages spoken by staff or volunteers")),
                   tuple(t.language_name(code, spoken.get(code, code)) for code in values.get("languages") or []),
                   t.code))
    section, key, label = TEXTS[13]
    text = str(values.get(key) or "").strip()
    out.append(Row(section, key, t.gettext(label), (text,) if text else ()))
    for language in LANGUAGES[1:]:
        for part, label in TRANSLATED_LABELS.items():
            text = str(values.get(f"tr-{language.code}-{part}") or "").strip()
            if text:
                out.append(Row("translations", f"tr-{language.code}-{part}",
                               f"{language.own_name}: {t.gettext(label)}", (text,), language.code))
    return out


@dataclass(frozen=True)
class Difference:
    label: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    lang: str


def differences(before: dict[str, Any] | None, after: dict[str, Any], t: Translator) -> list[Difference]:
    """What an editor changed, answer by answer, in the reader's language."""
    old = {row.key: row for row in rows(before, t)} if before is not None else {}
    out = []
    for row in rows(after, t):
        was = old.pop(row.key, None)
        before_lines = was.lines if was else ()
        if before_lines != row.lines:
            out.append(Difference(row.label, before_lines, row.lines, row.lang))
    out += [Difference(row.label, row.lines, (), row.lang) for row in old.values() if row.lines]
    return out

