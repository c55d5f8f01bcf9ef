"""What a page costs a resident on a phone: its HTML and everything it loads, as sent compressed."""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from dataclasses import dataclass

_ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(/static/[^"]+)"')
_IMPORT = re.compile(r'from\s+"\./([^"]+)"')


@dataclass(frozen=True)
class PageWeight:
    files: dict[str, int]  # path -> compressed bytes

    @property
    def total(self) -> int:
        return sum(self.files.values())


def compressed_size(body: bytes) -> int:
    """Bytes on the wire with gzip as the portal sends it (level 9, Starlette's default)."""
    return len(gzip.compress(body, compresslevel=9))


def page_weight(path: str, fetch: Callable[[str], bytes]) -> PageWeight:
    """The page at `path` and every stylesheet, script and module it loads on a first visit."""
    html = fetch(path)
    files = {path: compressed_size(html)}
    pending = _ASSET.findall(html.decode("utf-8"))
    while pending:
        asset = pending.pop()
        if asset in files:
            continue
        body = fetch(asset)
        files[asset] = compressed_size(body)
        if asset.endswith((".mjs", ".js")):
            folder = asset.rsplit("/", 1)[0]
            pending += [f"{folder}/{name}" for name in _IMPORT.findall(body.decode("utf-8", "replace"))]
    return PageWeight(files)
