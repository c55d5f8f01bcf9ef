"""The demonstration directory for Lewisham that ships with the portal.

Every contact detail in it is fictional (Ofcom drama numbers, example.org), and loading it
marks the database as holding demonstration data so the portal can say so to residents.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import sqlite_utils

from directory.oruk import ImportReport, Progress, import_services
from directory.translations import save_translation

DEMO_FLAG = "demo_data"


def demo_records() -> list[dict[str, Any]]:
    return json.loads(resources.files("directory").joinpath("seed/lewisham_demo.json").read_text(encoding="utf-8"))


def demo_translations() -> dict[str, dict[str, dict[str, str]]]:
    """Names and descriptions of some demonstration listings in residents' languages, by id then language."""
    return json.loads(resources.files("directory").joinpath("seed/translations.json").read_text(encoding="utf-8"))


def is_demo(db: sqlite_utils.Database) -> bool:
    row = db.execute("select value from meta where key = ?", [DEMO_FLAG]).fetchone()
    return bool(row and row[0] == "1")


def load_demo(db: sqlite_utils.Database, progress: Progress | None = None) -> ImportReport:
    """Import the demonstration listings and flag the database as demonstration data."""
    report = import_services(db, demo_records(), progress)
    with db.atomic():
        for service_id, languages in demo_translations().items():
            for language, text in languages.items():
                save_translation(db, service_id, language, text["name"], text["description"])
        db["meta"].insert({"key": DEMO_FLAG, "value": "1"}, replace=True)
    return report
