"""Random layer configurations, and a reference layer that shares no code with convdot.

The reference follows the issue's recipe: pad with numpy.pad, dilate the kernel by inserting
zeros, correlate each input channel with scipy.signal.correlate2d, sum over the channels of
the group, and subsample for the stride. Its padding rules are written here again from
PyTorch's documentation, not imported from convdot.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import scipy.signal
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")
NUMPY_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


class Case(NamedTuple):
    x: np.ndarray
    w: np.ndarray
    bias: np.ndarray | None
    stride: tuple[int, int]
    padding: object
    dilation: tuple[int, int]
    groups: int
    padding_mode: str

    @property
    def kwargs(self) -> dict:
        return {
            "stride": self.stride,
            "padding": self.padding,
            "dilation": self.dilation,
            "groups": self.groups,
            "padding_mode": self.padding_mode,
        }


def per_side_padding(padding, kernel_hw, dilation) -> list[tuple[int, int]]:
    """PyTorch's padding per side: an int or a pair on both sides; 'same' splits d(k-1), extra after."""
    if padding == "valid":
        return [(0, 0), (0, 0)]
    if padding == "same":
        return [(d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2) for k, d in zip(kernel_hw, dilation, strict=True)]
    pair = (padding, padding) if isinstance(padding, int) else padding
    return [(p, p) for p in pair]


@st.composite
def layer_cases(draw, *, dtype=np.float64, max_channels=2, max_side=7, max_batch=2) -> Case:
    """A valid conv2d configuration: every padding mode, "same"/"valid"/int/pair padding, groups, bias.

    Spatial sizes are drawn so that the output is non-empty and reflect/circular padding fits.
    """
    groups = draw(st.integers(1, 3))
    c_g, per_group = draw(st.integers(1, max_channels)), draw(st.integers(1, max_channels))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = draw(st.just((1, 1)) | st.tuples(st.integers(1, 3), st.integers(1, 3)))  # half of the cases may be 'same'
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    choices = [draw(st.integers(0, 2)), (draw(st.integers(0, 2)), draw(st.integers(0, 2))), "valid"]
    if stride == (1, 1):
        choices.append("same")
    padding = draw(st.sampled_from(choices))
    padding_mode = draw(st.sampled_from(PADDING_MODES))
    pads = per_side_padding(padding, kernel, dilation)
    sides = []
    for k, d, (before, after) in zip(kernel, dilation, pads, strict=True):
        smallest = max(1, d * (k - 1) + 1 - before - after, max(before, after) + 1)
        sides.append(draw(st.integers(smallest, max(smallest, max_side))))
    n = draw(st.integers(1, max_batch))
    elements = st.floats(-10, 10, width=32 if dtype == np.float32 else 64)
    x = draw(hnp.arrays(dtype, (n, groups * c_g, *sides), elements=elements))
    w = draw(hnp.arrays(dtype, (groups * per_group, c_g, *kernel), elements=elements))
    bias = draw(st.none() | hnp.arrays(dtype, (w.shape[0],), elements=elements))
    return Case(x, w, bias, stride, padding, dilation, groups, padding_mode)


@st.composite
def transpose_cases(draw):
    """Input, weight (C_in, C_out/g, kH, kW), bias and every size argument of conv_transpose2d."""
    groups = draw(st.integers(1, 3))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    output_padding = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation, strict=True))
    size = (draw(st.integers(1, 5)), draw(st.integers(1, 5)))
    out = [
        (n - 1) * s - 2 * p + d * (k - 1) + op + 1
        for n, s, p, d, k, op in zip(size, stride, padding, dilation, kernel, output_padding, strict=True)
    ]
    assume(min(out) >= 1)
    elements = st.floats(-10, 10)
    x = draw(hnp.arrays(np.float64, (draw(st.integers(1, 2)), c_in, *size), elements=elements))
    w = draw(hnp.arrays(np.float64, (c_in, c_out // groups, *kernel), elements=elements))
    bias = draw(st.none() | hnp.arrays(np.float64, (c_out,), elements=elements))
    sizes = {"stride": stride, "padding": padding, "output_padding": output_padding, "dilation": dilation}
    return x, w, bias, {**sizes, "groups": groups}


def padded_input(case: Case) -> np.ndarray:
    """The case's input padded by numpy.pad as its padding and padding_mode say."""
    pads = per_side_padding(case.padding, case.w.shape[-2:], case.dilation)
    return np.pad(case.x, [(0, 0), (0, 0), *pads], mode=NUMPY_MODE[case.padding_mode])


def reference_conv2d(case: Case) -> np.ndarray:
    """conv2d from scipy.signal.correlate2d, numpy.pad, zero insertion and subsampling, in float64."""
    xp, w = padded_input(case).astype(np.float64), case.w.astype(np.float64)
    d0, d1 = case.dilation
    dilated = np.zeros((*w.shape[:2], d0 * (w.shape[2] - 1) + 1, d1 * (w.shape[3] - 1) + 1))
    dilated[..., ::d0, ::d1] = w
    c_out, c_g = w.shape[:2]
    per_group = c_out // case.groups
    rows = []
    for sample in xp:
        channels = []
        for o in range(c_out):
            first = (o // per_group) * c_g
            total = sum(scipy.signal.correlate2d(sample[first + c], dilated[o, c], "valid") for c in range(c_g))
            channels.append(total[:: case.stride[0], :: case.stride[1]])
        rows.append(channels)
    y = np.array(rows)
    if case.bias is not None:
        y = y + case.bias.astype(np.float64)[:, None, None]
    return y


def bound(case: Case) -> float:
    """The largest an output can be in absolute value: max|x| * max_o sum|w[o]| + max|bias|."""
    b = 0.0 if case.bias is None else float(np.abs(case.bias).max())
    return float(np.abs(case.x).max()) * float(np.abs(case.w).reshape(case.w.shape[0], -1).sum(axis=1).max()) + b
