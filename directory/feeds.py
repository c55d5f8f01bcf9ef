"""Reading another publisher's Open Referral UK feed over HTTP: every page of it, ORUK 3.0 or 1.x, patiently.

A publisher's server may be slow, busy or briefly down: each request has a timeout and is tried again with a
growing pause after a timeout, a dropped connection, a 429 or a 5xx. Anything else (a 404, a page that is not
JSON, a page that is not a feed) fails the whole read at once, saying which address and page. Nothing here
writes to the directory: a sync reads everything first (directory/sources.py), so a failure part-way through
leaves the directory as it was.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from directory.oruk_v1 import looks_like_v1, service_id, upgrade_service

Record = dict[str, Any]

TIMEOUT = httpx.Timeout(20.0, connect=10.0)
TRIES = 4  # the first request and three more
BACKOFF_S = 0.5  # the pause before the second try, doubling after each
PER_PAGE = 100
MOST_PAGES = 2_000  # 200,000 services: a feed that never says it has ended is not read for ever
MOST_LANGUAGES = 20
MOST_BYTES = 20 * 1024 * 1024  # one page or one service: a whole borough's directory is a few megabytes
MOST_SECONDS = 120  # one answer, however slowly it trickles in (the timeout above is between its bytes)
USER_AGENT = "neighbourhood-portal feed sync (+https://github.com/)"
# Fields this software's own API adds to a service (a profile extension), not part of the record to store.
EXTENSION_FIELDS = ("translations_available", "text_language", "provenance")
# Where a translated text sits in an ORUK record, by the name an editor's translation keeps it under.
TRANSLATED_FIELDS = {"eligibility": "eligibility_description", "how_to_start": "application_process",
                     "fees": "fees_description"}


class FeedFailed(Exception):
    """The feed could not be read; the message says where (address and page) and what happened."""


@dataclass
class Fetched:
    records: list[Record]  # full ORUK 3.0 services (1.x ones upgraded), as the publisher has them now
    listed: set[str] | None  # every service the publisher lists now (ids as `oruk_v1.service_id` keeps them);
    # None if it could not say
    incremental: bool  # only services changed since the last sync were fetched (modified_after)
    requests: int = 0
    notes: list[str] = field(default_factory=list)


def api_root(url: str) -> str:
    """The feed's API root from what a person pastes: the root itself or its /services address."""
    root = url.strip().rstrip("/")
    return root.removesuffix("/services")


