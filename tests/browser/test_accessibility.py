"""Every page type passes axe-core's WCAG 2.2 A and AA rules in English and Arabic, fits a 320 px screen
without sideways scrolling, has touch targets of at least 44 px, and can be used with a keyboard alone."""

import re

import pytest

from tests.browser.conftest import AXE

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DOMESTIC_ABUSE = "872b5070-bd7b-5b1e-b78b-a74844553b26"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def _first_listing(page, base: str) -> str:  # noqa: ANN001
    page.goto(f"{base}/en/search?q=food+bank")
    return page.get_attribute(".np-result h2 a", "href").removeprefix("/en")


def _page_types(page, base: str) -> dict[str, str]:  # noqa: ANN001
    listing = _first_listing(page, base)
    return {
        "home": "/", "results": "/search?q=I+can%27t+pay+my+rent&postcode=SE6+4RU&free=1",
        "no results": "/search?q=zzqqxx&category=carers&language=tr",
        "nothing fits": "/search?q=fix+my+car", "nearest first": "/search?q=food+bank&postcode=SE6+4RU&sort=nearest",
        "bad input": "/search?q=food&postcode=nope",
        "listing": listing, "sensitive listing": f"/services/{DOMESTIC_ABUSE}",
        "report form": f"{listing}/report", "shortlist": "/shortlist", "shared list": "/shortlist/shared?ids=x",
        "accessibility": "/accessibility", "privacy": "/privacy", "about the data": "/about-the-data",
        "not found": "/no-such-page", "chat": "/chat", "kiosk start": "/kiosk", "kiosk": "/kiosk/chat",
        "kiosk take-away": "/kiosk/take-away",
    }


def _axe_violations(page) -> list[str]:  # noqa: ANN001
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['html'][:120]})"
            for v in result["violations"]]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_page_type_has_no_axe_violations(audited, live_server: str, language: str) -> None:
    found = {}
    for name, path in _page_types(audited, live_server).items():
        audited.goto(f"{live_server}/{language}{path}")
        violations = _axe_violations(audited)
        if violations:
            found[name] = violations
    assert not found, found


def test_a_report_form_with_errors_and_a_full_shortlist_have_no_axe_violations(audited, live_server: str) -> None:
    listing = _first_listing(audited, live_server)
    audited.goto(f"{live_server}/ar{listing}/report")
    audited.click("form button[type=submit]")
    audited.wait_for_selector(".govuk-error-summary")
    problems = _axe_violations(audited)
    audited.goto(f"{live_server}/ar{listing}")
    audited.click(".np-save button")
    audited.wait_for_selector("form[action$='/shortlist/remove']")
    audited.goto(f"{live_server}/ar/shortlist")
    assert audited.locator("img.np-qr").count() == 1
    assert not problems + _axe_violations(audited)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_nothing_scrolls_sideways_at_320_px(browser, live_server: str, language: str) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    wide = {}
    for name, path in _page_types(page, live_server).items():
        page.goto(f"{live_server}/{language}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            wide[name] = width
    context.close()
    assert not wide, wide


TARGETS = ("button, input:not([type=hidden]), select, summary, .np-tiles a, .np-languages a, .np-header a, "
           ".np-footer__links a, .govuk-pagination__link, .govuk-skip-link:focus")


def test_touch_targets_are_at_least_44_px(phone, live_server: str) -> None:
    small = []
    for path in ("/", "/search?free=1", _first_listing(phone, live_server), "/shortlist"):
        phone.goto(f"{live_server}/en{path}")
        phone.click(".np-filters > summary") if phone.locator(".np-filters").count() else None
        for box in phone.eval_on_selector_all(TARGETS, """els => els.filter(e => e.offsetParent !== null).map(e => {
                const r = e.getBoundingClientRect(); return [e.outerHTML.slice(0, 80), r.width, r.height]; })"""):
            if box[1] < 44 or box[2] < 44:
                small.append((path, *box))
    assert not small, "\n".join(map(str, small))


def test_a_keyboard_alone_reaches_every_control_with_a_visible_focus(phone, live_server: str) -> None:
    phone.goto(f"{live_server}/en/search?q=food")
    phone.click(".np-filters > summary")
    controls = phone.eval_on_selector_all(
        "a[href], button:not([hidden]), input:not([type=hidden]), select, summary",
        "els => els.filter(e => e.offsetParent !== null).length")
    phone.goto(f"{live_server}/en/search?q=food")
    phone.keyboard.press("Tab")
    reached, unfocused = set(), []
    for _ in range(controls + 40):
        described = phone.evaluate("""() => { const e = document.activeElement;
            const s = getComputedStyle(e);
            const visible = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 || s.boxShadow !== 'none'
                || s.backgroundColor === 'rgb(255, 221, 0)';
            return [e.outerHTML.slice(0, 100) + '#' + [...document.querySelectorAll('*')].indexOf(e), visible]; }""")
        reached.add(described[0])
        if not described[1] and not described[0].startswith("<body"):
            unfocused.append(described[0])
        if described[0].startswith("<summary") and not phone.evaluate("document.activeElement.parentElement.open"):
            phone.keyboard.press("Enter")
        phone.keyboard.press("Tab")
    assert not unfocused, unfocused
    assert len([r for r in reached if not r.startswith("<body")]) >= controls


def _tab_to(page, focused: str, most: int) -> None:  # noqa: ANN001
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate(focused):
            return
    raise AssertionError(f"Tab never reached: {focused}")


def test_a_keyboard_alone_can_search_open_a_listing_and_save_it(phone, live_server: str) -> None:
    phone.goto(f"{live_server}/en/")
    phone.keyboard.press("Tab")  # skip link
    phone.keyboard.press("Enter")
    _tab_to(phone, "document.activeElement.id === 'q'", 10)
    phone.keyboard.type("food bank")
    phone.keyboard.press("Enter")
    phone.wait_for_selector(".np-result")
    _tab_to(phone, "document.activeElement.closest('.np-result h2') !== null", 80)
    phone.keyboard.press("Enter")
    phone.wait_for_selector("h1")
    assert re.search(r"/services/[0-9a-f-]{36}$", phone.url)
    _tab_to(phone, "document.activeElement.closest('.np-save') !== null", 40)
    phone.keyboard.press("Enter")
    phone.wait_for_selector("form[action$='/shortlist/remove']")
