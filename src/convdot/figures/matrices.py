"""Figures of the matrix forms (im2col, the convolution matrix) and of the FFT's wrap-around.

Each function draws the arrays it is given, which the page computes with `convdot` and asserts
before it draws them, and returns the `matplotlib.figure.Figure`. Roles keep the site's colours
(`convdot.figures.ROLE_COLORS`); what colour marks is also marked by a hatch or a label. The
figures draw symbols, numbers and formulas only, never a sentence: the pages show them in every
language, and say in the caption what the symbols and the hatching mean.
"""

from __future__ import annotations

import numpy as np

from ._style import ROLE_COLORS, draw_grid, new_figure

__all__ = [
    "conv_matrix_figure",
    "copies_figure",
    "draw_matrix",
    "fft_cost_figure",
    "im2col_figure",
    "wrap_figure",
    "zero_circular_figure",
]

MARK_HATCH = "xx"


def draw_matrix(
    ax,
    values: np.ndarray,
    role: str,
    *,
    origin: tuple[float, float] = (0.0, 0.0),
    marked: np.ndarray | None = None,
    blocks: tuple[int, int] | None = None,
    title: str | None = None,
    fontsize: float = 9,
    show_zeros: bool = False,
) -> None:
    """Draw a matrix as a grid: nonzero entries filled in `role`'s colour with their numbers, zeros blank.

    `marked` (a boolean mask) draws those entries in the highlight colour, cross-hatched and with a
    thick edge, so the mark does not depend on colour. `blocks` = (rows, cols) draws block lines.
    """
    from matplotlib.patches import Rectangle

    values = np.atleast_2d(np.asarray(values))
    x0, y0 = origin
    rows, cols = values.shape
    ax.add_patch(Rectangle((x0, y0), cols, rows, facecolor="white", edgecolor=ROLE_COLORS["edge"], linewidth=1.0))
    for (i, j), value in np.ndenumerate(values):
        is_marked = marked is not None and bool(marked[i, j])
        if value == 0 and not is_marked and not show_zeros:
            continue
        ax.add_patch(
            Rectangle(
                (x0 + j, y0 + i),
                1,
                1,
                facecolor=ROLE_COLORS["highlight" if is_marked else role],
                edgecolor=ROLE_COLORS["edge"],
                linewidth=1.8 if is_marked else 0.5,
                hatch=MARK_HATCH if is_marked else None,
            )
        )
        ax.text(
            x0 + j + 0.5,
            y0 + i + 0.5,
            f"{value:g}",
            ha="center",
            va="center",
            fontsize=fontsize,
            color="black",
            fontweight="bold" if is_marked else "normal",
            bbox={"boxstyle": "square,pad=0.05", "facecolor": "white", "edgecolor": "none"} if is_marked else None,
        )
    if blocks is not None:
        br, bc = blocks
        for r in range(br, rows, br):
            ax.plot([x0, x0 + cols], [y0 + r, y0 + r], color="black", linewidth=1.4)
        for c in range(bc, cols, bc):
            ax.plot([x0 + c, x0 + c], [y0, y0 + rows], color="black", linewidth=1.4)
    if title:
        ax.text(x0 + cols / 2, y0 - 0.4, title, ha="center", va="bottom", fontsize=fontsize + 2)
    ax.set_xlim(min(ax.get_xlim()[0], x0 - 0.2), max(ax.get_xlim()[1], x0 + cols + 0.2))
    ax.set_ylim(max(ax.get_ylim()[0], y0 + rows + 0.2), min(ax.get_ylim()[1], y0 - 1.6))


def _axes(width: float, height: float):
    fig = new_figure(width, height)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    return fig, ax


def _finish(ax) -> None:
    ax.set_aspect("equal")
    ax.axis("off")


def im2col_figure(b: np.ndarray, x_col: np.ndarray, row: np.ndarray, out_shape: tuple[int, int]):
    """vec(B) as a column (kernel colour), X_col (input colour) and the row vec(B)ᵀ X_col (output colour).

    Column labels `m,n` under X_col give the output position of each column.
    """
    hw, cols = x_col.shape
    fig, ax = _axes(6.4, 7.0)
    draw_grid(ax, b.reshape(-1, 1), "kernel", origin=(0, 0), title=r"$\mathrm{vec}(B)$")
    draw_grid(ax, x_col, "input", origin=(2.5, 0), title="$X_{col}$")
    draw_grid(ax, row.reshape(1, -1), "output", origin=(2.5, hw + 2.4), title=r"$\mathrm{vec}(B)^{\mathsf{T}} X_{col}$")
    h_out, w_out = out_shape
    for c, (m, n) in enumerate(np.ndindex(h_out, w_out)):
        ax.text(2.5 + c + 0.5, hw + 0.35, f"{m},{n}", ha="center", va="center", fontsize=8, rotation=90)
    ax.text(2.5 + cols / 2, hw + 1.0, "$(m, n)$", ha="center", va="center", fontsize=10)
    _finish(ax)
    return fig


