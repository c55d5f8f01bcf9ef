"""The uk-profile OpenAPI (tests/schemas/oruk3/openapi.json) with its schemas read from this folder instead of
raw.githubusercontent.com, so conformance runs offline against exactly the files kept here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ORUK3 = Path(__file__).parent / "oruk3"
PUBLISHED_AT = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"


def _inline(node: Any) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(PUBLISHED_AT):
            return json.loads((ORUK3 / ref.removeprefix(PUBLISHED_AT)).read_text())
        return {key: _inline(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(item) for item in node]
    return node


def openapi() -> dict[str, Any]:
    """The profile's OpenAPI, every external schema in place.

    One correction: `start_time` and `end_time` are declared `{"type": "time"}`, which is not a JSON Schema type
    (schemathesis refuses the whole operation); they are read as the profile's descriptions mean them, strings
    holding a time of day.
    """
    spec = _inline(json.loads((ORUK3 / "openapi.json").read_text()))
    for name in ("start_time", "end_time"):
        parameter = spec["components"]["parameters"][name]
        if parameter["schema"] == {"type": "time"}:
            parameter["schema"] = {"type": "string", "format": "time"}
    return spec


def schema(name: str) -> dict[str, Any]:
    """One of the profile's JSON schemas by file name: "compiled/service.json", "taxonomy.json"."""
    return json.loads((ORUK3 / name).read_text())
