"""Figures of the chapter "Why a convolution at all", each computed by the library it illustrates.

Every function returns a `matplotlib.figure.Figure` and the arrays it drew, so that the page
can assert the numbers it shows. The figures draw symbols, numbers and formulas only (the pages
show them in every language); the captions say in words what the symbols stand for.
"""

from __future__ import annotations

import numpy as np

from .. import conv2d, conv2d_backward, conv_matrix, im2col, max_pool2d
from ._style import ROLE_COLORS, draw_grid, new_figure

__all__ = [
    "draw_matrix",
    "fc_local_conv_figure",
    "learning_figure",
    "local_matrix",
    "pooling_figure",
    "receptive_field_figure",
    "separable_figure",
]


def draw_matrix(ax, values: np.ndarray, role: str, *, title: str, fontsize: float = 9) -> None:
    """A matrix as a grid of numbered cells: non-zero entries in `role`'s colour, zeros white with a grey 0."""
    from matplotlib.patches import Rectangle

    values = np.atleast_2d(values)
    for (i, j), value in np.ndenumerate(values):
        face = ROLE_COLORS[role] if value != 0 else "white"
        ax.add_patch(Rectangle((j, i), 1, 1, facecolor=face, edgecolor=ROLE_COLORS["edge"], linewidth=0.6))
        ax.text(j + 0.5, i + 0.5, f"{value:g}", ha="center", va="center", fontsize=fontsize,
                color="black" if value != 0 else "0.45")  # fmt: skip
    ax.set_xlim(-0.1, values.shape[1] + 0.1)
    ax.set_ylim(values.shape[0] + 0.1, -0.1)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=fontsize + 1)


def local_matrix(weights: np.ndarray, input_hw: tuple[int, int]) -> np.ndarray:
    """The matrix of a locally connected layer from `weights` of shape $(H_{out}, W_{out}, h, w)$.

    Row $m W_{out} + n$ holds `weights[m, n]` on the pixels of its window, zeros elsewhere.
    """
    H_out, W_out, h, w = weights.shape
    H, W = input_hw
    where = im2col(np.arange(H * W).reshape(H, W), (h, w))  # column r: the flat input indices of window r
    matrix = np.zeros((H_out * W_out, H * W), dtype=weights.dtype)
    for r in range(H_out * W_out):
        matrix[r, where[:, r]] = weights.reshape(H_out * W_out, h * w)[r]
    return matrix


def fc_local_conv_figure(input_hw=(3, 3), kernel_hw=(2, 2)):
    """The three weight matrices of one valid layer from a $3 \\times 3$ image: dense, locally connected, convolution.

    Returns `(fig, (dense, local, conv))`: weights numbered 1, 2, ... in each, so the number of
    distinct numbers is the parameter count; the convolution's is `convdot.conv_matrix`. Each
    matrix is titled with its symbol and that count: $M$, $V$ (as a matrix) and $T_B$. Rows are the
    outputs $(m, n)$, columns the input pixels $(i, j)$, both row by row.
    """
    H, W = input_hw
    h, w = kernel_hw
    H_out, W_out = H - h + 1, W - w + 1
    dense = np.arange(1, H_out * W_out * H * W + 1).reshape(H_out * W_out, H * W)
    local = local_matrix(np.arange(1, H_out * W_out * h * w + 1).reshape(H_out, W_out, h, w), input_hw)
    conv = conv_matrix(np.arange(1, h * w + 1).reshape(h, w), input_hw)
    fig = new_figure(6.2, 5.0)
    titles = (f"$M$:  {dense.size}", f"$V$:  {np.count_nonzero(local)}", f"$T_B$:  {h * w}")
    for row, (matrix, title) in enumerate(zip((dense, local, conv), titles, strict=True)):
        draw_matrix(fig.add_subplot(3, 1, row + 1), matrix, "kernel", title=title, fontsize=8)
    return fig, (dense, local, conv)


