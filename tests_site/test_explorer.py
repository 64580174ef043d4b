"""The explorers of the built site, driven in Chromium and checked against convdot.

Each test opens a page with an explorer (conf/explorer/, placed by the `{explorer}` directive),
operates its controls as a reader would (clicks, typing, the keyboard) and compares what the
widget shows, the output cells and the written arithmetic, with what convdot computes for the
settings its controls show. Throughout, the tab must log no console error, send no request
beyond 127.0.0.1, never load another document, and never show "NaN", "undefined" or "null".
The Spanish edition's explorers (under es/) must speak Spanish (conf/explorer/words.mjs and
words.py) and compute the same numbers; the English ones, English.

Run after a build of both editions (`nox -s docs`):
`PYTHONPATH=src pytest tests_site/test_explorer.py --site build/html`.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest
from conftest import AXE, DESKTOP, PHONE, ROOT, anchors_of, resolve_internal

import convdot

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "conf" / "explorer"))
import arithmetic_check  # conf/explorer/arithmetic_check.py: the terms from numpy.pad's index image
import words  # conf/explorer/words.py: the directive's words in each language

# Every page with an explorer, and the preset the page starts it from.
PAGES = {
    "question.html": "worked",
    "definition.html": "worked",
    "layer-depth.html": "rgb",
    "layer-geometry.html": "strided",
    "layer-groups.html": "depthwise",
    "layer-transpose.html": "transposed",
}
PRESETS = ("worked", "rgb", "strided", "dilated", "depthwise", "transposed")
# The same pages in the Spanish edition, and both editions' together.
SPANISH_PAGES = {f"es/{page}": preset for page, preset in PAGES.items()}
EDITION_PAGES = {**PAGES, **SPANISH_PAGES}
FORBIDDEN = re.compile(r"\bNaN\b|\bundefined\b|\bnull\b")
SERIOUS = {"serious", "critical"}
_AXE_ON_EXPLORER = """async () => {
  const results = await axe.run(".convdot-explorer", {resultTypes: ["violations"]});
  return results.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" "))}));
}"""

_READ = """(root) => {
  const value = (name) => root.querySelector(`[name="${name}"]`);
  const cells = (selector) => [...root.querySelectorAll(selector)].map(
    (c) => [+c.dataset.o, +c.dataset.i, +c.dataset.j, c.textContent]);
  const out = {};
  const names = ["H", "W", "kH", "kW", "cIn", "cOut", "stride", "padding", "dilation", "groups",
                 "outputPadding", "preset", "mode", "paddingMode", "bias", "x", "w"];
  for (const name of names) out[name] = value(name).value;
  out.useBias = value("useBias").checked;
  out.flip = value("flip").checked;
  const view = root.querySelector('.explorer-views input[type="radio"]:checked');
  out.view = view ? view.value : "";
  const message = root.querySelector(".explorer-message");
  out.message = message.hidden ? "" : message.textContent;
  out.bodyHidden = root.querySelector(".explorer-body").hidden;
  out.outputs = cells("button.explorer-out");
  out.finals = cells("td.final");
  out.partials = cells("td.partial");
  const current = root.querySelector("button.explorer-out[aria-current], button.explorer-in[aria-current]");
  out.current = current ? Object.fromEntries(Object.entries(current.dataset).map(([k, v]) => [k, +v])) : null;
  out.terms = [...root.querySelectorAll(".explorer-arithmetic .term")].map((t) => [t.dataset.x, t.dataset.w]);
  const shown = root.querySelector(".explorer-value");
  out.value = shown ? shown.textContent : "";
  out.vectors = [...root.querySelectorAll(".explorer-vector")].map((p) => p.textContent);
  out.stamps = [...root.querySelectorAll(".explorer-stamps li")].map((li) => li.textContent);
  out.formula = [...root.querySelectorAll(".explorer-formula-line")].map((p) => p.textContent);
  out.flipNote = root.querySelector(".explorer-flip-note").textContent;
  out.status = root.querySelector(".explorer-status").textContent;
  out.text = root.innerText;
  out.buttons = [...root.querySelectorAll("button")].map((b) => b.getAttribute("type"));
  out.links = [...root.querySelectorAll("a[href]")].map((a) => a.href);
  out.live = root.classList.contains("is-live");
  out.staticFigure = [...root.querySelectorAll(".convdot-explorer-static img")].map((i) => ({
    alt: i.getAttribute("alt"), width: i.naturalWidth, shown: i.checkVisibility()}));
  return out;
}"""


def number(text: str) -> float:
    return float(text.replace("−", "-"))


def matrices(text: str) -> list[np.ndarray]:
    return [
        np.array([[number(v) for v in row.split()] for row in block.splitlines()])
        for block in text.strip().split("\n\n")
    ]


class Tab:
    """One browser tab on one page, with what it did recorded, and the page's explorer."""

    def __init__(self, browser, base_url: str, page: str, viewport=DESKTOP) -> None:
        self.page_name = page
        self.netloc = urlsplit(base_url).netloc
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.documents: list[str] = []
        self.context = browser.new_context(viewport=viewport, service_workers="block")
        self.context.route("**/*", self._route)
        self.tab = self.context.new_page()
        self.tab.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.tab.on("pageerror", lambda e: self.errors.append(str(e)))
        self.tab.on("framenavigated", lambda f: self.documents.append(f.url) if f == self.tab.main_frame else None)
        self.tab.set_default_timeout(120_000)  # the machine that builds may be busy; nothing here is timed
        self.tab.goto(base_url + page, wait_until="load")
        self.tab.wait_for_selector(".convdot-explorer.is-live")
        self.root = self.tab.locator(".convdot-explorer").first

    def _route(self, route) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.netloc != self.netloc:
            self.outside.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    def read(self) -> dict:
        state = self.root.evaluate(_READ)
        found = FORBIDDEN.findall(state["text"])
        assert not found, f"{self.page_name}: the explorer shows {found}: {state['text'][:400]!r}"
        return state

    def control(self, name: str):
        return self.root.locator(f'[name="{name}"]')

    def set(self, name: str, value: str) -> dict:
        field = self.control(name)
        field.fill(value)
        field.dispatch_event("change")
        return self.read()

    def select(self, name: str, value: str) -> dict:
        self.control(name).select_option(value)
        return self.read()

    def click(self, text: str) -> dict:
        self.root.get_by_role("button", name=text, exact=True).click()
        return self.read()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_tab(browser, base_url: str) -> Iterator:
    """Open pages; on teardown, check that none logged an error, left 127.0.0.1 or loaded another document."""
    tabs: list[Tab] = []

    def opener(page: str, viewport=DESKTOP) -> Tab:
        tab = Tab(browser, base_url, page, viewport)
        tabs.append(tab)
        return tab

    yield opener
    for tab in tabs:
        documents = tab.documents
        tab.close()
        assert not tab.errors, f"{tab.page_name}: console errors {tab.errors}"
        assert not tab.outside, f"{tab.page_name}: requests beyond 127.0.0.1: {tab.outside}"
        assert len(documents) == 1, f"{tab.page_name}: a control loaded another document: {documents}"


