"""The portal's Open Referral UK API, as the actions call it: short timeouts, never an exception.

A slow or stopped portal must not leave a resident waiting: every call gives up after a few seconds
and the action says so kindly, with a phone number.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import aiohttp

PORTAL_URL = os.environ.get("PORTAL_URL", "http://127.0.0.1:8000")
TIMEOUT_S = float(os.environ.get("PORTAL_API_TIMEOUT_S", "4"))


class PortalUnavailable(Exception):
    """The directory could not be reached in time."""


@dataclass
class Found:
    total: int
    listings: List[Dict[str, Any]]


async def _get(path: str, params: Dict[str, Any]) -> Dict[str, Any]:
    clean = {k: v for k, v in params.items() if v not in (None, "", False)}
    clean = {k: ("true" if v is True else v) for k, v in clean.items()}
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT_S)) as session:
            async with session.get(f"{PORTAL_URL}{path}", params=clean) as response:
                if response.status == 400:
                    return {"problem": (await response.json()).get("detail", "")}
                response.raise_for_status()
                return await response.json()
    # On Python 3.10, aiohttp's timeout raises asyncio.TimeoutError, which is not the built-in one.
    except (aiohttp.ClientError, asyncio.TimeoutError, TimeoutError, OSError, ValueError) as error:
        raise PortalUnavailable(str(error)) from error


async def search(text: str = "", category: Optional[str] = None, postcode: Optional[str] = None,
                 neighbourhood: Optional[str] = None, language: Optional[str] = None, lang: Optional[str] = None,
                 open_now: bool = False, per_page: int = 3) -> Found:
    page = await _get("/api/v1/services", {
        "text": text, "taxonomy_term_id": category, "postcode": postcode, "neighbourhood": neighbourhood,
        "language": language, "lang": lang, "open_now": open_now, "per_page": per_page,
    })
    if "problem" in page:  # a postcode or place the directory cannot use: search without it
        page = await _get("/api/v1/services", {"text": text, "taxonomy_term_id": category, "lang": lang,
                                               "per_page": per_page})
    return Found(page.get("total_items", 0), page.get("contents", []))


async def service(service_id: str) -> Dict[str, Any]:
    return await _get(f"/api/v1/services/{service_id}", {})
