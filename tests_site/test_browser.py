"""Every page of the built site, read in Chromium as a reader would, one property per test.

The pages are discovered from the build (conftest.pages_of); each is loaded once at desktop
width and the tests below read what the browser saw. Screenshots at desktop and phone widths
land in build/screenshots/ for review.
"""

from __future__ import annotations

import struct
from pathlib import Path
from urllib.parse import urlsplit

from conftest import DESKTOP, PHONE, Visit, anchors_of, pages_of, resolve_internal, searchindex_docnames

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
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        assert _png_width(visit.screenshots[name]) == viewport["width"], (visit.page, name)
        assert visit.widths[name] <= viewport["width"], f"{visit.page} is {visit.widths[name]} px wide on a {name}"
