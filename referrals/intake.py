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


def intake(db: sqlite_utils.Database, service_id: str) -> Intake:
    rows = list(db["referral_intake"].rows_where("service_id = ?", [service_id]))
    if not rows:
        return Intake(service_id)
    row = rows[0]
    return Intake(service_id, bool(row["accepts"]), row["contact_by"], json.loads(row["questions"] or "[]"))


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
