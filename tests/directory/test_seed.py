"""The demonstration directory: enough real Lewisham help in every neighbourhood, and nothing real to ring."""

import re
from collections import Counter

from directory import oruk, seed
from directory.postcodes import lookup
from directory.taxonomy import NEIGHBOURHOODS

RECORDS = seed.demo_records()
NEEDS = ["money-debt", "mental-health", "social-prescribing", "family", "young-people", "carers", "older-people",
         "food", "housing", "health-checks", "community-hubs", "employment", "disability-autism", "activities"]


def _strings(value: object):  # noqa: ANN202 - every string anywhere in a record
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_the_seed_is_a_valid_feed_of_at_least_sixty_listings() -> None:
    assert len(RECORDS) >= 60
    assert oruk.validate(RECORDS) == []


def test_every_neighbourhood_has_at_least_ten_listings() -> None:
    areas = Counter(a["name"] for r in RECORDS for a in r.get("service_areas") or [])
    for neighbourhood in NEIGHBOURHOODS:
        assert areas[neighbourhood.name] >= 10, neighbourhood.name


def test_every_kind_of_help_the_partnership_names_is_there() -> None:
    codes = {a["taxonomy_term"]["term"] for r in RECORDS for a in r.get("attributes") or []}
    assert set(NEEDS) <= codes
    text = " ".join(r["name"] + " " + r["description"] for r in RECORDS).lower()
    for named in ("waldron", "black therapists hub", "family hub", "youth clinic", "start for life", "autism",
                  "blood pressure", "social prescribing", "carers"):
        assert named in text, named


def test_contact_details_are_clearly_fictional() -> None:
    for record in RECORDS:
        for value in _strings(record):
            for phone in re.findall(r"\b0\d{2,4}[ \d]{6,10}\d\b", value):
                assert re.fullmatch(r"020 7946 0\d{3}", phone), (record["name"], phone)
            for email in re.findall(r"[\w.+-]+@([\w.-]+)", value):
                assert email == "example.org" or email.endswith(".example.org"), (record["name"], email)
            for host in re.findall(r"https?://([^/\s]+)", value):
                assert host == "example.org" or host.endswith(".example.org"), (record["name"], host)


def test_every_address_is_a_real_lewisham_postcode_at_its_own_coordinates() -> None:
    for record in RECORDS:
        for sal in record.get("service_at_locations") or []:
            location = sal["location"]
            for address in location.get("addresses") or []:
                place = lookup(address["postal_code"])
                assert place.borough == "Lewisham", (record["name"], address["postal_code"])
                assert abs(place.latitude - location["latitude"]) < 0.001
                assert abs(place.longitude - location["longitude"]) < 0.001
