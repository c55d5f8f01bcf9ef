"""Helpers for page tests: read what a resident would see and use, out of real HTML."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from directory.taxonomy import stable_id

DOMESTIC_ABUSE = "872b5070-bd7b-5b1e-b78b-a74844553b26"


def csrf_token(client: TestClient, path: str = "/search?q=food") -> str:
    page = client.get(path).text
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def listing_links(html: str) -> list[str]:
    """The ids of the listings a results page links to, in order."""
    return re.findall(r'class="govuk-link" href="(?:/[a-z]{2})?/services/([0-9a-f-]{36})"', html)


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


__all__ = ["DOMESTIC_ABUSE", "csrf_token", "listing_links", "stable_id", "visible_text"]
