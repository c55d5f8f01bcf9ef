"""A listing as the assistant shows it: name, one line, today's opening hours and a link."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Optional
from zoneinfo import ZoneInfo

from actions import portal_api

LONDON = ZoneInfo("Europe/London")
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def hours_today(schedules: List[Dict[str, Any]], now: Optional[datetime] = None) -> Optional[str]:
    """'09:00–17:00' for the sessions running today (London time), or None if closed today."""
    today = DAYS[(now or datetime.now(LONDON)).astimezone(LONDON).weekday()]
    sessions = sorted(
        f"{s['opens_at'][:5]}–{s['closes_at'][:5]}" for s in schedules
        if s.get("opens_at") and s.get("closes_at") and today in (s.get("byday") or "").split(",")
    )
    return ", ".join(sessions) or None


def one_line(description: str) -> str:
    first = (description or "").split(". ")[0].strip()
    return first if first.endswith((".", "!", "?")) else f"{first}."


async def shown(summary: Dict[str, Any]) -> Dict[str, Any]:
    """The full record of a search result, cut down to what a chat message can hold."""
    try:
        record = await portal_api.service(summary["id"])
    except portal_api.PortalUnavailable:
        record = summary
    return {"id": summary["id"], "name": summary.get("name", ""), "summary": one_line(summary.get("description", "")),
            "today": hours_today(record.get("schedules") or []), "url": f"/services/{summary['id']}"}
