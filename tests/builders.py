"""Small, valid Open Referral UK records for tests, built from a few readable arguments."""

from __future__ import annotations

from typing import Any

from directory import postcodes
from directory.taxonomy import CATEGORY_TAXONOMY, NEIGHBOURHOOD_EXTENT, category_by_code, stable_id


def service(
    slug: str,
    name: str,
    description: str,
    categories: tuple[str, ...] = (),
    postcode: str | None = "SE6 4RU",
    neighbourhood: str | None = None,
    hours: tuple[tuple[str, str, str], ...] = (("MO,TU,WE,TH,FR", "09:00", "17:00"),),
    languages: tuple[tuple[str, str], ...] = (("English", "en"),),
    fees: str = "Free",
    organisation: str = "Test Community Trust",
    **fields: Any,
) -> dict[str, Any]:
    """One published service, with an organisation, an optional location and weekly hours."""
    sid = stable_id("service", slug)
    org_id = stable_id("organization", organisation)
    record: dict[str, Any] = {
        "id": sid,
        "name": name,
        "description": description,
        "status": "active",
        "fees": fees,
        "assured_date": "2026-10-01",
        "organization_id": org_id,
        "organization": {"id": org_id, "name": organisation, "description": f"{organisation}, a test charity"},
        "schedules": [
            {"id": stable_id("schedule", f"{slug}/{i}"), "freq": "WEEKLY", "byday": days,
             "opens_at": opens, "closes_at": closes}
            for i, (days, opens, closes) in enumerate(hours)
        ],
        "languages": [{"id": stable_id("language", f"{slug}/{code}"), "name": lang, "code": code}
                      for lang, code in languages],
        "attributes": [],
        "service_areas": [],
        "service_at_locations": [],
    }
    for code in categories:
        category = category_by_code(code)
        assert category, code
        record["attributes"].append({
            "id": stable_id("attribute", f"{slug}/{code}"), "link_id": sid, "link_type": "service",
            "taxonomy_term_id": category.id,
            "taxonomy_term": {"id": category.id, "name": category.name, "description": category.description,
                              "taxonomy": CATEGORY_TAXONOMY, "term": category.code},
        })
    if neighbourhood:
        record["service_areas"].append({"id": stable_id("service_area", f"{slug}/{neighbourhood}"),
                                        "name": neighbourhood, "extent_type": NEIGHBOURHOOD_EXTENT})
    if postcode:
        place = postcodes.lookup(postcode)
        loc_id = stable_id("location", f"{slug}/{postcode}")
        record["service_at_locations"].append({
            "id": stable_id("service_at_location", slug), "service_id": sid, "location_id": loc_id,
            "location": {
                "id": loc_id, "location_type": "physical", "name": f"{name} venue",
                "latitude": place.latitude, "longitude": place.longitude,
                "addresses": [{"id": stable_id("address", slug), "address_1": "1 Test Street", "city": "London",
                               "state_province": "Greater London", "postal_code": place.postcode,
                               "country": "GB", "address_type": "physical"}],
            },
        })
    record.update(fields)
    return record
