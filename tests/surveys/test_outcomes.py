"""The outcomes log keeps every step from "you said" to "we did", shows the public only what a board decided, and
gives each meeting a pack of what is new, what is open and what changed since the board last met."""

import io

import pytest
import sqlite_utils
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

from surveys import outcomes
from surveys.board_pack import board_pack_pdf, board_pack_workbook
from surveys.quote_translations import Quote

LEAD = "lead-1"


def insight(db: sqlite_utils.Database, title: str = "Getting a GP appointment", neighbourhood: int | None = 2,
            topic: str = "GP appointments") -> int:
    return outcomes.add_insight(db, LEAD, title, "People wait weeks and cannot get through at 8am.", topic,
                                neighbourhood, answers="23",
                                quotes=[Quote("Phoned at 8am, no appointments", "en"),
                                        Quote("Dzwoniłam o 8 rano, nie było terminów", "pl",
                                              "I phoned at 8am, there were no appointments")])


def decide(db: sqlite_utils.Database, insight_id: int, recommendation_id: int | None = None, **changes: str) -> int:
    fields = {"text": "Open a same-day hub in Lewisham Central", "board": "People's Partnership board",
              "meeting_on": "2027-01-20", "status": outcomes.AGREED, "owner": "Primary care team",
              "decision": "Agreed for a six-month trial"} | changes
    return outcomes.save_recommendation(db, insight_id, LEAD, recommendation_id, **fields)


def test_every_step_is_kept_in_the_history(db) -> None:  # noqa: ANN001
    with time_machine.travel("2027-01-10 10:00Z", tick=False):
        made = insight(db)
        recommendation = outcomes.save_recommendation(db, made, LEAD, text="Open a same-day hub",
                                                      status=outcomes.PROPOSED)
    with time_machine.travel("2027-01-20 16:00Z", tick=False):
        decide(db, made, recommendation, text="Open a same-day hub")
    with time_machine.travel("2027-07-01 09:00Z", tick=False):
        decide(db, made, recommendation, text="Open a same-day hub", status=outcomes.DONE,
               outcome="The hub opened in March; 1,200 people seen.")
    steps = [(c.changed_at[:10], c.field, c.after) for c in outcomes.history(db, made)]
    assert ("2027-01-10", "created", "Getting a GP appointment") in steps
    assert ("2027-01-20", "status", outcomes.AGREED) in steps and ("2027-07-01", "status", outcomes.DONE) in steps
    assert ("2027-07-01", "outcome", "The hub opened in March; 1,200 people seen.") in steps
    assert not any(field == "text" for _, field, _ in steps[2:])  # unchanged boxes are not history


@pytest.mark.parametrize(("changes", "field"), [
    ({"status": outcomes.AGREED, "board": ""}, "board"),
    ({"status": outcomes.AGREED, "owner": ""}, "owner"),
    ({"status": outcomes.DONE, "outcome": ""}, "outcome"),
    ({"status": "maybe"}, "status"),
    ({"meeting_on": "20/01/2027"}, "meeting_on"),
    ({"text": ""}, "text"),
    ({"owner": "x" * 121}, "owner"),
])
def test_a_recommendation_says_what_is_missing_before_it_can_move_on(db, changes, field) -> None:  # noqa: ANN001
    with pytest.raises(outcomes.OutcomeError) as refused:
        decide(db, insight(db), **changes)
    assert refused.value.field == field


def test_the_public_reads_only_what_a_board_decided_by_neighbourhood_and_topic(db) -> None:  # noqa: ANN001
    central = insight(db, neighbourhood=2)
    borough = insight(db, "Cost of food", neighbourhood=None, topic="Food")
    undecided = insight(db, "Parks at night", neighbourhood=1, topic="Parks")
    decide(db, central)
    decide(db, borough, text="Fund two more food pantries")
    outcomes.save_recommendation(db, undecided, LEAD, text="Light the park paths", status=outcomes.PROPOSED)
    assert [i.id for i in outcomes.by_neighbourhood(db, 2)] == [borough, central]  # newest first, borough-wide too
    assert [i.id for i in outcomes.by_neighbourhood(db, 1)] == [borough]
    assert set(outcomes.topics(db)) == {"gp-appointments", "food"}
    assert [i.id for i in outcomes.by_topic(db, "food")] == [borough]
    shown = outcomes.by_topic(db, "gp-appointments")[0]
    assert all(r.decided for r in shown.recommendations)


def test_topics_of_any_script_have_an_address() -> None:
    assert outcomes.slug("Getting a GP appointment") == "getting-a-gp-appointment"
    assert outcomes.slug("  مواعيد الطبيب ") == "مواعيد-الطبيب"
    assert outcomes.slug("!!!") == "topic"


