"""The assistant's multi-turn benchmark: scripted conversations played through the portal's /chat with Rasa
and the action server running, every turn checked against what its script expected.

The scripts (`bench/eval/{dev,heldout}/conversations.yml`) were written before any run, by a helper who saw
the demonstration directory's data but not the code: a need, a place, a follow-up about hours or a phone
number, a change of mind, asking for a person, in seven languages. A conversation succeeds when every one
of its turns does; README and results.md quote the held-out split.

    python -m bench.conversations --split dev      # while improving the assistant
"""

from __future__ import annotations

import argparse
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import yaml

from bench.servers import assistant_running
from directory.corpus import Corpus, corpus
from directory.embeddings import Embedder
from directory.schedules import DAY_CODES, london_now
from directory.services import load_service
from directory.store import open_db
from portal.i18n import translator
from portal.opening_times import when_open

EVAL = Path(__file__).with_name("eval")
HELP_PHONE = "020 7946 0000"
_ITEM = re.compile(r'<li>\s*<a class="govuk-link govuk-!-font-weight-bold" '
                   r'href="(?:/[a-z]{2})?(?:/kiosk)?/services/([0-9a-f-]{36})"')
_FIRST_FACT = re.compile(r'np-chat__facts">\s*<li>(.*?)</li>', re.S)


@dataclass
class Shown:
    """What one reply showed: listings (id -> the text of its item), and the whole fragment."""

    items: dict[str, str]
    html: str

    @property
    def plain(self) -> list[str]:
        return [i for i, text in self.items.items() if "np-chat__facts" not in text]


@dataclass
class Played:
    id: str
    language: str
    turns: list[tuple[str, bool, str]] = field(default_factory=list)  # (kind, passed, what was wrong)

    @property
    def succeeded(self) -> bool:
        return all(ok for _, ok, _ in self.turns)


def conversations(split: str) -> list[dict[str, Any]]:
    return yaml.safe_load((EVAL / split / "conversations.yml").read_text(encoding="utf-8"))["conversations"]


def shown(fragment: str) -> Shown:
    parts = _ITEM.split(fragment)
    return Shown({parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}, fragment)


def _kind(expect: dict[str, Any]) -> str:
    for kind in ("hours", "contact", "hours_of_shown", "contact_of_shown", "person"):
        if kind in expect:
            return kind.removesuffix("_of_shown") + (" (shown)" if kind.endswith("_of_shown") else "")
    return "need + place" if expect.get("place") else "need"


def _day(code: str | None, today: date) -> date | None:
    if not code:
        return None
    if code == "tomorrow":
        return today + timedelta(days=1)
    return today + timedelta(days=(DAY_CODES.index(code) - today.weekday()) % 7)


def _hours_right(item: str, record: dict[str, Any], language: str, day: date | None) -> tuple[bool, str]:
    """The item gives opening times, and its first line is about the day asked (today if none)."""
    first = _FIRST_FACT.search(item)
    if not first:
        return False, "no opening times"
    expected = when_open(record.get("schedules") or [], translator(language), london_now(), day)
    wanted = {line for line in expected[:2]}  # "Open now." may come before the day's line
    return (first.group(1).strip() in wanted, "" if first.group(1).strip() in wanted
            else f"first line {first.group(1).strip()!r}, expected one of {sorted(wanted)!r}")


def check(expect: dict[str, Any], reply: Shown, before: list[str], found: Corpus, db: Any, names: dict[str, str],
          language: str) -> tuple[bool, str]:
    """Whether a reply is what the script expected, and if not, what was wrong."""
    if "need" in expect and not any(k in expect for k in ("hours", "contact", "person")):
        hits = [i for i in reply.plain if expect["need"] in found.listings[found.index_of[i]].categories]
        return bool(hits), "" if hits else f"no {expect['need']} listing among {len(reply.plain)} shown"
    if expect.get("person"):
        return HELP_PHONE in reply.html, "" if HELP_PHONE in reply.html else "no advice line"
    about = "hours" if ("hours" in expect or "hours_of_shown" in expect) else "contact"
    wanted = [names[expect[about]]] if about in expect else before[:1]
    if not wanted:
        return False, "nothing had been shown"
    item = reply.items.get(wanted[0])
    if item is None or "np-chat__facts" not in item:
        return False, f"no {about} for the listing asked about"
    if about == "contact":
        ok = 'href="tel:' in item or "openstreetmap.org" in item
        return ok, "" if ok else "no phone or address"
    return _hours_right(item, load_service(db, wanted[0]) or {}, language, _day(expect.get("day"),
                                                                               london_now().date()))


def play(base: str, conversation: dict[str, Any], found: Corpus, db: Any, names: dict[str, str]) -> Played:
    language = conversation["language"]
    played, before = Played(conversation["id"], language), []
    prefix = "" if language == "en" else f"/{language}"
    with httpx.Client(base_url=base, timeout=30) as client:
        page = client.get(f"{prefix}/chat").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        for turn in conversation["turns"]:
            response = client.post(f"{prefix}/chat", data={"csrf_token": token, "message": turn["say"]},
                                   headers={"HX-Request": "true"})
            reply = shown(response.text if response.status_code == 200 else "")
            ok, wrong = check(turn["expect"], reply, before, found, db, names, language)
            played.turns.append((_kind(turn["expect"]), ok, wrong))
            before = reply.plain or before
    return played


def run(embedder: Embedder, split: str = "heldout") -> list[Played]:
    with assistant_running(embedder) as running:
        db = open_db(running.db_path)
        found = corpus(db, None)
        names = {listing.name: listing.id for listing in found.listings}
        try:
            return [play(running.portal, c, found, db, names) for c in conversations(split)]
        finally:
            db.close()


def table(played: list[Played], split: str = "heldout") -> str:
    by_language: dict[str, list[Played]] = defaultdict(list)
    for p in played:
        by_language[p.language].append(p)
    rows = [f"Scripted conversations ({split} split), played through /chat with Rasa running; a conversation "
            "succeeds when every turn does.", "",
            "| language | conversations | succeeded | task success | turns right |", "|---|---:|---:|---:|---:|"]
    for language, items in sorted(by_language.items()):
        turns = [ok for p in items for _, ok, _ in p.turns]
        rows.append(f"| {language} | {len(items)} | {sum(p.succeeded for p in items)} | "
                    f"{sum(p.succeeded for p in items) / len(items):.2f} | {sum(turns)} / {len(turns)} |")
    total = sum(p.succeeded for p in played)
    turns = [ok for p in played for _, ok, _ in p.turns]
    rows.append(f"| all | {len(played)} | {total} | {total / len(played):.2f} | {sum(turns)} / {len(turns)} |")
    kinds: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for p in played:
        for kind, ok, _ in p.turns:
            kinds[kind] += 1
            right[kind] += ok
    rows += ["", "| turn asks for | turns | right |", "|---|---:|---:|"]
    rows += [f"| {kind} | {kinds[kind]} | {right[kind] / kinds[kind]:.2f} |" for kind in sorted(kinds)]
    return "\n".join(rows)


def main() -> None:
    from directory.embeddings import shared_embedder

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("dev", "heldout"), default="dev")
    split = parser.parse_args().split
    played = run(shared_embedder(), split)
    print(table(played, split))
    for p in played:
        for (kind, ok, wrong), turn in zip(p.turns, next(c for c in conversations(split) if c["id"] == p.id)["turns"],
                                           strict=True):
            if not ok:
                print(f"{p.id} {kind}: {turn['say']!r}: {wrong}")


if __name__ == "__main__":
    main()
