r"""Figures of the layer pages (depth, geometry, transposed convolution, backpropagation).

Each function computes what it draws with `convdot` and returns `(fig, shown)`: the matplotlib
figure and a dict of the arrays whose numbers it shows, so that the page can assert those
numbers against the library. Colours follow `convdot.figures.ROLE_COLORS`; every cell
carries its number, padding is hatched as well as grey, and highlighted cells have a thick edge.
The figures draw symbols, numbers and formulas only, since the pages show them in every
language; the captions say the rest.
"""

from __future__ import annotations

import numpy as np

from ..correlate import correlate2d
from ..layer import conv2d, conv2d_backward, conv_transpose2d
from ._style import PADDING_HATCH, ROLE_COLORS, draw_grid, new_figure

__all__ = ["backprop_stride_figure", "depth_figure", "draw_taps", "stamp_figure", "taps_read"]

# Dark Okabe-Ito hues for markers on the light cells; each output also has its own marker shape.
MARKERS = (("#0072B2", "o"), ("#D55E00", "s"), ("#009E73", "^"))


def _finish(ax) -> None:
    ax.set_aspect("equal")
    ax.axis("off")
    # the figure's height follows the drawing's aspect, so no band of white is left above or below
    (x0, x1), (y1, y0) = ax.get_xlim(), ax.get_ylim()
    fig = ax.figure
    if ax.get_position(original=True).height > 0.99:
        width = fig.get_figwidth()
        fig.set_figheight(width * abs(y1 - y0) / abs(x1 - x0))


def _text(ax, x: float, y: float, text: str, size: float = 11, **kwargs) -> None:
    ax.text(x, y, text, ha="center", va="center", fontsize=size, color=ROLE_COLORS["text"], **kwargs)


def depth_figure(x: np.ndarray, w: np.ndarray, bias: float, position: tuple[int, int]):
    r"""One output of a one-filter layer as the sum over channels of window-times-slice products.

    `x` $(C_{in}, H, W)$ and `w` $(C_{in}, k_H, k_W)$ (one filter), `bias` a number, `position`
    $(m, n)$ an output position (stride 1, no padding). Row $c$ of the figure shows channel $c$
    of `x` with the receptive field highlighted, the filter's slice $c$, and the channel's
    partial sum (`correlate2d` of the two at $(m, n)$); the last row adds the partial sums and
    the bias and shows the output map of `conv2d` with $(m, n)$ highlighted. The columns are
    headed $x[c]$ (with the position $(m, n)$), $w[o, c]$ and $\Sigma$.

    **Returns** `(fig, shown)` with `shown["partial"]` ($C_{in}$ partial sums),
    `shown["receptive_field"]` $(C_{in}, k_H, k_W)$, `shown["output"]` (the output map) and
    `shown["value"]` (the highlighted output).
    """
    x = np.asarray(x)
    w = np.asarray(w)
    c_in, h, wd = x.shape
    k_h, k_w = w.shape[1:]
    m, n = position
    output = conv2d(x[None], w[None], np.array([bias]))[0, 0]
    partial = np.array([correlate2d(x[c], w[c])[m, n] for c in range(c_in)])
    field = x[:, m : m + k_h, n : n + k_w]
    fig = new_figure(5.6, 1.45 * c_in + 2.2)
    ax = fig.add_axes((0, 0, 1, 1))
    row_height = max(h, k_h) + 1.2
    window = np.zeros((h, wd), dtype=bool)
    window[m : m + k_h, n : n + k_w] = True
    for c in range(c_in):
        top = c * row_height + 0.8
        draw_grid(ax, x[c], "input", origin=(0, top), highlight=window, fontsize=10)
        _text(ax, -0.9, top + h / 2, f"$c = {c}$", 10, rotation=90)
        _text(ax, wd + 0.75, top + h / 2, "⋆", 14)
        draw_grid(ax, w[c], "kernel", origin=(wd + 1.5, top + (h - k_h) / 2), fontsize=10)
        _text(ax, wd + k_w + 2.25, top + h / 2, "→", 14)
        _text(ax, wd + k_w + 3.6, top + h / 2, f"{partial[c]:g}", 12)
    _text(ax, wd / 2, -0.25, f"$x[c]$,  $(m, n) = ({m}, {n})$", 10)
    _text(ax, wd + 1.5 + k_w / 2, -0.25, "$w[o, c]$", 10)
    _text(ax, wd + k_w + 3.6, -0.25, r"$\Sigma$", 11)
    bottom = c_in * row_height + 0.8
    terms = " + ".join(f"{value:g}" for value in partial)
    _text(ax, (wd + k_w + 4.4) / 2, bottom, f"{terms} + β = {output[m, n]:g}  (β = {bias:g})", 11)
    hi = np.zeros(output.shape, dtype=bool)
    hi[m, n] = True
    draw_grid(ax, output, "output", origin=(wd + k_w + 4.6 - output.shape[1], bottom + 0.8), highlight=hi, fontsize=10)
    _text(ax, wd + k_w + 4.6 - output.shape[1] - 1.6, bottom + 0.8 + output.shape[0] / 2, "$y[o]$ =", 11)
    ax.set_xlim(-1.6, wd + k_w + 4.8)
    ax.set_ylim(bottom + 1.2 + output.shape[0], -0.8)
    _finish(ax)
    return fig, {"partial": partial, "receptive_field": field, "output": output, "value": output[m, n]}