class FeedReader:
    """One publisher's feed, read through one HTTP client."""

    def __init__(self, url: str, client: httpx.Client | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.root = api_root(url)
        self.client = client or httpx.Client(timeout=TIMEOUT, follow_redirects=True,
                                             headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
        self.sleep = sleep
        self.requests = 0

    def get(self, path: str, params: dict[str, Any] | None = None, where: str = "") -> Any:
        """The JSON at `path`, tried again after a pause when the server or network stumbles."""
        url = f"{self.root}{path}"
        place = f"{url}{f' ({where})' if where else ''}"
        pause = BACKOFF_S
        for attempt in range(1, TRIES + 1):
            self.requests += 1
            try:
                with self.client.stream("GET", url, params=params) as response:
                    if response.status_code == 429 or response.status_code >= 500:
                        problem = f"the publisher's server answered {response.status_code}"
                    elif response.status_code >= 400:
                        raise _Refused(response.status_code, f"{place}: the publisher's server answered "
                                                             f"{response.status_code}")
                    else:
                        return _json(_read_at_most(response, place), place)
            except httpx.TimeoutException:
                problem = "the publisher's server did not answer in time"
            except httpx.TransportError as error:
                problem = f"could not reach the publisher's server ({type(error).__name__})"
            if attempt == TRIES:
                raise FeedFailed(f"{place}: {problem}, {TRIES} times")
            self.sleep(pause)
            pause *= 2
        raise AssertionError("unreachable")

    def pages(self, params: dict[str, Any]) -> Iterator[list[Record]]:
        """The items of every page of /services, from the first to the last the publisher says there is."""
        for number in range(1, MOST_PAGES + 1):
            body = self.get("/services", {**params, "page": number, "per_page": PER_PAGE}, where=f"page {number}")
            items, last = _page_items(body, number)
            yield items
            if last or not items:
                return
        raise FeedFailed(f"{self.root}/services: more than {MOST_PAGES} pages; stopped reading")

    def service(self, remote_id: str) -> Record:
        """One service, fully nested, with its translations where the publisher's API offers them (this
        software's `translations_available` extension)."""
        record = self.get(f"/services/{remote_id}", where=f"service {remote_id}")
        if not isinstance(record, dict):
            raise FeedFailed(f"{self.root}/services/{remote_id}: the answer is not a service")
        languages = [code for code in record.get("translations_available") or [] if isinstance(code, str)]
        translations = {}
        for code in languages[:MOST_LANGUAGES]:
            other = self.get(f"/services/{remote_id}", {"lang": code}, where=f"service {remote_id} in {code}")
            if isinstance(other, dict) and other.get("text_language") == code:
                translations[code] = _translation(other, record)
        record = {k: v for k, v in record.items() if k not in EXTENSION_FIELDS}
        if translations:
            record["translations"] = translations
        return record

    def fetch(self, since: str | None = None) -> Fetched:
        """Every service the publisher lists, or (with `since`, where the publisher supports modified_after)
        only those changed since, plus the ids of all it lists, so dropped ones can be found."""
        incremental = since is not None
        try:
            listed_items = [item for items in self.pages({"modified_after": since} if since else {})
                            for item in items]
        except _Refused:
            if not since:
                raise
            incremental = False  # the publisher does not support modified_after: read everything
            listed_items = [item for items in self.pages({}) for item in items]
        notes = []
        records = []
        for item in listed_items:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str | int):
                records.append(item)  # validation says what is wrong with it, and where
            elif looks_like_v1(item):
                records.append(upgrade_service(item))
            else:
                records.append(self.service(str(item["id"])))
        if incremental:
            listed = self._all_ids()
            if listed is None:
                notes.append("The publisher cannot list every id cheaply (minimal=true): listings it dropped are "
                             "found at the next full sync.")
        else:
            listed = {service_id(r["id"]) for r in records if isinstance(r, dict) and "id" in r}
        return Fetched(records, listed, incremental, self.requests, notes)

    def _all_ids(self) -> set[str] | None:
        try:
            ids: set[str] = set()
            for items in self.pages({"minimal": "true"}):
                ids |= {service_id(item["id"]) for item in items if isinstance(item, dict) and "id" in item}
            return ids
        except _Refused:
            return None


class _Refused(FeedFailed):
    """A 4xx: the publisher's API does not take what was asked (a parameter it does not support, say)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _read_at_most(response: httpx.Response, place: str) -> bytes:
    """The answer's body, read no further than MOST_BYTES: a feed that never ends is not held in memory."""
    body = bytearray()
    deadline = time.monotonic() + MOST_SECONDS
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > MOST_BYTES:
            raise FeedFailed(f"{place}: the answer is bigger than {MOST_BYTES // 1024 // 1024} MB")
        if time.monotonic() > deadline:
            raise FeedFailed(f"{place}: the answer took more than {MOST_SECONDS} s to arrive")
    return bytes(body)


def _json(body: bytes, place: str) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        raise FeedFailed(f"{place}: the answer is not JSON") from None


def _page_items(body: Any, number: int) -> tuple[list[Any], bool]:
    """A page's items and whether it is the last: ORUK 3.0 (`contents`, `last_page`) or 1.x (`content`, `last`)."""
    if isinstance(body, list):  # a bare list: the whole feed on one page
        return body, True
    if not isinstance(body, dict):
        raise FeedFailed(f"page {number} is not an Open Referral UK page")
    if isinstance(body.get("contents"), list):
        items = body["contents"]
        last = body.get("last_page")
        if last is None and isinstance(body.get("total_pages"), int):
            last = number >= body["total_pages"]
        return items, bool(last) if last is not None else not items
    if isinstance(body.get("content"), list):
        items = body["content"]
        last = body.get("last")
        if last is None and isinstance(body.get("totalPages"), int):
            last = number >= body["totalPages"]
        return items, bool(last) if last is not None else not items
    raise FeedFailed(f"page {number} is not an Open Referral UK page: it has neither 'contents' nor 'content'")


def _translation(record: Record, english: Record) -> dict[str, str]:
    """The texts of `record` that are in its language: a field the API left in English is not a translation."""
    out = {"name": str(record.get("name") or ""), "description": str(record.get("description") or "")}
    for key, field_name in TRANSLATED_FIELDS.items():
        if record.get(field_name) and record[field_name] != english.get(field_name):
            out[key] = str(record[field_name])
    return out
