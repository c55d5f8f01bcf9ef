"""The insight report as a PDF, for boards that read on paper: the same figures as the workbook and web page.

Charts are drawn as bars straight onto the page. Residents write in many scripts, so the text is set in Noto
Sans with its Arabic and Bengali faces as fallbacks (Debian's fonts-noto-core, which `make test` installs) and
shaped by HarfBuzz: Arabic letters join and run right to left, Bengali conjuncts form, and a paragraph in a
right-to-left language is set against the right margin. Without Noto, DejaVu Sans keeps most letters; with
no Unicode font at all, letters the built-in font lacks become "?" and the report says so.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from fpdf import FPDF

from surveys.report import Report, ThemeSummary
from surveys.results import QuestionResult

NOTO = Path("/usr/share/fonts/truetype/noto")
FONTS = (NOTO / "NotoSans-Regular.ttf", Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
         Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"))
SCRIPT_FONTS = ("NotoSansArabic", "NotoSansBengali")  # fallbacks for letters the body font lacks
BAR_WIDTH = 70.0


def _align(text: str) -> str:
    """"R" for a paragraph whose first letter is from a right-to-left script (Arabic, Hebrew), else "L"."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "R"
        if kind == "L":
            return "L"
    return "L"


class ReportPdf(FPDF):
    """An A4 page set in Noto with its script fallbacks, shaped; used by every PDF the surveys make."""

    def __init__(self) -> None:
        super().__init__(format="A4")
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, 18)
        font = next((f for f in FONTS if f.exists()), None)
        self.unicode = font is not None
        if font is not None:
            self._add("Body", font)
            fallbacks = [name for name in SCRIPT_FONTS if (NOTO / f"{name}-Regular.ttf").exists()]
            for name in fallbacks:
                self._add(name, NOTO / f"{name}-Regular.ttf")
            self.set_fallback_fonts(fallbacks)
            self.set_text_shaping(True)
            self.body_font = "Body"
        else:
            self.body_font = "helvetica"

    def _add(self, family: str, regular: Path) -> None:
        self.add_font(family, "", str(regular))
        bold = regular.with_name(regular.name.replace(".ttf", "-Bold.ttf").replace("-Regular-Bold", "-Bold"))
        self.add_font(family, "B", str(bold if bold.exists() else regular))

    def clean(self, value: str) -> str:
        return value if self.unicode else value.encode("latin-1", "replace").decode("latin-1")

    def heading(self, value: str, size: int = 14) -> None:
        self.set_font(self.body_font, "B", size)
        self.multi_cell(0, size * 0.5, self.clean(value), new_x="LMARGIN", new_y="NEXT", align=_align(value))
        self.ln(2)

    def para(self, value: str, size: int = 10) -> None:
        if value:
            self.set_font(self.body_font, "", size)
            self.multi_cell(0, 5, self.clean(value), new_x="LMARGIN", new_y="NEXT", align=_align(value))
            self.ln(2)

    def themes(self, heading: str, found: list[ThemeSummary]) -> None:
        """A question's themes (discovered or a codebook's): each with its count and two quotes."""
        self.heading(heading, 11)
        for theme in found:
            self.para(f"{theme.label} ({theme.shown})", 10)
            for quote in theme.quotes[:2]:
                self.para(f"“{quote}”", 9)

    def chart(self, result: QuestionResult) -> None:
        """Each answer with a bar in proportion; a hidden count ("<5" or "[c]") gets no bar."""
        shown = [b.count for b in result.bars if b.shown.isdigit()]
        largest = max(shown) if shown else 1
        self.set_font(self.body_font, "", 9)
        for bar in result.bars:
            y = self.get_y()
            self.cell(75, 6, self.clean(bar.label[:60]))
            if bar.shown.isdigit() and largest:
                self.set_fill_color(29, 112, 184)
                self.rect(self.get_x(), y + 1, BAR_WIDTH * bar.count / largest, 4, style="F")
            self.set_x(self.l_margin + 75 + BAR_WIDTH + 4)
            self.cell(20, 6, bar.shown, new_x="LMARGIN", new_y="NEXT")
        self.ln(3)


def report_pdf(report: Report, written_on: str) -> bytes:
    survey = report.survey
    pdf = ReportPdf()
    pdf.add_page()
    pdf.heading(survey.title, 18)
    pdf.para(f"Insight report for the People's Partnership, {written_on}. Open {survey.opens_on} to "
             f"{survey.last_day()}. Counts under 5 are shown as <5.")
    if not pdf.unicode:
        pdf.para("This machine has no Unicode font, so some letters in quotes are shown as ?.")
    pdf.heading("What we asked")
    pdf.para(survey.purpose)
    for result in report.asked:
        pdf.heading(result.question.prompt, 11)
        pdf.para(f"Answered by {result.answered_shown}.", 9)
        if result.bars:
            pdf.chart(result)
    pdf.heading("Who answered")
    languages = ", ".join(f"{code}: {shown}" for code, shown in sorted(report.languages.items()))
    pdf.para(f"{report.responses} people answered. Languages: {languages or 'none'}.")
    for result in report.who:
        pdf.heading(result.question.prompt, 11)
        pdf.chart(result)
    pdf.heading("The main themes")
    for question_id, found in report.themes.items():
        question = survey.question(question_id)
        pdf.themes(question.prompt if question else question_id, found[:8])
    if report.codes:
        pdf.heading("Codebook themes")
        pdf.para("The same named themes as other surveys that use the codebook. An answer can be under more than one.")
    for question_id, (book, found) in report.codes.items():
        question = survey.question(question_id)
        pdf.themes(f"{question.prompt if question else question_id} ({book})", found)
    if report.earlier:
        pdf.heading("Earlier wordings, no longer asked")
        pdf.para("Changed or removed after people had answered; their answers are kept under the words they answered.")
    for result in report.earlier:
        pdf.heading(result.question.prompt, 11)
        pdf.para(f"Answered by {result.answered_shown}.", 9)
        if result.bars:
            pdf.chart(result)
    pdf.heading("You said, we did")
    pdf.para(f"You said: {survey.you_said or 'not written yet'}")
    pdf.para(f"We did: {survey.we_did or 'not written yet'}")
    return bytes(pdf.output())
