"""Text as people type it, made fit to keep: no control characters, one kind of line break.

A control character (NUL, vertical tab, the escape that starts a terminal colour) means nothing in a
resident's answer or search, but it can break what reads the text later: a workbook refuses a cell that
holds one, a log or a terminal can be misled by one. Tabs and line breaks are kept.
"""

from __future__ import annotations

import re

# C0 controls but tab and line feed, DEL, the C1 controls, and the two Unicode non-characters XML refuses.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")


def clean(text: str) -> str:
    """`text` with Windows and old Mac line breaks made `\\n` and every other control character removed."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
