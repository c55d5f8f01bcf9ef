"""A listing as the assistant passes it to the portal: its id, with a name and a line for anyone reading
Rasa's own logs. The portal shows it from the directory (name in the resident's language, hours today)."""

from __future__ import annotations

from typing import Any, Dict


def one_line(description: str) -> str:
    first = (description or "").split(". ")[0].strip()
    return first if first.endswith((".", "!", "?")) else f"{first}."


def shown(summary: Dict[str, Any]) -> Dict[str, Any]:
    return {"id": summary["id"], "name": summary.get("name", ""), "summary": one_line(summary.get("description", "")),
            "url": f"/services/{summary['id']}"}
