"""Talking to the Rasa assistant through its REST channel, from the portal's side.

The browser never reaches Rasa: the portal sends the resident's words with their language and an
anonymous conversation id, and gets back the assistant's replies as payloads it renders itself. If Rasa
is slow or stopped, `ask` returns None and the chat carries on with a directory search.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import httpx

log = logging.getLogger(__name__)
TIMEOUT_S = 8.0


@dataclass
class Reply:
    """One message from the assistant: English text to translate, and what comes with it."""

    say: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    listings: list[dict[str, Any]] = field(default_factory=list)
    buttons: list[dict[str, str]] = field(default_factory=list)
    urgent: bool = False
    about: str = ""  # a question the portal answers from the directory: "hours", "contact" or "person"
    where: str = ""  # the postcode or place the resident gave, for "person"


def _reply(message: dict[str, Any]) -> Reply:
    custom = message.get("custom") or {}
    if not custom and message.get("text"):
        custom = {"say": message["text"], "buttons": message.get("buttons") or []}
    return Reply(say=custom.get("say", ""), params=custom.get("params") or {}, listings=custom.get("listings") or [],
                 buttons=custom.get("buttons") or [], urgent=bool(custom.get("urgent")),
                 about=str(custom.get("about") or ""), where=str(custom.get("where") or ""))


def ask(rasa_url: str, conversation: str, text: str, language: str) -> list[Reply] | None:
    """The assistant's replies to one message, or None if it could not be reached in time."""
    if not rasa_url:
        return None
    try:
        response = httpx.post(f"{rasa_url.rstrip('/')}/webhooks/rest/webhook", timeout=TIMEOUT_S,
                              json={"sender": conversation, "message": text, "metadata": {"language": language}})
        response.raise_for_status()
        return [_reply(message) for message in response.json()]
    except (httpx.HTTPError, ValueError) as error:
        log.warning("the assistant could not be reached (%s); answering from the directory", type(error).__name__)
        return None


def forget(rasa_url: str, conversation: str) -> bool:
    """Wipe a conversation from Rasa's memory (its events replaced by none): a kiosk's next visitor
    starts from nothing. Returns whether Rasa confirmed it."""
    if not rasa_url:
        return False
    try:
        response = httpx.put(f"{rasa_url.rstrip('/')}/conversations/{conversation}/tracker/events", json=[],
                             timeout=TIMEOUT_S)
        return response.status_code == 200
    except httpx.HTTPError:
        return False
