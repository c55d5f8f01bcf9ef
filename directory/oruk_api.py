"""What the Open Referral UK 3.0 API answers, worked out from the directory: pages of services, places,
organisations and categories, one of each by id, filtered the ways the uk-profile OpenAPI names, and in a
resident's language where an editor translated the listing.

Only published listings are ever shown, and an organisation only once it has one. The portal's routes
(portal/routes/api.py) read parameters and write HTTP; everything the answer holds is decided here.

Translations and provenance are profile extensions (HSDS has no place for them): every service carries
`translations_available` (the languages its text has beyond English) and `text_language` (the language its
name and description are in, in this answer), and one synced from another publisher `provenance` (source,
remote_id, fetched_at). A consumer that ignores unknown fields reads valid ORUK.
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from directory.postcodes import distance_km
from directory.schema import LOCATION, ORGANIZATION, SERVICE, SERVICE_AT_LOCATION, TAXONOMY, TAXONOMY_TERM
from directory.services import Record, load_service, row_to_record
from directory.sources import provenance
from directory.taxonomy import category_by_code
from directory.translations import Translation, all_translations

PUBLISHED = "publication_status = 'published'"
ENGLISH = "en"
# Where an editor's translated texts go in an ORUK service record (the rest are read on the listing's page).
_SERVICE_TEXTS = {"eligibility": "eligibility_description", "how_to_start": "application_process",
                  "fees": "fees_description"}
_DAYS = {"MO": "monday", "TU": "tuesday", "WE": "wednesday", "TH": "thursday", "FR": "friday", "SA": "saturday",
         "SU": "sunday"}
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(:[0-5]\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?$", re.IGNORECASE)


class ApiInputError(ValueError):
    """A parameter the API cannot use; the message says which and why."""


@dataclass(frozen=True)
class ServiceFilters:
    """The uk-profile's filters on services that are not about words or places."""

    taxonomy_term_id: str | None = None  # a term's id or the partnership's category code
    taxonomy_id: str | None = None
    organization_id: str | None = None
    modified_after: str | None = None  # an ISO 8601 UTC time, see `since`
    minimum_age: float | None = None
    maximum_age: float | None = None
    day: str | None = None  # MO..SU
    start_time: str | None = None  # HH:MM
    end_time: str | None = None

    def active(self) -> bool:
        return any(value is not None for value in vars(self).values())


def since(text: str) -> str:
    """A `modified_after` value as this directory stamps changes (UTC, to the second); a date is its midnight."""
    value = text.strip().replace("Z", "+00:00").replace(" ", "+")
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ApiInputError("modified_after must be a date or time like 2026-03-14 or 2026-03-14T09:30:00Z.") \
            from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat(timespec="seconds")


def day_code(text: str) -> str:
    """A day as schedules hold it (MO..SU) from "MO", "Monday" or "mon"."""
    wanted = text.strip().lower()
    for code, name in _DAYS.items():
        if wanted in (code.lower(), name, name[:3]):
            return code
    raise ApiInputError("day must be a day of the week, like MO or Monday.")


def clock(text: str, name: str) -> str:
    """A time of day as schedules hold it (09:30)."""
    found = _TIME.match(text.strip())
    if not found:
        raise ApiInputError(f"{name} must be a time of day like 09:30.")
    return f"{int(found[1]):02d}:{found[2]}"


def _term_id(wanted: str) -> str:
    category = category_by_code(wanted)
    return category.id if category else wanted


