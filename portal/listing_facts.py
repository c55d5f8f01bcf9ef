"""How to reach a listing: each place it is at (address, map, how to get there, access notes) and its numbers
to tap.

One reading of the Open Referral record for the listing page, the assistant's "where is it?" and the
kiosk's take-away, so they never disagree.
"""

from __future__ import annotations

from typing import Any

import regex

from directory.services import load_service


def contact(db: Any, listing_id: str, own_words: dict[str, str] | None = None) -> dict[str, Any]:
    """Phone numbers to tap, each place with its address and map, and how to get there: the editor's words in
    the resident's language (`own_words`, a translation's fields) where they wrote them, else the English notes,
    marked so a page can say "(in English)"."""
    record = load_service(db, listing_id) or {}
    phones = [{"number": p["number"], "tel": regex.sub(r"[^\d+]", "", p["number"])}
              for p in record.get("phones") or [] if p.get("number")]
    found = places(record)
    own = (own_words or {}).get("transportation", "")
    english = [p["transportation"] for p in found if p["transportation"]]
    return {"phones": phones, "places": found, "email": record.get("email") or "", "url": record.get("url") or "",
            "getting_there": [own] if own else list(dict.fromkeys(english)), "getting_there_in_english": not own}


def places(record: dict[str, Any]) -> list[dict[str, Any]]:
    """Each place a service is at: its name, address, a map link, how to get there and access notes."""
    found = []
    for link in record.get("service_at_locations") or []:
        location = link.get("location") or {}
        address = [", ".join(p for p in (a.get("address_1"), a.get("city"), a.get("postal_code")) if p)
                   for a in location.get("addresses") or []]
        lat, lon = location.get("latitude"), location.get("longitude")
        map_url = (f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
                   if lat is not None and lon is not None else None)
        access = [": ".join(p for p in (a.get("description"), a.get("details")) if p)
                  for a in location.get("accessibility") or []]
        found.append({"name": location.get("name") or "", "address": address, "map_url": map_url,
                      "transportation": (location.get("transportation") or "").strip(),
                      "accessibility": [a for a in access if a]})
    return found
