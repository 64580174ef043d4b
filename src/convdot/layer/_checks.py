r"""The layer's checks: normalise every argument, refuse what PyTorch refuses, and the output's shape.

After this stage (and the padding, `convdot.layer._padding`) every layer form computes the same
thing, a *valid*, strided, dilated, grouped correlation of an already padded input, so no form
repeats any of the checks.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .._dtypes import common_dtype
from .._memory import Sizes, array_bytes, check_memory
from .._validate import as_pair, as_real_array, check_choice

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")
"""The accepted values of `padding_mode`, as in `torch.nn.Conv2d`."""

Pads = tuple[tuple[int, int], tuple[int, int]]
Pair = tuple[int, int]


def as_padding(padding: object, kernel_hw: tuple[int, int], stride: tuple[int, int], dilation: tuple[int, int]) -> Pads:
    r"""Normalise `padding` (an int, a pair, `"valid"` or `"same"`) to `((top, bottom), (left, right))`.

    `"same"` pads a total of $d(k-1)$ per axis, $\lfloor d(k-1)/2 \rfloor$ before and the
    rest after, as PyTorch does (the extra row or column of an even span goes after).
    """
    if isinstance(padding, str):
        check_choice(padding, "padding", ("valid", "same"))
        if padding == "valid":
            return ((0, 0), (0, 0))
        if stride != (1, 1):
            raise ValueError(f"padding='same' is not supported with stride > 1 (as in PyTorch); got stride={stride!r}")
        totals = [d * (k - 1) for d, k in zip(dilation, kernel_hw, strict=True)]
        return ((totals[0] // 2, totals[0] - totals[0] // 2), (totals[1] // 2, totals[1] - totals[1] // 2))
    try:
        p0, p1 = as_pair(padding, "padding", minimum=0)
    except TypeError:
        raise TypeError(f"padding must be an int, a pair of ints, 'valid' or 'same'; got {padding!r}") from None
    return ((p0, p0), (p1, p1))


def output_hw(input_hw: tuple[int, int], kernel_hw: tuple[int, int], stride, pads: Pads, dilation) -> tuple[int, int]:
    r"""$\lfloor (H + p_{top} + p_{bottom} - d(k-1) - 1)/s \rfloor + 1$ per axis; `ValueError` if not >= 1."""
    out = tuple(
        (n + p[0] + p[1] - d * (k - 1) - 1) // s + 1
        for n, k, s, p, d in zip(input_hw, kernel_hw, stride, pads, dilation, strict=True)
    )
    if min(out) < 1:
        span = tuple(d * (k - 1) + 1 for d, k in zip(dilation, kernel_hw, strict=True))
        padded = tuple(n + p[0] + p[1] for n, p in zip(input_hw, pads, strict=True))
        raise ValueError(
            f"the output size must be >= 1 on each axis; got {out!r}: the kernel {tuple(kernel_hw)!r} "
            f"dilated by {tuple(dilation)!r} spans {span!r}, more than the padded input {padded!r}"
        )
    return out


def conv2d_output_shape(
    input_hw: tuple[int, int], kernel_hw: tuple[int, int], stride: object = 1, padding: object = 0, dilation: object = 1
) -> tuple[int, int]:
    r"""The spatial output size $(H_{out}, W_{out})$ of {py:func}`convdot.conv2d`.

    $$H_{out} = \left\lfloor \frac{H + p_{top} + p_{bottom} - d_0 (k_H - 1) - 1}{s_0} \right\rfloor + 1$$

    and likewise for $W_{out}$; with a symmetric padding $p$ the numerator is
    $H + 2p - d(k-1) - 1$. `"same"` gives $(H, W)$, `"valid"` pads nothing.

    **Parameters**: `input_hw` $(H, W)$ and `kernel_hw` $(k_H, k_W)$, pairs of ints >= 1;
    `stride`, `padding`, `dilation` as in {py:func}`convdot.conv2d`.

    **Returns**: a pair of ints.

    **Raises**: `ValueError` for a size, stride or dilation < 1, a negative padding, `"same"`
    with a stride > 1, or an output size < 1; `TypeError` for a non-integer argument.

    **Example**: `conv2d_output_shape((5, 5), (3, 3), stride=2, padding=1)` is `(3, 3)`,
    since $\lfloor (5 + 2 - 2 - 1)/2 \rfloor + 1 = 3$.
    """
    input_hw = as_pair(input_hw, "input_hw", minimum=1)
    kernel_hw = as_pair(kernel_hw, "kernel_hw", minimum=1)
    stride = as_pair(stride, "stride", minimum=1)
    dilation = as_pair(dilation, "dilation", minimum=1)
    pads = as_padding(padding, kernel_hw, stride, dilation)
    return output_hw(input_hw, kernel_hw, stride, pads, dilation)


def as_batch(x: object, name: str) -> tuple[np.ndarray, bool]:
    """`x` as a 4-D real array (N, C, H, W), and whether it came unbatched as (C, H, W); N may be 0."""
    try:
        ndim = np.ndim(x)
    except (ValueError, TypeError):
        ndim = 4  # not an array at all: as_real_array says why
    if ndim not in (3, 4):
        raise ValueError(f"{name} must be 4-D (N, C, H, W) or 3-D (C, H, W); got {ndim}-D array of shape {np.shape(x)}")
    arr = as_real_array(x, name, ndim=ndim, empty_batch=ndim == 4)
    return (arr[np.newaxis], True) if ndim == 3 else (arr, False)


def as_groups(groups: object, channels: dict[str, int]) -> int:
    """Check that `groups` is an int >= 1 dividing every channel count in `channels` (name -> count)."""
    if isinstance(groups, (bool, np.bool_)) or not isinstance(groups, (int, np.integer)):
        raise TypeError(f"groups must be an int; got {groups!r}")
    if groups < 1:
        raise ValueError(f"groups must be >= 1; got {groups!r}")
    for name, count in channels.items():
        if count % groups:
            raise ValueError(f"groups must divide {name}; got groups={groups!r} and {name}={count}")
    return int(groups)


def as_bias(bias: object, channels: int) -> np.ndarray | None:
    """`bias` as a 1-D real array of length `channels`, or None."""
    if bias is None:
        return None
    bias = as_real_array(bias, "bias", ndim=1)
    if bias.shape[0] != channels:
        raise ValueError(f"bias must have one entry per output channel ({channels}); got shape {bias.shape}")
    return bias


def result_dtype(x: np.ndarray, w: np.ndarray, bias: np.ndarray | None, names=("x", "w")) -> np.dtype:
    """The dtype of the layer's output: the 2-D rule (`convdot._dtypes.common_dtype`) with the bias added."""
    return common_dtype(x, w, names=names, bias=bias)


