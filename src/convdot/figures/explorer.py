"""The explorer's static figure: its preset drawn by the library, for print and for readers without JavaScript.

The `{explorer}` directive (conf/explorer/directive.py) calls this module in a subprocess
(`python -m convdot.figures.explorer OUT.svg < config.json`), since Sphinx itself does not
import numpy; the script writes the SVG and prints the figure's alt text. The figure shows
the first output position: the (padded) input with the window read there, the kernel
applied, and the output computed by {py:func}`convdot.conv2d` (or
{py:func}`convdot.conv_transpose2d`, where the first input value's stamp is marked).
"""

from __future__ import annotations

import json
import sys

import numpy as np

from ..layer import conv2d, conv_transpose2d
from ..layer._checks import as_padding
from ._style import draw_grid, new_figure

_NUMPY_PAD = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _pair(value) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else tuple(value)


def _fmt(value) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:g}"


def explorer_result(config: dict) -> np.ndarray:
    """The output of the explorer's settings `config` (the keys of conf/explorer/presets.json), by the library."""
    x, w = np.asarray(config["x"]), np.asarray(config["w"])
    if config.get("flip"):
        w = w[..., ::-1, ::-1]
    bias = None if config.get("bias") is None else np.asarray(config["bias"])
    if config.get("mode") == "transposed":
        return conv_transpose2d(
            x,
            w,
            bias=bias,
            stride=config["stride"],
            padding=config["padding"],
            output_padding=config["outputPadding"],
            groups=config["groups"],
            dilation=config["dilation"],
        )
    return conv2d(
        x,
        w,
        bias=bias,
        stride=config["stride"],
        padding=config["padding"],
        dilation=config["dilation"],
        groups=config["groups"],
        padding_mode=config["paddingMode"],
    )


def explorer_figure(config: dict):
    """Draw the explorer's settings `config` at its first position; return `(figure, alt_text)`."""
    x, w = np.asarray(config["x"]), np.asarray(config["w"])
    kernel = w[..., ::-1, ::-1] if config.get("flip") else w
    y = explorer_result(config)
    stride, dilation = _pair(config["stride"]), _pair(config["dilation"])
    transposed = config.get("mode") == "transposed"
    c_in = x.shape[0]
    # kernel[0]: conv2d's output channel 0 (one slice per input channel of its group), or the
    # kernels input channel 0 stamps (one per output channel of its group) when transposed
    shown_w = kernel[0]
    pads = ((0, 0), (0, 0)) if transposed else as_padding(config["padding"], w.shape[-2:], stride, dilation)
    padded = np.pad(x, ((0, 0), *pads), mode=_NUMPY_PAD[config.get("paddingMode", "zeros")])
    pad_mask = np.ones(padded.shape[1:], dtype=bool)
    pad_mask[pads[0][0] : pads[0][0] + x.shape[1], pads[1][0] : pads[1][0] + x.shape[2]] = False
    k_h, k_w = w.shape[-2:]
    window = np.zeros(padded.shape[1:], dtype=bool)
    out_mark = np.zeros(y.shape[1:], dtype=bool)
    if transposed:
        window[0, 0] = True
        p = _pair(config["padding"])
        for u in range(k_h):
            for v in range(k_w):
                a, b = dilation[0] * u - p[0], dilation[1] * v - p[1]
                if 0 <= a < y.shape[1] and 0 <= b < y.shape[2]:
                    out_mark[a, b] = True
    else:
        window[: dilation[0] * (k_h - 1) + 1 : dilation[0], : dilation[1] * (k_w - 1) + 1 : dilation[1]] = True
        out_mark[0, 0] = True
    gap = 1.5
    row1 = [(padded[c], "input", f"x[{c}]", window, pad_mask) for c in range(c_in)]
    kernel_name = "w rotated" if config.get("flip") else "w"
    row2 = [(shown_w[k], "kernel", f"{kernel_name}[0, {k}]", None, None) for k in range(shown_w.shape[0])]
    row2 += [(y[o], "output", f"y[{o}]", out_mark, None) for o in range(y.shape[0])]
    width_of = lambda row: sum(a.shape[1] for a, *_ in row) + gap * (len(row) - 1)  # noqa: E731
    total_w = max(width_of(row1), width_of(row2))
    h1 = max(a.shape[0] for a, *_ in row1)
    h2 = max(a.shape[0] for a, *_ in row2)
    fig = new_figure(max(3.0, 0.42 * total_w), 0.42 * (h1 + h2 + 3.5))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-0.2, total_w + 0.2)
    ax.set_ylim(h1 + h2 + 3.2, -1.2)
    for top, row in ((0.0, row1), (h1 + 1.8, row2)):
        left = 0.0
        for values, role, title, highlight, padding in row:
            draw_grid(ax, values, role, origin=(left, top), highlight=highlight, padding=padding, title=title)
            left += values.shape[1] + gap
    ax.set_xlim(-0.2, total_w + 0.2)
    ax.set_ylim(h1 + h2 + 3.2, -1.2)
    ax.set_aspect("equal")
    ax.axis("off")
    rows = "; ".join(" ".join(_fmt(v) for v in r) for r in y[0])
    if transposed:
        alt = (
            f"Transposed convolution of a {c_in}-channel {x.shape[1]} by {x.shape[2]} input with a {k_h} by {k_w} "
            f"kernel at stride {stride[0]}: the first input value's stamp is marked in the "
            f"{y.shape[1]} by {y.shape[2]} output, whose first channel reads, row by row: {rows}."
        )
    else:
        alt = (
            f"A {c_in}-channel {x.shape[1]} by {x.shape[2]} input, padded to {padded.shape[1]} by {padded.shape[2]}, "
            f"with the first window marked; the {k_h} by {k_w} kernel of output channel 0; and the "
            f"{y.shape[0]}-channel {y.shape[1]} by {y.shape[2]} output, whose first channel reads, row by row: {rows}."
        )
    return fig, alt


def main(argv: list[str]) -> int:
    """`python -m convdot.figures.explorer OUT.svg < config.json`: write the SVG, print the alt text."""
    config = json.load(sys.stdin)
    fig, alt = explorer_figure(config)
    fig.savefig(argv[0], format="svg", metadata={"Date": None})
    print(alt)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
