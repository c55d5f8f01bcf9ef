"""Residents' quotes in the PDF report keep their scripts: Arabic letters are joined and set right to left
against the right margin, and Bengali is drawn from a font that has it. Checked by reading the text back
and by rendering the page to an image."""

from __future__ import annotations

import io

import numpy as np
import pypdfium2
import pytest
from pypdf import PdfReader

from surveys import pdf

ARABIC = "“نحتاج إلى طعام طازج للأطفال”"
BENGALI = "“আমাদের তাজা খাবার দরকার”"

pytestmark = pytest.mark.skipif(not (pdf.NOTO / "NotoSansArabic-Regular.ttf").exists(),
                                reason="Debian's fonts-noto-core is not installed (make test installs it)")


def _document(*paragraphs: str, shaping: bool = True) -> bytes:
    report = pdf.ReportPdf()
    report.set_text_shaping(shaping)
    report.add_page()
    for paragraph in paragraphs:
        report.para(paragraph)
    return bytes(report.output())


def _lines(document: bytes) -> list[tuple[int, int]]:
    """The left and right edge of the ink on each line of the first page, top to bottom."""
    image = np.array(pypdfium2.PdfDocument(document)[0].render(scale=2).to_pil().convert("L")) < 128
    rows = np.flatnonzero(image.any(axis=1))
    bands, start = [], rows[0]
    for before, row in zip(rows, rows[1:], strict=False):
        if row - before > 3:
            bands.append((start, before))
            start = row
    bands.append((start, rows[-1]))
    return [(int(np.flatnonzero(image[a:b + 1].any(axis=0)).min()),
             int(np.flatnonzero(image[a:b + 1].any(axis=0)).max())) for a, b in bands]


def test_arabic_is_set_against_the_right_margin_and_english_against_the_left() -> None:
    document = _document("An English line.", ARABIC)
    width = pypdfium2.PdfDocument(document)[0].render(scale=2).to_pil().width
    (english_left, _), (arabic_left, arabic_right) = _lines(document)
    assert english_left < width * 0.15 and arabic_left > width * 0.5 and arabic_right > width * 0.85


def test_arabic_letters_are_joined() -> None:
    """Joined letters take less room than the same letters each drawn alone, as an unshaped PDF draws them."""
    (joined_left, joined_right), = _lines(_document(ARABIC))
    (alone_left, alone_right), = _lines(_document(ARABIC, shaping=False))
    assert joined_right - joined_left < 0.95 * (alone_right - alone_left)


def test_the_words_read_back_and_bengali_has_its_own_font() -> None:
    reader = PdfReader(io.BytesIO(_document(ARABIC, BENGALI)))
    text = reader.pages[0].extract_text()
    assert {"نحتاج", "طعام", "للأطفال"} <= set(text.replace("“", " ").replace("”", " ").split())
    assert "তাজা" in text and "খাবার" in text
    fonts = {str(f.get_object()["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any("NotoSansBengali" in name for name in fonts) and any("NotoSansArabic" in name for name in fonts)
