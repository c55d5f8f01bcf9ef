"""Referrals waiting too long, so nothing falls through the gap: one not answered within a few working days of
being sent, or accepted but with no try at contact within a few more. The worker emails the receiving organisation
once for each late step; moderators see every late referral across organisations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlite_utils

from referrals import store
from referrals.working_days import london_day, working_days_between

ACCEPT_DAYS, CONTACT_DAYS = 2, 5  # working days: the defaults, set in configuration
ACCEPT, CONTACT = "accept", "contact"  # the step that is late
REMINDED = "reminded"


@dataclass(frozen=True)
class Late:
    referral_id: int
    reference: str
    organization_id: str
    service_id: str
    step: str
    since: str  # when the late step began (sent, or accepted)
    working_days: int
    reminded: bool  # the organisation has been emailed about this step already


def overdue(db: sqlite_utils.Database, today: date | None = None, accept_days: int = ACCEPT_DAYS,
            contact_days: int = CONTACT_DAYS) -> list[Late]:
    """Every late referral, longest waiting first. Reads no resident's details."""
    today = today or london_day(datetime.now(UTC))
    late = []
    for row in db.execute(
            "select r.id, r.reference, r.organization_id, r.service_id, r.status, r.created_at, r.reminded, "
            "(select min(e.at) from referral_events e where e.referral_id = r.id and e.kind = ?) "
            "from referrals r where r.status = ? or (r.status = ? and r.first_contact_at is null)",
            [store.ACCEPTED, store.SENT, store.ACCEPTED]):
        referral_id, reference, organization_id, service_id, status, created, reminded, accepted = row
        step, since, allowed = (ACCEPT, created, accept_days) if status == store.SENT else (
            CONTACT, accepted or created, contact_days)
        waited = working_days_between(london_day(since), today)
        if waited >= allowed:
            late.append(Late(referral_id, reference, organization_id, service_id, step, since, waited,
                             reminded == step))
    return sorted(late, key=lambda item: (-item.working_days, item.since))


def mark_reminded(db: sqlite_utils.Database, late: Late) -> None:
    """The organisation was emailed about this late step: not again for the same step."""
    with db.atomic():
        db.execute("update referrals set reminded = ? where id = ?", [late.step, late.referral_id])
        store.record(db, late.referral_id, REMINDED, late.step, None, None)
