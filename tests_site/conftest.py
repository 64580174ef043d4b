"""The built site, served on 127.0.0.1 and read by Debian's Chromium through Playwright.

Run with `nox -s browser` after `nox -s docs` (or `pytest tests_site --site DIR`). Every HTML
page of the build is discovered from the build itself and loaded once, at desktop width, then
resized to a phone's; the observations (requests, console, math, images, links, axe-core
findings at both widths, screenshots) are kept, and each test in test_browser.py checks one
property of them on every page. Internal links include the theorem references of
sphinx-proof (`{prf:ref}`), which are links to the theorem's id on its page.

Screenshots: every page at desktop and phone width in the light theme, and every page that
shows a figure (an image or an inline SVG figure) in the dark theme too, named
`<page>-<width>-<theme>.png`. A request that the server answers with an error, such as the
`/favicon.ico` that a browser asks for when a page names no icon, counts as a console error
of the page being read: the browser logs it as one, though Playwright does not report it.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import runpy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).parent.parent
CHROMIUM = Path("/usr/bin/chromium")
INSTALL_CHROMIUM = "apt-get update && apt-get install -y chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
THEMES = ("light", "dark")
# Not pages: assets, sources and the copies of downloads that Sphinx writes beside the pages.
NOT_PAGES = {"_static", "_sources", "_images", "_downloads", "jupyter_execute"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--site", default=str(ROOT / "build" / "html"), help="built site to check (default build/html)")
    parser.addoption(
        "--screenshots",
        default=str(ROOT / "build" / "screenshots"),
        help="where the screenshots go (default build/screenshots)",
    )


def site_dir(config: pytest.Config) -> Path:
    return Path(config.getoption("--site")).resolve()


def pages_of(site: Path) -> list[str]:
    """Every HTML page of the build, as paths relative to the site root."""
    return sorted(
        p.relative_to(site).as_posix() for p in site.rglob("*.html") if not NOT_PAGES & set(p.relative_to(site).parts)
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "page" in metafunc.fixturenames:
        site = site_dir(metafunc.config)
        if not (site / "index.html").is_file():
            raise pytest.UsageError(f"no built site in {site}: build it first with `nox -s docs`")
        pages = pages_of(site)
        metafunc.parametrize("page", pages)


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.anchors: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" or (tag == "a" and name == "name"):
                self.anchors.add(value or "")


@functools.cache
def anchors_of(path: Path) -> frozenset[str]:
    """The ids (and <a name>) a page defines in its HTML, the targets a #fragment can reach."""
    parser = _Anchors()
    parser.feed(path.read_text(encoding="utf-8"))
    return frozenset(parser.anchors)


# the editions besides English, each under its own folder (conf/editions.py)
TRANSLATIONS = tuple(
    folder + "/" for _, folder in runpy.run_path(str(ROOT / "conf" / "editions.py"))["EDITIONS"].values() if folder
)


def is_translation(page: str) -> bool:
    return page.startswith(TRANSLATIONS)


@dataclass(repr=False)
class Visit:
    """What one page did in the browser."""

    def __repr__(self) -> str:  # pytest shows it beside every failure: the page says enough
        return f"Visit({self.page!r})"

    page: str
    outside_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    math: dict = field(default_factory=dict)
    images: list[dict] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)
    screenshots: dict[str, Path] = field(default_factory=dict)  # "<width>-<theme>": path
    widths: dict[str, int] = field(default_factory=dict)
    server_errors: list[str] = field(default_factory=list)  # requests the server refused
    has_figure: bool = False
    # per width: where the first figure's top edge is (px from the top of the page), or None
    first_figure_top: dict[str, float | None] = field(default_factory=dict)
    # what the page transferred: {"page": bytes of HTML, CSS, JS and fonts, "figures": bytes of
    # its images, "scripts": URLs of the scripts it loaded}
    weight: dict = field(default_factory=dict)
    # the math as the server sent it, before any script ran: Sphinx math elements, and how
    # many of them already hold MathJax's output
    served_math: dict = field(default_factory=dict)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site; remembers every request it answered with an error (see `refused`)."""

    errors: list[str]
    lock = threading.Lock()

    def log_message(self, format: str, *args: object) -> None:
        pass

    def log_request(self, code: object = "-", size: object = "-") -> None:
        try:
            status = int(code)
        except (TypeError, ValueError):
            return
        if status >= 400:
            with self.lock:
                self.errors.append(f"the server answered {self.path} with HTTP {status}")


@contextmanager
def refused(errors: list[str]):
    """Collect into `errors` the server's error answers made while the block runs."""
    with _QuietHandler.lock:
        _QuietHandler.errors = errors
    try:
        yield errors
    finally:
        with _QuietHandler.lock:
            _QuietHandler.errors = []