# --- what convdot says for the settings the controls show ---------------------------------------


def layer_arguments(state: dict) -> dict:
    x = np.array(matrices(state["x"]))
    blocks = np.array(matrices(state["w"]))
    groups = int(state["groups"])
    c_in, c_out = x.shape[0], int(state["cOut"])
    if state["mode"] == "transposed":
        w = blocks.reshape(c_in, c_out // groups, *blocks.shape[1:])
    else:
        w = blocks.reshape(c_out, c_in // groups, *blocks.shape[1:])
        if state["flip"]:
            w = w[..., ::-1, ::-1]
    padding = state["padding"].strip()
    kwargs = {
        "bias": np.array([number(v) for v in state["bias"].split(",")]) if state["useBias"] else None,
        "stride": int(state["stride"]),
        "padding": int(padding) if re.fullmatch(r"\d+", padding) else padding,
        "dilation": int(state["dilation"]),
        "groups": groups,
    }
    if state["mode"] == "transposed":
        kwargs["output_padding"] = int(state["outputPadding"])
    else:
        kwargs["padding_mode"] = state["paddingMode"]
    return {"x": x, "w": w, **kwargs}


def convdot_output(state: dict) -> np.ndarray:
    args = layer_arguments(state)
    if state["mode"] == "transposed":
        return convdot.conv_transpose2d(**args)
    return convdot.conv2d(**args)


def shown(cells: list) -> np.ndarray:
    shape = tuple(max(c[k] for c in cells) + 1 for k in range(3))
    out = np.full(shape, np.nan)
    for o, i, j, text in cells:
        out[o, i, j] = number(text)
    return out


def assert_matches_convdot(state: dict) -> None:
    """The output cells, and the arithmetic written for the current output, are convdot's."""
    assert not state["message"], state["message"]
    expected = convdot_output(state)
    if state["mode"] == "transposed":
        assert np.array_equal(shown(state["finals"]), expected), (state["finals"], expected)
        return
    assert np.array_equal(shown(state["outputs"]), expected), (state["outputs"], expected)
    o, i, j = state["current"]["o"], state["current"]["i"], state["current"]["j"]
    assert number(state["value"]) == expected[o, i, j]
    args = layer_arguments(state)
    options = {
        "stride": args["stride"],
        "padding": args["padding"],
        "dilation": args["dilation"],
        "groups": args["groups"],
        "paddingMode": args["padding_mode"],
    }
    products = arithmetic_check.expected_terms(args["x"].tolist(), args["w"].tolist(), options, [o, i, j])
    if state["view"] == "sum":
        got = [(number(x), number(w)) for x, w in state["terms"]]
        assert got == [(p["x"], p["w"]) for p in products]
    elif state["view"] in ("dot", "im2col"):
        window, kernel = (re.search(r"\[(.*)\]", v).group(1) for v in state["vectors"][:2])
        assert [number(v) for v in window.split(", ")] == [p["x"] for p in products]
        assert [number(v) for v in kernel.split(", ")] == [p["w"] for p in products]


def assert_formula(state: dict, expected_shape) -> None:
    for line, size in zip(state["formula"], expected_shape[-2:], strict=True):
        assert line.endswith(f"= {size}"), line


# --- the tests -------------------------------------------------------------------------------------


@pytest.mark.parametrize("explorer_page", PAGES)
def test_each_explorer_starts_from_its_preset_and_shows_convdots_numbers(open_tab, explorer_page: str) -> None:
    tab = open_tab(explorer_page)
    state = tab.read()
    assert state["live"] and state["preset"] == PAGES[explorer_page]
    assert_matches_convdot(state)
    assert_formula(state, convdot_output(state).shape)
    assert state["buttons"] and all(kind == "button" for kind in state["buttons"])
    figure = state["staticFigure"]
    assert len(figure) == 1 and figure[0]["width"] > 0 and figure[0]["alt"].strip()
    assert not figure[0]["shown"], "the static figure is for print and no-JS; the live explorer replaces it"


@pytest.mark.parametrize("explorer_page", EDITION_PAGES)
def test_the_theorem_links_reach_their_anchors(open_tab, explorer_page: str, site: Path) -> None:
    require_edition(site, explorer_page)
    tab = open_tab(explorer_page)
    hrefs = set(tab.read()["links"])
    for view in ("sum", "dot", "im2col", "matrix"):
        if tab.read()["mode"] == "transposed":
            break
        tab.root.locator(f'.explorer-views input[value="{view}"]').check()
        hrefs |= set(tab.read()["links"])
    assert hrefs
    for url in hrefs:
        target, fragment = resolve_internal(site, url)
        assert target.is_file(), url
        assert fragment in anchors_of(target), url
    if EDITION_PAGES[explorer_page] != "transposed":
        for anchor in ("thm-hadamard-dot", "thm-im2col", "thm-conv-matrix", "thm-stride-output-size"):
            assert any(url.endswith("#" + anchor) for url in hrefs), anchor


def test_every_preset_matches_convdot(open_tab) -> None:
    tab = open_tab("question.html")
    for preset in PRESETS:
        state = tab.select("preset", preset)
        assert state["preset"] == preset
        assert_matches_convdot(state)
        assert_formula(state, convdot_output(state).shape)


def test_stepping_playing_and_clicking_move_the_window(open_tab) -> None:
    tab = open_tab("question.html")
    assert tab.read()["current"] == {"o": 0, "i": 0, "j": 0}
    state = tab.click("Next")
    assert state["current"] == {"o": 0, "i": 0, "j": 1}
    assert_matches_convdot(state)
    state = tab.click("Previous")
    assert state["current"] == {"o": 0, "i": 0, "j": 0}
    state = tab.click("Previous")  # wraps round to the last output
    assert state["current"] == {"o": 0, "i": 2, "j": 2}
    assert_matches_convdot(state)
    tab.root.locator('button.explorer-out[data-i="1"][data-j="2"]').click()
    state = tab.read()
    assert state["current"] == {"o": 0, "i": 1, "j": 2}
    assert "position 6 of 9" in state["status"]
    assert_matches_convdot(state)
    tab.click("First")
    tab.click("Play")
    tab.tab.wait_for_function(
        "() => document.querySelector('.convdot-explorer button.explorer-out[aria-current]').dataset.j !== '0'",
        timeout=5000,
    )
    state = tab.click("Pause")
    paused_at = state["current"]
    tab.tab.wait_for_timeout(1200)
    state = tab.read()
    assert state["current"] == paused_at, "Pause must stop the window"
    assert_matches_convdot(state)


def test_every_view_writes_the_same_number(open_tab) -> None:
    tab = open_tab("layer-depth.html")
    tab.root.locator('button.explorer-out[data-o="1"][data-i="2"][data-j="1"]').click()
    values = set()
    for view in ("sum", "dot", "im2col", "matrix"):
        tab.root.locator(f'.explorer-views input[value="{view}"]').check()
        state = tab.read()
        assert state["view"] == view
        assert_matches_convdot(state)
        values.add(state["value"])
    assert len(values) == 1
    # the matrix view's row holds, at each pixel read, the weights that read it
    state = tab.read()
    entries = re.findall(r"T\[\d+, (\d+)\] = (-?[\d.]+)", state["vectors"][1])
    x = np.array(matrices(state["x"])).ravel()
    total = sum(number(weight) * x[int(column)] for column, weight in entries)
    args = layer_arguments(state)
    assert total + args["bias"][1] == number(state["value"])


def test_flip_rotates_the_kernel_and_says_where_it_matters(open_tab) -> None:
    tab = open_tab("definition.html")
    state = tab.read()
    assert state["flip"]
    assert_matches_convdot(state)
    assert "changes none of the 9 outputs" in state["flipNote"]
    a = np.array(matrices(state["x"])[0])
    kernel = "1 2 0\n0 1 0\n0 0 3"
    state = tab.set("w", kernel)
    assert_matches_convdot(state)
    b = np.array(matrices(kernel)[0])
    assert np.array_equal(shown(state["outputs"])[0], convdot.convolve2d(a, b))
    changed = int(np.sum(convdot.convolve2d(a, b) != convdot.correlate2d(a, b)))
    assert f"changes {changed} of the 9 outputs" in state["flipNote"]
    tab.control("flip").uncheck()
    state = tab.read()
    assert np.array_equal(shown(state["outputs"])[0], convdot.correlate2d(a, b))
    assert_matches_convdot(state)


def test_every_control_changes_the_layer_as_convdot_computes_it(open_tab) -> None:
    tab = open_tab("layer-geometry.html")
    steps = [
        ("set", "H", "6"),
        ("set", "W", "5"),
        ("set", "kH", "2"),
        ("set", "kW", "3"),
        ("set", "cIn", "2"),
        ("set", "cOut", "2"),
        ("set", "stride", "1"),
        ("set", "padding", "same"),
        ("select", "paddingMode", "reflect"),
        ("select", "paddingMode", "replicate"),
        ("select", "paddingMode", "circular"),
        ("set", "padding", "valid"),
        ("set", "padding", "2"),
        ("set", "dilation", "2"),
        ("set", "stride", "2"),
        ("set", "groups", "2"),
        ("check", "useBias", ""),
        ("set", "bias", "3, -1"),
        ("set", "x", "1 2 3\n4 5 6\n7 8 9\n\n0 1 0\n1 0 1\n0 1 0"),
        ("set", "w", "1 -1\n2 0\n\n0.5 0.25\n-1 1"),
        ("select", "paddingMode", "zeros"),
    ]
    for kind, name, value in steps:
        if kind == "set":
            state = tab.set(name, value)
        elif kind == "select":
            state = tab.select(name, value)
        else:
            tab.control(name).check()
            state = tab.read()
        assert_matches_convdot(state)
        assert_formula(state, convdot_output(state).shape)
        tab.click("Next")
        assert_matches_convdot(tab.read())
    assert state["H"] == "3" and state["cIn"] == "2" and state["kW"] == "2"


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("stride", "0", "stride must be >= 1"),
        ("stride", "two", "stride must be an integer"),
        ("dilation", "0", "dilation must be >= 1"),
        ("groups", "2", "groups must divide the input channels"),
        ("groups", "0", "groups must be >= 1"),
        ("padding", "-1", "padding must be >= 0"),
        ("padding", "wide", "padding must be one of"),
        ("dilation", "5", "output size must be >= 1"),
        ("H", "40", "between 1 and 12"),
        ("x", "1 2\n3", "row 2 has 1 numbers"),
        ("x", "1 a", "is not a number"),
    ],
)
def test_an_impossible_setting_shows_a_message_naming_it_instead_of_a_picture(open_tab, name, value, words) -> None:
    tab = open_tab("layer-geometry.html")
    state = tab.set(name, value)
    assert words in state["message"], state["message"]
    assert state["bodyHidden"], "an impossible setting must not leave a picture"
    state = tab.click("Reset to this page's settings")
    assert not state["message"] and not state["bodyHidden"]
    assert_matches_convdot(state)


