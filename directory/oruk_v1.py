"""Upgrading Open Referral UK 1.x service records to the 3.0 shape the directory stores.

Older feeds (`content`, `totalElements`) are still what many councils publish. Ids that are
not UUIDs are mapped to stable UUIDs, so re-importing the same feed updates, never duplicates.
"""

from __future__ import annotations

import uuid
from typing import Any

from directory.taxonomy import stable_id

Record = dict[str, Any]

_WEEKDAYS = {"monday": "MO", "tuesday": "TU", "wednesday": "WE", "thursday": "TH", "friday": "FR",
             "saturday": "SA", "sunday": "SU"}
_WEEKDAY_NUMBERS = {1: "MO", 2: "TU", 3: "WE", 4: "TH", 5: "FR", 6: "SA", 7: "SU"}

V1_MARKERS = ("regular_schedules", "service_taxonomys", "eligibilitys", "holiday_schedules", "fundings")


def looks_like_v1(service: Record) -> bool:
    if any(key in service for key in V1_MARKERS):
        return True
    return any("physical_addresses" in (sal.get("location") or {})
               for sal in service.get("service_at_locations") or [] if isinstance(sal, dict))


def _uuid(kind: str, value: Any) -> Any:
    if value is None or isinstance(value, dict | list):
        return value
    text = str(value)
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return stable_id(f"oruk1/{kind}", text)


def service_id(value: Any) -> str:
    """A service's id as the directory keeps it: a UUID as written (lower case), any other id as a stable UUID."""
    return str(_uuid("service", value))


def _byday(schedule: Record) -> str | None:
    if schedule.get("byday"):
        return schedule["byday"]
    weekday = schedule.get("weekday")
    if isinstance(weekday, int) or (isinstance(weekday, str) and weekday.isdigit()):
        return _WEEKDAY_NUMBERS.get(int(weekday))
    if isinstance(weekday, str):
        return _WEEKDAYS.get(weekday.strip().lower(), weekday)
    return None


def _location(location: Record) -> Record:
    out = {k: v for k, v in location.items() if k not in ("physical_addresses", "accessibility_for_disabilities")}
    out["id"] = _uuid("location", location.get("id"))
    out.setdefault("location_type", "physical")
    out["addresses"] = [
        {**address, "id": _uuid("address", address.get("id")), "address_type": address.get("address_type", "physical"),
         "country": address.get("country") or "GB", "state_province": address.get("state_province") or ""}
        for address in location.get("physical_addresses") or []
    ]
    out["accessibility"] = [
        {"id": _uuid("accessibility", a.get("id")), "description": a.get("accessibility") or a.get("description")}
        for a in location.get("accessibility_for_disabilities") or []
    ]
    return out


def _attribute(service_id: str, link: Record) -> Record:
    taxonomy = link.get("taxonomy") or {}
    term_id = _uuid("taxonomy_term", taxonomy.get("id"))
    term = {"id": term_id, "name": taxonomy.get("name"), "description": taxonomy.get("name"),
            "taxonomy": taxonomy.get("vocabulary")}
    if taxonomy.get("parent"):
        term["parent_id"] = _uuid("taxonomy_term", taxonomy["parent"])
    return {"id": _uuid("attribute", link.get("id")), "link_id": service_id, "link_type": "service",
            "taxonomy_term_id": term_id, "taxonomy_term": {k: v for k, v in term.items() if v is not None}}


def upgrade_service(v1: Record) -> Record:
    """One ORUK 1.x service as an ORUK 3.0 service; fields 3.0 has no place for are kept as-is."""
    moved = {"regular_schedules", "service_taxonomys", "eligibilitys", "languages", "service_at_locations",
             "contacts", "organization", "fundings", "service_areas", "cost_options"}
    service = {k: v for k, v in v1.items() if k not in moved}
    service_id = _uuid("service", v1.get("id"))
    service["id"] = service_id
    org = v1.get("organization")
    if isinstance(org, dict):
        organization = {k: v for k, v in org.items() if k not in ("url", "services", "reviews")}
        organization["id"] = _uuid("organization", org.get("id"))
        if org.get("url"):
            organization["website"] = org["url"]
        organization.setdefault("description", org.get("name") or "")
        service["organization"] = organization
        service["organization_id"] = organization["id"]
    eligibility = v1.get("eligibilitys") or []
    if eligibility:
        service["eligibility_description"] = "; ".join(e["eligibility"] for e in eligibility if e.get("eligibility"))
        for key in ("minimum_age", "maximum_age"):
            ages = [e[key] for e in eligibility if e.get(key) is not None]
            if ages:
                service[key] = min(ages) if key == "minimum_age" else max(ages)
    service["schedules"] = [
        {k: v for k, v in {**s, "id": _uuid("schedule", s.get("id")), "byday": _byday(s),
                           "freq": s.get("freq") or "WEEKLY"}.items() if k != "weekday" and v is not None}
        for s in v1.get("regular_schedules") or []
    ]
    service["service_at_locations"] = [
        {"id": _uuid("service_at_location", sal.get("id")), "location": _location(sal.get("location") or {})}
        for sal in v1.get("service_at_locations") or []
    ]
    service["attributes"] = [_attribute(service_id, link) for link in v1.get("service_taxonomys") or []]
    service["languages"] = [{"id": _uuid("language", lang.get("id")), "name": lang.get("language")}
                            for lang in v1.get("languages") or []]
    service["contacts"] = [
        {**{k: v for k, v in c.items() if k != "phones"}, "id": _uuid("contact", c.get("id")),
         "phones": [{"id": _uuid("phone", p.get("id")), "number": p.get("number")} for p in c.get("phones") or []]}
        for c in v1.get("contacts") or []
    ]
    service["service_areas"] = [
        {**a, "id": _uuid("service_area", a.get("id")), "name": a.get("name") or a.get("service_area")}
        for a in v1.get("service_areas") or []
    ]
    service["cost_options"] = [{**c, "id": _uuid("cost_option", c.get("id"))} for c in v1.get("cost_options") or []]
    if v1.get("fundings"):
        service["funding"] = [{**f, "id": _uuid("funding", f.get("id"))} for f in v1["fundings"]]
    return {k: v for k, v in service.items() if v not in ([], None)}
