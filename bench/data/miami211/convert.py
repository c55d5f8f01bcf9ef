"""211 Miami's published HSDS 1.x data package, as an Open Referral UK 3.0 feed the portal's importer reads.

    python -m bench.data.miami211.convert OUT.json

Real listings this project did not write (4,089 services), for measuring search on data we did not tune
on. Kept as they were published: upper-case names, American addresses and AIRS taxonomy codes. Left out:
`contacts.csv` (named staff with their own emails), emails and phone numbers (not needed to search), and
eligibility (its rows name no service). See README.md in this folder for the licence and the source.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import sys
import uuid
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).with_name("datapackage-1566177582.zip")
NAMESPACE = uuid.UUID("6f1c3f4e-2b1a-4a57-9b39-1d1e0a2e2111")
AIRS = {"id": str(uuid.uuid5(NAMESPACE, "taxonomy/airs")), "name": "AIRS/211 LA County Taxonomy",
        "description": "The taxonomy 211 Miami files its services under.", "uri": "https://211taxonomy.org/",
        "version": "2019"}
DAYS = {"Monday": "MO", "Tuesday": "TU", "Wednesday": "WE", "Thursday": "TH", "Friday": "FR", "Saturday": "SA",
        "Sunday": "SU"}
LANGUAGE_CODES = {"English": "en", "Spanish": "es", "Creole": "ht", "French": "fr", "Portuguese": "pt",
                  "Hebrew": "he", "Russian": "ru", "German": "de", "Italian": "it", "Arabic": "ar", "Chinese": "zh"}


def _id(kind: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}/{key}"))


def _rows(package: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    member = next(m for m in package.namelist() if m.endswith(f"/{name}.csv") or m == f"{name}.csv")
    with package.open(member) as raw:
        return list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")))


def _time(value: str) -> str | None:
    """'9:00am' -> '09:00'; None for anything else."""
    found = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*([ap]m)\s*", value or "", re.I)
    if not found:
        return None
    hour, minute, half = int(found[1]) % 12, int(found[2]), found[3].lower()
    return f"{hour + (12 if half == 'pm' else 0):02d}:{minute:02d}"


def _clean(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").replace("\\n", " ")).strip()


def convert(package_path: Path = PACKAGE) -> list[dict[str, Any]]:
    with zipfile.ZipFile(package_path) as package:
        services = _rows(package, "services")
        organisations = {r["id"]: r for r in _rows(package, "organizations")}
        locations = {r["id"]: r for r in _rows(package, "locations")}
        addresses = defaultdict(list)
        for row in _rows(package, "physical_addresses"):
            addresses[row["location_id"]].append(row)
        at_location = defaultdict(list)
        for row in _rows(package, "services_at_location"):
            at_location[row["service_id"]].append(row["location_id"])
        schedules = defaultdict(list)
        for row in _rows(package, "regular_schedules"):
            schedules[row["service_id"]].append(row)
        languages = defaultdict(list)
        for row in _rows(package, "languages"):
            languages[row["service_id"]].append(row["language"].strip())
        terms = {r["id"]: r for r in _rows(package, "taxonomy")}
        filed = defaultdict(list)
        for row in _rows(package, "services_taxonomy"):
            filed[row["service_id"]].append(row["taxonomy_id"])

    records = []
    for row in services:
        sid = _id("service", row["id"])
        organisation = organisations.get(row["organization_id"], {})
        org_id = _id("organization", row["organization_id"])
        record: dict[str, Any] = {
            "id": sid, "name": _clean(row["name"]), "description": _clean(row["description"]) or _clean(row["name"]),
            "status": "active", "fees": _clean(row["fees"]) or None,
            "application_process": _clean(row["application_process"]) or None,
            "organization_id": org_id,
            "organization": {"id": org_id, "name": _clean(organisation.get("name")) or _clean(row["name"]),
                             "description": _clean(organisation.get("description")) or _clean(row["name"])},
            "schedules": [], "languages": [], "attributes": [], "service_areas": [], "service_at_locations": [],
        }
        hours = defaultdict(list)  # the same opening and closing times, gathered into one weekly schedule
        for entry in schedules.get(row["id"], []):
            opens, closes, day = _time(entry["opens_at"]), _time(entry["closes_at"]), DAYS.get(entry["weekday"])
            if opens and closes and day and opens != closes:
                hours[(opens, closes)].append(day)
        for n, ((opens, closes), days) in enumerate(sorted(hours.items())):
            record["schedules"].append({"id": _id("schedule", f"{row['id']}/{n}"), "freq": "WEEKLY",
                                        "byday": ",".join(dict.fromkeys(days)), "opens_at": opens,
                                        "closes_at": closes})
        for name in dict.fromkeys(languages.get(row["id"], [])):
            if name in LANGUAGE_CODES:
                record["languages"].append({"id": _id("language", f"{row['id']}/{name}"), "name": name,
                                            "code": LANGUAGE_CODES[name]})
        for code in dict.fromkeys(filed.get(row["id"], [])):
            term = terms.get(code)
            if term is None or code.startswith("Y"):  # Y codes say who a service is for, not what it is
                continue
            term_id = _id("taxonomy_term", code)
            record["attributes"].append({
                "id": _id("attribute", f"{row['id']}/{code}"), "link_id": sid, "link_type": "service",
                "taxonomy_term_id": term_id,
                "taxonomy_term": {"id": term_id, "code": code, "name": _clean(term["name"]),
                                  "description": _clean(term["name"]), "taxonomy_id": AIRS["id"],
                                  "taxonomy": AIRS["name"], "term": code}})
        for location_id in dict.fromkeys(at_location.get(row["id"], [])):
            place = locations.get(location_id)
            if not place:
                continue
            loc_id = _id("location", location_id)
            location: dict[str, Any] = {"id": loc_id, "location_type": "physical", "name": _clean(place["name"]),
                                        "addresses": []}
            with contextlib.suppress(ValueError):  # a location without coordinates keeps its address
                location["latitude"], location["longitude"] = float(place["latitude"]), float(place["longitude"])
            for n, address in enumerate(addresses.get(location_id, [])):
                if address["address_1"].strip():
                    location["addresses"].append({
                        "id": _id("address", f"{location_id}/{n}"), "address_1": _clean(address["address_1"]),
                        "city": _clean(address["city"]) or "Miami", "state_province": _clean(address["state_province"]),
                        "postal_code": _clean(address["postal_code"]), "country": "US",
                        "address_type": "physical"})
            record["service_at_locations"].append({"id": _id("service_at_location", f"{row['id']}/{location_id}"),
                                                   "service_id": sid, "location_id": loc_id, "location": location})
        records.append({k: v for k, v in record.items() if v is not None})
    return records


def airs_codes(records: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Each converted service's AIRS codes, by its id: what the evaluation judges relevance against."""
    return {r["id"]: [a["taxonomy_term"]["code"] for a in r["attributes"]] for r in records}


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "miami211.json")
    converted = convert()
    out.write_text(json.dumps(converted, ensure_ascii=False), encoding="utf-8")
    print(f"{len(converted)} services written to {out}")
