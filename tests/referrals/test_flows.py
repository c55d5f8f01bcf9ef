"""The partnership sees where referrals go and what becomes of them as counts only: nobody's details are read, no
count under 5 is shown, none can be worked out from the figures beside it, and a date window only narrows."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from directory import oruk
from directory.store import open_db
from referrals import store
from referrals.flows import Flows, flows, rows
from referrals.sealing import Seal, new_key
from surveys.privacy import HIDDEN, SUPPRESSED
from tests.builders import service

KEY = new_key()
PANTRY = service("hillside-pantry", "Hillside Pantry", "Food parcels and a warm space.",
                 organisation="Hillside Food Bank")
DEBT = service("riverside-debt", "Riverside Debt Advice", "Help with bills and debts.",
               organisation="Riverside Advice Centre")
ORG_A, ORG_B = PANTRY["organization"]["id"], DEBT["organization"]["id"]
NAME, PHONE, STORY = "Zephyrine Quillfeather", "07700 900461", "Sleeps on her sister's sofa above the launderette"
TIMES, CONSENT = "Only after the school run", "Zephyrine said yes to sharing her number with the pantry"
PERSONAL = ("Zephyrine", "Quillfeather", "07700", "7700900461", "launderette", "sofa", "school run", "sharing")


@dataclass(frozen=True)
class Made:
    """One referral of the fixture: to whom, about what, when, and what became of it."""

    org: str
    need: str
    neighbourhood: int | None
    channel: str
    day: int  # made at 09:00 UTC on this day of January 2027
    fate: str  # "sent" or "accepted" (still open), a decline reason, or a closing outcome
    contact_days: float | None = None  # days from making it to the first try at reaching the person


W, R = store.WEB, store.REFERRER
REFERRALS = (
    Made(ORG_A, "food", 1, R, 4, "capacity"),
    Made(ORG_A, "food", 1, R, 5, "capacity"),
    Made(ORG_A, "food", 1, W, 6, "capacity"),
    Made(ORG_A, "food", 2, W, 7, "capacity"),
    Made(ORG_A, "food", 2, R, 8, "capacity"),
    Made(ORG_A, "housing", 2, R, 11, "capacity"),
    Made(ORG_A, "food", 1, R, 12, "attended", 0.5),
    Made(ORG_A, "food", 3, W, 13, "accepted", 1),
    Made(ORG_A, "housing", 1, R, 14, "attended", 2),
    Made(ORG_A, "housing", 2, W, 15, "attended", 3),
    Made(ORG_A, "housing", 2, R, 18, "unreachable", 4.5),
    Made(ORG_A, "housing", 3, W, 19, "accepted", 10),
    Made(ORG_B, "debt", 1, R, 20, "eligibility"),
    Made(ORG_B, "debt", None, R, 21, "sent"),
    Made(ORG_B, "", None, R, 22, "sent"),
)


def created(made: Made) -> datetime:
    return datetime(2027, 1, made.day, 9, tzinfo=UTC)


def make(db: sqlite_utils.Database, made: Made) -> None:
    """Make the referral through the store at its own moments, as an organisation's worker would."""
    listing = PANTRY if made.org == ORG_A else DEBT
    with time_machine.travel(created(made), tick=False):
        referral = store.refer(db, Seal([KEY]), service_id=listing["id"], channel=made.channel, name=NAME,
                               phone=PHONE, contact_times=TIMES, story=STORY, consent_text=CONSENT,
                               consent_by="link-worker", need=made.need, neighbourhood=made.neighbourhood,
                               referrer_id="link-worker", referrer_organization_id="org-link")
    later = created(made) + timedelta(days=made.contact_days or 0)
    if made.contact_days is not None:
        with time_machine.travel(later, tick=False):
            store.accept(db, referral.id, "worker", made.org)
            store.attempt(db, referral.id, f"Rang {NAME}", "worker", made.org)
    with time_machine.travel(later + timedelta(hours=5), tick=False):
        if made.fate in store.DECLINE_REASONS:
            store.decline(db, referral.id, made.fate, f"{NAME} asked for evenings", "worker", made.org)
        elif made.fate in store.OUTCOMES:
            store.close(db, referral.id, made.fate, "worker", made.org)
        elif made.fate == store.ACCEPTED and made.contact_days is None:
            store.accept(db, referral.id, "worker", made.org)


def build(path: Path, referrals: tuple[Made, ...]) -> sqlite_utils.Database:
    db = open_db(path)
    oruk.import_services(db, [PANTRY, DEBT])
    for made in referrals:
        make(db, made)
    return db


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite_utils.Database]:
    """The fifteen referrals above, made once for every test here that only reads them."""
    db = build(tmp_path_factory.mktemp("flows") / "portal.db", REFERRALS)
    yield db
    db.close()


OUTCOMES_ALL_SMALL = {"attended": SUPPRESSED, "not_needed": SUPPRESSED, "unreachable": SUPPRESSED,
                      "referred_on": SUPPRESSED, "declined: capacity": SUPPRESSED,
                      "declined: eligibility": SUPPRESSED, "declined: other": SUPPRESSED, "open": SUPPRESSED}


