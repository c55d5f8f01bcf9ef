"""The listing form: an Open Referral UK record laid out as form answers, and answers read back into a record.

Editors think in "opening times" and "where it is", not in schedules and service_at_locations, so each
group of nested objects becomes rows of plain answers. Reading answers back checks every one and keeps
whatever was typed, so a form with a mistake comes back with the mistake marked and nothing lost.
Fields the form does not show (ids, links, other taxonomies) are carried over from the live listing.
"""

from __future__ import annotations

import copy
import re
import uuid
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from directory import postcodes, schema
from directory.messages import N_, FieldError
from directory.schedules import DAY_CODES, is_exception
from directory.services import Record
from directory.taxonomy import BOROUGH_WIDE, CATEGORIES, CATEGORY_TAXONOMY, NEIGHBOURHOODS, neighbourhood_by_name
from directory.translations import FIELDS as TRANSLATED_FIELDS
from directory.translations import KEY as TRANSLATIONS
from portal.languages import LANGUAGES

Values = dict[str, Any]
Problems = list[FieldError]

TEXT_FIELDS = ("name", "alternate_name", "description", "alert", "url", "email", "application_process",
               "eligibility_description", "fees", "accreditations", "minimum_age", "maximum_age", "status")
TRANSLATED = ("name", "description", *TRANSLATED_FIELDS)  # what an editor can write in each language
LONG = 5000
SHORT = 300
WEEKS = ("", "1", "2", "3", "4", "-1")  # every week, or the first..fourth or last one in the month
# The languages most spoken in Lewisham after English (2021 census), by code, for tick boxes; others are typed.
SPOKEN: tuple[tuple[str, str], ...] = (
    ("en", "English"), ("bsl", "British Sign Language"), ("pl", "Polish"), ("pt", "Portuguese"),
    ("es", "Spanish"), ("tr", "Turkish"), ("so", "Somali"), ("fr", "French"), ("ar", "Arabic"),
    ("bn", "Bengali"), ("yo", "Yoruba"), ("tw", "Twi"), ("ta", "Tamil"), ("vi", "Vietnamese"),
    ("ur", "Urdu"), ("zh", "Chinese"), ("lt", "Lithuanian"), ("ro", "Romanian"),
)
GROUPS: dict[str, tuple[str, ...]] = {
    "schedules": ("days", "week", "opens_at", "closes_at", "description"),
    "exceptions": ("from", "to", "opens_at", "closes_at", "description"),
    "locations": ("name", "address_1", "address_2", "city", "postcode", "transportation", "access",
                  "access_details"),
    "phones": ("number", "description"),
    "contacts": ("name", "title", "email", "phone"),
    "costs": ("option", "amount", "amount_description"),
}
_LISTS = {"days"}  # row answers that are ticked boxes, not text
# Times as people write them: 9, 9am, 12pm, 4.30pm, 4:30 p.m., 09:30, 1730, noon.
_TIME = re.compile(r"^(\d{1,2})(?:[:.h]?([0-5]\d))?(am|pm)?$")
_PHONE = re.compile(r"^\+?[\d\s()-]{6,20}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# What the error summary calls a box in a row: "Opening times 2, Closes", as the form's own labels say it.
ROW_LABELS = {"schedules": N_("Opening times %(n)s"), "exceptions": N_("Change %(n)s"), "locations": N_("Place %(n)s"),
              "costs": N_("Price %(n)s"), "contacts": N_("Contact person or team %(n)s"),
              "phones": N_("Phone number %(n)s")}
BOX_LABELS = {("schedules", "days"): N_("Days"), ("schedules", "opens_at"): N_("Opens"),
              ("schedules", "closes_at"): N_("Closes"), ("exceptions", "from"): N_("From"),
              ("exceptions", "to"): N_("To (optional)"), ("exceptions", "opens_at"): N_("Opens"),
              ("exceptions", "closes_at"): N_("Closes"), ("locations", "postcode"): N_("Postcode"),
              ("locations", "name"): N_("Name of the place"), ("locations", "address_1"): N_("Building and street"),
              ("contacts", "email"): N_("Email address"), ("contacts", "phone"): N_("Phone number"),
              ("costs", "amount"): N_("Amount in pounds")}


def box_place(field: str, gettext: Callable[[str], str]) -> str | None:
    """Where a box in a row is, in words ("Opening times 2, Closes"); None for a box not in a row."""
    found = re.match(r"^([a-z_]+)-(\d+)-([a-z_]+)$", field)
    if not found or found[1] not in ROW_LABELS:
        return None
    row = gettext(ROW_LABELS[found[1]]) % {"n": int(found[2]) + 1}
    box = BOX_LABELS.get((found[1], found[3]))
    return gettext(N_("%(row)s, %(box)s")) % {"row": row, "box": gettext(box)} if box else row


def blank_row(group: str) -> dict[str, Any]:
    return {name: ([] if name in _LISTS else "") for name in GROUPS[group]}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _schedule_row(schedule: Record) -> dict[str, Any]:
    tokens = [t.strip().upper() for t in str(schedule.get("byday") or "").split(",") if t.strip()]
    weeks = {t[:-2] for t in tokens}
    return {"days": [t[-2:] for t in tokens if t[-2:] in DAY_CODES],
            "week": next(iter(weeks)) if len(weeks) == 1 and next(iter(weeks)) in WEEKS else "",
            "opens_at": _text(schedule.get("opens_at"))[:5], "closes_at": _text(schedule.get("closes_at"))[:5],
            "description": _text(schedule.get("description"))}


def _exception_row(schedule: Record) -> dict[str, Any]:
    return {"from": _text(schedule.get("dtstart"))[:10], "to": _text(schedule.get("until"))[:10],
            "opens_at": _text(schedule.get("opens_at"))[:5], "closes_at": _text(schedule.get("closes_at"))[:5],
            "description": _text(schedule.get("description"))}


def _location_row(link: Record) -> dict[str, Any]:
    location = link.get("location") or {}
    address = (location.get("addresses") or [{}])[0]
    access = (location.get("accessibility") or [{}])[0]
    return {"name": _text(location.get("name")), "address_1": _text(address.get("address_1")),
            "address_2": _text(address.get("address_2")), "city": _text(address.get("city")),
            "postcode": _text(address.get("postal_code")), "transportation":
            _text(location.get("transportation") or location.get("description")),
            "access": _text(access.get("description")), "access_details": _text(access.get("details"))}


def _contact_row(contact: Record) -> dict[str, Any]:
    phone = (contact.get("phones") or [{}])[0]
    return {"name": _text(contact.get("name")), "title": _text(contact.get("title")),
            "email": _text(contact.get("email")), "phone": _text(phone.get("number"))}


def values_from_record(record: Record | None) -> Values:
    """What the form shows for a listing (or an empty form for a new one)."""
    record = record or {}
    values: Values = {name: _text(record.get(name)) for name in TEXT_FIELDS}
    values["status"] = values["status"] or "active"
    if not values["fees"]:
        values["fees"] = _text(record.get("fees_description"))
    schedules = record.get("schedules") or []
    values["schedules"] = [_schedule_row(s) for s in schedules if not is_exception(s)]
    values["exceptions"] = [_exception_row(s) for s in schedules if is_exception(s)]
    values["locations"] = [_location_row(link) for link in record.get("service_at_locations") or []]
    values["phones"] = [{"number": _text(p.get("number")), "description": _text(p.get("description"))}
                        for p in record.get("phones") or []]
    values["contacts"] = [_contact_row(c) for c in record.get("contacts") or []]
    values["costs"] = [{"option": _text(c.get("option")), "amount": _text(c.get("amount")),
                        "amount_description": _text(c.get("amount_description"))}
                       for c in record.get("cost_options") or []]
    codes = {code for code, _ in SPOKEN}
    spoken = record.get("languages") or []
    values["languages"] = [lang.get("code") for lang in spoken if lang.get("code") in codes]
    values["other_languages"] = ", ".join(_text(lang.get("name")) for lang in spoken if lang.get("code") not in codes)
    values["categories"] = [(a.get("taxonomy_term") or {}).get("term") for a in record.get("attributes") or []
                            if (a.get("taxonomy_term") or {}).get("taxonomy") == CATEGORY_TAXONOMY]
    areas = [a.get("name") or "" for a in record.get("service_areas") or []]
    values["areas"] = (["borough"] if BOROUGH_WIDE in areas else []) + [
        found.code for name in areas if (found := neighbourhood_by_name(name))]
    translated = record.get(TRANSLATIONS) or {}
    for language in LANGUAGES[1:]:
        text = translated.get(language.code) or {}
        for part in TRANSLATED:
            values[f"tr-{language.code}-{part}"] = text.get(part, "")
    return values


def values_from_form(form: Mapping[str, Any], getlist: Callable[[str], list[str]]) -> Values:
    """The answers as posted, shaped like values_from_record, keeping every row that has anything in it."""
    values: Values = {name: str(form.get(name, "")) for name in TEXT_FIELDS}
    for group, fields in GROUPS.items():
        numbers = sorted({int(m.group(1)) for key in form if (m := re.match(rf"^{group}-(\d+)-", key))})
        rows = []
        for n in numbers[:50]:
            row = {name: (getlist(f"{group}-{n}-{name}") if name in _LISTS
                          else str(form.get(f"{group}-{n}-{name}", ""))) for name in fields}
            if any(row[name] for name in fields if name != "week"):
                rows.append(row)
        values[group] = rows
    for name in ("languages", "categories", "areas"):
        values[name] = getlist(name)
    values["other_languages"] = str(form.get("other_languages", ""))
    for language in LANGUAGES[1:]:
        for part in TRANSLATED:
            key = f"tr-{language.code}-{part}"
            values[key] = str(form.get(key, ""))
    return values


def read_time(text: str) -> str | None:
    """A time of day as 24-hour HH:MM from the way people write it, or None if it is not one."""
    squashed = re.sub(r"[\s.](?=[ap]\.?m\.?$)", "", text.strip().lower()).replace("a.m.", "am").replace("p.m.", "pm")
    squashed = squashed.replace(" ", "")
    if squashed in ("noon", "midday", "12noon"):
        return "12:00"
    match = _TIME.match(squashed)
    if not match:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif hour > 23:
        return None
    return f"{hour:02d}:{minute:02d}"


def _time(value: str, field: str, problems: Problems) -> str | None:
    if not value.strip():
        return None
    found = read_time(value)
    if found is None:
        problems.append(FieldError(field, N_("Enter a time like 9am, 4.30pm or 17:00.")))
    return found


def _date(value: str, field: str, problems: Problems) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        problems.append(FieldError(field, N_("Enter a date like 2026-12-24.")))
        return None


def _hours(row: dict[str, Any], prefix: str, problems: Problems) -> tuple[str | None, str | None]:
    opens = _time(row["opens_at"], f"{prefix}-opens_at", problems)
    closes = _time(row["closes_at"], f"{prefix}-closes_at", problems)
    typed_open, typed_close = row["opens_at"].strip(), row["closes_at"].strip()
    if typed_open and not typed_close:
        problems.append(FieldError(f"{prefix}-closes_at", N_("Enter the time it closes.")))
    elif typed_close and not typed_open:
        problems.append(FieldError(f"{prefix}-opens_at", N_("Enter the time it opens.")))
    elif opens is not None and opens == closes:
        problems.append(FieldError(f"{prefix}-closes_at",
                                   N_("The closing time must be different from the opening time.")))
    return opens, closes


def _length(values: Values, name: str, limit: int, problems: Problems) -> None:
    if len(values[name]) > limit:
        problems.append(FieldError(name, N_("Use {count} characters or fewer."), count=limit))


def _age(value: str, field: str, problems: Problems) -> float | None:
    if not value.strip():
        return None
    try:
        age = float(value.strip())
    except ValueError:
        age = -1.0
    if not 0 <= age <= 120:
        problems.append(FieldError(field, N_("Enter an age in years, like 16.")))
        return None
    return age


# A web address written without its https:// ("sydenhamgarden.org.uk/food", "www.example.org").
_BARE_ADDRESS = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?::\d{1,5})?(?:[/?#]\S*)?", re.I)


def _check_top(values: Values, problems: Problems) -> None:
    if not values["name"].strip():
        problems.append(FieldError("name", N_("Enter the listing's name.")))
    if not values["description"].strip():
        problems.append(FieldError("description", N_("Say what the service does, in plain words.")))
    for name in TEXT_FIELDS:
        _length(values, name, LONG if name in ("description", "application_process",
                                               "eligibility_description") else SHORT, problems)
    if values["status"] not in schema.SERVICE_STATUSES:
        problems.append(FieldError("status", N_("Choose whether the service is running.")))
    url = values["url"].strip()
    if url and not url.lower().startswith(("https://", "http://")):
        if _BARE_ADDRESS.fullmatch(url):
            values["url"] = "https://" + url  # "www.example.org", as people write it: fixed up, not refused
        else:
            problems.append(FieldError("url", N_("Enter a web address starting with https://")))
    if values["email"].strip() and not _EMAIL.match(values["email"].strip()):
        problems.append(FieldError("email", N_("Enter an email address like name@example.org.")))


def _schedules(values: Values, sid: str, problems: Problems) -> list[Record]:
    found: list[Record] = []
    for i, row in enumerate(values["schedules"]):
        prefix = f"schedules-{i}"
        days = [d for d in row["days"] if d in DAY_CODES]
        if not days:
            problems.append(FieldError(f"{prefix}-days", N_("Choose the days it is open.")))
        week = row["week"] if row["week"] in WEEKS else ""
        opens, closes = _hours(row, prefix, problems)
        if not row["opens_at"].strip() and not row["closes_at"].strip():
            problems.append(FieldError(f"{prefix}-opens_at", N_("Enter the time it opens.")))
        item = {"id": str(uuid.uuid4()), "service_id": sid, "freq": "MONTHLY" if week else "WEEKLY",
                "byday": ",".join(f"{week}{d}" for d in DAY_CODES if d in days), "opens_at": opens,
                "closes_at": closes, "description": row["description"].strip()}
        found.append({k: v for k, v in item.items() if v})
    for i, row in enumerate(values["exceptions"]):
        prefix = f"exceptions-{i}"
        first = _date(row["from"], f"{prefix}-from", problems)
        last = _date(row["to"], f"{prefix}-to", problems)
        if first is None and not row["from"].strip():
            problems.append(FieldError(f"{prefix}-from", N_("Enter the first date of the change.")))
        if first and last and last < first:
            problems.append(FieldError(f"{prefix}-to", N_("The last date must be on or after the first date.")))
        opens, closes = _hours(row, prefix, problems)
        item = {"id": str(uuid.uuid4()), "service_id": sid, "dtstart": first and first.isoformat(),
                "until": last and last.isoformat(), "opens_at": opens, "closes_at": closes,
                "description": row["description"].strip()}
        found.append({k: v for k, v in item.items() if v})
    return found


def schedule_records(values: Values) -> list[Record]:
    """The opening times as the listing would store them, however the editor wrote them; rows with mistakes are
    kept as far as they can be read (for showing the answers back, not for saving)."""
    return _schedules(values, "", [])


def _locations(values: Values, sid: str, live: Record | None, problems: Problems,
               shared: Callable[[str], bool]) -> list[Record]:
    """Each place, its postcode checked; a place another listing shares keeps its id only if unchanged."""
    before = (live or {}).get("service_at_locations") or []
    found = []
    for i, row in enumerate(values["locations"]):
        prefix = f"locations-{i}"
        place = None
        if not row["postcode"].strip():
            problems.append(FieldError(f"{prefix}-postcode", N_("Enter the postcode, like SE6 4RU.")))
        else:
            try:
                place = postcodes.lookup(row["postcode"])
            except postcodes.PostcodeError as error:
                problems.append(FieldError(f"{prefix}-postcode", error.message, **error.params))
            else:
                if not place.precise:
                    problems.append(FieldError(f"{prefix}-postcode", N_("Enter the full postcode, like SE6 4RU.")))
        if not row["address_1"].strip() and not row["name"].strip():
            problems.append(FieldError(f"{prefix}-address_1", N_("Enter the building and street.")))
        old = before[i] if i < len(before) else None
        unchanged = old is not None and _location_row(old) == row
        location_id = (old or {}).get("location_id") if old and (unchanged or not shared(old["location_id"])) \
            else str(uuid.uuid4())
        if unchanged and old is not None:
            found.append(copy.deepcopy(old))
            continue
        location: Record = {"id": location_id, "location_type": "physical", "name": row["name"].strip(),
                            "transportation": row["transportation"].strip()}
        if place is not None:
            location.update(latitude=place.latitude, longitude=place.longitude)
        address = {"id": str(uuid.uuid4()), "location_id": location_id, "address_1": row["address_1"].strip(),
                   "address_2": row["address_2"].strip(), "city": row["city"].strip() or "London",
                   "state_province": "Greater London",  # Open Referral requires it; the postcode is in London
                   "postal_code": postcodes.normalise(row["postcode"]), "country": "GB", "address_type": "physical"}
        location["addresses"] = [{k: v for k, v in address.items() if v}]
        if row["access"].strip() or row["access_details"].strip():
            location["accessibility"] = [{"id": str(uuid.uuid4()), "location_id": location_id,
                                          **{k: v for k, v in (("description", row["access"].strip()),
                                                               ("details", row["access_details"].strip())) if v}}]
        location = {k: v for k, v in location.items() if v not in ("", None)}
        found.append({"id": (old or {}).get("id") or str(uuid.uuid4()), "service_id": sid,
                      "location_id": location_id, "location": location})
    return found


def _contacts(values: Values, sid: str, problems: Problems) -> tuple[list[Record], list[Record]]:
    phones, contacts = [], []
    for i, row in enumerate(values["phones"]):
        if not _PHONE.match(row["number"].strip()):
            problems.append(FieldError(f"phones-{i}-number", N_("Enter a phone number, like 020 7946 0100.")))
        phones.append({k: v for k, v in {"id": str(uuid.uuid4()), "service_id": sid, "number": row["number"].strip(),
                                          "description": row["description"].strip()}.items() if v})
    for i, row in enumerate(values["contacts"]):
        prefix = f"contacts-{i}"
        if row["email"].strip() and not _EMAIL.match(row["email"].strip()):
            problems.append(FieldError(f"{prefix}-email", N_("Enter an email address like name@example.org.")))
        if row["phone"].strip() and not _PHONE.match(row["phone"].strip()):
            problems.append(FieldError(f"{prefix}-phone", N_("Enter a phone number, like 020 7946 0100.")))
        contact_id = str(uuid.uuid4())
        contact = {"id": contact_id, "service_id": sid, "name": row["name"].strip(), "title": row["title"].strip(),
                   "email": row["email"].strip()}
        contact = {k: v for k, v in contact.items() if v}
        if row["phone"].strip():
            contact["phones"] = [{"id": str(uuid.uuid4()), "contact_id": contact_id, "number": row["phone"].strip()}]
        contacts.append(contact)
    return phones, contacts


def _costs(values: Values, sid: str, problems: Problems) -> list[Record]:
    found = []
    for i, row in enumerate(values["costs"]):
        amount = None
        if row["amount"].strip():
            try:
                amount = float(row["amount"].strip().lstrip("£"))
            except ValueError:
                amount = -1.0
            if amount < 0:
                problems.append(FieldError(f"costs-{i}-amount", N_("Enter an amount in pounds, like 5 or 2.50.")))
                amount = None
        item = {"id": str(uuid.uuid4()), "service_id": sid, "option": row["option"].strip(), "amount": amount,
                "currency": "GBP" if amount is not None else None,
                "amount_description": row["amount_description"].strip()}
        found.append({k: v for k, v in item.items() if v not in ("", None)})
    return found


def _languages(values: Values, sid: str, live: Record | None) -> list[Record]:
    """Ticked and typed languages; those the listing already had keep their place in its list."""
    names = dict(SPOKEN)
    wanted = [(c, names[c]) for c, _ in SPOKEN if c in values["languages"]]
    wanted += [(None, n.strip()[:100]) for n in values["other_languages"].split(",") if n.strip()]
    rank = {(lang.get("code") if lang.get("code") in names else None, lang.get("name")): i
            for i, lang in enumerate((live or {}).get("languages") or [])}
    wanted.sort(key=lambda item: rank.get(item, len(rank)))
    return [{k: v for k, v in {"id": str(uuid.uuid4()), "service_id": sid, "name": name, "code": code}.items() if v}
            for code, name in wanted]


def _attributes(values: Values, sid: str, live: Record | None) -> list[Record]:
    """Ticked categories (those already there keep their place), and links to other taxonomies untouched."""
    before = (live or {}).get("attributes") or []
    kept = [a for a in before if (a.get("taxonomy_term") or {}).get("taxonomy") != CATEGORY_TAXONOMY
            or (a.get("taxonomy_term") or {}).get("term") in values["categories"]]
    had = {(a.get("taxonomy_term") or {}).get("term") for a in kept}
    for category in CATEGORIES:
        if category.code in values["categories"] and category.code not in had:
            kept.append({"id": str(uuid.uuid4()), "link_id": sid, "link_type": "service",
                         "taxonomy_term_id": category.id,
                         "taxonomy_term": {"id": category.id, "name": category.name,
                                           "description": category.description, "taxonomy": CATEGORY_TAXONOMY,
                                           "term": category.code}})
    return kept


def _areas(values: Values, sid: str, live: Record | None) -> list[Record]:
    kept = [a for a in (live or {}).get("service_areas") or []
            if a.get("name") != BOROUGH_WIDE and not neighbourhood_by_name(a.get("name") or "")]
    if "borough" in values["areas"]:
        kept.append({"id": str(uuid.uuid4()), "service_id": sid, "name": BOROUGH_WIDE, "extent_type": "borough"})
    for n in NEIGHBOURHOODS:
        if n.code in values["areas"]:
            kept.append({"id": str(uuid.uuid4()), "service_id": sid, "name": n.name, "extent_type": "neighbourhood"})
    return kept


def _translations(values: Values, problems: Problems) -> dict[str, dict[str, str]]:
    found = {}
    for language in LANGUAGES[1:]:
        text = {part: values[f"tr-{language.code}-{part}"].strip() for part in TRANSLATED}
        if not text["name"] and any(text[part] for part in TRANSLATED[1:]):
            problems.append(FieldError(f"tr-{language.code}-name", N_("Enter the name in this language too.")))
        for part in TRANSLATED:
            limit = SHORT if part == "name" else LONG
            if len(values[f"tr-{language.code}-{part}"]) > limit:
                problems.append(FieldError(f"tr-{language.code}-{part}", N_("Use {count} characters or fewer."),
                                           count=limit))
        if text["name"]:
            found[language.code] = {part: value for part, value in text.items() if value or part == "description"}
    return found


def record_from_values(
    values: Values, live: Record | None, service_id: str, organization: Record,
    shared_location: Callable[[str], bool] = lambda _: False,
) -> tuple[Record, Problems]:
    """The listing the answers describe (built on the live one, so unshown fields survive), and every problem.

    `organization` is the running organisation's ORUK object as stored, so an edit never changes it.
    """
    problems: Problems = []
    _check_top(values, problems)
    record = {k: v for k, v in copy.deepcopy(live or {}).items() if k != TRANSLATIONS}
    record.update(id=service_id, organization_id=organization["id"], organization=organization)
    for name in TEXT_FIELDS:
        record[name] = values[name].strip()
    for name in ("minimum_age", "maximum_age"):
        record[name] = _age(values[name], name, problems)
    if record["minimum_age"] is not None and record["maximum_age"] is not None \
            and record["maximum_age"] < record["minimum_age"]:
        problems.append(FieldError("maximum_age", N_("The oldest age must be the same as or more than the youngest.")))
    record.pop("fees_description", None)  # the form's one cost text is `fees`
    record["schedules"] = _schedules(values, service_id, problems)
    record["service_at_locations"] = _locations(values, service_id, live, problems, shared_location)
    record["phones"], record["contacts"] = _contacts(values, service_id, problems)
    record["cost_options"] = _costs(values, service_id, problems)
    record["languages"] = _languages(values, service_id, live)
    record["attributes"] = _attributes(values, service_id, live)
    record["service_areas"] = _areas(values, service_id, live)
    record = {k: v for k, v in record.items() if v not in ("", None, [])}
    record[TRANSLATIONS] = _translations(values, problems)
    return record, problems
