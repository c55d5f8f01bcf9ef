"""Taking out what could identify a resident from what they typed: emails, phone numbers, full postcodes, names.

Every quote and free-text export passes through `redact`. It errs towards removing too much: a street
name taken for a person's name costs a word of a quote; a name left in costs someone their privacy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EMAIL = "[email]"
PHONE = "[phone]"
POSTCODE = "[postcode]"
NAME = "[name]"

_EMAIL = re.compile(r"[\w.+'-]+\s*(@|\(at\)|\[at\])\s*[\w-]+(\s*(\.|\(dot\)|\[dot\])\s*[\w-]+)+", re.IGNORECASE)
# UK numbers written any common way: 020 7946 0000, (020) 7946-0000, +44 7700 900 123, 07700900123.
_PHONE = re.compile(r"(?<![\w+])(\+\s?\d{1,3}[\s.-]?)?(\(?0?\d{2,5}\)?[\s.-]?)\d{3,4}[\s.-]?\d{3,4}(?!\w)")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
_CAPITALISED = r"[A-Z][a-zà-ÿ'’-]+"
_NAMES = f"{_CAPITALISED}(?:\\s+{_CAPITALISED})?"
_TITLED = re.compile(
    rf"\b(Dr|Doctor|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Nurse|Sister|Matron|Dr\.|Mr\.|Mrs\.|Ms\.)\s+({_NAMES})")
_INTRODUCED = re.compile(
    rf"\b((?:my|his|her|their) (?:name is|name's|son|daughter|husband|wife|partner|mum|dad|mother|father|carer)"
    rf"|I am|I'm|called|named|signed|thanks|thank you|regards)\s*,?\s+({_NAMES})", re.IGNORECASE)
# Capitalised words these patterns catch that are not names.
_NOT_NAMES = frozenset("""
I The A An And But So Very Really Not No Yes It Is Was Be Been All Everyone Everybody Nothing Lewisham London
NHS GP Council Hospital Team Staff Service Services Reception Receptionist Monday Tuesday Wednesday Thursday
Friday Saturday Sunday Centre Hub Clinic Ward Doctor Nurse Manager Always Never Just Still Here There Happy Glad
Sorry Grateful Pleased Tired Waiting Unable Able Now Today Tomorrow Yesterday Also Only Thanks Thank You
""".split())


@dataclass(frozen=True)
class Redacted:
    text: str
    removed: frozenset[str]  # the kinds taken out: "email", "phone", "postcode", "name"

    @property
    def clean(self) -> bool:
        """Nothing had to be taken out, so the words are exactly the resident's."""
        return not self.removed


def _names(text: str, removed: set[str]) -> str:
    def titled(match: re.Match[str]) -> str:
        removed.add("name")
        return f"{match.group(1)} {NAME}"

    def introduced(match: re.Match[str]) -> str:
        words = match.group(2).split()
        named = 0
        while named < len(words) and words[named][0].isupper() and words[named] not in _NOT_NAMES:
            named += 1
        if not named:
            return match.group(0)
        removed.add("name")
        rest = match.group(2)[len(" ".join(words[:named])):]
        return match.group(0)[: match.start(2) - match.start(0)] + NAME + rest

    return _INTRODUCED.sub(introduced, _TITLED.sub(titled, text))


def redact(text: str) -> Redacted:
    """The text with contact details and names replaced by [email], [phone], [postcode] and [name]."""
    removed: set[str] = set()

    def mark(kind: str, replacement: str):  # noqa: ANN202 - a re.sub callback
        def replace(_: re.Match[str]) -> str:
            removed.add(kind)
            return replacement
        return replace

    text = _EMAIL.sub(mark("email", EMAIL), text)
    text = _POSTCODE.sub(mark("postcode", POSTCODE), text)
    text = _PHONE.sub(mark("phone", PHONE), text)
    text = _names(text, removed)
    return Redacted(text, frozenset(removed))