def test_every_breakdown_shows_each_count_of_five_or_more_and_hides_the_rest(known) -> None:  # noqa: ANN001
    found = flows(known)
    assert found.total == "15"
    assert found.by_need == {"debt": SUPPRESSED, "food": "7", "housing": "5", "not known": SUPPRESSED}
    assert found.by_neighbourhood == {"n1": "6", "n2": "5", "n3": SUPPRESSED, "n4": SUPPRESSED,
                                      "not known": SUPPRESSED}
    assert found.by_channel == {"referrer": "10", "web": "5", "assistant": SUPPRESSED, "kiosk": SUPPRESSED}
    assert found.by_outcome == OUTCOMES_ALL_SMALL | {"declined: capacity": "6"}
    assert found.median_days_to_first_contact == 2.5  # 0.5, 1, 2, 3, 4.5 and 10 days
    assert found.contacted == "6"
    assert found.waiting_for_first_contact == SUPPRESSED  # the two still sent, nobody has rung them yet


def test_a_lone_small_count_takes_the_smallest_other_with_it_so_the_total_does_not_give_it_away(known) -> None:  # noqa: ANN001
    found = flows(known)
    assert found.by_organisation == {ORG_A: HIDDEN, ORG_B: SUPPRESSED}  # 12 and 3 of 15: 15 - 12 would say 3
    assert found.unmet_need == {"food": HIDDEN, "housing": SUPPRESSED}  # 5 and 1 of 6 declined for capacity
    assert found.unmet_need_total == "6"


def test_rows_give_every_figure_once_in_a_stable_order_for_a_table(known) -> None:  # noqa: ANN001
    first, second = sorted([ORG_A, ORG_B], key=lambda org: (org.casefold(), org))
    shown = {ORG_A: HIDDEN, ORG_B: SUPPRESSED}
    assert rows(flows(known)) == [
        ("all referrals", "total", "15"),
        ("need", "debt", SUPPRESSED), ("need", "food", "7"), ("need", "housing", "5"),
        ("need", "not known", SUPPRESSED), ("need", "total", "15"),
        ("neighbourhood", "n1", "6"), ("neighbourhood", "n2", "5"), ("neighbourhood", "n3", SUPPRESSED),
        ("neighbourhood", "n4", SUPPRESSED), ("neighbourhood", "not known", SUPPRESSED),
        ("neighbourhood", "total", "15"),
        ("receiving organisation", first, shown[first]), ("receiving organisation", second, shown[second]),
        ("receiving organisation", "total", "15"),
        ("outcome", "attended", SUPPRESSED), ("outcome", "not_needed", SUPPRESSED),
        ("outcome", "unreachable", SUPPRESSED), ("outcome", "referred_on", SUPPRESSED),
        ("outcome", "declined: capacity", "6"), ("outcome", "declined: eligibility", SUPPRESSED),
        ("outcome", "declined: other", SUPPRESSED), ("outcome", "open", SUPPRESSED), ("outcome", "total", "15"),
        ("channel", "referrer", "10"), ("channel", "web", "5"), ("channel", "assistant", SUPPRESSED),
        ("channel", "kiosk", SUPPRESSED), ("channel", "total", "15"),
        ("unmet need", "food", HIDDEN), ("unmet need", "housing", SUPPRESSED), ("unmet need", "total", "6"),
        ("first contact", "median days", "2.5"), ("first contact", "contacted", "6"),
        ("first contact", "waiting", SUPPRESSED),
    ]
    assert rows(flows(known)) == rows(flows(known))


def test_nothing_of_any_resident_appears_in_the_flows_or_the_rows(known) -> None:  # noqa: ANN001
    found = flows(known)
    published = repr(found) + repr(rows(found))
    references = [r for (r,) in known.execute("select reference from referrals")]
    for personal in (*PERSONAL, *references, "link-worker", "org-link"):
        assert personal.casefold() not in published.casefold()


def test_only_the_counted_columns_are_read_never_a_sealed_field_or_who_referred(known) -> None:  # noqa: ANN001
    read: set[tuple[str, str]] = set()

    def watch(action: int, table: str | None, column: str | None, *_: object) -> int:
        if action == sqlite3.SQLITE_READ:
            read.add((table or "", column or ""))
        return sqlite3.SQLITE_OK

    known.conn.set_authorizer(watch)
    try:
        flows(known, since="2027-01-01", until="2027-02-01")
    finally:
        known.conn.set_authorizer(None)
    assert read == {("referrals", c) for c in ("need", "neighbourhood", "organization_id", "channel", "status",
                                                "outcome", "decline_reason", "created_at", "first_contact_at")}