def test_a_board_pack_holds_what_is_new_open_and_changed_since_the_last_meeting(db) -> None:  # noqa: ANN001
    board = "People's Partnership board"
    with time_machine.travel("2027-01-05 10:00Z", tick=False):
        old = insight(db, "Cost of food", topic="Food")
        decide(db, old, text="Fund pantries", meeting_on="2027-01-20")
    with time_machine.travel("2027-02-01 10:00Z", tick=False):
        new = insight(db, "=HYPERLINK(\"http://evil\")", topic="GP appointments")
        outcomes.save_recommendation(db, new, LEAD, text="Same-day hub", status=outcomes.PROPOSED)
    with time_machine.travel("2027-02-10 10:00Z", tick=False):
        first = outcomes.get_insight(db, old).recommendations[0].id
        decide(db, old, first, text="Fund pantries", meeting_on="2027-01-20", status=outcomes.IN_PROGRESS)
        decide(db, new, None, text="Extend phone lines", meeting_on="2027-03-03", status=outcomes.PROPOSED)
    pack = outcomes.board_pack(db, board, "2027-03-03")
    assert pack.since == "2027-01-20"
    assert [i.id for i in pack.new_insights] == [new]
    assert {r.text for _, r in pack.open} == {"Fund pantries", "Same-day hub", "Extend phone lines"}
    changed = {(i.id, c.field, c.after) for i, c in pack.changed}
    assert (old, "status", outcomes.IN_PROGRESS) in changed and (old, "created", "Cost of food") not in changed
    sheets = load_workbook(io.BytesIO(board_pack_workbook(pack)))
    assert sheets.sheetnames == ["New insights", "Open recommendations", "Referrals", "What changed"]
    title = sheets["New insights"]["A2"]
    assert title.value == "'=HYPERLINK(\"http://evil\")" or not str(title.value).startswith("=")  # never a formula
    assert sheets["New insights"]["D2"].value == 23  # a count is a number
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(board_pack_pdf(pack, "2027-03-01"))).pages)
    assert "Board pack: People's Partnership board, 2027-03-03" in text and "In progress" in text
    assert LEAD not in text  # who changed what stays in the log, not in the pack
    assert "(translated: “I phoned at 8am, there were no appointments”)" in text


def test_one_insight_draws_on_the_same_theme_heard_in_several_surveys(db) -> None:  # noqa: ANN001
    first = insight(db)
    outcomes.add_source(db, first, LEAD, "survey-2", "question-2", 7, "<5", [Quote("No appointments again", "en")],
                        "Spring survey")
    with pytest.raises(outcomes.OutcomeError):  # the same theme of the same question is there already
        outcomes.add_source(db, first, LEAD, "survey-2", "question-2", 7, "<5", [])
    found = outcomes.get_insight(db, first)
    assert [s.answers for s in found.sources] == ["23", "<5"]
    assert [c.after for c in outcomes.history(db, first) if c.field == "source"] == ["Spring survey"]


def test_a_board_pack_counts_the_referrals_made_since_the_last_meeting_with_small_numbers_hidden(seeded_db) -> None:  # noqa: ANN001
    from referrals import intake, store
    from referrals.sealing import Seal, new_key

    db, board, seal = seeded_db, "People's Partnership board", Seal([new_key()])
    food = db.execute("select id, organization_id from services where name = 'Catford food bank'").fetchone()
    intake.save(db, food[0], "t", True, "", [])
    with time_machine.travel("2027-01-05 10:00Z", tick=False):
        decide(db, insight(db), meeting_on="2027-01-20")
    moments = ["2027-01-10 10:00Z"] * 3 + ["2027-02-02 10:00Z"] * 6  # 3 before the last meeting, 6 after
    for i, moment in enumerate(moments):
        with time_machine.travel(moment, tick=False):
            made = store.refer(db, seal, service_id=food[0], channel=store.WEB, name=f"Zainab Quist {i}",
                               phone="07700 900123", consent_text="Agreed", consent_by="resident", need="food")
            if i >= 7:
                store.decline(db, made.id, "capacity", "", "r", food[1])
    pack = outcomes.board_pack(db, board, "2027-03-03")
    rows = {(b, g): c for b, g, c in pack.referrals}
    assert rows[("All referrals", "Total")] == "6"  # only those since the board last met
    assert rows[("Need", "Food")] == "6" and rows[("Outcome", "Still open")] == "<5"
    assert rows[("Unmet need: declined for no capacity", "Food")] == "<5"
    sheets = load_workbook(io.BytesIO(board_pack_workbook(pack)))
    cells = [[c.value for c in row] for row in sheets["Referrals"].iter_rows(min_row=2)]
    assert ["All referrals", "Total", 6] in cells  # a count is a number
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(board_pack_pdf(pack, "2027-03-01"))).pages)
    assert "Referrals since the last meeting on 2027-01-20" in text and "Zainab" not in text
