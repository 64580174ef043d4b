"""The opening pages' figures show the library's numbers; the site's icon is the library's drawing.

What the figures draw is symbols, numbers and formulas, never a sentence: both editions of the site
show the same figures, and the words are in the (translated) captions.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from conftest import WORKED_A, WORKED_B, drawn_texts, foreign_words
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import convdot
from convdot.figures import animation, answer

ROOT = Path(__file__).parent.parent
small_ints = st.integers(-5, 5)


@st.composite
def input_and_kernel(draw):
    H, W = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    h, w = draw(st.integers(1, H)), draw(st.integers(1, W))
    return draw(arrays(np.int64, (H, W), elements=small_ints)), draw(arrays(np.int64, (h, w), elements=small_ints))


@given(input_and_kernel())
@settings(max_examples=40, deadline=None)
def test_answer_numbers_sum_and_dot_equal_the_correlation_loops(case) -> None:
    a, b = case
    loops = convdot.correlate_loops(a, b)
    for m, n in np.ndindex(loops.shape):
        nums = answer.answer_numbers(a, b, m, n)
        assert nums["total"] == nums["dot"] == nums["output"] == loops[m, n]


@given(input_and_kernel())
@settings(max_examples=40, deadline=None)
def test_sliding_window_frames_fill_the_output_in_row_major_order(case) -> None:
    a, b = case
    loops = convdot.correlate_loops(a, b)
    frames = animation.sliding_window_frames(a, b)
    assert [f["position"] for f in frames] == list(np.ndindex(loops.shape))
    for i, frame in enumerate(frames):
        assert frame["value"] == loops[frame["position"]]
        filled = [(r, c) for r, row in enumerate(frame["output"]) for c, v in enumerate(row) if v is not None]
        assert filled == list(np.ndindex(loops.shape))[: i + 1]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_sliding_window_html_names_every_output_in_its_description() -> None:
    a, b = answer._WORKED_A, answer._WORKED_B
    text = animation.sliding_window_html(a, b)
    title = re.search(r"<title[^>]*>(.*?)</title>", text, re.S)[1]
    for (m, n), value in np.ndenumerate(convdot.correlate2d(a, b)):
        assert f"C[{m},{n}] = {value}" in html.unescape(title)
    assert "prefers-reduced-motion: reduce" in text and "@media print" in text


def _shown_text(fragment: str) -> list[str]:
    """What the animation shows a sighted reader: its SVG text and its labels, without the words
    that only screen readers get (the spans of each language) and without the stylesheet."""
    fragment = re.sub(r"<style>.*?</style>|<title[^>]*>.*?</title>", " ", fragment, flags=re.S)
    fragment = re.sub(r'<span class="[\w-]+-word" lang="\w+">[^<]*</span>', " ", fragment)
    return [html.unescape(t) for t in re.findall(r">([^<>]+)<", fragment) if t.strip()]


@given(input_and_kernel())
@settings(max_examples=15, deadline=None)
def test_sliding_window_shows_symbols_and_the_librarys_numbers_only(case) -> None:
    a, b = case
    shown = _shown_text(animation.sliding_window_html(a, b))
    assert not foreign_words(shown), foreign_words(shown)
    loops = convdot.correlate_loops(a, b)
    for (m, n), value in np.ndenumerate(loops):  # each frame writes its sum out, ending in the output
        terms = "+".join(f"{p:g}" for p in (a[m : m + b.shape[0], n : n + b.shape[1]] * b).ravel())
        assert f"C[{m},{n}] = {terms} = {value}" in shown
        assert f"C[{m},{n}]" in shown  # the button of that position
    assert {"A", "C"} <= set(shown)


def test_sliding_window_names_its_controls_in_the_pages_language() -> None:
    text = animation.sliding_window_html(WORKED_A, WORKED_B)
    default, *others = animation.WORDS
    assert default == "en" and "es" in others
    for language, words in animation.WORDS.items():
        assert words.keys() == animation.WORDS[default].keys()
        for word in words.values():  # each word once, in a span that names its language
            assert text.count(f'lang="{language}">{html.escape(word)}</span>') == 1, (language, word)
    for language in others:  # the page's language shows its words and hides the others
        assert f"html:lang({language}) .cd-slide-word:not([lang={language}]) {{ display: none; }}" in text
    assert f":not(:lang(es)) .cd-slide-word:not([lang={default}]) {{ display: none; }}" in text
    assert animation.WORDS["es"]["pause"] == "Pausa" and animation.WORDS["es"]["play"] == "Reproducir"


@given(input_and_kernel())
@settings(max_examples=15, deadline=None)
def test_answer_figure_draws_the_sum_and_the_dot_product_that_the_library_returns(case) -> None:
    a, b = case
    m, n = a.shape[0] - b.shape[0], a.shape[1] - b.shape[1]  # the last window
    value = convdot.correlate_loops(a, b)[m, n]
    texts = drawn_texts(answer.answer_figure(a, b, m, n))
    assert f"Σ = {value}" in texts and f"= {value}" in texts
    assert f"$A_{{[{m},{n}]}} \\odot B$" in texts
    assert not foreign_words(texts), foreign_words(texts)


def test_flip_figure_draws_the_correlation_and_the_convolution_of_the_library() -> None:
    b = np.array([[1, 2, 0], [0, 1, 0], [0, 0, 3]])
    texts = drawn_texts(answer.flip_figure(WORKED_A, b))
    correlation, convolution = convdot.correlate2d(WORKED_A, b)[0, 0], convdot.convolve2d(WORKED_A, b)[0, 0]
    assert (correlation, convolution) == (7, 5)
    assert f"$(A \\star B)[0,0]$\n= {correlation}" in texts and f"$(A * B)[0,0]$\n= {convolution}" in texts
    assert not foreign_words(texts), foreign_words(texts)


def test_padding_figure_draws_the_output_shape_and_the_padding_of_each_mode() -> None:
    texts = drawn_texts(answer.padding_figure((4, 4), (3, 2)))
    for k in (3, 2):
        for mode in ("valid", "same", "full"):
            H_out, W_out = convdot.correlate2d(np.zeros((4, 4)), np.zeros((k, k)), mode).shape
            assert any(f"C: {H_out}×{W_out}" in t for t in texts), (k, mode)
            assert f"{mode}, h = w = {k}" in texts
    # the even kernel in mode same: correlate2d pads below, convolve2d above (its own padding, found)
    A = np.arange(16).reshape(4, 4)
    below = convdot.correlate2d(np.pad(A, ((0, 1), (0, 1))), np.ones((2, 2)))
    above = convdot.correlate2d(np.pad(A, ((1, 0), (1, 0))), np.ones((2, 2)))
    assert np.array_equal(convdot.correlate2d(A, np.ones((2, 2)), "same"), below)
    assert np.array_equal(convdot.convolve2d(A, np.ones((2, 2)), "same"), above)
    assert "correlate2d: ↑0  ↓1\nconvolve2d: ↑1  ↓0\nC: 4×4" in texts
    assert not foreign_words(texts), foreign_words(texts)


def test_textbook_figure_draws_the_output_three_times_as_the_library_computes_it() -> None:
    texts = drawn_texts(answer.textbook_figure(WORKED_A, WORKED_B))
    C = convdot.correlate2d(WORKED_A, WORKED_B)
    assert texts.count(f"= {C[0, 0]}") == 2  # the neuron and the patch
    assert [t for t in texts if t in {str(v) for v in C.ravel()}][-C.size :] == [str(v) for v in C.ravel()]
    assert not foreign_words(texts), foreign_words(texts)


@given(input_and_kernel())
@settings(max_examples=30, deadline=None)
def test_textbook_numbers_neuron_patch_and_im2col_agree_with_the_correlation(case) -> None:
    a, b = case
    loops = convdot.correlate_loops(a, b)
    for m, n in np.ndindex(loops.shape):
        nums = answer.textbook_numbers(a, b, m, n)
        assert nums["neuron_output"] == nums["patch_output"] == nums["product"][0, nums["column"]] == loops[m, n]
        outside = np.ones(a.shape, dtype=bool)
        outside[m : m + b.shape[0], n : n + b.shape[1]] = False
        assert not nums["neuron"][outside].any()


def test_padding_geometry_reproduces_every_mode_by_padding_then_valid() -> None:
    rng = np.random.default_rng(1)
    a = rng.integers(-5, 6, size=(5, 6))
    for shape in [(3, 3), (2, 2), (2, 3), (4, 1)]:
        b = rng.integers(-5, 6, size=shape)
        for mode, geometry in answer.padding_geometry(a.shape, shape).items():
            corr = convdot.correlate2d(np.pad(a, geometry["correlate"]), b)
            conv = convdot.correlate2d(np.pad(a, geometry["convolve"]), b[::-1, ::-1])
            assert np.array_equal(corr, convdot.correlate2d(a, b, mode)), mode
            assert np.array_equal(conv, convdot.convolve2d(a, b, mode)), mode
            assert corr.shape == geometry["output"]


def test_the_committed_favicon_is_the_library_drawing() -> None:
    committed = (ROOT / "conf" / "_static" / "favicon.svg").read_text(encoding="utf-8")
    assert committed == answer.favicon_svg(), "refresh it: python -m convdot.figures.answer conf/_static"


def test_the_social_card_is_1200_by_630_pixels(tmp_path: Path) -> None:
    import matplotlib
    import matplotlib.image

    with matplotlib.rc_context(fname=str(ROOT / "conf" / "matplotlibrc")):  # the site's look
        fresh = answer.write_site_icons(tmp_path)[1]
    committed = ROOT / "conf" / "_static" / "social-card.png"
    for path in (fresh, committed):
        assert matplotlib.image.imread(path).shape[:2] == (630, 1200)
    assert np.abs(matplotlib.image.imread(fresh) - matplotlib.image.imread(committed)).mean() < 0.01
