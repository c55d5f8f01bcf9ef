"""Whether a listing takes referrals, as its organisation's editors set it: how the organisation wants to hear of a
new one, and up to MAX_QUESTIONS questions of their own that a referral answers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlite_utils

from directory.messages import N_, FieldError

MAX_QUESTIONS, QUESTION_LIMIT, CONTACT_LIMIT = 3, 200, 200


@dataclass
class Intake:
    service_id: str
    accepts: bool = False
    contact_by: str = ""  # how the organisation wants to hear of a new referral ("ring the office first")
    questions: list[str] = field(default_factory=list)
    hub: bool = False  # the partnership's hub team: "can someone call me?" with no listing chosen comes here


def intake(db: sqlite_utils.Database, service_id: str) -> Intake:
    rows = list(db["referral_intake"].rows_where("service_id = ?", [service_id]))
    if not rows:
        return Intake(service_id)
    row = rows[0]
    return Intake(service_id, bool(row["accepts"]), row["contact_by"], json.loads(row["questions"] or "[]"),
                  bool(row["hub"]))


def save(db: sqlite_utils.Database, service_id: str, by: str, accepts: bool, contact_by: str,
         questions: list[str]) -> Intake:
    asked = [" ".join(q.split()) for q in questions if q.strip()]
    if len(asked) > MAX_QUESTIONS:
        raise FieldError("questions", N_("Ask {count} questions at most."), count=MAX_QUESTIONS)
    for i, question in enumerate(asked, start=1):
        if len(question) > QUESTION_LIMIT:
            raise FieldError(f"question-{i}", N_("Use {count} characters or fewer."), count=QUESTION_LIMIT)
    if len(contact_by.strip()) > CONTACT_LIMIT:
        raise FieldError("contact_by", N_("Use {count} characters or fewer."), count=CONTACT_LIMIT)
    db["referral_intake"].upsert({
        "service_id": service_id, "accepts": int(accepts), "contact_by": contact_by.strip(),
        "questions": json.dumps(asked, ensure_ascii=False), "updated_at": datetime.now(UTC).isoformat(
            timespec="seconds"), "updated_by": by}, pk="service_id")
    return intake(db, service_id)


def accepting(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    """Published listings that take referrals, as (id, name) by name: where a declined referral can go next."""
    return [(i, n) for i, n in db.execute(
        "select s.id, s.name from services s join referral_intake i on i.service_id = s.id where i.accepts = 1 "
        "and coalesce(s.publication_status, 'published') = 'published' order by s.name")]


def hub_service(db: sqlite_utils.Database) -> str | None:
    """The listing of the partnership's hub team, if one takes referrals."""
    row = db.execute("select service_id from referral_intake where hub = 1 and accepts = 1 "
                     "order by updated_at desc limit 1").fetchone()
    return row[0] if row else None


def make_hub(db: sqlite_utils.Database, service_id: str, by: str) -> None:
    """This listing (which then takes referrals) is where general requests to be called go; only one is."""
    current = intake(db, service_id)
    with db.atomic():
        db.execute("update referral_intake set hub = 0 where hub = 1")
        save(db, service_id, by, True, current.contact_by, current.questions)
        db.execute("update referral_intake set hub = 1 where service_id = ?", [service_id])


DEMO_HUB = "Waldron Community Hub"
DEMO_TAKING = ("Black Therapists Hub", "Social prescribing link workers – North Lewisham",
               "Social prescribing link workers – Central Lewisham", "Catford food bank")


def load_demo(db: sqlite_utils.Database) -> int:
    """The demonstration directory's referral settings: a few listings take referrals and one is the hub team.
    Returns how many listings take them."""
    named = dict(db.execute("select name, id from services").fetchall())
    for name in DEMO_TAKING:
        if name in named:
            save(db, named[name], "demo", True, "", [])
    if DEMO_HUB in named:
        make_hub(db, named[DEMO_HUB], "demo")
    return sum(name in named for name in (*DEMO_TAKING, DEMO_HUB))
