"""A resident's shortlist: listings saved in their session, to print or hand over by link and QR code.

Nothing about the resident is stored on the server. The shareable link carries the listings
themselves, never a sensitive one (domestic abuse, sexual violence, crisis): a link or QR code can be
seen by someone else.
"""

from __future__ import annotations

import base64
import binascii
import uuid

import segno
from fastapi import Request

from directory.corpus import Corpus, Listing

_SESSION_KEY = "shortlist"
LIMIT = 30


def saved_ids(request: Request) -> list[str]:
    value = request.session.get(_SESSION_KEY, [])
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def save(request: Request, service_id: str) -> None:
    ids = [i for i in saved_ids(request) if i != service_id]
    request.session[_SESSION_KEY] = ([service_id, *ids])[:LIMIT]


def remove(request: Request, service_id: str) -> None:
    request.session[_SESSION_KEY] = [i for i in saved_ids(request) if i != service_id]


def listings(found: Corpus, ids: list[str]) -> list[Listing]:
    """The saved listings that are still published, in the order saved."""
    return [found.listings[found.index_of[i]] for i in ids if i in found.index_of]


def _short(service_id: str) -> str:
    """A UUID as 22 URL-safe characters, so a shared link (and its QR code) stays small."""
    try:
        return base64.urlsafe_b64encode(uuid.UUID(service_id).bytes).decode().rstrip("=")
    except ValueError:
        return service_id


def _long(token: str) -> str:
    if len(token) == 22:
        try:
            return str(uuid.UUID(bytes=base64.urlsafe_b64decode(token + "==")))
        except (ValueError, binascii.Error):
            pass
    return token


def share_token(saved: list[Listing]) -> str:
    """The shareable part of the link: every saved listing except sensitive ones."""
    return ".".join(_short(listing.id) for listing in saved if not listing.sensitive)


def ids_from_token(token: str) -> list[str]:
    return [_long(part) for part in token.split(".") if part][:LIMIT]


def qr_svg(link: str) -> str:
    """An SVG QR code for the link, drawn in black on white for any phone camera."""
    return segno.make(link, error="m").svg_data_uri(scale=4, border=2)
