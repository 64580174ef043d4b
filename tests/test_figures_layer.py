"""The layer pages' figures show the library's numbers: each drawn array against an independent oracle.

They draw symbols, numbers and formulas only (both editions of the site show the same figures).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from conftest import drawn_texts, foreign_words
from hypothesis import given, settings
from hypothesis import strategies as st

from convdot.figures import backprop_stride_figure, depth_figure, draw_taps, stamp_figure, taps_read

small = st.integers(-5, 5)


def int_array(shape):
    return st.lists(small, min_size=int(np.prod(shape)), max_size=int(np.prod(shape))).map(
        lambda values: np.array(values, dtype=np.int64).reshape(shape)
    )


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@settings(max_examples=10, deadline=None)
@given(data=st.data(), c_in=st.integers(1, 3), k=st.integers(1, 3), extra=st.integers(0, 2))
def test_depth_figure_partial_sums_are_the_window_products(data, c_in, k, extra):
    size = k + extra
    x = data.draw(int_array((c_in, size, size)))
    w = data.draw(int_array((c_in, k, k)))
    m, n = data.draw(st.integers(0, extra)), data.draw(st.integers(0, extra))
    fig, shown = depth_figure(x, w, 3, (m, n))
    window = x[:, m : m + k, n : n + k]
    partial = [int(np.sum(window[c] * w[c])) for c in range(c_in)]
    assert shown["partial"].tolist() == partial
    assert shown["value"] == window.ravel() @ w.ravel() + 3 == shown["output"][m, n]
    assert np.array_equal(shown["receptive_field"], window)
    texts = drawn_texts(fig)  # the drawn sum is the oracle's
    assert f"{' + '.join(map(str, partial))} + β = {window.ravel() @ w.ravel() + 3}  (β = 3)" in texts
    assert f"$x[c]$,  $(m, n) = ({m}, {n})$" in texts
    assert not foreign_words(texts), foreign_words(texts)


@settings(max_examples=10, deadline=None)
@given(data=st.data(), h=st.integers(1, 3), wd=st.integers(1, 3), k=st.integers(1, 3), stride=st.integers(1, 3))
def test_stamp_figure_stamps_sum_to_the_scatter_definition(data, h, wd, k, stride):
    x = data.draw(int_array((h, wd)))
    w = data.draw(int_array((k, k)))
    fig, shown = stamp_figure(x, w, stride)
    expected = np.zeros(((h - 1) * stride + k, (wd - 1) * stride + k), dtype=np.int64)
    for i, j, u, v in np.ndindex(h, wd, k, k):  # the literal scatter loop
        expected[stride * i + u, stride * j + v] += x[i, j] * w[u, v]
    assert np.array_equal(shown["sum"], expected) and np.array_equal(shown["output"], expected)
    assert shown["reached"].sum() == h * wd * k * k
    texts = drawn_texts(fig)
    assert all(f"x[{i},{j}] · w = {x[i, j]} · w" in texts for i, j in np.ndindex(h, wd))
    assert not foreign_words(texts), foreign_words(texts)


@settings(max_examples=10, deadline=None)
@given(data=st.data(), h_out=st.integers(1, 4), k=st.integers(1, 4), stride=st.integers(1, 3), tail=st.integers(0, 2))
def test_backprop_stride_figure_is_the_index_form_of_the_input_gradient(data, h_out, k, stride, tail):
    tail = min(tail, stride - 1)  # inputs the forward pass maps to h_out outputs
    length = stride * (h_out - 1) + k + tail
    g = data.draw(int_array((h_out,)))
    w = data.draw(int_array((k,)))
    position = data.draw(st.integers(0, stride * (h_out - 1)))
    fig, shown = backprop_stride_figure(g, w, stride, length, position)
    by_index = [sum(g[m] * w[u] for m in range(h_out) for u in range(k) if stride * m + u == i) for i in range(length)]
    assert shown["grad_x"].tolist() == by_index
    assert shown["correlation"].tolist() == by_index[: shown["correlation"].size]
    assert np.array_equal(shown["w_flip"], w[::-1])
    texts = drawn_texts(fig)
    sums = [t for t in texts if t.startswith(f"$\\partial L / \\partial x[{position}]$ = ")]
    assert len(sums) == 1 and sums[0].endswith(f" = {by_index[position]}")
    assert not foreign_words(texts), foreign_words(texts)


@pytest.mark.parametrize("geometry", [{}, {"stride": 2}, {"dilation": 2}, {"padding": 1}, {"stride": 2, "dilation": 2}])
def test_taps_read_matches_the_index_formula(geometry):
    shape, k, p = (7, 7), 3, geometry.get("padding", 0)
    s, d = geometry.get("stride", 1), geometry.get("dilation", 1)
    outputs = [(0, 0), (0, 1), (1, 1)]
    found, grid = taps_read(shape, k, outputs, **geometry)
    assert grid == (7 + 2 * p, 7 + 2 * p)
    for m, n in outputs:
        assert found[(m, n)] == [(s * m + d * u, s * n + d * v) for u in range(k) for v in range(k)]
    fig, ax = plt.subplots()
    assert draw_taps(ax, shape, k, outputs, **geometry) == found
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [f"$(m, n) = ({m}, {n})$" for m, n in outputs]
    assert not foreign_words(drawn_texts(fig))
