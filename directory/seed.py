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
from directory.translations import KEY

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
    """Import the demonstration listings with their translations (published like any listing, so each has its
    history), and flag the database as demonstration data."""
    translated = demo_translations()
    records = [{**record, KEY: translated[record["id"]]} if record["id"] in translated else record
               for record in demo_records()]
    report = import_services(db, records, progress)
    with db.atomic():
        db["meta"].insert({"key": DEMO_FLAG, "value": "1"}, replace=True)
    return report
