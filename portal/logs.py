"""What the portal writes to its log: one JSON object a line (PORTAL_LOG_FORMAT=json) or plain text, and never
a person's details.

Every message is scrubbed before it is written: emails, phone numbers, postcodes and IP addresses are replaced
(surveys/redaction.py and an address pattern), and an error is logged by its type alone, since a traceback
can quote what someone typed. Requests are not logged one by one (uvicorn's access log is off); /metrics counts
them by route instead.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
from datetime import UTC, datetime

from surveys.redaction import redact

# Anything shaped like an IP address (v4 dotted, or v6 hex and colons), kept out if it parses as one.
_ADDRESS_LIKE = re.compile(r"(?<![\w.:])(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})"
                           r"(?![\w.:])")
ADDRESS = "[address]"


def _address(match: re.Match[str]) -> str:
    try:
        ipaddress.ip_address(match.group(0))
    except ValueError:
        return match.group(0)  # a time like 10:30:00 is not an address
    return ADDRESS


def scrub(text: str) -> str:
    """The message without anything that could name or reach a person."""
    return redact(_ADDRESS_LIKE.sub(_address, text)).text


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                 "level": record.levelname.lower(), "logger": record.name, "message": scrub(record.getMessage())}
        if record.exc_info and record.exc_info[0] is not None:
            entry["error"] = record.exc_info[0].__name__
        return json.dumps(entry, ensure_ascii=False)


class PlainLines(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = f"{self.formatTime(record)} {record.levelname} {record.name}: {scrub(record.getMessage())}"
        if record.exc_info and record.exc_info[0] is not None:
            line += f" ({record.exc_info[0].__name__})"
        return line


def configure(json_lines: bool, verbose: bool = False) -> None:
    """One handler on the root logger, for this process and the libraries it uses (uvicorn's included)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines() if json_lines else PlainLines())
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[handler], force=True)
