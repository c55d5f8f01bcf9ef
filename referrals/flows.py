"""Where referrals go and what becomes of them, for the People's Partnership: counts only, nobody's details.

Only the columns that are counted are read (never a sealed field, never who referred), and every count leaves
here already suppressed by the surveys' rule (surveys/privacy.py), so a board pack, a CSV or a page cannot show
a number under 5, nor one that can be worked out from the total beside it.

The breakdowns overlap (unmet need is part of the declines; those waiting are part of the open referrals), so a
figure that is part of one hidden elsewhere is hidden too; otherwise the part would give the hidden figure away.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from directory.messages import N_
from directory.taxonomy import CATEGORIES, NEIGHBOURHOODS
from referrals.store import ACCEPTED, CHANNELS, CLOSED, DECLINE_REASONS, DECLINED, OUTCOMES, SENT
from surveys.privacy import HIDDEN, SUPPRESSED, THRESHOLD, TOTAL, suppress, suppress_counts

NOT_KNOWN = "not known"  # no need or no neighbourhood was recorded
OPEN = "open"  # sent or accepted, not yet closed or declined
CAPACITY = "capacity"  # the decline reason that counts as unmet need
_COLUMNS = ("need", "neighbourhood", "organization_id", "channel", "status", "outcome", "decline_reason",
            "created_at", "first_contact_at")  # nothing else of a referral is read here


def declined(reason: str) -> str:
    """The outcome group of a declined referral: declines are outcomes too, kept apart by reason."""
    return f"declined: {reason}"


OUTCOME_GROUPS = (*OUTCOMES, *(declined(r) for r in DECLINE_REASONS), OPEN)


@dataclass(frozen=True)
class Flows:
    """Referral flows as they may be published: every count is a string, a number or "<5" or "[c]"."""

    since: str | None  # the window on created_at: since is included, until is not
    until: str | None
    total: str
    by_need: dict[str, str]
    by_neighbourhood: dict[str, str]  # "n1".."n4", then NOT_KNOWN
    by_organisation: dict[str, str]  # the receiving organisation's id
    by_outcome: dict[str, str]  # OUTCOME_GROUPS: closed outcomes, declines by reason, and those still open
    by_channel: dict[str, str]
    unmet_need: dict[str, str]  # declined for capacity, by need
    unmet_need_total: str
    median_days_to_first_contact: float | None  # None unless at least THRESHOLD referrals had a first contact
    contacted: str  # how many had a first contact: what the median is taken over
    waiting_for_first_contact: str  # still open and nobody has tried to reach the person yet


def _counted(counted: Counter[str], fixed: tuple[str, ...], last: tuple[str, ...] = ()) -> dict[str, int]:
    """Every fixed group, even at 0, so the table keeps its shape from one month to the next (0 shows as "<5", as
    an unchosen survey option does); then any other group seen, sorted; then `last` (NOT_KNOWN) if seen."""
    others = sorted((k for k in counted if k not in fixed and k not in last), key=lambda k: (k.casefold(), k))
    return {k: counted[k] for k in (*fixed, *others, *(k for k in last if counted[k]))}


def _shown(counts: dict[str, int], hidden_elsewhere: Iterable[str] = (),
           total_hidden_elsewhere: bool = False) -> tuple[dict[str, str], str]:
    """suppress_counts, plus: each group in `hidden_elsewhere` (and the total, if so) is hidden too, being part of
    a figure hidden in another breakdown. If that leaves one lone hidden figure in the line, the smallest other
    is hidden as well: the same complementary step surveys/privacy.py takes."""
    shown, total = suppress_counts(dict[Hashable, int](counts))
    forced = {k for k in hidden_elsewhere if k in counts} | ({TOTAL} if total_hidden_elsewhere else set())
    if not forced:
        return {str(k): v for k, v in shown.items()}, total
    grid = suppress(["all"], list(counts), {("all", k): n for k, n in counts.items()})
    grid.hidden |= {("all", k) for k in forced}
    line: list[tuple[Hashable, Hashable]] = [("all", k) for k in counts] + [("all", TOTAL)]
    candidates = [cell for cell in line if cell not in grid.hidden]
    if len(line) - len(candidates) == 1 and candidates:
        grid.hidden.add(min(candidates, key=lambda cell: (TOTAL in cell, grid.value(*cell), str(cell))))
    return {k: grid.shown("all", k) for k in counts}, grid.shown("all", TOTAL)


def _is_hidden(shown: str) -> bool:
    return shown in (SUPPRESSED, HIDDEN)


def _outcome(status: str, outcome: str | None, reason: str | None) -> str:
    if status in (SENT, ACCEPTED):
        return OPEN
    if status == DECLINED:
        return declined(reason or NOT_KNOWN)
    if status == CLOSED:
        return outcome or f"closed: {NOT_KNOWN}"
    return status


def _days(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() / 86400


def flows(db: sqlite_utils.Database, since: str | None = None, until: str | None = None) -> Flows:
    """The referrals made in [since, until) (ISO dates or times compared with created_at; None for no limit),
    counted every way the partnership asks for. A referral passed on is a new referral, so it counts again."""
    where, params = [], []
    if since is not None:
        where.append("created_at >= ?")
        params.append(since)
    if until is not None:
        where.append("created_at < ?")
        params.append(until)
    sql = f"select {', '.join(_COLUMNS)} from referrals" + (f" where {' and '.join(where)}" if where else "")
    found = [dict(zip(_COLUMNS, row, strict=True)) for row in db.execute(sql, params).fetchall()]

    need = Counter((r["need"] or "").strip() or NOT_KNOWN for r in found)
    place = Counter(NOT_KNOWN if r["neighbourhood"] is None else f"n{r['neighbourhood']}" for r in found)
    outcome = Counter(_outcome(r["status"], r["outcome"], r["decline_reason"]) for r in found)
    unmet = Counter((r["need"] or "").strip() or NOT_KNOWN for r in found
                    if r["status"] == DECLINED and r["decline_reason"] == CAPACITY)
    days = [_days(r["created_at"], r["first_contact_at"]) for r in found if r["first_contact_at"]]
    waiting = sum(1 for r in found if r["status"] in (SENT, ACCEPTED) and not r["first_contact_at"])

    by_need, _ = _shown(_counted(need, (), (NOT_KNOWN,)))
    by_outcome, _ = _shown(_counted(outcome, OUTCOME_GROUPS))
    unmet_need, unmet_total = _shown(_counted(unmet, (), (NOT_KNOWN,)),
                                     {k for k, v in by_need.items() if _is_hidden(v)},
                                     _is_hidden(by_outcome[declined(CAPACITY)]))
    waiting_shown = suppress_counts({"waiting": waiting})[1]
    if _is_hidden(by_outcome[OPEN]) and not _is_hidden(waiting_shown):
        waiting_shown = HIDDEN  # those waiting are part of the open ones, hidden beside the outcomes
    return Flows(
        since=since, until=until, total=suppress_counts({"all": len(found)})[1], by_need=by_need,
        by_neighbourhood=_shown(_counted(place, tuple(n.code for n in NEIGHBOURHOODS), (NOT_KNOWN,)))[0],
        by_organisation=_shown(_counted(Counter(r["organization_id"] for r in found), ()))[0],
        by_outcome=by_outcome,
        by_channel=_shown(_counted(Counter(r["channel"] for r in found), CHANNELS))[0],
        unmet_need=unmet_need, unmet_need_total=unmet_total,
        median_days_to_first_contact=round(statistics.median(days), 1) if len(days) >= THRESHOLD else None,
        contacted=suppress_counts({"contacted": len(days)})[1], waiting_for_first_contact=waiting_shown)


BREAKDOWNS = (("need", "by_need"), ("neighbourhood", "by_neighbourhood"),
              ("receiving organisation", "by_organisation"), ("outcome", "by_outcome"), ("channel", "by_channel"))


def rows(found: Flows) -> list[tuple[str, str, str]]:
    """(breakdown, group, count) for a CSV, XLSX or board-pack table, always in the same order; each breakdown ends
    with its total so it stands alone. The median is in days, blank when too few had a first contact to show it."""
    table = [("all referrals", TOTAL, found.total)]
    for name, attribute in BREAKDOWNS:
        table += [(name, group, count) for group, count in getattr(found, attribute).items()]
        table.append((name, TOTAL, found.total))
    table += [("unmet need", group, count) for group, count in found.unmet_need.items()]
    table.append(("unmet need", TOTAL, found.unmet_need_total))
    median = found.median_days_to_first_contact
    table += [("first contact", "median days", "" if median is None else f"{median:.1f}"),
              ("first contact", "contacted", found.contacted),
              ("first contact", "waiting", found.waiting_for_first_contact)]
    return table


BREAKDOWN_NAMES = {"all referrals": N_("All referrals"), "need": N_("Need"), "neighbourhood": N_("Neighbourhood"),
                   "receiving organisation": N_("Receiving organisation"), "outcome": N_("Outcome"),
                   "channel": N_("How it was made"), "unmet need": N_("Unmet need: declined for no capacity"),
                   "first contact": N_("First contact")}
CHANNEL_NAMES = {"referrer": N_("By a referrer"), "web": N_("Resident, on the website"),
                 "assistant": N_("Resident, through the assistant"), "kiosk": N_("Resident, at a kiosk")}
GROUP_NAMES = {TOTAL: N_("Total"), NOT_KNOWN: N_("Not known"), OPEN: N_("Still open"),
               "median days": N_("Median days to first contact"), "contacted": N_("Contacted"),
               "waiting": N_("Waiting for a first contact"),
               **{declined(code): name for code, name in DECLINE_REASONS.items()}, **OUTCOMES}


def labelled(db: sqlite_utils.Database, table: list[tuple[str, str, str]],
             gettext: Callable[[str], str] = str) -> list[tuple[str, str, str]]:
    """The rows with names people read (a category's, a neighbourhood's, an organisation's) instead of codes;
    in English for a board pack, or through `gettext` for a page."""
    organisations = dict(db.execute("select id, name from organizations").fetchall())
    needs = {c.code: c.name for c in CATEGORIES}
    areas = {n.code: n.name for n in NEIGHBOURHOODS}

    def group_name(breakdown: str, group: str) -> str:
        if breakdown == "receiving organisation" and group in organisations:
            return organisations[group]
        if breakdown == "channel" and group in CHANNEL_NAMES:
            return gettext(CHANNEL_NAMES[group])
        name = GROUP_NAMES.get(group) or needs.get(group) or areas.get(group)
        if breakdown == "all referrals":
            name = GROUP_NAMES[TOTAL]
        return gettext(name) if name else group

    return [(gettext(BREAKDOWN_NAMES.get(b, b)), group_name(b, g), count) for b, g, count in table]
