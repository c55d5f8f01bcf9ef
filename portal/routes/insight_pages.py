"""Unmet need for moderators and engagement leads: what residents searched for and did not find, and where
referrals went (declines for no capacity are unmet need too).

The search log holds no personal data (see directory/analytics.py) and referral flows are counts only, each
suppressed (referrals/flows.py); each CSV is the same table as its page.
"""

from __future__ import annotations

import csv
import io
import re

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from accounts.users import ENGAGEMENT_LEAD, MODERATOR
from directory import analytics, spreadsheets
from directory.schedules import london_today
from directory.taxonomy import NEIGHBOURHOODS
from portal.auth import allow
from portal.dependencies import Db
from portal.languages import CODES
from portal.templating import render, request_translator
from referrals import flows

router = APIRouter(include_in_schema=False, dependencies=[Depends(allow(MODERATOR, ENGAGEMENT_LEAD))])
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
CSV_LIMIT = 10_000


def _filters(language: str, neighbourhood: str, month: str) -> dict[str, str | None]:
    """Only values that mean something: anything else is ignored rather than an error on a report page."""
    return {"language": language if language in CODES else None,
            "neighbourhood": neighbourhood if neighbourhood in {n.code for n in NEIGHBOURHOODS} else None,
            "month": month if _MONTH.match(month) else None}


@router.get("/insight/gaps")
def gaps_page(request: Request, db: Db, language: str = "", neighbourhood: str = "", month: str = "") -> Response:
    chosen = _filters(language, neighbourhood, month)
    found = analytics.gaps(db, **chosen)
    t = request_translator(request)
    today = london_today()
    months = [f"{today.year - (today.month - i <= 0)}-{(today.month - i - 1) % 12 + 1:02d}" for i in range(12)]
    return render(request, db, "insight/gaps.html", gaps=found[:200], total=len(found), chosen=chosen,
                  months=months, neighbourhoods=[(n.code, t.gettext(n.name)) for n in NEIGHBOURHOODS],
                  area_names={n.code: t.gettext(n.name) for n in NEIGHBOURHOODS}, few=analytics.FEW_RESULTS)


@router.get("/insight/gaps.csv")
def gaps_csv(db: Db, language: str = "", neighbourhood: str = "", month: str = "") -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["search", "language", "neighbourhood", "month", "times searched", "most results found"])
    for gap in analytics.gaps(db, **_filters(language, neighbourhood, month))[:CSV_LIMIT]:
        # Every cell, not only the search: the language came from whoever called the API.
        writer.writerow(spreadsheets.row([gap.query, gap.language or "", gap.neighbourhood or "", gap.month,
                                          gap.searches, gap.best_result_count]))
    return Response(out.getvalue().encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="unmet-need.csv"'})


def _window(month: str) -> tuple[str | None, str | None]:
    """A month ("2026-11") as created_at bounds; anything else is the whole record."""
    if not _MONTH.match(month):
        return None, None
    year, number = int(month[:4]), int(month[5:])
    following = f"{year + number // 12}-{number % 12 + 1:02d}"
    return f"{month}-01", f"{following}-01"


@router.get("/insight/referrals")
def referrals_page(request: Request, db: Db, month: str = "") -> Response:
    """Where referrals went and what became of them: counts only, each suppressed as the surveys' are."""
    chosen = month if _MONTH.match(month) else ""
    table = flows.labelled(db, flows.rows(flows.flows(db, *_window(chosen))), request_translator(request).gettext)
    today = london_today()
    months = [f"{today.year - (today.month - i <= 0)}-{(today.month - i - 1) % 12 + 1:02d}" for i in range(12)]
    grouped: dict[str, list[tuple[str, str]]] = {}
    for breakdown, group, count in table:
        grouped.setdefault(breakdown, []).append((group, count))
    return render(request, db, "insight/referrals.html", grouped=grouped, months=months, chosen=chosen)


@router.get("/insight/referrals.csv")
def referrals_csv(db: Db, month: str = "") -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["breakdown", "group", "count"])
    for row in flows.labelled(db, flows.rows(flows.flows(db, *_window(month)))):
        writer.writerow(spreadsheets.row(list(row)))
    return Response(out.getvalue().encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="referral-flows.csv"'})
