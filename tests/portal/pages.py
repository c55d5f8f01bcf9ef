"""Helpers for page tests: read what a resident would see and use, out of real HTML."""

from __future__ import annotations

import html
import re
from pathlib import Path

from fastapi.testclient import TestClient

from directory.store import bump_generation, open_db
from directory.taxonomy import stable_id

DOMESTIC_ABUSE = "872b5070-bd7b-5b1e-b78b-a74844553b26"


def csrf_token(client: TestClient, path: str = "/search?q=food") -> str:
    page = client.get(path).text
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def listing_links(html: str) -> list[str]:
    """The ids of the listings a results page links to, in order."""
    return re.findall(r'class="govuk-link" href="(?:/[a-z]{2})?/services/([0-9a-f-]{36})"', html)


def set_last_reviewed(db_path: Path, service_id: str | None, reviewed: str) -> str:
    """Change when a listing was last reviewed (the first published one if none is named); returns its id."""
    db = open_db(db_path)
    if service_id is None:
        service_id = db.execute("select id from services where publication_status = 'published' "
                                "order by name limit 1").fetchone()[0]
    with db.atomic():
        db.execute("update services set last_reviewed = ? where id = ?", [reviewed, service_id])
        bump_generation(db)
    db.close()
    return service_id


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


__all__ = ["DOMESTIC_ABUSE", "csrf_token", "listing_links", "set_last_reviewed", "stable_id", "visible_text"]


def reset_link(page: str) -> str:
    """The kiosk's "Start again" address on this page (with this visitor's own token), as the idle timer uses it."""
    return html.unescape(re.search(r'data-reset-url="([^"]+)"', page).group(1))