def taps_read(shape: tuple[int, int], k: int, outputs, padding: int = 0, **geometry):
    r"""The padded-grid `(row, column)` of every tap of a $k \times k$ filter at each of `outputs`.

    Found by the library, not by the index formula: `conv2d` of an image whose pixels hold their
    own row-major index (plus one) with a filter that is 1 at a single tap returns, at every
    output, the index of the pixel that tap reads. **Returns** `(found, (rows, cols))`: a dict
    from each output to its $k^2$ padded positions, and the padded grid's size.
    """
    rows, cols = shape[0] + 2 * padding, shape[1] + 2 * padding
    index = np.arange(1, rows * cols + 1, dtype=np.int64).reshape(1, 1, rows, cols)
    found = {out: [] for out in outputs}
    for u, v in np.ndindex(k, k):
        one_tap = np.zeros((1, 1, k, k), dtype=np.int64)
        one_tap[0, 0, u, v] = 1
        read = conv2d(index, one_tap, **geometry)[0, 0]
        for out in outputs:
            found[out].append(divmod(int(read[out]) - 1, cols))
    return found, (rows, cols)


def draw_taps(ax, shape: tuple[int, int], k: int, outputs, padding: int = 0, **geometry):
    """Draw the padded input grid (padding grey and hatched) and mark the taps read by each of `outputs`.

    Each output has its own colour *and* marker shape, named in the legend by its position
    $(m, n)$. **Returns** `found` as {py:func}`taps_read`.
    """
    from matplotlib.patches import Rectangle

    found, (rows, cols) = taps_read(shape, k, outputs, padding=padding, **geometry)
    p = padding
    for r, c in np.ndindex(rows, cols):
        inside = p <= r < rows - p and p <= c < cols - p
        ax.add_patch(
            Rectangle(
                (c, r),
                1,
                1,
                facecolor=ROLE_COLORS["input" if inside else "padding"],
                edgecolor=ROLE_COLORS["edge"],
                linewidth=0.6,
                hatch=None if inside else PADDING_HATCH,
            )
        )
    for (out, cells), (colour, marker), shift in zip(found.items(), MARKERS, (-0.22, 0.0, 0.22), strict=False):
        for r, c in cells:
            ax.plot(c + 0.5 + shift, r + 0.5 + shift, marker, color=colour, ms=7, mec="white", mew=0.6)
        ax.plot([], [], marker, color=colour, label=f"$(m, n) = ({out[0]}, {out[1]})$")
    ax.set_xlim(0, cols)
    ax.set_ylim(rows, 0)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0), ncol=len(outputs), frameon=False, fontsize="small")
    return found


