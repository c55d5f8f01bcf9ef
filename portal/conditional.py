"""Answers a partner can poll cheaply: an ETag and Last-Modified on every API answer, and 304 Not Modified
when what they hold is still current (RFC 9110 section 13)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from fastapi import Request, Response

# A partner may keep an answer this long without asking; after that a conditional request costs one 304.
MAX_AGE_S = 60


def _matches(header: str, etag: str) -> bool:
    """If-None-Match compares weakly: W/"x" and "x" are the same answer."""
    wanted = etag.removeprefix("W/")
    return any(tag.strip() == "*" or tag.strip().removeprefix("W/") == wanted for tag in header.split(","))


def _not_modified_since(header: str, last_modified: datetime) -> bool:
    try:
        held = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return False  # a date we cannot read is ignored, as the RFC says
    if held is None or held.tzinfo is None:
        return False
    return last_modified.replace(microsecond=0) <= held


def json_answer(request: Request, body: Any, last_modified: datetime | None = None,
                content_language: str | None = None) -> Response:
    """`body` as JSON with validators and cache headers, or 304 with no body if the partner's copy is current.

    The ETag is the answer's own digest, so it changes exactly when the answer does; Last-Modified (when given)
    is when the directory last changed, for partners that only keep dates.
    """
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    etag = f'"{hashlib.sha256(content).hexdigest()[:32]}"'
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={MAX_AGE_S}"}  # Vary: the language middleware
    if last_modified is not None:
        headers["Last-Modified"] = format_datetime(last_modified, usegmt=True)
    if content_language:
        headers["Content-Language"] = content_language
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        fresh = _matches(if_none_match, etag)
    else:
        since = request.headers.get("if-modified-since")
        fresh = bool(since and last_modified is not None and _not_modified_since(since, last_modified))
    if fresh:
        return Response(status_code=304, headers=headers)
    return Response(content, media_type="application/json", headers=headers)