def receptive_field_figure(input_hw=(9, 9), layers=((3, 1, 1), (3, 1, 1))):
    r"""The input gradient of one output of a stack of all-ones single-channel layers.

    `layers` lists `(k, s, d)` per layer (square kernels, no padding). The one-hot output gradient
    at the last layer's output (0, 0) is pulled back through `convdot.conv2d_backward`; with
    all-ones weights each input entry receives the number of paths from it to that output.
    Returns `(fig, grad)` with `grad` of shape `input_hw`. The title is the formula,
    $\partial y[0, 0] / \partial x$, and the layers' sizes (`3×3 s=2 d=2`).
    """
    x = np.zeros((1, *input_hw), dtype=np.int64)
    inputs, weights = [], []
    for k, s, d in layers:
        w = np.ones((1, 1, k, k), dtype=np.int64)
        inputs.append(x)
        weights.append(w)
        x = conv2d(x, w, stride=s, dilation=d)
    g = np.zeros(x.shape, dtype=np.int64)
    g[0, 0, 0] = 1
    for x_l, w_l, (_, s, d) in zip(inputs[::-1], weights[::-1], layers[::-1], strict=True):
        g = conv2d_backward(x_l, w_l, g, stride=s, dilation=d)[0]
    grad = g[0]
    fig = new_figure(4.2, 4.4)
    ax = fig.add_subplot(1, 1, 1)
    draw_grid(ax, grad, "input", highlight=grad != 0, fontsize=10)
    described = ", ".join(
        f"{k}×{k}" + (f" s={s}" if s > 1 else "") + (f" d={d}" if d > 1 else "") for k, s, d in layers
    )
    ax.set_title(rf"$\partial y[0, 0]\, /\, \partial x$:  {described}", fontsize=11)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, grad


def pooling_figure(x: np.ndarray, kernel_size: int = 2):
    """A single-channel input with each window's maximum highlighted, and the max-pooled output.

    Returns `(fig, y, indices)` from `convdot.max_pool2d(..., return_indices=True)`.
    """
    x = np.asarray(x)
    y, indices = max_pool2d(x[np.newaxis], kernel_size, return_indices=True)
    y, indices = y[0], indices[0]
    chosen = np.zeros(x.shape, dtype=bool)
    chosen.flat[indices.ravel()] = True
    fig = new_figure(6.0, 3.4)
    ax = fig.add_subplot(1, 1, 1)
    draw_grid(ax, x, "input", highlight=chosen, title="$x$")
    H, W = x.shape
    for i in range(0, H + 1, kernel_size):
        ax.plot([0, W], [i, i], color="black", lw=2.2)
    for j in range(0, W + 1, kernel_size):
        ax.plot([j, j], [0, H], color="black", lw=2.2)
    left = W + 2
    draw_grid(ax, y, "output", origin=(left, (H - y.shape[0]) / 2), title="max_pool2d")
    ax.annotate("", xy=(left - 0.2, H / 2), xytext=(W + 0.2, H / 2), arrowprops={"arrowstyle": "->", "lw": 1.5})
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, y, indices


def separable_figure(kernel: np.ndarray, column: np.ndarray, row: np.ndarray, *, name: str = "$B$"):
    """A rank-1 kernel drawn as the product of its column and its row: `kernel = column @ row`."""
    column, row = np.atleast_2d(column).reshape(-1, 1), np.atleast_2d(row).reshape(1, -1)
    k = kernel.shape[0]
    fig = new_figure(6.0, 2.6)
    ax = fig.add_subplot(1, 1, 1)
    draw_grid(ax, kernel, "kernel", title=name)
    ax.text(k + 0.75, k / 2, "=", fontsize=16, ha="center", va="center")
    draw_grid(ax, column, "kernel", origin=(k + 1.5, 0), title="$b_{col}$")
    ax.text(k + 3.25, k / 2, "×", fontsize=16, ha="center", va="center")
    draw_grid(ax, row, "kernel", origin=(k + 4, (k - 1) / 2), title=r"$b_{row}^{\mathsf{T}}$")
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


def learning_figure(losses: np.ndarray, learned: np.ndarray, target: np.ndarray):
    r"""The loss per gradient step on a log scale, and the learned kernel beside the target.

    Left: $L(w_\upsilon)$ against the step $\upsilon$. Right: the learned kernel $w_\Upsilon$ (the last
    step's, rounded to three decimals) beside the target $w^\ast$.
    """
    fig = new_figure(8.0, 3.2)
    ax = fig.add_axes((0.09, 0.17, 0.42, 0.72))
    ax.semilogy(np.arange(len(losses)), losses, color="black", lw=1.6)
    ax.set_xlabel(r"$\upsilon$")
    ax.set_ylabel(r"$L(w_\upsilon)$")
    ax.grid(True, which="major", color="0.85")
    grids = fig.add_axes((0.56, 0.05, 0.42, 0.85))
    k = target.shape[1]
    draw_grid(grids, np.round(learned, 3) + 0.0, "kernel", fontsize=9)  # + 0.0: no "-0"
    draw_grid(grids, target, "kernel", origin=(k + 1, 0), fontsize=9)
    for left, title in ((0, r"$w_\Upsilon$"), (k + 1, r"$w^{*}$")):
        grids.text(left + k / 2, -0.3, title, ha="center", va="bottom", fontsize=12)
    grids.set_aspect("equal")
    grids.axis("off")
    return fig