def copies_figure(copies: np.ndarray, maximum: int):
    r"""How often each input entry is copied into X_col; entries copied `maximum` (= hw) times are marked.

    Titled with the count of {prf:ref}`lem-im2col-copies`, $r_h(i)\, r_w(j)$; a star and the
    highlight mark the entries where it reaches $hw$.
    """
    rows, cols = copies.shape
    fig, ax = _axes(5.2, 4.6)
    full = copies == maximum
    draw_grid(ax, copies, "input", highlight=full, fmt="{:d}", title=r"$r_h(i)\, r_w(j)$")
    for (i, j), is_full in np.ndenumerate(full):
        if is_full:
            ax.text(j + 0.85, i + 0.2, "*", ha="center", va="center", fontsize=9)
    ax.text(cols / 2, rows + 0.5, rf"*:  $r_h(i)\, r_w(j) = hw = {maximum}$", ha="center", va="center", fontsize=10)
    ax.set_ylim(rows + 1.0, -1.0)
    _finish(ax)
    return fig


def conv_matrix_figure(t: np.ndarray, block_shape: tuple[int, int], row_labels: list[str], col_labels: list[str]):
    """T_B with its blocks outlined; zeros left blank.

    Rows are labelled with the output positions `m,n` (`row_labels`), columns with the input positions
    `i,j` (`col_labels`); the axes say which index is which, $mW_{out} + n$ and $iW + j$.
    """
    rows, cols = t.shape
    fig, ax = _axes(9.0, 4.6)
    draw_matrix(ax, t, "kernel", blocks=block_shape, fontsize=9)
    for c, label in enumerate(col_labels):
        ax.text(c + 0.5, rows + 0.25, label, ha="center", va="top", fontsize=7, rotation=90)
    for r, label in enumerate(row_labels):
        ax.text(-0.2, r + 0.5, label, ha="right", va="center", fontsize=8)
    ax.text(cols / 2, rows + 1.6, "$iW + j$:  $(i, j)$", ha="center", va="center", fontsize=11)
    ax.text(-2.2, rows / 2, "$mW_{out} + n$:  $(m, n)$", ha="center", va="center", rotation=90, fontsize=11)
    ax.set_xlim(-3.0, cols + 0.2)
    ax.set_ylim(rows + 2.2, -0.4)
    _finish(ax)
    return fig


def zero_circular_figure(t_zero: np.ndarray, t_circular: np.ndarray, block_shape: tuple[int, int]):
    r"""The zero-padding matrix $T_B$ (BTTB) above the circular one $T_\circ$ (BCCB), each titled so.

    Entries that only the circular one has are marked (hatched, bold). Stacked, not side by side,
    so that both stay readable at phone width.
    """
    rows, _ = t_zero.shape
    wrapped = (t_circular != t_zero) & (t_circular != 0)
    fig, ax = _axes(5.0, 11.0)
    draw_matrix(ax, t_zero, "kernel", blocks=block_shape, title="$T_B$:  BTTB", fontsize=10)
    draw_matrix(
        ax,
        t_circular,
        "kernel",
        origin=(0, rows + 2.6),
        marked=wrapped,
        blocks=block_shape,
        title=r"$T_\circ$:  BCCB",
        fontsize=10,
    )
    ax.set_ylim(2 * rows + 2.8, -1.8)
    _finish(ax)
    return fig


def wrap_figure(circular: np.ndarray, linear: np.ndarray):
    r"""The circular correlation $A \star_N B$, its wrapped outputs marked, beside the linear valid one $A \star B$."""
    rows, cols = circular.shape
    period = f"{rows}" if rows == cols else f"{rows} \\times {cols}"
    wrapped = np.ones(circular.shape, dtype=bool)
    wrapped[: linear.shape[0], : linear.shape[1]] = False
    fig, ax = _axes(5.0, 3.3)
    title = rf"$A \star_{{{period}}} B$"
    draw_matrix(ax, circular, "output", marked=wrapped, show_zeros=True, fontsize=13, title=title)
    x_linear = cols + 1.5
    draw_grid(ax, linear, "output", origin=(x_linear, 0), title=r"$A \star B$", fontsize=13)
    ax.set_ylim(rows + 0.3, -1.9)
    _finish(ax)
    return fig


def fft_cost_figure(sizes: np.ndarray, direct: np.ndarray, fft_cost: np.ndarray, first_fft: int):
    """Operation counts of the direct sum and the FFT against the kernel size $k$, with the FFT's range shaded.

    The legend names each curve by its formula; the vertical axis (a count) is left unlabelled, for
    the caption to name.
    """
    fig = new_figure(6.4, 3.8)
    ax = fig.add_subplot()
    ax.semilogy(sizes, direct, color="black", linestyle="-", label="$k^2 (H-k+1)^2$")
    ax.semilogy(sizes, fft_cost, color="black", linestyle="--", label="$N_0 N_1 \\log_2 (N_0 N_1)$")
    ax.axvspan(
        first_fft - 0.5,
        sizes[-1] + 0.5,
        facecolor=ROLE_COLORS["highlight"],
        edgecolor=ROLE_COLORS["edge"],
        hatch="//",
        alpha=0.5,
        label='method="auto" → "fft"',
    )
    ax.set_xlabel("$k$")
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig
