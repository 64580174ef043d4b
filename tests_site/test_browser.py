"""Every page of the built site, read in Chromium as a reader would, one property per test.

The pages are discovered from the build (conftest.pages_of); each is loaded once at desktop
width and the tests below read what the browser saw. Screenshots at desktop and phone widths
land in build/screenshots/ for review.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path
from urllib.parse import urlsplit

from conftest import (
    PHONE,
    THEMES,
    WIDTHS,
    Visit,
    anchors_of,
    is_translation,
    pages_of,
    resolve_internal,
    searchindex_docnames,
)

# axe-core rules excluded from the check, each with its reason. Empty: the theme's problems
# are fixed in conf/_static and conf/_templates instead.
AXE_EXCLUDED: dict[str, str] = {}
SERIOUS = {"serious", "critical"}


def test_every_page_sphinx_wrote_is_visited(site: Path) -> None:
    pages = pages_of(site)
    assert "index.html" in pages
    missing = [name for name in searchindex_docnames(site) if f"{name}.html" not in pages]
    assert not missing, f"documents with no page in {site}: {missing}"


def test_no_request_leaves_127_0_0_1(visit: Visit) -> None:
    assert not visit.outside_requests, f"{visit.page} asked other hosts for: {visit.outside_requests}"


def test_every_request_succeeds(visit: Visit) -> None:
    assert not visit.failed_requests, f"{visit.page}: {visit.failed_requests}"


def test_no_console_errors(visit: Visit) -> None:
    assert not visit.console_errors, f"{visit.page}: {visit.console_errors}"


def test_every_formula_is_rendered(visit: Visit) -> None:
    math = visit.math
    assert not math["unrendered"], f"{visit.page}: math left as TeX: {math['unrendered']}"
    assert not math["raw"], f"{visit.page}: TeX in the visible text: {math['raw']}"
    assert not math["errors"], f"{visit.page}: MathJax could not typeset: {math['errors']}"
    assert math["rendered"] >= math["elements"], f"{visit.page}: {math}"


def test_every_formula_carries_mathml_for_screen_readers(visit: Visit) -> None:
    assert visit.math["assistive"] == visit.math["rendered"], f"{visit.page}: {visit.math}"


PAGE_WEIGHT_LIMIT = 1_000_000  # bytes: a page's HTML, CSS, scripts and fonts, without its figures


def test_every_page_weighs_at_most_1_mb_without_its_figures(visit: Visit) -> None:
    weight = visit.weight
    largest = weight["largest"]
    assert 0 < weight["page"] <= PAGE_WEIGHT_LIMIT, f"{visit.page}: {weight['page']} bytes; largest: {largest}"


def test_math_is_typeset_in_the_html_as_served_so_it_shows_at_first_paint(visit: Visit) -> None:
    served = visit.served_math
    assert served["typeset"] == served["elements"], f"{visit.page}: math the server sent untypeset: {served}"
    assert served["elements"] == visit.math["elements"], f"{visit.page}: {served} against {visit.math}"
    typesetters = [s for s in visit.weight["scripts"] if re.search(r"mathjax|tex-(chtml|svg|mml)", s, re.I)]
    assert not typesetters, f"{visit.page} loads a math typesetting script: {typesetters}"


def test_every_image_loads_and_has_alt_text(visit: Visit) -> None:
    broken = [image["src"] for image in visit.images if image["naturalWidth"] == 0]
    no_alt = [image["src"] for image in visit.images if not (image["alt"] or "").strip()]
    assert not broken, f"{visit.page}: images that did not load: {broken}"
    assert not no_alt, f"{visit.page}: images without alt text: {no_alt}"


def test_every_internal_link_resolves_to_an_anchor(visit: Visit, site: Path, base_url: str) -> None:
    origin = urlsplit(base_url).netloc
    broken = []
    for url in visit.links:
        if urlsplit(url).netloc != origin:
            continue
        target, fragment = resolve_internal(site, url)
        if not target.is_file():
            broken.append(f"{url}: no file {target.relative_to(site)}")
        elif fragment and target.suffix == ".html" and fragment not in anchors_of(target):
            broken.append(f"{url}: no id {fragment!r} in {target.relative_to(site)}")
    assert not broken, f"{visit.page}: {broken}"


def test_no_serious_or_critical_accessibility_violations(visit: Visit) -> None:
    found = [v for v in visit.violations if v["impact"] in SERIOUS and v["id"] not in AXE_EXCLUDED]
    assert not found, f"{visit.page}: axe-core found " + "; ".join(
        f"{v['id']} ({v['impact']}, {v['width']}): {v['help']} at {v['nodes']}" for v in found
    )


def _png_width(path: Path) -> int:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">I", header[16:20])[0]


def test_screenshots_show_the_page_at_desktop_and_phone_width(visit: Visit) -> None:
    """The screenshots exist and the page is no wider than the screen (no sideways scrolling)."""
    themes = THEMES if visit.has_figure and not is_translation(visit.page) else ("light",)
    widths = ("phone",) if is_translation(visit.page) else WIDTHS
    assert sorted(visit.screenshots) == sorted(f"{name}-{theme}" for name in widths for theme in themes)
    for key, path in visit.screenshots.items():
        assert _png_width(path) == WIDTHS[key.split("-")[0]]["width"], (visit.page, key)
    for name, viewport in WIDTHS.items():
        assert visit.widths[name] <= viewport["width"], f"{visit.page} is {visit.widths[name]} px wide on a {name}"


FIGURE_PAGES = ("index.html", "question.html", "definition.html", "hadamard-dot.html", "textbooks.html")


def test_the_opening_pages_have_figures(site: Path) -> None:
    """The pages that answer the question each show a figure drawn by the library (issue 12)."""
    for page in FIGURE_PAGES:
        html = (site / page).read_text(encoding="utf-8")
        assert "<img" in html or 'role="img"' in html, f"{page} shows no figure"


def test_the_front_page_shows_a_figure_in_its_first_screen(seen: dict[str, Visit], browser, base_url: str) -> None:
    from conftest import _visit

    visit = seen.get("index.html")
    if visit is None:
        import tempfile

        visit = seen["index.html"] = _visit(browser, base_url, "index.html", Path(tempfile.mkdtemp()))
    for name, viewport in WIDTHS.items():
        top = visit.first_figure_top[name]
        assert top is not None, "the front page has no figure"
        assert top < viewport["height"] * 0.75, f"the front page's first figure starts at {top:.0f} px on a {name}"


def test_every_page_names_its_icon_and_the_icon_exists(site: Path) -> None:
    """A page without <link rel="icon"> makes the browser ask for /favicon.ico, a 404 here."""
    for page in pages_of(site):
        html = (site / page).read_text(encoding="utf-8")
        match = re.search(r'<link rel="icon" href="([^"]+)"', html)
        assert match, f"{page} names no icon"
        assert (site / page).parent.joinpath(match[1]).resolve().is_file(), (page, match[1])


def test_the_front_page_has_open_graph_tags_with_the_social_card(site: Path) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    tags = dict(re.findall(r'<meta property="(og:[a-z:_]+)" content="([^"]*)"', html))
    assert tags.get("og:title") and tags.get("og:image:alt"), tags
    assert tags.get("og:image", "").endswith("_static/social-card.png"), tags
    assert (site / "_static" / "social-card.png").is_file()


def _frames(tab) -> dict:
    return tab.evaluate(
        """() => [...document.querySelectorAll("[class*='-frame-']")].map((g) => {
             const style = getComputedStyle(g);
             return {visible: style.visibility === "visible", animation: style.animationName,
                     state: style.animationPlayState};
           })"""
    )


def test_the_sliding_window_pauses_steps_and_respects_reduced_motion(browser, base_url: str) -> None:
    """The question page's animation: playing by default, paused by its pause button, one frame per
    step, still for readers who ask for reduced motion (the last frame, the whole output). The
    buttons show icons, the same in both editions; their names are in the page's language."""
    context = browser.new_context(viewport=PHONE, reduced_motion="no-preference")
    tab = context.new_page()
    tab.goto(base_url + "question.html", wait_until="load")
    frames = _frames(tab)
    assert len(frames) == 9
    assert all(f["animation"] != "none" and f["state"] == "running" for f in frames), frames
    assert tab.get_by_role("radio", name="Play", exact=True).is_checked()
    assert tab.get_by_role("radio", name="Reproducir", exact=True).count() == 0  # the other edition's name
    tab.get_by_role("radio", name="Pause", exact=True).click()
    assert all(f["state"] == "paused" for f in _frames(tab))
    tab.get_by_role("radio", name="C[1,1]", exact=True).click()
    assert [f["visible"] for f in _frames(tab)] == [i == 4 for i in range(9)]
    context.close()

    context = browser.new_context(viewport=PHONE, reduced_motion="no-preference")
    tab = context.new_page()
    tab.goto(base_url + "es/question.html", wait_until="load")
    assert tab.get_by_role("radio", name="Reproducir", exact=True).is_checked()
    assert tab.get_by_role("radio", name="Pause", exact=True).count() == 0
    tab.get_by_role("radio", name="Pausa", exact=True).click()
    assert all(f["state"] == "paused" for f in _frames(tab))
    context.close()

    context = browser.new_context(viewport=PHONE, reduced_motion="reduce")
    tab = context.new_page()
    tab.goto(base_url + "question.html", wait_until="load")
    frames = _frames(tab)
    assert all(f["animation"] == "none" for f in frames), frames
    assert [f["visible"] for f in frames] == [i == 8 for i in range(9)]
    tab.emulate_media(media="print")
    assert [f["visible"] for f in _frames(tab)] == [i == 8 for i in range(9)]
    context.close()