def _sparse_grid(ax, values: np.ndarray, mask: np.ndarray, role: str, origin, fontsize: float = 9) -> None:
    """Cells of `values` where `mask` holds, coloured by `role` with their numbers; the others white and blank."""
    from matplotlib.patches import Rectangle

    x0, y0 = origin
    for (i, j), value in np.ndenumerate(values):
        on = bool(mask[i, j])
        ax.add_patch(
            Rectangle(
                (x0 + j, y0 + i),
                1,
                1,
                facecolor=ROLE_COLORS[role] if on else "white",
                edgecolor=ROLE_COLORS["edge"],
                linewidth=0.8 if on else 0.4,
            )
        )
        if on:
            _text(ax, x0 + j + 0.5, y0 + i + 0.5, f"{value:g}", fontsize)


def stamp_figure(x: np.ndarray, w: np.ndarray, stride: int):
    r"""The scatter ("stamp") view of a one-channel transposed convolution.

    `x` $(H, W)$ and `w` $(k_H, k_W)$, no padding. Input pixel $(i, j)$ stamps $x[i, j]\,w$ into
    the output at rows $s i, \dots, s i + k_H - 1$ and columns $s j, \dots$; the output is the sum of
    the stamps. The figure shows `x`, `w`, every stamp, and their sum, in which the cells reached
    by two or more stamps are highlighted (thick edge). Headings: $x$, $w$, each stamp's
    $x[i, j] \cdot w$, and $\sum_{i,j}$ over the sum.

    **Returns** `(fig, shown)` with `shown["stamps"]` $(H, W, H', W')$, `shown["sum"]` (the sum of
    the stamps), `shown["output"]` (`conv_transpose2d(x, w, stride)`) and `shown["reached"]` (how
    many stamps reach each output).
    """
    x = np.asarray(x)
    w = np.asarray(w)
    h, wd = x.shape
    k_h, k_w = w.shape
    output = conv_transpose2d(x[None, None], w[None, None], stride=stride)[0, 0]
    out_h, out_w = output.shape
    stamps = np.zeros((h, wd, out_h, out_w), dtype=output.dtype)
    reached = np.zeros((out_h, out_w), dtype=np.int64)
    for i, j in np.ndindex(h, wd):
        stamps[i, j, stride * i : stride * i + k_h, stride * j : stride * j + k_w] = x[i, j] * w
        reached[stride * i : stride * i + k_h, stride * j : stride * j + k_w] += 1
    total = stamps.sum(axis=(0, 1))
    gap = 1.4
    fig = new_figure(6.4, 5.6 * h / 2 + 1.6)
    ax = fig.add_axes((0, 0, 1, 1))
    draw_grid(ax, x, "input", origin=(0, 0.6), title="$x$", fontsize=10)
    draw_grid(ax, w, "kernel", origin=(wd + 1.2, 0.6), title="$w$", fontsize=10)
    top = max(h, k_h) + 2.0
    for i, j in np.ndindex(h, wd):
        x0, y0 = j * (out_w + gap), top + i * (out_h + gap)
        mask = np.zeros((out_h, out_w), dtype=bool)
        mask[stride * i : stride * i + k_h, stride * j : stride * j + k_w] = True
        _sparse_grid(ax, stamps[i, j], mask, "kernel", (x0, y0))
        _text(ax, x0 + out_w / 2, y0 - 0.35, f"x[{i},{j}] · w = {x[i, j]:g} · w", 9)
    right = wd * (out_w + gap) + 0.6
    mid = top + (h * (out_h + gap) - gap) / 2
    _text(ax, right - 0.3, mid, "=", 16)
    draw_grid(ax, total, "output", origin=(right + 0.4, mid - out_h / 2), highlight=reached > 1, fontsize=9)
    _text(ax, right + 0.4 + out_w / 2, mid - out_h / 2 - 0.35, r"$\sum_{i,j}$", 10)
    ax.set_xlim(-0.2, right + 0.6 + out_w)
    ax.set_ylim(top + h * (out_h + gap), -0.4)
    _finish(ax)
    return fig, {"stamps": stamps, "sum": total, "output": output, "reached": reached}