@pytest.fixture(scope="session")
def site(pytestconfig: pytest.Config) -> Path:
    return site_dir(pytestconfig)


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    """The site served by a thread on 127.0.0.1, on a free port."""
    _QuietHandler.errors = []
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    # Debian's Chromium when installed, else Playwright's own (`nox -s browser` installs it and
    # says which in CONVDOT_CHROMIUM; empty means Playwright's).
    executable = os.environ.get("CONVDOT_CHROMIUM", str(CHROMIUM) if CHROMIUM.is_file() else "") or None
    if not AXE.is_file():
        pytest.exit(f"axe-core is not installed at {AXE}; run `npm ci` in {ROOT}", returncode=1)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


# Read in the page once MathJax has typeset it and every image has settled.
_WAIT_FOR_IMAGES = """async () => {
  const images = [...document.images];
  for (const image of images) image.loading = "eager";
  await Promise.all(images.map((image) => image.complete ? null : new Promise((done) => {
    image.addEventListener("load", done); image.addEventListener("error", done);
  })));
  return images.map((image) => ({src: image.currentSrc || image.src, alt: image.getAttribute("alt"),
                                 naturalWidth: image.naturalWidth}));
}"""
_WAIT_FOR_MATH = "async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }"
# Math as the reader sees it: every Sphinx math element holds MathJax output, MathJax
# reported no TeX error, and no TeX source is left in the visible text outside code.
_READ_MATH = r"""() => {
  const elements = [...document.querySelectorAll("div.math, span.math")];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const raw = [];
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    if (!parent || parent.closest("pre, code, script, style, textarea, mjx-container")) continue;
    if (!parent.checkVisibility()) continue;
    if (/\\[\[\(]|\$\$|\\[A-Za-z]+/.test(node.textContent)) raw.push(node.textContent.trim().slice(0, 120));
  }
  return {
    elements: elements.length,
    rendered: document.querySelectorAll("mjx-container").length,
    unrendered: elements.filter((e) => !e.querySelector("mjx-container")).map((e) => e.textContent.slice(0, 120)),
    errors: [...document.querySelectorAll("mjx-merror")].map((e) => e.textContent.slice(0, 120)),
    assistive: document.querySelectorAll("mjx-container mjx-assistive-mml math").length,
    raw,
  };
}"""
# What the page transferred, from the browser's resource timing: a figure is an image the
# article shows (an <img>, or an SVG/PNG the page asks for outside its stylesheets); everything
# else (HTML, CSS, scripts, fonts, the icon) is the page's own weight. The test server sends
# files uncompressed, so a body's size is the file's.
_WEIGHT = r"""() => {
  const navigation = performance.getEntriesByType("navigation")[0];
  const resources = performance.getEntriesByType("resource");
  const isFigure = (r) => r.initiatorType === "img" || (r.initiatorType !== "css" && r.initiatorType !== "link"
    && /\/_images\/|\.(png|webp|gif|jpe?g)$/.test(new URL(r.name).pathname));
  const size = (r) => r.encodedBodySize || r.transferSize || 0;
  const own = resources.filter((r) => !isFigure(r));
  return {
    page: size(navigation) + own.reduce((total, r) => total + size(r), 0),
    figures: resources.filter(isFigure).reduce((total, r) => total + size(r), 0),
    largest: own.map((r) => [size(r), new URL(r.name).pathname]).sort((a, b) => b[0] - a[0]).slice(0, 5),
    scripts: resources.filter((r) => r.initiatorType === "script").map((r) => new URL(r.name).pathname),
  };
}"""
# The page's HTML as served, before any script ran (a fetch of its own URL, parsed inert).
_SERVED_MATH = """async () => {
  const html = await (await fetch(location.href, {cache: "force-cache"})).text();
  const served = new DOMParser().parseFromString(html, "text/html");
  const elements = [...served.querySelectorAll("div.math, span.math")];
  return {elements: elements.length, typeset: elements.filter((e) => e.querySelector("mjx-container")).length};
}"""
_LINKS = "() => [...document.querySelectorAll('a[href]')].map((a) => a.href)"
# A figure of the article: an image, or an inline SVG that says it is one (role="img").
_FIGURES = "article img, .bd-article img, .bd-article svg[role='img']"
_FIRST_FIGURE_TOP = f"""() => {{
  const figure = document.querySelector("{_FIGURES}");
  return figure ? figure.getBoundingClientRect().top + window.scrollY : null;
}}"""
# The theme's dark mode, as its switch sets it (pydata-sphinx-theme: data-theme on <html>).
_DARK = """() => { document.documentElement.dataset.theme = "dark";
  document.documentElement.dataset.mode = "dark"; localStorage.setItem("theme", "dark"); }"""
