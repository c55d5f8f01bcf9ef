"""The log says what happened to the service, never who it happened to."""

from __future__ import annotations

import json
import logging

from portal.logs import JsonLines, PlainLines, scrub


def _record(message: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    info = (type(exc), exc, None) if exc else None
    return logging.LogRecord("portal.test", logging.ERROR, __file__, 1, message, args, info)


def test_contact_details_and_addresses_never_reach_the_log() -> None:
    line = scrub("reset for ana.editor@example.org from 203.0.113.7 and 2001:db8::1, phone 07700 900123, SE6 4RU")
    for personal in ("ana.editor", "203.0.113.7", "2001:db8::1", "07700 900123", "SE6 4RU"):
        assert personal not in line
    assert "[email]" in line and "[address]" in line and "[phone]" in line and "[postcode]" in line


def test_json_lines_are_one_object_each_with_an_error_named_by_its_type_alone() -> None:
    try:
        raise ValueError("could not send to bob@example.org")
    except ValueError as error:
        line = JsonLines().format(_record("job %s (%s) failed for %s", 7, "mail", "bob@example.org", exc=error))
    entry = json.loads(line)
    assert entry["level"] == "error" and entry["logger"] == "portal.test" and entry["error"] == "ValueError"
    assert entry["message"] == "job 7 (mail) failed for [email]" and "bob" not in line and "\n" not in line
    assert entry["time"].endswith("+00:00")


def test_plain_lines_are_scrubbed_too() -> None:
    line = PlainLines().format(_record("sign-in from %s", "198.51.100.4"))
    assert "198.51.100.4" not in line and "[address]" in line