def test_same_padding_needs_stride_one_and_reflect_padding_smaller_than_the_input(open_tab) -> None:
    tab = open_tab("layer-geometry.html")
    state = tab.set("padding", "same")
    assert 'padding "same" needs stride 1' in state["message"]
    tab.set("stride", "1")
    tab.set("H", "3")
    tab.set("padding", "3")
    state = tab.select("paddingMode", "reflect")
    assert "reflect" in state["message"] and "smaller than the input" in state["message"]
    state = tab.select("paddingMode", "circular")
    assert not state["message"]
    assert_matches_convdot(state)


def test_transposed_mode_stamps_each_input_and_sums_the_overlaps(open_tab) -> None:
    tab = open_tab("layer-transpose.html")
    state = tab.read()
    assert state["mode"] == "transposed"
    assert_matches_convdot(state)
    assert_formula(state, (6, 6))
    args = layer_arguments(state)
    x = args.pop("x")
    for step in range(4):
        if step:
            state = tab.click("Next")
        c, i, j = state["current"]["c"], state["current"]["i"], state["current"]["j"]
        assert (c, i, j) == np.unravel_index(step, x.shape)
        # the partial output is convdot's transposed convolution of the inputs stamped so far
        masked = np.where(np.arange(x.size).reshape(x.shape) <= step, x, 0)
        partial = convdot.conv_transpose2d(masked, **{**args, "bias": None})
        assert np.array_equal(shown(state["partials"]), partial)
        # each stamp line: y[o, a, b] += x × w = product, with convdot's one-hot output as the oracle
        one_hot = np.zeros_like(x)
        one_hot[c, i, j] = x[c, i, j]
        alone = convdot.conv_transpose2d(one_hot, **{**args, "bias": None})
        added = np.zeros_like(alone)
        for line in state["stamps"]:
            if m := re.fullmatch(r"y\[(\d+), (\d+), (\d+)\] \+= (\S+) × (\S+) = (\S+)", line):
                o, a, b, xv, wv, product = m.groups()
                assert number(xv) == x[c, i, j] and number(xv) * number(wv) == number(product)
                added[int(o), int(a), int(b)] += number(product)
        assert np.array_equal(added, alone)
    tab.root.locator('button.explorer-in[data-i="2"][data-j="1"]').click()
    assert tab.read()["current"] == {"c": 0, "i": 2, "j": 1}
    state = tab.set("outputPadding", "0")
    assert_matches_convdot(state)
    assert_formula(state, (5, 5))
    state = tab.set("outputPadding", "2")
    assert "outputPadding must be smaller than the stride or the dilation" in state["message"]
    state = tab.set("outputPadding", "1")
    state = tab.select("mode", "conv2d")
    assert_matches_convdot(state)
    state = tab.select("mode", "transposed")
    assert_matches_convdot(state)
    state = tab.set("padding", "same")
    assert "padding of convTranspose2d must be an integer" in state["message"]