def filtered_service_ids(db: sqlite_utils.Database, filters: ServiceFilters) -> list[str]:
    """Published services passing every filter, in name order: one query however many filters."""
    where, params = [PUBLISHED], []
    if filters.taxonomy_term_id:
        where.append("id in (select link_id from attributes where taxonomy_term_id = ?)")
        params.append(_term_id(filters.taxonomy_term_id))
    if filters.taxonomy_id:
        where.append("id in (select a.link_id from attributes a join taxonomy_terms t on t.id = a.taxonomy_term_id"
                     " where t.taxonomy_id = ?)")
        params.append(filters.taxonomy_id)
    if filters.organization_id:
        where.append("organization_id = ?")
        params.append(filters.organization_id)
    if filters.modified_after:
        # When this directory last changed the listing (an import keeps the publisher's own last_modified,
        # which may be older than the day we took the change in).
        where.append("(id in (select service_id from listing_versions where changed_at >= ?) or last_modified >= ?)")
        params += [filters.modified_after, filters.modified_after]
    if filters.minimum_age is not None:
        where.append("minimum_age >= ?")
        params.append(filters.minimum_age)
    if filters.maximum_age is not None:
        where.append("maximum_age <= ?")
        params.append(filters.maximum_age)
    schedule = []
    if filters.day:
        schedule.append("(',' || replace(byday, ' ', '') || ',') like ?")
        params.append(f"%{filters.day}%")
    if filters.start_time:
        schedule.append("opens_at >= ?")
        params.append(filters.start_time)
    if filters.end_time:
        schedule.append("closes_at <= ?")
        params.append(filters.end_time)
    if schedule:
        where.append("(id in (select service_id from schedules where " + " and ".join(schedule) + ")"
                     " or id in (select sal.service_id from schedules s join service_at_locations sal"
                     " on sal.id = s.service_at_location_id where " + " and ".join(schedule) + "))")
        params += params[-len(schedule):]
    sql = f"select id from services where {' and '.join(where)} order by name, id"
    return [row[0] for row in db.execute(sql, params).fetchall()]


def page(contents: list[Record], total: int, number: int, per_page: int) -> dict[str, Any]:
    """An ORUK 3.0 page around a slice of results."""
    pages = max(1, math.ceil(total / per_page))
    return {"total_items": total, "total_pages": pages, "page_number": number, "size": len(contents),
            "first_page": number == 1, "last_page": number >= pages, "empty": total == 0, "contents": contents}


