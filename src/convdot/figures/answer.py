r"""The figures of the opening pages: the answer, the flip and the three sizes, what the textbooks dot.

Each figure is computed by the library before it is drawn, and each comes with the function
that returns the numbers it shows ({py:func}`answer_numbers`, {py:func}`flip_numbers`,
{py:func}`padding_geometry`, {py:func}`textbook_numbers`), so that a page can assert those
numbers against {py:func}`convdot.correlate2d` and the other forms. The site's icon and its
social card are drawn from the answer too ({py:func}`favicon_svg`, {py:func}`write_site_icons`).

```python
>>> A = [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]]
>>> B = [[1, 0, 1], [0, 1, 0], [1, 0, 1]]
>>> answer_numbers(A, B)["total"]
4

```
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .. import _shapes
from ..correlate import convolve2d, correlate2d
from ..forms import conv_matrix, im2col
from ._style import ROLE_COLORS, draw_grid, new_figure

__all__ = [
    "answer_figure",
    "answer_numbers",
    "favicon_svg",
    "flip_figure",
    "flip_numbers",
    "padding_figure",
    "padding_geometry",
    "textbook_figure",
    "textbook_numbers",
    "write_site_icons",
]


def _int_or_float(x: object) -> object:
    value = np.asarray(x).item()
    return int(value) if float(value).is_integer() else value


def answer_numbers(a: object, b: object, m: int = 0, n: int = 0) -> dict:
    r"""The numbers of the answer figure at output position $(m, n)$ of `correlate2d(a, b)`.

    **Returns** a dict: `window` $A_{[m,n]}$ $(h, w)$, `kernel` $B$, `product` $A_{[m,n]} \odot B$,
    `total` (the sum of `product`), `vec_window` and `vec_kernel` (both flattened row by row,
    length $hw$), `dot` (their dot product) and `output` (`correlate2d(a, b)[m, n]`).
    """
    a, b = np.asarray(a), np.asarray(b)
    h, w = b.shape
    window = a[m : m + h, n : n + w]
    product = window * b
    return {
        "window": window,
        "kernel": b,
        "product": product,
        "total": _int_or_float(product.sum()),
        "vec_window": window.ravel(),
        "vec_kernel": b.ravel(),
        "dot": _int_or_float(np.dot(window.ravel(), b.ravel())),
        "output": _int_or_float(correlate2d(a, b)[m, n]),
    }


def _finish(ax) -> None:
    ax.set_aspect("equal")
    ax.axis("off")


def _label(ax, x: float, y: float, text: str, size: float = 13, **kwargs) -> None:
    style = {"ha": "center", "va": "center", "fontsize": size, "color": "black", **kwargs}
    ax.text(x, y, text, **style)


def answer_figure(a: object, b: object, m: int = 0, n: int = 0):
    r"""The answer in one picture: the window of `a` at $(m, n)$, the kernel, their element-wise product and its sum.

    Top row: $A$ with the window highlighted, $\odot$ $B$, $=$ the element-wise product
    $A_{[m,n]} \odot B$, and the sum of its entries, $\Sigma = \dots$. Bottom rows: the same numbers as
    two flattened vectors, $\operatorname{vec}(A_{[m,n]})$ above $\operatorname{vec}(B)$, under their
    dot product $\operatorname{vec}(A_{[m,n]}) \cdot \operatorname{vec}(B)$, which is the same number.
    Numbers from {py:func}`answer_numbers`. Only symbols, numbers and formulas are drawn (the pages'
    captions say the rest, in each edition's language).
    """
    a = np.asarray(a)
    nums = answer_numbers(a, b, m, n)
    h, w = nums["kernel"].shape
    H, W = a.shape
    mask = np.zeros(a.shape, dtype=bool)
    mask[m : m + h, n : n + w] = True
    x_kernel = W + 1.2
    x_product = x_kernel + w + 1.2
    x_sum = x_product + w + 0.4
    width_units = max(x_sum + 2.6, h * w + 5.2)
    y_vec = H + 1.6
    fig = new_figure(width_units * 0.42, (y_vec + 3.6) * 0.42)
    ax = fig.add_axes((0, 0, 1, 1))
    big, small = 17, 13
    window = f"A_{{[{m},{n}]}}"
    draw_grid(ax, a, "input", highlight=mask, title="$A$", fontsize=big)
    y_k = (H - h) / 2
    _label(ax, W + 0.6, y_k + h / 2, r"$\odot$", 20)
    draw_grid(ax, nums["kernel"], "kernel", origin=(x_kernel, y_k), title="$B$", fontsize=big)
    _label(ax, x_kernel + w + 0.6, y_k + h / 2, "=", 20)
    draw_grid(ax, nums["product"], "output", origin=(x_product, y_k), title=rf"${window} \odot B$", fontsize=big)
    _label(ax, x_sum + 1.3, y_k + h / 2, "Σ = {}".format(nums["total"]), 18, fontweight="bold")
    # the flattened vectors, one above the other, dotted position by position
    x_vec = 3.0
    draw_grid(ax, nums["vec_window"].reshape(1, -1), "highlight", origin=(x_vec, y_vec), fontsize=big)
    draw_grid(ax, nums["vec_kernel"].reshape(1, -1), "kernel", origin=(x_vec, y_vec + 1.25), fontsize=big)
    _label(ax, x_vec - 1.5, y_vec + 0.5, rf"$\mathrm{{vec}}({window})$", small)
    _label(ax, x_vec - 1.5, y_vec + 1.75, r"$\mathrm{vec}(B)$", small)
    _label(ax, x_vec + h * w / 2, y_vec - 0.45, rf"$\mathrm{{vec}}({window}) \cdot \mathrm{{vec}}(B)$", small)
    _label(ax, x_vec + h * w + 1.3, y_vec + 1.1, "= {}".format(nums["dot"]), 18, fontweight="bold")
    ax.set_xlim(-0.2, width_units)
    ax.set_ylim(y_vec + 2.5, -1.1)
    _finish(ax)
    return fig


def flip_numbers(a: object, b: object, m: int = 0, n: int = 0) -> dict:
    r"""The numbers of the flip figure: at $(m, n)$ the window times $B$ (correlation) and times $\widetilde B$.

    **Returns** a dict: `window`, `kernel` $B$, `rotated` $\widetilde B$ (`b[::-1, ::-1]`),
    `correlation` $= \langle A_{[m,n]}, B\rangle_F$, `convolution` $= \langle A_{[m,n]}, \widetilde B\rangle_F$,
    and the library's `correlate2d(a, b)[m, n]` and `convolve2d(a, b)[m, n]` as `library_correlation`,
    `library_convolution` (mode `valid`).
    """
    a, b = np.asarray(a), np.asarray(b)
    h, w = b.shape
    window = a[m : m + h, n : n + w]
    rotated = b[::-1, ::-1]
    return {
        "window": window,
        "kernel": b,
        "rotated": rotated,
        "correlation": _int_or_float(np.sum(window * b)),
        "convolution": _int_or_float(np.sum(window * rotated)),
        "library_correlation": _int_or_float(correlate2d(a, b)[m, n]),
        "library_convolution": _int_or_float(convolve2d(a, b)[m, n]),
    }


def flip_figure(a: object, b: object, m: int = 0, n: int = 0):
    r"""Correlation against convolution at one position: the window of `a` over $B$, and over $\widetilde B$.

    Top: the window $A_{[m,n]}$, $B$ as it stands, and $(A \star B)[m, n]$, the products' sum
    (`correlate2d`). Bottom: the same window, $\widetilde B$ ($B$ rotated by $180°$), and
    $(A * B)[m, n]$ (`convolve2d`). The kernel entries carry their indices $(u, v)$ in $B$, so that
    the rotation can be read without colour.
    """
    nums = flip_numbers(a, b, m, n)
    h, w = nums["kernel"].shape
    row_h = h + 1.6
    width = 2 * w + 1 + 4.2
    fig = new_figure(width * 0.55, 2 * row_h * 0.55)
    ax = fig.add_axes((0, 0, 1, 1))
    readings = (
        ("kernel", "$B$", "correlation", r"\star"),
        ("rotated", r"$\widetilde{B}$", "convolution", "*"),
    )
    for row, (key, name, result, symbol) in enumerate(readings):
        y0 = row * row_h + 1.0
        kernel = nums[key]
        uv = [(u, v) for u in range(h) for v in range(w)]
        if key == "rotated":
            uv = [(h - 1 - u, w - 1 - v) for u, v in uv]
        labels = [f"{kernel.ravel()[i]:g}\n({u},{v})" for i, (u, v) in enumerate(uv)]
        draw_grid(ax, nums["window"], "input", origin=(0, y0), title=f"$A_{{[{m},{n}]}}$", fontsize=15)
        _label(ax, w + 0.5, y0 + h / 2, r"$\odot$", 18)
        draw_grid(ax, kernel, "kernel", origin=(w + 1, y0), labels=labels, fontsize=11)
        _label(ax, w + 1 + w / 2, y0 - 0.3, name, 15, va="bottom")
        _label(ax, 2 * w + 1 + 2.1, y0 + h / 2, f"$(A {symbol} B)[{m},{n}]$\n= {nums[result]}", 15)
    ax.set_xlim(-0.1, width)
    ax.set_ylim(2 * row_h, 0)
    _finish(ax)
    return fig


def padding_geometry(input_shape: tuple[int, int], kernel_shape: tuple[int, int]) -> dict:
    r"""The zero padding and output shape of each mode, for `correlate2d` and for `convolve2d`.

    **Returns** `{mode: {"correlate": ((top, bottom), (left, right)), "convolve": ..., "output": (H_out, W_out)}}`
    for `mode` in `valid`, `same`, `full`, as the library pads (`convolve2d` pads `same` the other way
    round for an even kernel size) and the output shape `correlate2d` returns for an input of zeros.
    """
    geometry = {}
    zeros_a, zeros_b = np.zeros(input_shape), np.zeros(kernel_shape)
    for mode in _shapes.MODES:
        geometry[mode] = {
            "correlate": _shapes.mode_padding(kernel_shape, mode),
            "convolve": _shapes.mode_padding(kernel_shape, mode, flipped=True),
            "output": correlate2d(zeros_a, zeros_b, mode).shape,
        }
    return geometry


def padding_figure(input_shape: tuple[int, int] = (4, 4), kernel_sizes: tuple[int, ...] = (3, 2)):
    r"""The `valid` / `same` / `full` geometry for square kernels of each size in `kernel_sizes`.

    One column per kernel size, one row per mode: the input (labelled `A`), its zero padding
    (grey, hatched, labelled `0`) as `correlate2d` pads it, the kernel at the first output position
    (outlined). Above each panel the mode and $h = w$; below it the rows of zeros added above (↑) and
    below (↓), and the output's shape, `C: H_out×W_out`. Where `convolve2d` pads the other way round
    (an even size in mode `same`), both functions' rows are given.
    """
    from matplotlib.patches import Rectangle

    H, W = input_shape
    big = max(kernel_sizes) - 1
    cell_w = W + 2 * big + 1.0
    modes = _shapes.MODES
    row_h = [H + max(sum(_shapes.mode_padding((k, k), mode)[0]) for k in kernel_sizes) + 3.4 for mode in modes]
    fig = new_figure(len(kernel_sizes) * cell_w * 0.42, sum(row_h) * 0.42)
    ax = fig.add_axes((0, 0, 1, 1))
    for col, k in enumerate(kernel_sizes):
        geometry = padding_geometry(input_shape, (k, k))
        for row, mode in enumerate(modes):
            (top, bottom), (left, right) = geometry[mode]["correlate"]
            padded = np.zeros((H + top + bottom, W + left + right))
            pad_mask = np.ones(padded.shape, dtype=bool)
            pad_mask[top : top + H, left : left + W] = False
            labels = ["0" if p else "A" for p in pad_mask.ravel()]
            x0 = col * cell_w + (cell_w - padded.shape[1]) / 2
            y0 = sum(row_h[:row]) + 1.2
            draw_grid(ax, padded, "input", origin=(x0, y0), padding=pad_mask, labels=labels, fontsize=12)
            ax.add_patch(
                Rectangle((x0, y0), k, k, fill=False, edgecolor=ROLE_COLORS["edge"], linewidth=3, linestyle="--")
            )
            H_out, W_out = geometry[mode]["output"]
            _label(ax, col * cell_w + cell_w / 2, y0 - 0.6, f"{mode}, h = w = {k}", 14, fontweight="bold")
            note = f"↑{top}  ↓{bottom}    C: {H_out}×{W_out}"
            if geometry[mode]["convolve"] != geometry[mode]["correlate"]:
                (ct, cb), _ = geometry[mode]["convolve"]
                note = f"correlate2d: ↑{top}  ↓{bottom}\nconvolve2d: ↑{ct}  ↓{cb}\nC: {H_out}×{W_out}"
            _label(ax, col * cell_w + cell_w / 2, y0 + padded.shape[0] + 0.9, note, 11, va="top")
    ax.set_xlim(0, len(kernel_sizes) * cell_w)
    ax.set_ylim(sum(row_h), 0)
    _finish(ax)
    return fig


def textbook_numbers(a: object, b: object, m: int = 0, n: int = 0) -> dict:
    r"""The numbers of the textbooks figure at output position $(m, n)$ of `correlate2d(a, b)`.

    **Returns** a dict: `neuron`, the row of the convolution matrix $T_B$ for $(m, n)$ reshaped to $A$'s
    shape (the fully connected neuron's weights: $B$ inside the window, zeros outside); `neuron_output`
    $= \langle A, \text{neuron}\rangle_F$; `window`, `kernel` and `patch_output`
    $= \langle A_{[m,n]}, B\rangle_F$; `W_row` ($\operatorname{vec}(B)^{\mathsf T}$, shape $(1, hw)$),
    `X_col` (`im2col(a, b.shape)`), `product` (`W_row @ X_col`) and `column` (the index $m W_{out} + n$).
    """
    a, b = np.asarray(a), np.asarray(b)
    h, w = b.shape
    W_out = a.shape[1] - w + 1
    column = m * W_out + n
    neuron = conv_matrix(b, a.shape)[column].reshape(a.shape)
    window = a[m : m + h, n : n + w]
    X_col = im2col(a, b.shape)
    W_row = b.reshape(1, -1)
    return {
        "neuron": neuron,
        "neuron_output": _int_or_float(np.sum(neuron * a)),
        "window": window,
        "kernel": b,
        "patch_output": _int_or_float(np.sum(window * b)),
        "W_row": W_row,
        "X_col": X_col,
        "product": W_row @ X_col,
        "column": column,
    }


def textbook_figure(a: object, b: object, m: int = 0, n: int = 0):
    r"""What each textbook phrase dots with what, at output position $(m, n)$, in three rows.

    1. The fully connected neuron: all of $A$ against the neuron's weights (the row of $T_B$,
       $B$ inside the window and $0$ outside).
    2. The filter-patch dot product: the window against $B$.
    3. im2col: `W_row` ($\operatorname{vec}(B)^{\mathsf T}$) times `X_col`, whose column for $(m, n)$
       (highlighted) is the flattened window; the product is every output at once.
    """
    a = np.asarray(a)
    nums = textbook_numbers(a, b, m, n)
    H, W = a.shape
    h, w = nums["kernel"].shape
    hw = h * w
    cols = nums["X_col"].shape[1]
    width = max(0.5 + 1 + 0.6 + cols + 0.5, 2 * W + 6.0)
    rows_h = [H + 2.2, h + 2.2, hw + 4.6]
    fig = new_figure(width * 0.42, sum(rows_h) * 0.42)
    ax = fig.add_axes((0, 0, 1, 1))
    # 1: the fully connected neuron
    y = 1.0
    window_mask = np.zeros(a.shape, dtype=bool)
    window_mask[m : m + h, n : n + w] = True
    _label(ax, width / 2, y - 0.7, rf"1.   $\mathrm{{vec}}(A) \cdot T_B[{nums['column']}]$", 14)
    draw_grid(ax, a, "input", origin=(0.5, y), highlight=window_mask, fontsize=13)
    _label(ax, W + 1.0, y + H / 2, "·", 18)
    draw_grid(ax, nums["neuron"], "kernel", origin=(W + 1.5, y), padding=~window_mask, fontsize=13)
    x_eq = 2 * W + 1.5 + (width - 2 * W - 1.5) / 2
    _label(ax, x_eq, y + H / 2, "= {}".format(nums["neuron_output"]), 16)
    # 2: the filter and the patch
    y += rows_h[0]
    _label(ax, width / 2, y - 0.7, rf"2.   $A_{{[{m},{n}]}} \cdot B$", 14)
    draw_grid(ax, nums["window"], "input", origin=(0.5, y), fontsize=13)
    _label(ax, w + 1.0, y + h / 2, "·", 18)
    draw_grid(ax, nums["kernel"], "kernel", origin=(w + 1.5, y), fontsize=13)
    _label(ax, 2 * w + 3.2, y + h / 2, "= {}".format(nums["patch_output"]), 16)
    # 3: im2col, a row times a matrix
    y += rows_h[1]
    _label(ax, width / 2, y - 0.7, r"3.   $W_{row}\, X_{col}$", 14)
    col_mask = np.zeros(nums["X_col"].shape, dtype=bool)
    col_mask[:, nums["column"]] = True
    draw_grid(ax, nums["W_row"].reshape(-1, 1), "kernel", origin=(0.5, y), fontsize=11)
    _label(ax, 0.5 + 0.5, y + hw + 0.5, r"$W_{row}^{\mathsf{T}}$", 13, va="top")
    x_col0 = 0.5 + 1 + 0.6
    draw_grid(ax, nums["X_col"], "input", origin=(x_col0, y), highlight=col_mask, fontsize=11)
    out_mask = np.zeros(nums["product"].shape, dtype=bool)
    out_mask[0, nums["column"]] = True
    draw_grid(ax, nums["product"], "output", origin=(x_col0, y + hw + 0.4), highlight=out_mask, fontsize=11)
    _label(ax, x_col0 + cols / 2, y + hw + 2.0, r"$W_{row}\, X_{col} = \mathrm{vec}(C)^{\mathsf{T}}$", 13)
    ax.set_xlim(0, width)
    ax.set_ylim(sum(rows_h), -0.1)
    _finish(ax)
    return fig


# --- the site's icon and social card, drawn from the answer ----------------------------------------


def favicon_svg(b: object = ((1, 0, 1), (0, 1, 0), (1, 0, 1))) -> str:
    r"""The site's icon as SVG text: the worked example's kernel $B$ as a $3 \times 3$ grid, its ones marked.

    Deterministic text (no clock, no random ids), so the committed `conf/_static/favicon.svg`
    can be checked against it.
    """
    b = np.asarray(b)
    h, w = b.shape
    size = 16 * max(h, w) + 8
    cells = []
    for u in range(h):
        for v in range(w):
            fill = ROLE_COLORS["kernel"] if b[u, v] else "#ffffff"
            cells.append(
                f'<rect x="{4 + 16 * v}" y="{4 + 16 * u}" width="16" height="16" fill="{fill}" '
                f'stroke="{ROLE_COLORS["edge"]}" stroke-width="1.5"/>'
            )
            if b[u, v]:
                cells.append(f'<circle cx="{12 + 16 * v}" cy="{12 + 16 * u}" r="3.5" fill="{ROLE_COLORS["edge"]}"/>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size}" height="{size}">'
        f'<rect width="{size}" height="{size}" rx="6" fill="#ffffff"/>' + "".join(cells) + "</svg>\n"
    )


def write_site_icons(directory: object, a: object = None, b: object = None) -> list[Path]:
    """Write `favicon.svg` and `social-card.png` (1200 × 630 px, the answer figure) into `directory`.

    `python -m convdot.figures.answer conf/_static` refreshes the site's copies.
    """
    import matplotlib

    matplotlib.use("Agg")
    directory = Path(directory)
    a = _WORKED_A if a is None else a
    b = _WORKED_B if b is None else b
    icon = directory / "favicon.svg"
    icon.write_text(favicon_svg(b), encoding="utf-8")
    fig = answer_figure(a, b)
    fig.set_size_inches(12, 6.3)
    fig.suptitle("convdot: a convolution output is a sum of products and a dot product", fontsize=15, y=0.98)
    ax = fig.axes[0]
    ax.set_position((0.05, 0.02, 0.9, 0.86))
    card = directory / "social-card.png"
    fig.savefig(card, dpi=100, metadata={"Software": None})
    import matplotlib.pyplot as plt

    plt.close(fig)
    return [icon, card]


_WORKED_A = np.array(
    [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]],
)
_WORKED_B = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]])


if __name__ == "__main__":  # pragma: no cover
    import sys

    for path in write_site_icons(sys.argv[1] if len(sys.argv) > 1 else "."):
        print(path)