def test_the_explorer_works_from_the_keyboard(open_tab) -> None:
    tab = open_tab("question.html")
    tab.root.get_by_role("button", name="Next", exact=True).focus()
    tab.tab.keyboard.press("Enter")
    assert tab.read()["current"] == {"o": 0, "i": 0, "j": 1}
    tab.tab.keyboard.press("Space")
    assert tab.read()["current"] == {"o": 0, "i": 0, "j": 2}
    tab.root.locator('button.explorer-out[data-i="2"][data-j="0"]').focus()
    tab.tab.keyboard.press("Enter")
    state = tab.read()
    assert state["current"] == {"o": 0, "i": 2, "j": 0}
    assert_matches_convdot(state)
    # a size typed and confirmed with Tab
    tab.control("stride").focus()
    tab.tab.keyboard.press("Control+A")
    tab.tab.keyboard.type("2")
    tab.tab.keyboard.press("Tab")
    state = tab.read()
    assert state["stride"] == "2"
    assert_matches_convdot(state)
    # a preset chosen with the arrow keys
    tab.control("preset").focus()
    tab.tab.keyboard.press("ArrowDown")
    state = tab.read()
    assert state["preset"] == "rgb"
    assert_matches_convdot(state)
    # Tab reaches every control, in order, from the first button
    tab.root.get_by_role("button", name="First", exact=True).focus()
    reached = set()
    for _ in range(80):
        tab.tab.keyboard.press("Tab")
        reached.add(tab.tab.evaluate("() => document.activeElement.name || document.activeElement.textContent"))
    for name in ("H", "stride", "padding", "paddingMode", "groups", "useBias", "flip", "x", "w", "preset"):
        assert name in reached, name