def backprop_stride_figure(g: np.ndarray, w: np.ndarray, stride: int, length: int, position: int):
    r"""The input gradient of a 1-D strided layer as a correlation of the zero-inserted output gradient.

    A one-channel layer with kernel `w` $(k,)$ and stride $s$ reads an input of `length` $H$; `g`
    is its output gradient $G$, of the output's length. Insert $s - 1$ zeros between neighbouring
    entries of $G$ ($Z$), pad $k - 1$ zeros at both ends ($Z_{full}$), and correlate with the
    flipped kernel $\widetilde w$: entry $i$ of the input gradient is the window of $Z_{full}$ at
    $i$ times $\widetilde w$. The figure draws $G$, $Z_{full}$ (padding hatched, inserted zeros
    white), $\widetilde w$ under the window at `position`, and the input gradient returned by
    `conv2d_backward`, entry `position` highlighted (zeros after the last read entry, if any).
    The rows are labelled $G$, $Z_{full}$, $\widetilde w$ and $\partial L / \partial x$.

    **Returns** `(fig, shown)` with `shown["Z_full"]`, `shown["w_flip"]`, `shown["grad_x"]` (from
    `conv2d_backward`) and `shown["correlation"]` (`correlate2d` of $Z_{full}$ with $\widetilde w$).
    """
    g = np.asarray(g)
    w = np.asarray(w)
    k, h_out = w.size, g.size
    x = np.zeros((1, 1, 1, length), dtype=np.result_type(g, w))
    grad_x = conv2d_backward(x, w.reshape(1, 1, 1, k), g.reshape(1, 1, 1, h_out), stride=(1, stride))[0][0, 0, 0]
    z = np.zeros(stride * (h_out - 1) + 1, dtype=g.dtype)
    z[::stride] = g
    z_full = np.pad(z, k - 1)
    w_flip = w[::-1]
    correlation = correlate2d(z_full[None], w_flip[None])[0]
    i = position
    fig = new_figure(6.4, 3.6)
    ax = fig.add_axes((0, 0, 1, 1))
    left = 3.4
    _text(ax, 1.6, 0.5, "$G$", 12)
    draw_grid(ax, g[None], "output", origin=(left + k - 1, 0), fontsize=10)
    kind = np.zeros(z_full.size, dtype=int)  # 0 padding, 1 inserted zero, 2 entry of G
    kind[k - 1 : k - 1 + z.size] = 1
    kind[k - 1 : k - 1 + z.size : stride] = 2
    _text(ax, 1.6, 2.5, "$Z_{full}$", 12)
    draw_grid(ax, z_full[None], "output", origin=(left, 2), padding=(kind == 0)[None], fontsize=10)
    from matplotlib.patches import Rectangle

    for j in np.flatnonzero(kind == 1):  # inserted zeros: white, so that G's entries stand out
        ax.add_patch(Rectangle((left + j, 2), 1, 1, facecolor="white", edgecolor=ROLE_COLORS["edge"], lw=0.8))
        _text(ax, left + j + 0.5, 2.5, "0", 10)
    ax.add_patch(Rectangle((left + i, 2), k, 1, fill=False, edgecolor=ROLE_COLORS["edge"], lw=2.6))
    _text(ax, 1.6, 4.0, r"$\widetilde{w}$", 12)
    draw_grid(ax, w_flip[None], "kernel", origin=(left + i, 3.5), fontsize=10)
    _text(ax, 1.6, 5.9, r"$\partial L / \partial x$", 12)
    hi = np.zeros((1, length), dtype=bool)
    hi[0, i] = True
    draw_grid(ax, grad_x[None], "input", origin=(left, 5.4), highlight=hi, fontsize=10)
    products = " + ".join(f"{a:g}·{b:g}" for a, b in zip(z_full[i : i + k], w_flip, strict=True))
    _text(ax, left + z_full.size / 2, 7.2, rf"$\partial L / \partial x[{i}]$ = {products} = {correlation[i]:g}", 10)
    ax.set_xlim(0, left + z_full.size + 0.2)
    ax.set_ylim(7.7, -0.6)
    _finish(ax)
    return fig, {"Z_full": z_full, "w_flip": w_flip, "grad_x": grad_x, "correlation": correlation}
