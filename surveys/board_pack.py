"""A board pack for one meeting, as a PDF to read and a workbook to work from: the insights written since the board
last met, the recommendations still open, and what changed in the outcomes log in between.

Everything in it is already safe to share: counts were suppressed and quotes redacted when each insight was
written up, and the log holds no answer, only those. Names of staff are not in it: the history says what changed
and when, not who (the log keeps that for the lead). Written in English, like the board's other papers; any cell
that a spreadsheet would read as a formula is kept as text.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from directory.spreadsheets import cell
from directory.taxonomy import NEIGHBOURHOODS
from surveys import pdf
from surveys.outcomes import STATUSES, BoardPack, Change, Insight
from surveys.quote_translations import Quote

FIELD_NAMES = {"created": "Insight written", "recommendation": "Recommendation made", "title": "Title",
               "you_said": "You said", "topic": "Topic", "neighbourhood": "Neighbourhood", "text": "Recommendation",
               "board": "Board", "meeting_on": "Meeting", "decision": "Decision", "owner": "Owner",
               "actions": "Actions", "status": "Status", "outcome": "Outcome"}


def _place(insight: Insight) -> str:
    found = next((n for n in NEIGHBOURHOODS if n.number == insight.neighbourhood), None)
    return found.name if found else "Borough-wide"


def _status(code: str) -> str:
    return STATUSES.get(code, code)


def _change(change: Change) -> tuple[str, str, str]:
    before, after = change.before, change.after
    if change.field == "status":
        before, after = _status(before) if before else "", _status(after)
    return FIELD_NAMES.get(change.field, change.field), before, after


def _counts(pack: BoardPack, insight: Insight) -> str:
    """Each survey's count, as it may be shown ("12 (Food in Catford); <5 (Winter survey)")."""
    return "; ".join(f"{s.answers or 'not counted'} ({pack.titles.get(s.survey_id or '', 'a survey')})"
                     for s in insight.sources)


def _quoted(quote: Quote) -> str:
    """The resident's words, and a person's translation marked as one."""
    return f"“{quote.text}”" + (f" (translated: “{quote.translation}”)" if quote.translated else "")


def _title(pack: BoardPack) -> str:
    return f"{pack.board}, {pack.meeting_on}"


def _since(pack: BoardPack) -> str:
    return f"since the last meeting on {pack.since}" if pack.since else "(this board's first meeting in the log)"


def board_pack_pdf(pack: BoardPack, written_on: str) -> bytes:
    document = pdf.ReportPdf()
    document.add_page()
    document.heading(f"Board pack: {_title(pack)}", 18)
    document.para(f"From the People's Partnership outcomes log, {written_on}. Counts under 5 are shown as <5; "
                  "quotes have names and contact details taken out.")
    document.heading(f"New insights {_since(pack)}")
    if not pack.new_insights:
        document.para("None.")
    for insight in pack.new_insights:
        document.heading(insight.title, 11)
        document.para(f"{insight.topic}. {_place(insight)}. Answers: {_counts(pack, insight)}.", 9)
        document.para(insight.you_said)
        for quote in [q for source in insight.sources for q in source.quotes][:4]:
            document.para(_quoted(quote), 9)
    document.heading("Open recommendations")
    if not pack.open:
        document.para("None.")
    for insight, recommendation in pack.open:
        document.heading(recommendation.text, 11)
        details = [f"From: {insight.title}", f"Status: {_status(recommendation.status)}"]
        details += [f"{label}: {value}" for label, value in (("Owner", recommendation.owner),
                                                             ("Decision", recommendation.decision),
                                                             ("Actions", recommendation.actions)) if value]
        for line in details:
            document.para(line, 9)
    document.heading(f"Referrals {_since(pack)}")
    document.para("Where referrals went and what became of them: counts only. Declines for no capacity are unmet "
                  "need.", 9)
    last = ""
    for breakdown, group, count in pack.referrals:
        if breakdown != last:
            document.heading(breakdown, 10)
            last = breakdown
        document.para(f"{group}: {count or '-'}", 9)
    document.heading(f"What changed {_since(pack)}")
    if not pack.changed:
        document.para("Nothing.")
    for insight, change in pack.changed:
        name, before, after = _change(change)
        document.para(f"{change.changed_at[:10]}, {insight.title}: {name}"
                      + (f" changed from “{before}” to “{after}”" if before else f": “{after}”"), 9)
    return bytes(document.output())


def _sheet(book: Workbook, title: str, header: list[str], rows: list[list[object]], empty: str,
           first: bool = False) -> None:
    sheet = book.active if first else book.create_sheet()
    sheet.title = title
    for col, text in enumerate(header, start=1):
        sheet.cell(1, col, cell(text)).font = Font(bold=True)
    if not rows:
        sheet.cell(2, 1, cell(empty))
    for r, values in enumerate(rows, start=2):
        for col, value in enumerate(values, start=1):
            target = sheet.cell(r, col, value if isinstance(value, int) else cell(str(value)))
            target.alignment = Alignment(wrap_text=True, vertical="top")
    for col in range(1, len(header) + 1):
        sheet.column_dimensions[chr(64 + col)].width = 28


def _count(shown: str) -> object:
    return int(shown) if shown.isdigit() else shown


def board_pack_workbook(pack: BoardPack) -> bytes:
    book = Workbook()
    _sheet(book, "New insights", ["Insight", "Topic", "Neighbourhood", "Answers", "You said", "Quotes"],
           [[i.title, i.topic, _place(i), _count(i.answers) if not i.more else _counts(pack, i), i.you_said,
             "\n".join(_quoted(q) for s in i.sources for q in s.quotes)]
            for i in pack.new_insights], f"No new insights {_since(pack)}.", first=True)
    _sheet(book, "Open recommendations", ["Recommendation", "From insight", "Status", "Board", "Meeting", "Decision",
                                          "Owner", "Actions"],
           [[r.text, i.title, _status(r.status), r.board, r.meeting_on or "", r.decision, r.owner, r.actions]
            for i, r in pack.open], "No open recommendations.")
    _sheet(book, "Referrals", ["Breakdown", "Group", "Referrals"],
           [[breakdown, group, _count(count)] for breakdown, group, count in pack.referrals],
           f"No referrals {_since(pack)}.")
    _sheet(book, "What changed", ["Date", "Insight", "What", "Before", "After"],
           [[c.changed_at[:10], i.title, *_change(c)] for i, c in pack.changed], f"Nothing changed {_since(pack)}.")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