def test_a_window_counts_only_the_referrals_made_in_it(known) -> None:  # noqa: ANN001
    found = flows(known, since="2027-01-12")  # the last nine: six to A, three to B
    assert (found.since, found.until, found.total) == ("2027-01-12", None, "9")
    assert found.by_organisation == {ORG_A: HIDDEN, ORG_B: SUPPRESSED}
    assert found.by_need == {"debt": SUPPRESSED, "food": SUPPRESSED, "housing": SUPPRESSED, "not known": SUPPRESSED}
    assert found.unmet_need == {} and found.unmet_need_total == SUPPRESSED  # every capacity decline was earlier
    assert (found.median_days_to_first_contact, found.contacted) == (2.5, "6")
    assert flows(known, since="2027-01-04", until="2027-01-12").total == "6"  # until is not included
    assert flows(known, since="2027-02-01").total == SUPPRESSED


def test_the_median_wait_is_shown_only_once_five_referrals_have_had_a_first_contact(known) -> None:  # noqa: ANN001
    four = flows(known, until="2027-01-18")  # contacted after 0.5, 1, 2 and 3 days
    assert (four.median_days_to_first_contact, four.contacted) == (None, SUPPRESSED)
    assert ("first contact", "median days", "") in rows(four)
    five = flows(known, until="2027-01-19")  # and 4.5
    assert (five.median_days_to_first_contact, five.contacted) == (2.0, "5")
    assert ("first contact", "median days", "2.0") in rows(five)


def test_with_no_referrals_the_tables_keep_their_shape_and_show_nothing(tmp_path: Path) -> None:
    found = flows(build(tmp_path / "portal.db", ()))
    assert found == Flows(None, None, SUPPRESSED, {}, dict.fromkeys(["n1", "n2", "n3", "n4"], SUPPRESSED), {},
                          OUTCOMES_ALL_SMALL, dict.fromkeys(store.CHANNELS, SUPPRESSED), {}, SUPPRESSED, None,
                          SUPPRESSED, SUPPRESSED)


def many(org: str, fate: str, count: int, day: int = 4) -> tuple[Made, ...]:
    return tuple(Made(org, "food", 1, R, day, fate) for _ in range(count))


def test_unmet_need_is_hidden_where_the_declines_it_is_part_of_are_hidden(tmp_path: Path) -> None:
    # Six of each outcome but five declined for capacity and one still open: the open one is "<5", so the five
    # are hidden beside it. Unmet need is those same five; shown, it would give away the one.
    made = (*(m for fate in ("attended", "not_needed", "unreachable", "referred_on", "eligibility", "other")
              for m in many(ORG_A, fate, 6)), *many(ORG_A, "capacity", 5), *many(ORG_A, "sent", 1))
    found = flows(build(tmp_path / "portal.db", made))
    assert found.by_outcome["declined: capacity"] == HIDDEN and found.by_outcome["open"] == SUPPRESSED
    assert found.unmet_need == {"food": HIDDEN} and found.unmet_need_total == HIDDEN


def test_those_waiting_are_hidden_where_the_open_referrals_they_are_part_of_are_hidden(tmp_path: Path) -> None:
    made = (*(m for fate in ("attended", "not_needed", "unreachable", "referred_on", "capacity", "eligibility")
              for m in many(ORG_A, fate, 7)), *many(ORG_A, "other", 1), *many(ORG_A, "sent", 6))
    found = flows(build(tmp_path / "portal.db", made))
    assert found.by_outcome["open"] == HIDDEN and found.by_outcome["declined: other"] == SUPPRESSED
    assert found.waiting_for_first_contact == HIDDEN  # six waiting, all of the open ones: "6" would give away 1


def table(found: Flows) -> dict[tuple[str, str], str]:
    """Every figure of the published table but the median (a count of days, not of referrals)."""
    return {(breakdown, group): count for breakdown, group, count in rows(found) if group != "median days"}


MOMENTS = st.one_of(st.none(), st.datetimes(min_value=datetime(2027, 1, 1), max_value=datetime(2027, 2, 1)).map(
    lambda moment: moment.replace(tzinfo=UTC).isoformat(timespec="seconds")))
SUMS = ("need", "neighbourhood", "receiving organisation", "outcome", "channel", "unmet need")  # groups + total


@settings(max_examples=60, deadline=None)
@given(since=MOMENTS, until=MOMENTS)
def test_a_window_only_ever_narrows_and_never_shows_a_small_or_solvable_count(known, since, until) -> None:  # noqa: ANN001
    whole, window = table(flows(known)), table(flows(known, since, until))
    inside = sum(1 for m in REFERRALS if (since is None or created(m).isoformat() >= since)
                 and (until is None or created(m).isoformat() < until))
    assert window["all referrals", "total"] == (str(inside) if inside >= 5 else SUPPRESSED)
    assert set(window) <= set(whole)
    for figure, shown in window.items():
        assert shown.isdigit() or shown in (SUPPRESSED, HIDDEN)
        if shown.isdigit():  # shown, so at least 5 and no more than without the window
            assert int(shown) >= 5 and (whole[figure] == HIDDEN or int(shown) <= int(whole[figure])), figure
    for breakdown in SUMS:  # a breakdown's counts add up to its total: never exactly one unknown among them
        line = [shown for (name, _), shown in window.items() if name == breakdown]
        assert len(line) == 1 or sum(shown in (SUPPRESSED, HIDDEN) for shown in line) != 1, (breakdown, line)