def check_pad_fits(input_hw: tuple[int, int], pads: Pads, padding_mode: str) -> None:
    """Refuse a padding PyTorch refuses: `"reflect"` needs pad < size, `"circular"` pad <= size."""
    if padding_mode == "reflect" and any(max(p) >= n for n, p in zip(input_hw, pads, strict=True)):
        raise ValueError(
            f"padding_mode 'reflect' needs a padding smaller than the input on each axis; "
            f"got padding {pads!r} for an input of size {tuple(input_hw)!r}"
        )
    if padding_mode == "circular" and any(max(p) > n for n, p in zip(input_hw, pads, strict=True)):
        raise ValueError(
            f"padding_mode 'circular' needs a padding no larger than the input on each axis (it would wrap "
            f"around more than once); got padding {pads!r} for an input of size {tuple(input_hw)!r}"
        )


class Layer(NamedTuple):
    """The normalised arguments of one conv2d call (arrays not yet cast or padded)."""

    x: np.ndarray
    w: np.ndarray
    bias: np.ndarray | None
    stride: tuple[int, int]
    pads: Pads
    dilation: tuple[int, int]
    groups: int
    padding_mode: str
    unbatched: bool
    out_hw: tuple[int, int]


def check_weight(x: np.ndarray, name: str, w: object, stride, dilation, groups, channels: str) -> tuple:
    """`(w, stride, dilation, groups)` checked against the 4-D input `x` (called `name`; `channels` names its C_in)."""
    w = as_real_array(w, "w", ndim=4)
    stride = as_pair(stride, "stride", minimum=1)
    dilation = as_pair(dilation, "dilation", minimum=1)
    c_in, c_out = x.shape[1], w.shape[0]
    groups = as_groups(groups, {channels: c_in, "the output channels C_out = w.shape[0]": c_out})
    if c_in != w.shape[1] * groups:
        raise ValueError(
            f"{name} has C_in={c_in} channels but w of shape {w.shape} with groups={groups} expects "
            f"w.shape[1] * groups = {w.shape[1] * groups}"
        )
    return w, stride, dilation, groups


