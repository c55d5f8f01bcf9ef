"""What the actions say, as payloads the portal renders in the resident's language.

`say` is English text with {placeholders}; the portal translates it from its catalogues (the N_ marker
lets `pybabel extract` find it) and fills the placeholders after.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

def N_(message: str) -> str:  # noqa: N802 - the gettext convention pybabel looks for
    return message


HELP_PHONE = "020 7946 0000"  # the partnership's advice line (demonstration number)
HELP_HOURS = N_("Monday to Friday, 9am to 5pm")


def reply(say: str, *, params: Optional[Dict[str, Any]] = None, listings: Optional[List[Dict[str, Any]]] = None,
          buttons: Optional[List[Dict[str, str]]] = None, **extra: Any) -> Dict[str, Any]:
    payload: Dict[str, Any] = {"say": say, "params": params or {}}
    if listings:
        payload["listings"] = listings
    if buttons:
        payload["buttons"] = buttons
    payload.update(extra)
    return payload


def button(title: str, payload: str) -> Dict[str, str]:
    """A button that sends an intent (and entities) back to the assistant, like `/find_food_support`."""
    return {"title": title, "payload": payload}


def link(title: str, url: str) -> Dict[str, str]:
    """A button that opens a portal page (the portal adds the resident's language)."""
    return {"title": title, "url": url}
