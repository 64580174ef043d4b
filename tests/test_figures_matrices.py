"""The matrix pages' figures (im2col, the convolution matrix, the FFT) draw the library's arrays, and
only symbols, numbers and formulas: both editions of the site show the same figures."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from conftest import WORKED_A, WORKED_B, WORKED_C, drawn_texts, foreign_words

import convdot
from convdot.figures import matrices


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def numbers(texts: list[str]) -> list[str]:
    return [t for t in texts if t.lstrip("-").replace(".", "", 1).isdigit()]


def test_im2col_figure_draws_x_col_and_the_outputs_of_the_library() -> None:
    X_col = convdot.im2col(WORKED_A, WORKED_B.shape)
    row = WORKED_B.ravel() @ X_col
    texts = drawn_texts(matrices.im2col_figure(WORKED_B, X_col, row, WORKED_C.shape))
    drawn = numbers(texts)
    assert drawn[-row.size :] == [str(v) for v in WORKED_C.ravel()]  # the last row drawn: every output
    assert drawn[: WORKED_B.size + X_col.size] == [f"{v:g}" for v in (*WORKED_B.ravel(), *X_col.ravel())]
    assert [f"{m},{n}" for m, n in np.ndindex(WORKED_C.shape)] == [t for t in texts if "," in t and "$" not in t]
    assert not foreign_words(texts), foreign_words(texts)


def test_copies_figure_marks_the_entries_copied_hw_times() -> None:
    H, W, h, w = 7, 8, 3, 3
    X_col = convdot.im2col(np.arange(H * W).reshape(H, W), (h, w))
    copies = np.bincount(X_col.ravel(), minlength=H * W).reshape(H, W)
    texts = drawn_texts(matrices.copies_figure(copies, h * w))
    assert texts.count("*") == np.count_nonzero(copies == h * w) == 12
    assert r"*:  $r_h(i)\, r_w(j) = hw = 9$" in texts
    assert not foreign_words(texts), foreign_words(texts)


def test_conv_matrix_figures_draw_only_the_matrices_numbers_and_symbols() -> None:
    B = np.arange(1, 10).reshape(3, 3)
    T = convdot.conv_matrix(B, (5, 5))
    rows = [f"{m},{n}" for m, n in np.ndindex(3, 3)]
    cols = [f"{i},{j}" for i, j in np.ndindex(5, 5)]
    texts = drawn_texts(matrices.conv_matrix_figure(T, (3, 5), rows, cols))
    assert sorted(numbers(texts), key=int) == sorted(str(v) for v in T[T != 0])
    assert {"$iW + j$:  $(i, j)$", "$mW_{out} + n$:  $(m, n)$"} <= set(texts)
    assert not foreign_words(texts), foreign_words(texts)
    zero = convdot.conv_matrix(B, (3, 4), "same")
    source = np.pad(np.arange(12).reshape(3, 4), 1, mode="wrap")
    circular = convdot.conv_matrix(B, source.shape) @ np.eye(12, dtype=int)[source.ravel()]
    texts = drawn_texts(matrices.zero_circular_figure(zero, circular, (4, 4)))
    assert {"$T_B$:  BTTB", r"$T_\circ$:  BCCB"} <= set(texts)
    assert len(numbers(texts)) == np.count_nonzero(zero) + np.count_nonzero(circular)
    assert not foreign_words(texts), foreign_words(texts)


def test_fft_figures_draw_the_correlations_and_the_cost_formulas() -> None:
    circular = convdot.correlate2d(np.pad(WORKED_A, ((0, 2), (0, 2)), mode="wrap"), WORKED_B)
    texts = drawn_texts(matrices.wrap_figure(circular, WORKED_C))
    assert numbers(texts) == [f"{v:g}" for v in (*circular.ravel(), *WORKED_C.ravel())]
    assert {r"$A \star_{5} B$", r"$A \star B$"} <= set(texts)
    assert not foreign_words(texts), foreign_words(texts)
    sizes = np.arange(1, 9)
    texts = drawn_texts(matrices.fft_cost_figure(sizes, sizes**2.0 * 100, np.full(8, 50.0), 4))
    assert {"$k$", "$k^2 (H-k+1)^2$", r"$N_0 N_1 \log_2 (N_0 N_1)$", 'method="auto" → "fft"'} <= set(texts)
    assert not foreign_words(texts), foreign_words(texts)
