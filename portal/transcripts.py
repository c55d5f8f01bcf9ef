"""The conversation so far, kept for one visit: Back, a listing page or "See more" never lose it.

What the resident wrote is kept only while they are talking: a conversation's turns are deleted half an
hour after its last message, and at once when a kiosk starts again for the next visitor. Replies are kept as
the assistant gave them (text to translate, listing ids), so they are shown again in today's language and
with today's opening times.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

import sqlite_utils

from portal.assistant import Reply

KEEP_FOR = timedelta(minutes=30)
MOST_TURNS = 40  # a longer conversation keeps its latest turns


def _now() -> datetime:
    return datetime.now(UTC)


def keep(db: sqlite_utils.Database, conversation: str, said: str | None, replies: list[Reply]) -> None:
    """Add a turn, and forget every conversation that has been quiet for longer than KEEP_FOR."""
    now = _now()
    with db.atomic():
        db.execute("delete from chat_turns where conversation in (select conversation from chat_turns "
                   "group by conversation having max(said_at) < ?)", [(now - KEEP_FOR).isoformat()])
        db.execute("insert into chat_turns (conversation, said_at, turn) values (?, ?, ?)",
                   [conversation, now.isoformat(), json.dumps({"said": said, "replies": [asdict(r) for r in replies]})])
        db.execute("delete from chat_turns where conversation = ? and id not in (select id from chat_turns "
                   "where conversation = ? order by id desc limit ?)", [conversation, conversation, MOST_TURNS])


def turns(db: sqlite_utils.Database, conversation: str) -> list[tuple[str | None, list[Reply]]]:
    """The conversation's turns, oldest first, or none if it has been quiet for longer than KEEP_FOR."""
    rows = db.execute("select said_at, turn from chat_turns where conversation = ? order by id",
                      [conversation]).fetchall()
    if not rows or rows[-1][0] < (_now() - KEEP_FOR).isoformat():
        return []
    found = []
    for _, turn in rows:
        data = json.loads(turn)
        replies = [Reply(**{k: v for k, v in r.items() if k in Reply.__dataclass_fields__}) for r in data["replies"]]
        found.append((data.get("said"), replies))
    return found


def last_shown(db: sqlite_utils.Database, conversation: str) -> list[str]:
    """The listings in the assistant's latest reply that showed any: what "when are they open?" is about."""
    for _, replies in reversed(turns(db, conversation)):
        for reply in reversed(replies):
            ids = [item["id"] for item in reply.listings if isinstance(item.get("id"), str)]
            if ids:
                return ids
    return []


def forget(db: sqlite_utils.Database, conversation: str) -> None:
    with db.atomic():
        db.execute("delete from chat_turns where conversation = ?", [conversation])