@pytest.mark.parametrize("explorer_page", EDITION_PAGES)
def test_no_serious_accessibility_violation_and_no_overflow_at_either_width(open_tab, explorer_page: str, site) -> None:
    require_edition(site, explorer_page)
    tab = open_tab(explorer_page)
    tab.tab.add_script_tag(path=str(AXE))
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        tab.tab.set_viewport_size(viewport)
        tab.tab.wait_for_timeout(400)
        violations = tab.tab.evaluate(_AXE_ON_EXPLORER)
        serious = [v for v in violations if v["impact"] in SERIOUS]
        assert not serious, f"{explorer_page} ({name}): {serious}"
        width = tab.tab.evaluate("() => document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{explorer_page} ({name}): the explorer_page is {width}px wide"
        tab.read()


# --- the explorer in each edition's language ------------------------------------------------------

# Each language's table of words.mjs, as the site serves it: (key, text) pairs, a templated
# entry called with "\u0001" for each of its arguments.
_WORDS = """async () => {
  const src = document.querySelector('script[src$="explorer/explorer.mjs"]').src;
  const { WORDS } = await import(src.replace(/explorer\\.mjs$/, "words.mjs"));
  const texts = (v, key = "") => typeof v === "function" ? [[key, v(...Array(v.length).fill("\\u0001"))]]
    : typeof v === "string" ? [[key, v]] : Object.entries(v).flatMap(([k, x]) => texts(x, key ? `${key}.${k}` : k));
  return Object.fromEntries(Object.entries(WORDS).map(([language, table]) => [language, texts(table)]));
}"""
# Every text a reader can meet in the explorer now: its text nodes, one a line, and the
# aria-labels, titles and alt texts of its elements (the static figure's caption and alt too).
_SHOWN = """(root) => {
  const parts = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    if (!walker.currentNode.parentElement.closest("script")) parts.push(walker.currentNode.textContent);
  }
  for (const e of root.querySelectorAll("[aria-label], [title], [alt]")) {
    for (const name of ["aria-label", "title", "alt"]) if (e.getAttribute(name)) parts.push(e.getAttribute(name));
  }
  return parts.join("\\n");
}"""
_LEGENDS = "(root) => [...root.querySelectorAll('legend')].map((l) => l.textContent)"
_OPTIONS = "(root) => [...root.querySelectorAll('select[name=\"preset\"] option')].map((o) => o.textContent)"


def require_edition(site: Path, page: str) -> None:
    if not (site / page).is_file():
        pytest.fail(f"no {page} in {site}: build both editions first (`nox -s docs`)")


def only_in(tables: dict, language: str, other: str, extra: tuple[str, ...] = ()) -> list[str]:
    """The words of `language`'s table that `other`'s does not share: each piece of a string
    between its arguments that holds a word of four letters, unless the same entry of `other`
    holds it too (an identifier such as im2col or circular) or it is a snake_case name."""
    theirs = dict(tables[other])
    found = set(extra)
    for key, text in tables[language]:
        for piece in text.split("\u0001"):
            piece = piece.strip()
            identifier = re.fullmatch(r"\w+_\w+", piece)  # output_padding, as the formulas write it
            if re.search(r"[A-Za-zÀ-ÿ]{4}", piece) and piece not in theirs[key] and not identifier:
                found.add(piece)
    return sorted(found)


def assert_none_shown(shown: str, pieces: list[str], where: str) -> None:
    present = [p for p in pieces if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", shown)]
    assert not present, f"{where} shows {present}"


def spoken(tab: Tab) -> str:
    """What the explorer shows now, read after tab.read()'s checks (Sphinx's curly apostrophes made straight)."""
    tab.read()
    return tab.root.evaluate(_SHOWN).replace("\u2019", "'")


def test_the_spanish_explorer_speaks_spanish_and_computes_the_same_numbers(open_tab, site: Path) -> None:
    require_edition(site, "es/question.html")
    presets = json.loads((ROOT / "conf" / "explorer" / "presets.json").read_text(encoding="utf-8"))
    tab = open_tab("es/question.html")
    assert tab.tab.evaluate("document.documentElement.lang") == "es"
    tables = tab.tab.evaluate(_WORDS)
    es = dict(tables["es"])
    english = only_in(
        tables, "en", "es", (*[p["title"] for p in presets.values()], *words.WORDS["en"]["caption"].split("{title}"))
    )
    assert "Play" in english and "Reset to this page's settings" in english and "Output" in english
    assert (
        tab.root.evaluate(_LEGENDS)
        == [es["viewLegend"], es["startFrom"], es["sizes"], es["geometry"], es["biasAndFlip"], es["values"]]
        == [
            "El mismo número, visto como",
            "Punto de partida",
            "Tamaños",
            "Geometría",
            "Sesgo y giro",
            "Valores (se escriben o se pegan; una línea en blanco entre matrices)",
        ]
    )
    assert tab.root.evaluate(_OPTIONS) == [words.PRESET_TITLES["es"][name] for name in presets]
    for label in ("Primero", "Anterior", "Reproducir", "Siguiente", "Restablecer los valores de esta página"):
        assert tab.root.get_by_role("button", name=label, exact=True).count() == 1, label
    state = tab.read()
    assert state["status"] == "Salida y[0, 0, 0]: posición 1 de 9."
    assert_matches_convdot(state)
    assert_formula(state, convdot_output(state).shape)
    figure = state["staticFigure"][0]
    assert figure["alt"].startswith("Una entrada de 1 canal de 5 por 5"), figure["alt"]
    caption = tab.root.locator("figcaption").inner_text()
    assert "El punto de partida del explorador (El ejemplo resuelto de la pregunta)" in caption, caption
    seen = [spoken(tab)]
    # every view, a step, playing and pausing, the flip, the other operation, and impossible settings
    for view in ("dot", "im2col", "matrix", "sum"):
        tab.root.locator(f'.explorer-views input[value="{view}"]').check()
        assert_matches_convdot(tab.read())
        seen.append(spoken(tab))
    state = tab.click("Siguiente")
    assert state["current"] == {"o": 0, "i": 0, "j": 1} and state["status"] == "Salida y[0, 0, 1]: posición 2 de 9."
    tab.click("Reproducir")
    assert tab.root.get_by_role("button", name="Pausa", exact=True).get_attribute("aria-pressed") == "true"
    seen.append(spoken(tab))
    tab.click("Pausa")
    tab.control("flip").check()
    state = tab.read()
    assert "Girar los núcleos 180° no cambia ninguna de las 9 salidas" in state["flipNote"], state["flipNote"]
    seen.append(spoken(tab))
    state = tab.set("w", "1 2 0\n0 1 0\n0 0 3")
    assert_matches_convdot(state)
    assert re.search(r"Girar los núcleos 180° cambia \d+ de las 9 salidas", state["flipNote"]), state["flipNote"]
    seen.append(spoken(tab))
    for step in (("set", "padding", "1"), ("select", "paddingMode", "reflect"), ("check", "useBias", "")):
        if step[0] == "set":
            state = tab.set(step[1], step[2])
        elif step[0] == "select":
            state = tab.select(step[1], step[2])
        else:
            tab.control(step[1]).check()
            state = tab.read()
        assert_matches_convdot(state)
    tab.root.locator('.explorer-views input[value="matrix"]').check()
    assert "Con el relleno reflect" in tab.read()["text"]
    seen.append(spoken(tab))
    for name, value, spanish in [
        ("stride", "0", "el paso s debe ser al menos 1 en cada eje; se ha recibido 0"),
        ("stride", "dos", 'el paso s debe ser un número entero; se ha escrito "dos"'),
        ("padding", "ancho", 'el relleno p debe ser "valid" o "same"; se ha recibido "ancho"'),
        ("groups", "2", "el número de grupos g debe dividir los canales de entrada C_in"),
        ("dilation", "5", "el tamaño de la salida debe ser al menos 1 en cada eje"),
        ("H", "40", "la altura de la entrada H debe estar entre 1 y 12 en el explorador; se ha escrito 40"),
        ("x", "1 2\n3", "entrada x: en la matriz 1, la fila 2 tiene 1 números y la fila 1 tiene 2"),
        ("x", "1 a", 'entrada x: "a", en la matriz 1, fila 1, no es un número'),
    ]:
        state = tab.set(name, value)
        assert state["message"].startswith("Este ajuste no es posible: ") and spanish in state["message"], state[
            "message"
        ]
        assert state["bodyHidden"]
        seen.append(spoken(tab))
        state = tab.click("Restablecer los valores de esta página")
        assert not state["message"]
        assert_matches_convdot(state)
    state = tab.select("preset", "transposed")
    assert_matches_convdot(state)
    assert state["status"].startswith("La entrada x[0, 0, 0] = ") and "sello 1 de 9" in state["status"], state["status"]
    tab.click("Siguiente")
    seen.append(spoken(tab))
    state = tab.set("outputPadding", "2")
    assert "el relleno de salida debe ser menor que el paso o que la dilatación" in state["message"], state["message"]
    seen.append(spoken(tab))
    for shown in seen:
        assert_none_shown(shown, english, "the Spanish explorer")
    # and every other Spanish page's explorer, as it starts
    for page in SPANISH_PAGES:
        other = open_tab(page)
        assert other.root.get_by_role("button", name="Reproducir", exact=True).count() == 1, page
        state = other.read()
        assert_matches_convdot(state)
        assert not re.search(r"\b(input|kernel|output|channel)\b", state["staticFigure"][0]["alt"]), page
        assert_none_shown(spoken(other), english, page)


def test_the_english_explorer_speaks_english_as_before(open_tab, site: Path) -> None:
    presets = json.loads((ROOT / "conf" / "explorer" / "presets.json").read_text(encoding="utf-8"))
    tab = open_tab("question.html")
    assert tab.tab.evaluate("document.documentElement.lang") == "en"
    tables = tab.tab.evaluate(_WORDS)
    spanish = only_in(
        tables, "es", "en", (*words.PRESET_TITLES["es"].values(), *words.WORDS["es"]["caption"].split("{title}"))
    )
    assert "Reproducir" in spanish and "Salida" in spanish
    assert tab.root.evaluate(_LEGENDS) == [
        "View of the same number",
        "Start from",
        "Sizes",
        "Geometry",
        "Bias and flip",
        "Values (type or paste; a blank line between matrices)",
    ]
    assert tab.root.evaluate(_OPTIONS) == [p["title"] for p in presets.values()]
    for label in ("First", "Previous", "Play", "Next", "Reset to this page's settings"):
        assert tab.root.get_by_role("button", name=label, exact=True).count() == 1, label
    state = tab.read()
    assert state["status"] == "Output y[0, 0, 0]: position 1 of 9."
    assert state["staticFigure"][0]["alt"].startswith("A 1-channel 5 by 5 input, padded to 5 by 5")
    caption = tab.root.locator("figcaption").inner_text().replace("\u2019", "'")
    assert "The explorer's starting point (The question's worked example), drawn by convdot" in caption, caption
    seen = [spoken(tab)]
    for view in ("dot", "im2col", "matrix"):
        tab.root.locator(f'.explorer-views input[value="{view}"]').check()
        seen.append(spoken(tab))
    state = tab.set("stride", "0")
    assert state["message"] == "This setting is not possible: stride must be >= 1 on each axis; got 0."
    seen.append(spoken(tab))
    tab.click("Reset to this page's settings")
    tab.select("preset", "transposed")
    seen.append(spoken(tab))
    for shown in seen:
        assert_none_shown(shown, spanish, "the English explorer")
