"""Every script displays: a Bengali page fetches the portal's own Bengali webfont (so a kiosk without a
Bengali font shows letters, not boxes) and draws its text with it; an English page never fetches it."""

import pytest

pytestmark = [pytest.mark.browser]
FONT = "/static/fonts/noto-sans-bengali-regular.woff2"


def _fetched(page) -> list[str]:  # noqa: ANN001
    return page.evaluate("performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)")


def test_a_bengali_page_draws_bengali_with_the_portals_font(phone, live_server: str) -> None:  # noqa: ANN001
    page = phone
    page.goto(f"{live_server}/bn/")
    page.evaluate("document.fonts.ready")
    assert FONT in _fetched(page)
    assert page.evaluate("document.fonts.check('16px \"Portal Bengali\"', 'আমাদের')")
    # the font really has the letters: text set in it alone is as wide as in the page's stack, not zero-width boxes
    widths = page.evaluate("""() => {
        const measure = (family) => { const c = document.createElement('canvas').getContext('2d');
            c.font = `32px ${family}`; return c.measureText('আমাদের তাজা খাবার').width; };
        return [measure('"Portal Bengali"'), measure('monospace')]; }""")
    assert widths[0] > 100


def test_an_english_page_fetches_only_the_few_letters_of_bengalis_own_name(phone, live_server: str) -> None:  # noqa: ANN001
    page = phone
    page.goto(f"{live_server}/en/")
    page.evaluate("document.fonts.ready")
    assert [path for path in _fetched(page) if path.startswith("/static/fonts/")] == [
        "/static/fonts/noto-sans-bengali-names.woff2"]  # "বাংলা" in the language list: 5 KB, not 60


def test_the_bengali_every_page_shows_is_in_the_small_cut() -> None:
    """`make fonts` cut the small font from this text; a changed language name or translation needs a new cut."""
    from pathlib import Path

    from portal.i18n import shown_in_every_language

    cut = Path(__file__).resolve().parents[2] / "frontend" / "bengali-names.txt"
    assert cut.read_text(encoding="utf-8").split("\n")[:2] == shown_in_every_language("bn")