def check_conv2d(x, w, bias, stride, padding, dilation, groups, padding_mode) -> Layer:
    """Normalise and check every argument of {py:func}`convdot.conv2d`, in PyTorch's order of concerns."""
    x, unbatched = as_batch(x, "x")
    check_choice(padding_mode, "padding_mode", PADDING_MODES)
    w, stride, dilation, groups = check_weight(x, "x", w, stride, dilation, groups, "the input channels C_in")
    bias = as_bias(bias, w.shape[0])
    pads = as_padding(padding, w.shape[-2:], stride, dilation)
    check_pad_fits(x.shape[-2:], pads, padding_mode)
    out_hw = output_hw(x.shape[-2:], w.shape[-2:], stride, pads, dilation)
    return Layer(x, w, bias, stride, pads, dilation, groups, padding_mode, unbatched, out_hw)


def check_form(xp: object, w: object, stride: object, dilation: object, groups: object) -> tuple:
    """Normalise the arguments of a layer form called directly: `(xp, w, stride, dilation, groups)`.

    `xp` is an already padded 4-D input (N may be 0) and `w` a 4-D weight; both are cast to
    their common dtype (the layer's rule), `stride` and `dilation` become pairs, `groups` must
    divide both channel counts and match `w.shape[1]`, and the output must not be empty.
    """
    xp = as_real_array(xp, "xp", ndim=4, empty_batch=True)
    w, stride, dilation, groups = check_weight(
        xp, "xp", w, stride, dilation, groups, "the input channels C_in = xp.shape[1]"
    )
    output_hw(xp.shape[-2:], w.shape[-2:], stride, ((0, 0), (0, 0)), dilation)
    dtype = common_dtype(xp, w, names=("xp", "w"))
    return xp.astype(dtype, copy=False), w.astype(dtype, copy=False), stride, dilation, groups


FormSizes = Callable[[tuple[int, ...], tuple[int, ...], Pair, Pair, int, int], Sizes]
"""`f(xp_shape, w_shape, stride, dilation, groups, itemsize) -> Sizes`: what a form allocates, its output included."""


def output_sizes(xp_shape, w_shape, stride, dilation, groups_or_itemsize, itemsize=None) -> Sizes:
    """The output $(N, C_{out}, H_{out}, W_{out})$ of a form (called as a {py:data}`FormSizes`, or without `groups`)."""
    itemsize = groups_or_itemsize if itemsize is None else itemsize
    shape = (xp_shape[0], w_shape[0], *output_hw(xp_shape[-2:], w_shape[-2:], stride, ((0, 0), (0, 0)), dilation))
    return [(f"the output {shape}", array_bytes(shape, itemsize))]


def layer_form(sizes: FormSizes) -> Callable[[Callable], Callable]:
    """Make a layer form a public function: it checks its arguments and the memory, then computes.

    The decorated function keeps the form's contract for prepared arguments as its `kernel`
    attribute (what `conv2d` runs, after its own checks) and the estimate `sizes` as `sizes`.
    """

    def wrap(kernel: Callable) -> Callable:
        @functools.wraps(kernel)
        def form(xp, w, stride=1, dilation=1, groups=1, **options):
            xp, w, stride, dilation, groups = check_form(xp, w, stride, dilation, groups)
            check_memory(kernel.__name__, sizes(xp.shape, w.shape, stride, dilation, groups, xp.itemsize))
            if xp.shape[0] == 0:
                h_out, w_out = output_hw(xp.shape[-2:], w.shape[-2:], stride, ((0, 0), (0, 0)), dilation)
                return np.zeros((0, w.shape[0], h_out, w_out), dtype=xp.dtype)
            return kernel(xp, w, stride, dilation, groups, **options)

        form.kernel = kernel
        form.sizes = sizes
        return form

    return wrap