_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" "))}));
}"""


@pytest.fixture(scope="session")
def seen() -> dict[str, Visit]:
    """Pages visited so far in this run, so each page loads once however many tests read it."""
    return {}


@pytest.fixture
def visit(page: str, seen: dict[str, Visit], browser: object, base_url: str, pytestconfig: pytest.Config) -> Visit:
    if page not in seen:
        screenshots = Path(pytestconfig.getoption("--screenshots"))
        screenshots.mkdir(parents=True, exist_ok=True)
        seen[page] = _visit(browser, base_url, page, screenshots)
    return seen[page]


def _visit(browser, base_url: str, page: str, screenshots: Path) -> Visit:
    visit = Visit(page)
    netloc = urlsplit(base_url).netloc
    context = browser.new_context(viewport=DESKTOP, service_workers="block")

    def only_this_site(route) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.netloc != netloc:
            visit.outside_requests.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", only_this_site)
    tab = context.new_page()

    def on_console(message) -> None:
        if message.type == "error":
            visit.console_errors.append(message.text)

    def on_failed(request) -> None:
        if urlsplit(request.url).netloc == netloc:  # the other hosts' requests were refused above
            visit.failed_requests.append(f"{request.url}: {request.failure}")

    def on_response(response) -> None:
        if response.status >= 400:
            visit.failed_requests.append(f"{response.url}: HTTP {response.status}")

    tab.on("console", on_console)
    tab.on("pageerror", lambda error: visit.console_errors.append(str(error)))
    tab.on("requestfailed", on_failed)
    tab.on("response", on_response)
    errors = refused(visit.server_errors)  # until the end of the visit: the icon is asked for late
    errors.__enter__()
    tab.goto(base_url + page, wait_until="load")
    tab.evaluate(_WAIT_FOR_MATH)
    visit.images = tab.evaluate(_WAIT_FOR_IMAGES)
    tab.wait_for_load_state("networkidle")
    visit.math = tab.evaluate(_READ_MATH)
    visit.weight = tab.evaluate(_WEIGHT)
    visit.served_math = tab.evaluate(_SERVED_MATH)
    visit.links = tab.evaluate(_LINKS)
    visit.has_figure = tab.locator(_FIGURES).count() > 0
    tab.add_script_tag(path=str(AXE))
    stem = page.removesuffix(".html").replace("/", "__")
    translated = is_translation(page)
    for theme in THEMES:
        if theme == "dark":
            if not visit.has_figure or translated:  # the same pages and styles as the English edition's
                break
            tab.emulate_media(color_scheme="dark")
            tab.evaluate(_DARK)
        for name, viewport in WIDTHS.items():
            tab.set_viewport_size(viewport)
            tab.wait_for_timeout(600)  # the theme re-marks scrollable blocks 300 ms after a resize
            label = name if theme == "light" else f"{name}, dark theme"
            visit.violations += [dict(v, width=label) for v in tab.evaluate(_AXE)]
            if theme == "light":
                visit.widths[name] = tab.evaluate("() => document.documentElement.scrollWidth")
                visit.first_figure_top[name] = tab.evaluate(_FIRST_FIGURE_TOP)
            if translated and name != "phone":
                continue  # a translation is checked at every width; its picture, where words run longest
            path = visit.screenshots[f"{name}-{theme}"] = screenshots / f"{stem}-{name}-{theme}.png"
            tab.screenshot(path=str(path), full_page=True)
    context.close()
    errors.__exit__(None, None, None)
    visit.console_errors += visit.server_errors
    return visit


def searchindex_docnames(site: Path) -> list[str]:
    """The documents Sphinx says it wrote (from searchindex.js)."""
    text = (site / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    return index["docnames"]


def resolve_internal(site: Path, url: str) -> tuple[Path, str]:
    """The file under the site that a same-origin URL names, and its fragment."""
    parts = urlsplit(url)
    path = unquote(parts.path).lstrip("/")
    target = site / path
    if not path or path.endswith("/"):
        target = target / "index.html"
    return target, unquote(parts.fragment)
