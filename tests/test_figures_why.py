"""The figures of "Why a convolution at all" draw the library's arrays, and only symbols, numbers and
formulas: both editions of the site show the same figures."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from conftest import drawn_texts, foreign_words

import convdot
from convdot.figures import why


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_the_three_matrices_are_titled_with_their_symbol_and_their_number_of_weights() -> None:
    fig, (dense, local, conv) = why.fc_local_conv_figure((3, 3), (2, 2))
    assert np.array_equal(conv, convdot.conv_matrix(np.arange(1, 5).reshape(2, 2), (3, 3)))
    counts = [len(np.unique(matrix[matrix != 0])) for matrix in (dense, local, conv)]
    assert counts == [36, 16, 4]
    texts = drawn_texts(fig)
    assert [t for t in texts if t.startswith("$")] == [
        f"$M$:  {counts[0]}",
        f"$V$:  {counts[1]}",
        f"$T_B$:  {counts[2]}",
    ]
    assert not foreign_words(texts), foreign_words(texts)


def test_receptive_field_figure_draws_the_paths_the_library_pulls_back() -> None:
    fig, grad = why.receptive_field_figure((9, 9), [(3, 1, 1), (3, 1, 1)])
    paths = np.outer([1, 2, 3, 2, 1], [1, 2, 3, 2, 1])
    assert np.array_equal(grad[:5, :5], paths) and not grad[5:].any() and not grad[:, 5:].any()
    texts = drawn_texts(fig)
    assert r"$\partial y[0, 0]\, /\, \partial x$:  3×3, 3×3" in texts
    assert not foreign_words(texts), foreign_words(texts)
    fig, _ = why.receptive_field_figure((11, 11), [(3, 2, 1), (3, 1, 2)])
    assert r"$\partial y[0, 0]\, /\, \partial x$:  3×3 s=2, 3×3 d=2" in drawn_texts(fig)


def test_pooling_separable_and_learning_figures_draw_symbols_and_numbers() -> None:
    x = np.array([[1, 5, 2, 0], [3, 4, 8, 1], [0, 2, 6, 7], [9, 1, 3, 3]])
    fig, y, _ = why.pooling_figure(x, 2)
    assert y.tolist() == [[5, 8], [9, 7]] == convdot.max_pool2d(x[None], 2)[0].tolist()
    texts = drawn_texts(fig)
    assert {"$x$", "max_pool2d"} <= set(texts)
    assert [t for t in texts if t.isdigit()] == [str(v) for v in (*x.ravel(), *y.ravel())]
    assert not foreign_words(texts), foreign_words(texts)
    sobel = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])
    texts = drawn_texts(why.separable_figure(sobel, np.array([1, 2, 1]), np.array([1, 0, -1])))
    assert {"$B$", "$b_{col}$", r"$b_{row}^{\mathsf{T}}$"} <= set(texts)
    assert not foreign_words(texts), foreign_words(texts)
    losses = 10.0 ** -np.arange(20)
    learned = sobel + np.array([[0, -1e-9, 0], [0, 0, 0], [0, 0, 0]])  # rounds to -0: drawn as 0
    texts = drawn_texts(why.learning_figure(losses, learned, sobel))
    assert {r"$\upsilon$", r"$L(w_\upsilon)$", r"$w_\Upsilon$", "$w^{*}$"} <= set(texts)
    assert "-0" not in texts
    assert not foreign_words(texts), foreign_words(texts)
