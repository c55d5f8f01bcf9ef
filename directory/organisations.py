"""The organisations that run listings: created by the partnership, trusted to publish or not."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from directory.messages import N_, FieldError
from directory.schema import ORGANIZATION
from directory.services import row_to_record


class OrganisationError(FieldError):
    """An organisation's details we cannot take as they are."""


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    email: str
    website: str
    listings: int
    publishes_directly: bool


DESCRIPTION_MAX = 2000


def check(name: str, email: str, website: str, description: str) -> list[OrganisationError]:
    """What is wrong with a new organisation's details; Open Referral UK needs a description of every
    organisation, or none of its listings could be published."""
    found = []
    if not name.strip():
        found.append(OrganisationError("name", N_("Enter the organisation's name.")))
    elif len(name) > 200:
        found.append(OrganisationError("name", N_("Use {count} characters or fewer."), count=200))
    if not description.strip():
        found.append(OrganisationError("description", N_("Say what the organisation does, in a sentence or two.")))
    elif len(description) > DESCRIPTION_MAX:
        found.append(OrganisationError("description", N_("Use {count} characters or fewer."), count=DESCRIPTION_MAX))
    if email.strip() and ("@" not in email or " " in email.strip()):
        found.append(OrganisationError("email", N_("Enter an email address like name@example.org.")))
    if website.strip() and not website.strip().startswith(("https://", "http://")):
        found.append(OrganisationError("website", N_("Enter a web address starting with https://")))
    return found


def create(db: sqlite_utils.Database, name: str, email: str = "", website: str = "",
           description: str = "") -> str:
    """A new organisation (an Open Referral UK organization); returns its id. Callers check first."""
    org_id = str(uuid.uuid4())
    db["organizations"].insert({"id": org_id, "name": name.strip(), "email": email.strip() or None,
                                "website": website.strip() or None,
                                "description": description.strip() or None}, alter=False)
    return org_id


def _publishes(db: sqlite_utils.Database) -> dict[str, bool]:
    rows = db.execute("select organization_id, publishes_directly from organization_policies")
    return {r[0]: bool(r[1]) for r in rows}


def all_organisations(db: sqlite_utils.Database) -> list[Organisation]:
    trusted = _publishes(db)
    rows = db.query(
        "select o.id, o.name, o.email, o.website, count(s.id) as listings from organizations o "
        "left join services s on s.organization_id = o.id group by o.id order by o.name")
    return [Organisation(r["id"], r["name"] or "", r["email"] or "", r["website"] or "", r["listings"],
                         trusted.get(r["id"], False)) for r in rows]


def get(db: sqlite_utils.Database, organization_id: str) -> Organisation | None:
    return next((o for o in all_organisations(db) if o.id == organization_id), None)


def publishes_directly(db: sqlite_utils.Database, organization_id: str | None) -> bool:
    return bool(organization_id) and _publishes(db).get(organization_id, False)


def set_publishes_directly(db: sqlite_utils.Database, organization_id: str, allowed: bool) -> None:
    db["organization_policies"].insert({"organization_id": organization_id, "publishes_directly": int(allowed)},
                                       replace=True)


def oruk_record(db: sqlite_utils.Database, organization_id: str) -> dict[str, Any] | None:
    """The organisation as Open Referral UK writes it inside a listing, exactly as stored."""
    rows = list(db["organizations"].rows_where("id = ?", [organization_id]))
    if not rows:
        return None
    record = row_to_record(ORGANIZATION, rows[0])
    record.update(json.loads(rows[0]["extra"]) if rows[0].get("extra") else {})
    return record
