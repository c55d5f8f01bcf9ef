"""Which listings their organisations should check are still true, and recording that they did.

A listing is due on the same rule residents see as "may be out of date" (corpus.is_out_of_date), so
an organisation is asked to check exactly the listings residents are warned about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlite_utils

from directory.changes import ChangeError
from directory.corpus import is_out_of_date
from directory.messages import N_
from directory.publishing import publish_listing
from directory.schedules import london_today
from directory.translations import load_listing

REVIEW_MONTHS = 6


@dataclass(frozen=True)
class Due:
    service_id: str
    name: str
    organization_id: str | None
    organization_name: str
    last_reviewed: str | None  # the listing's assured_date; None if it was never checked


def _today(today: date | None) -> date:
    return today or london_today()


def due_for_review(
    db: sqlite_utils.Database, organization_id: str | None = None, today: date | None = None,
    months: int = REVIEW_MONTHS,
) -> list[Due]:
    """Published listings not checked for `months`, by organisation name, then least recently checked first."""
    sql = ("select s.id, s.name, s.organization_id, coalesce(o.name, ''), s.last_reviewed from services s "
           "left join organizations o on o.id = s.organization_id where s.publication_status = 'published'")
    params: list[str] = []
    if organization_id is not None:
        sql += " and s.organization_id = ?"
        params.append(organization_id)
    sql += " order by coalesce(o.name, ''), s.organization_id, coalesce(s.last_reviewed, ''), s.name, s.id"
    day = _today(today)
    return [Due(*row) for row in db.execute(sql, params) if is_out_of_date(row[4], day, months)]


def confirm(db: sqlite_utils.Database, service_id: str, by: str, today: date | None = None) -> int:
    """Record that a listing was checked and is still true today; returns the new version number."""
    live = load_listing(db, service_id)
    if live is None:
        raise ChangeError(N_("We could not find that listing."))
    live["assured_date"] = _today(today).isoformat()
    return publish_listing(db, live, by, "confirmed")


def stale_by_organization(db: sqlite_utils.Database, today: date | None = None) -> dict[str, list[Due]]:
    """Listings due for review, grouped under their organisation's name, for a reminder or a report."""
    grouped: dict[str, list[Due]] = {}
    for due in due_for_review(db, today=today):
        grouped.setdefault(due.organization_name, []).append(due)
    return grouped
