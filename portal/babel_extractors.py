"""`pybabel extract` support for the assistant's replies, so they are translated with the rest of the portal.

The assistant's domain.yml holds English `say` texts and button titles; the portal shows them in the
resident's language from the same catalogues as every page.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import yaml


def extract_rasa_domain(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    domain = yaml.safe_load(fileobj) or {}
    for variants in (domain.get("responses") or {}).values():
        for variant in variants:
            custom = variant.get("custom") or {}
            if custom.get("say"):
                yield 0, None, custom["say"], []
            for button in custom.get("buttons") or []:
                yield 0, None, button["title"], []
