"""The listing form in sections an editor can finish one at a time, saved as they go (GOV.UK's task list and
"check your answers" patterns).

Each section owns some of the form's answers (portal/listing_form.py shapes them); its page posts only those,
which are merged into the listing's draft (`listing_drafts`, migration 19). The draft becomes a change only when
the editor checks every answer and sends it, through the same path as the one-page form.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from directory.history import timestamp
from directory.messages import N_, FieldError
from portal import listing_form


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # a message id: the editor reads it in their language
    answers: tuple[str, ...]  # the answers it owns: names, groups of rows, or prefixes ending "-"

    def owns(self, name: str) -> bool:
        """Whether an answer (or a problem's field, like "schedules-1-opens_at") belongs to this section."""
        return any(name == answer or name.startswith(f"{answer}-") if not answer.endswith("-")
                   else name.startswith(answer) for answer in self.answers)


SECTIONS: tuple[Section, ...] = (
    Section("about", N_("About the service"), ("name", "alternate_name", "description", "status", "alert",
                                              "categories", "areas")),
    Section("who", N_("Who it is for"), ("eligibility_description", "minimum_age", "maximum_age",
                                         "application_process", "accreditations")),
    Section("cost", N_("Cost"), ("fees", "costs")),
    Section("times", N_("Opening times"), ("schedules", "exceptions")),
    Section("places", N_("Where it is"), ("locations",)),
    Section("contact", N_("Contact"), ("url", "email", "phones", "contacts")),
    Section("languages", N_("Languages"), ("languages", "other_languages")),
    Section("translations", N_("Translations"), ("tr-",)),
)
BY_KEY = {section.key: section for section in SECTIONS}


def section_of(field: str) -> Section:
    """The section a problem's field is in (the first, for a problem with the whole listing)."""
    return next((section for section in SECTIONS if section.owns(field)), SECTIONS[0])


def merge(values: dict[str, Any], posted: dict[str, Any], section: Section) -> dict[str, Any]:
    """The draft's answers with this section's replaced by those just posted."""
    return {**values, **{name: answer for name, answer in posted.items() if section.owns(name)}}


def problems_in(problems: list[FieldError], section: Section) -> list[FieldError]:
    return [problem for problem in problems if section.owns(getattr(problem, "field", ""))]


@dataclass(frozen=True)
class Draft:
    service_id: str
    organization_id: str
    values: dict[str, Any]
    base: str
    is_new: bool
    updated_by: str
    updated_at: str


def draft(db: sqlite_utils.Database, service_id: str) -> Draft | None:
    rows = list(db["listing_drafts"].rows_where("service_id = ?", [service_id]))
    if not rows:
        return None
    row = rows[0]
    return Draft(row["service_id"], row["organization_id"], json.loads(row["answers"]), row["base"],
                 bool(row["is_new"]), row["updated_by"], row["updated_at"])


def drafts_of(db: sqlite_utils.Database, organization_id: str) -> list[Draft]:
    """An organisation's listings being edited and not yet sent, newest first."""
    ids = [row[0] for row in db.execute("select service_id from listing_drafts where organization_id = ? "
                                        "order by updated_at desc", [organization_id]).fetchall()]
    return [found for sid in ids if (found := draft(db, sid)) is not None]


# Longer than any answer the form accepts (5,000 characters), so one too long is kept to be shown with its
# error, but no post can make a draft hold megabytes.
KEPT_MOST = 20_000


def _capped(value: Any) -> Any:
    if isinstance(value, str):
        return value[:KEPT_MOST]
    if isinstance(value, list):
        return [_capped(item) for item in value]
    if isinstance(value, dict):
        return {key: _capped(item) for key, item in value.items()}
    return value


def keep(db: sqlite_utils.Database, service_id: str, organization_id: str, values: dict[str, Any], base: str,
         is_new: bool, by: str) -> None:
    """Save the draft's answers as they are now (a section's mistakes included: nothing typed is lost)."""
    row = {"service_id": service_id, "organization_id": organization_id, "answers": json.dumps(_capped(values)),
           "base": base, "is_new": int(is_new), "updated_by": by, "updated_at": timestamp()}
    db["listing_drafts"].insert(row, replace=True)


def discard(db: sqlite_utils.Database, service_id: str) -> None:
    db.execute("delete from listing_drafts where service_id = ?", [service_id])


def changed(section: Section, now: dict[str, Any], start: dict[str, Any]) -> bool:
    """Whether the editor changed anything in this section from where the listing started."""
    names = {name for name in set(now) | set(start) if section.owns(name)}
    return any(now.get(name) != start.get(name) for name in names)


def is_blank(section: Section, values: dict[str, Any]) -> bool:
    """Nothing answered in this section yet (a new listing's sections start blank)."""
    blank = listing_form.values_from_record(None)
    return all(values.get(name) == blank.get(name) for name in blank if section.owns(name))
