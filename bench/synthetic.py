"""Synthetic directories of any size, made from the seed directory's own vocabulary.

Each synthetic listing takes its name and category from one seed listing and mixes in sentences
from others, at a real Lewisham postcode, so word and meaning search face realistic text.
"""

from __future__ import annotations

import copy
import random
from typing import Any

from directory import seed
from directory.taxonomy import stable_id

AREAS = ["Deptford", "New Cross", "Brockley", "Lewisham", "Ladywell", "Lee", "Catford", "Bellingham", "Downham",
         "Grove Park", "Sydenham", "Forest Hill", "Hither Green", "Blackheath", "Crofton Park", "Honor Oak"]


def _sentences(text: str) -> list[str]:
    return [s.strip().rstrip(".") + "." for s in text.split(". ") if s.strip()]


def listings(count: int, rng_seed: int = 7) -> list[dict[str, Any]]:
    """`count` valid ORUK service records with fresh ids, deterministic for a given seed."""
    rng = random.Random(rng_seed)
    base = seed.demo_records()
    sentences = [s for record in base for s in _sentences(record.get("description", ""))]
    located = [r for r in base if r.get("service_at_locations")]
    out = []
    for n in range(count):
        record = copy.deepcopy(rng.choice(base))
        sid = stable_id("synthetic-service", str(n))
        record["id"] = sid
        record["name"] = f"{record['name']} – {rng.choice(AREAS)} {n}"
        record["description"] = " ".join([_sentences(record["description"])[0], *rng.sample(sentences, 2)])
        if record.get("service_at_locations") or rng.random() < 0.8:
            place = copy.deepcopy(rng.choice(located)["service_at_locations"][0])
            place["id"] = stable_id("synthetic-sal", str(n))
            place["service_id"] = sid
            place["location"]["id"] = place["location_id"] = stable_id("synthetic-location", str(n % 400))
            for i, address in enumerate(place["location"].get("addresses") or []):
                address["id"] = stable_id("synthetic-address", f"{n % 400}/{i}")
                address["location_id"] = place["location"]["id"]
            for i, access in enumerate(place["location"].get("accessibility") or []):
                access["id"] = stable_id("synthetic-access", f"{n % 400}/{i}")
                access["location_id"] = place["location"]["id"]
            record["service_at_locations"] = [place]
        for key in ("schedules", "languages", "cost_options", "phones", "contacts", "attributes", "service_areas"):
            for i, child in enumerate(record.get(key) or []):
                child["id"] = stable_id(f"synthetic-{key}", f"{n}/{i}")
                if "service_id" in child:
                    child["service_id"] = sid
                if "link_id" in child:
                    child["link_id"] = sid
                for j, phone in enumerate(child.get("phones") or []):
                    phone["id"] = stable_id("synthetic-contact-phone", f"{n}/{i}/{j}")
        out.append(record)
    return out
