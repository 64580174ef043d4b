"""The opening pages' figures show the library's numbers; the site's icon is the library's drawing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
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


def test_sliding_window_html_names_every_output_in_its_description() -> None:
    a, b = answer._WORKED_A, answer._WORKED_B
    text = animation.sliding_window_html(a, b)
    for (m, n), value in np.ndenumerate(convdot.correlate2d(a, b)):
        assert f"C[{m},{n}] = {value}" in text
    assert "prefers-reduced-motion: reduce" in text and "@media print" in text


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