def _by_id(db: sqlite_utils.Database, table: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Rows of `table` by id, in one query however many are asked for."""
    if not ids:
        return {}
    found = db[table].rows_where(f"id in ({','.join('?' * len(ids))})", ids)
    return {row["id"]: row for row in found}


def _organization(row: dict[str, Any]) -> Record:
    item = row_to_record(ORGANIZATION, row)
    item.setdefault("description", "")  # the profile requires one; an imported organisation may have none
    return item


def in_language(record: Record, language: str, translations: dict[str, Translation]) -> Record:
    """A service record with its texts in `language` where an editor translated them, and the extension fields
    saying which languages it has and which its name and description are in."""
    found = translations.get(language) if language != ENGLISH else None
    out = copy.deepcopy(record) if found is not None else dict(record)  # nested texts change only when translated
    out.pop("publication_status", None)  # the editorial state is ours, not part of the ORUK record
    if found is not None:
        out["name"], out["description"] = found.name, found.description
        for key, field in _SERVICE_TEXTS.items():
            if found.fields.get(key):
                out[field] = found.fields[key]
        _nested_texts(out, found.fields)
    out["translations_available"] = sorted(translations)
    out["text_language"] = found.language if found is not None else ENGLISH
    return out


def _nested_texts(record: Record, fields: dict[str, str]) -> None:
    """Notes on opening times, how to get there and access, where the English record has them."""
    schedules = list(record.get("schedules") or [])
    for sal in record.get("service_at_locations") or []:
        schedules += sal.get("schedules") or []
        location = sal.get("location") or {}
        if fields.get("transportation") and location.get("transportation"):
            location["transportation"] = fields["transportation"]
        for access in location.get("accessibility") or []:
            if fields.get("access") and access.get("description"):
                access["description"] = fields["access"]
    for schedule in schedules:
        if fields.get("hours_notes") and schedule.get("notes"):
            schedule["notes"] = fields["hours_notes"]


def services(db: sqlite_utils.Database, service_ids: list[str], language: str = ENGLISH,
             full: bool = False) -> list[Record]:
    """Published services in the order asked, in the list shape (their own fields and organisation) or, if
    `full`, fully nested: a handful of queries for a page of summaries, not a handful for each service."""
    translations = all_translations(db, service_ids) if service_ids else {}
    origins = provenance(db, service_ids)
    out = []
    if full:
        for service_id in service_ids:
            record = load_service(db, service_id)
            if record is not None and record.get("publication_status") == "published":
                out.append(_with_origin(in_language(record, language, translations.get(service_id, {})),
                                        origins.get(service_id)))
        return out
    rows = _by_id(db, "services", service_ids)
    organizations = _by_id(db, "organizations", sorted({row["organization_id"] for row in rows.values()
                                                        if row.get("organization_id")}))
    for service_id in service_ids:
        row = rows.get(service_id)
        if row is None or row.get("publication_status") != "published":
            continue
        item = row_to_record(SERVICE, row)
        if row.get("organization_id") in organizations:
            item["organization"] = _organization(organizations[row["organization_id"]])
        out.append(_with_origin(in_language(item, language, translations.get(service_id, {})),
                                origins.get(service_id)))
    return out


def _with_origin(record: Record, origin: Any) -> Record:
    """A synced listing says where it came from (a profile extension): the publisher, its id there, when."""
    if origin is not None:
        record["provenance"] = {"source": origin.source, "remote_id": origin.remote_id,
                                "fetched_at": origin.fetched_at}
    return record


def service(db: sqlite_utils.Database, service_id: str, language: str = ENGLISH) -> Record | None:
    """One published service, fully nested, or None."""
    found = services(db, [service_id], language, full=True)
    return found[0] if found else None


def minimal(db: sqlite_utils.Database, service_ids: list[str]) -> list[Record]:
    """Just each service's id and when it last changed: for a partner checking what to fetch again."""
    if not service_ids:
        return []
    marks = ",".join("?" * len(service_ids))
    changed = dict(db.execute(
        f"select service_id, max(changed_at) from listing_versions where service_id in ({marks}) "
        "group by service_id", service_ids).fetchall())
    own = dict(db.execute(f"select id, last_modified from services where id in ({marks})", service_ids).fetchall())
    out = []
    for service_id in service_ids:
        stamps = [s for s in (changed.get(service_id), own.get(service_id)) if s]
        out.append({"id": service_id, **({"last_modified": max(stamps)} if stamps else {})})
    return out


# Services at locations -------------------------------------------------------------------------------------

def _published_places(db: sqlite_utils.Database, service_ids: list[str] | None) -> list[dict[str, Any]]:
    """Rows of service_at_locations for published services, in the order of `service_ids` (all, by default)."""
    if service_ids is None:
        return list(db["service_at_locations"].rows_where(
            f"service_id in (select id from services where {PUBLISHED})", order_by="rowid"))
    if not service_ids:
        return []
    rows = list(db["service_at_locations"].rows_where(
        f"service_id in ({','.join('?' * len(service_ids))})", service_ids, order_by="rowid"))
    order = {sid: i for i, sid in enumerate(service_ids)}
    return sorted(rows, key=lambda row: order[row["service_id"]])


def service_at_locations(db: sqlite_utils.Database, service_ids: list[str] | None, number: int, per_page: int,
                         near: tuple[float, float, float | None] | None = None,
                         language: str = ENGLISH, full: bool = False) -> dict[str, Any]:
    """A page of services at locations, for the services given (best first) or every published one.

    `near` is (latitude, longitude, metres or None): places further than the metres are left out, and the
    rest come nearest first.
    """
    rows = _published_places(db, service_ids)
    locations = _by_id(db, "locations", sorted({row["location_id"] for row in rows if row.get("location_id")}))
    if near is not None:
        lat, lon, metres = near

        def metres_away(row: dict[str, Any]) -> float | None:
            location = locations.get(row.get("location_id"))
            if not location or location.get("latitude") is None or location.get("longitude") is None:
                return None
            return distance_km(lat, lon, location["latitude"], location["longitude"]) * 1000

        measured = [(metres_away(row), row) for row in rows]
        kept = [(d, row) for d, row in measured if d is not None and (metres is None or d <= metres)]
        kept.sort(key=lambda pair: pair[0])
        rows = [row for _, row in kept]
    window = rows[(number - 1) * per_page: number * per_page]
    services_by_id = {item["id"]: item for item in services(
        db, sorted({row["service_id"] for row in window}), language, full=full)}
    contents = []
    for row in window:
        item = row_to_record(SERVICE_AT_LOCATION, row)
        if row.get("location_id") in locations:
            item["location"] = row_to_record(LOCATION, locations[row["location_id"]])
        if row["service_id"] in services_by_id:
            item["service"] = services_by_id[row["service_id"]]
        contents.append(item)
    return page(contents, len(rows), number, per_page)


def service_at_location(db: sqlite_utils.Database, sal_id: str, language: str = ENGLISH) -> Record | None:
    """The service at one of its places, fully nested, with only that place: the uk-profile answers
    /service_at_locations/{id} with a service (compiled/service.json)."""
    found = db.execute("select service_id from service_at_locations where id = ?", [sal_id]).fetchone()
    record = service(db, found[0], language) if found else None
    if record is None:
        return None
    record["service_at_locations"] = [s for s in record.get("service_at_locations") or [] if s.get("id") == sal_id]
    return record


# Organisations --------------------------------------------------------------------------------------------

_HAS_SERVICE = f"id in (select organization_id from services where {PUBLISHED})"


def organizations(db: sqlite_utils.Database, search: str | None, number: int, per_page: int) -> dict[str, Any]:
    """A page of organisations that run at least one published service, by name."""
    where, params = _HAS_SERVICE, []
    if search:
        where += " and (name like ? or description like ?)"
        params = [f"%{search}%"] * 2
    total = db["organizations"].count_where(where, params)
    rows = db["organizations"].rows_where(where, params, order_by="name, id", limit=per_page,
                                          offset=(number - 1) * per_page)
    return page([_organization(row) for row in rows], total, number, per_page)


def organization(db: sqlite_utils.Database, organization_id: str, language: str = ENGLISH,
                 full_service: bool = False) -> Record | None:
    """One organisation with its published services (fully nested if `full_service`), or None."""
    rows = list(db["organizations"].rows_where(f"id = ? and {_HAS_SERVICE}", [organization_id]))
    if not rows:
        return None
    item = _organization(rows[0])
    ids = filtered_service_ids(db, ServiceFilters(organization_id=organization_id))
    found = services(db, ids, language, full=full_service)
    if not full_service:
        for summary in found:
            summary.pop("organization", None)  # it is the organisation this answer is about
    item["services"] = found
    return item


# Taxonomies ----------------------------------------------------------------------------------------------

def taxonomies(db: sqlite_utils.Database, number: int, per_page: int) -> dict[str, Any]:
    rows = db["taxonomies"].rows_where(order_by="name, id", limit=per_page, offset=(number - 1) * per_page)
    return page([_described(TAXONOMY, row) for row in rows], db["taxonomies"].count, number, per_page)


def taxonomy_terms(db: sqlite_utils.Database, taxonomy_id: str | None, search: str | None, number: int,
                   per_page: int) -> dict[str, Any]:
    where, params = [], []
    if taxonomy_id:
        where.append("taxonomy_id = ?")
        params.append(taxonomy_id)
    if search:
        where.append("(name like ? or description like ?)")
        params += [f"%{search}%"] * 2
    clause = " and ".join(where) or None
    total = db["taxonomy_terms"].count_where(clause, params) if clause else db["taxonomy_terms"].count
    rows = db["taxonomy_terms"].rows_where(clause, params, order_by="name, id", limit=per_page,
                                           offset=(number - 1) * per_page)
    return page([_described(TAXONOMY_TERM, row) for row in rows], total, number, per_page)


def _described(table: Any, row: dict[str, Any]) -> Record:
    item = row_to_record(table, row)
    item.setdefault("description", item.get("name", ""))  # both schemas require one
    return item


def taxonomy(db: sqlite_utils.Database, taxonomy_id: str) -> Record | None:
    rows = list(db["taxonomies"].rows_where("id = ?", [taxonomy_id]))
    return _described(TAXONOMY, rows[0]) if rows else None


def taxonomy_term(db: sqlite_utils.Database, term_id: str) -> Record | None:
    rows = list(db["taxonomy_terms"].rows_where("id = ?", [_term_id(term_id)]))
    return _described(TAXONOMY_TERM, rows[0]) if rows else None


def last_changed(db: sqlite_utils.Database) -> datetime | None:
    """When any listing last changed (taxonomies only change with listings): a safe Last-Modified for every
    answer that does not depend on the time of day."""
    row = db.execute("select max(changed_at) from listing_versions").fetchone()
    if not row or not row[0]:
        return None
    return datetime.fromisoformat(row[0]).astimezone(UTC)
