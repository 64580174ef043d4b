"""`conv2d`: the CNN layer, one pipeline (check, cast, pad, one form of `LAYER_FORMS`, bias)."""

from __future__ import annotations

import numpy as np

from .._memory import Sizes, array_bytes, check_memory
from .._validate import check_choice
from ._checks import Layer, check_conv2d, result_dtype
from ._padding import pad
from .methods import LAYER_FORMS, run_layer_form, select_layer_method


def layer_methods() -> tuple[str, ...]:
    """The accepted values of `method=` for the layer: every name in `LAYER_FORMS`, then `"auto"`."""
    return (*LAYER_FORMS, "auto")


def prepare_layer(
    x, w, bias, stride, padding, dilation, groups, padding_mode, function: str
) -> tuple[Layer, np.ndarray, np.ndarray, Sizes]:
    """Check every argument, cast to the result dtype and pad: `(layer, xp, w, base)`.

    The padded input's size is checked against the memory budget before it is made; `base`
    lists it (when it is a new array) for the form's own check.
    """
    layer = check_conv2d(x, w, bias, stride, padding, dilation, groups, padding_mode)
    dtype = result_dtype(layer.x, layer.w, layer.bias)
    n, c_in, h, w_in = layer.x.shape
    (top, bottom), (left, right) = layer.pads
    padded = (n, c_in, h + top + bottom, w_in + left + right)
    copied = padded != layer.x.shape or dtype != layer.x.dtype
    base = [(f"the padded input {padded}", array_bytes(padded, dtype.itemsize))] if copied else []
    check_memory(function, base)
    xp = pad(layer.x.astype(dtype, copy=False), layer.pads, padding_mode)
    return layer, xp, layer.w.astype(dtype, copy=False), base


def choose_layer_method(
    x: object,
    w: object,
    stride: object = 1,
    dilation: object = 1,
    groups: int = 1,
    *,
    padding: object = 0,
    padding_mode: str = "zeros",
) -> str:
    r"""The method `"auto"` uses for `conv2d(x, w, stride=stride, padding=padding, dilation=dilation, groups=groups)`.

    The arguments are checked as {py:func}`convdot.conv2d` checks them (array-likes are accepted;
    with the default `padding=0`, `x` is the padded input itself). The rule, with
    `direct` $= 2 N C_{out} H_{out} W_{out} C_g k_H k_W$ the FLOPs of the direct sum,
    $C_g = C_{in}/g$, and `matrix`, `spectral` the FFT's estimate
    ({py:func}`convdot.layer.dft.fft_flops`), lists the candidates in this order:

    | condition | candidate |
    |---|---|
    | `direct` > `matrix` + `FFT_LAYER_CROSSOVER` × `spectral`, and the FFT is safe | `"fft_pruned"` |
    | stride 1, kernel above 1×1, $C_g \ge$ `SHIFTED_MIN_DEPTH` (integers: exact in float64) | `"shifted"` |
    | always | `"blocked"` |

    and the first whose estimated allocation (with the padded input) fits the memory budget
    ({py:func}`convdot.set_memory_budget`) is chosen; if none fits, the first candidate (and
    `conv2d` refuses it, naming the sizes). The FFT is *safe* for integers when rounding a
    float64 FFT is exact ({py:func}`convdot.forms.fft_is_exact_for_integers`' rule, per sample and
    output channel); for floats when every entry is finite (a NaN or inf would spread to every
    output of its sample) and $N_0 N_1 \max_n \|X_p[n]\|_1 \max_o \|W[o]\|_1$ is below half the
    dtype's largest number, so that no spectrum or partial sum of the inverse transform
    overflows: finite data with a finite result never becomes inf or NaN.

    Why: the FFT's cost does not grow with $k_H k_W$, so it wins for large kernels; the
    condition compares estimated times, a FLOP of FFT-like work counting `FFT_LAYER_CROSSOVER`
    FLOPs of matrix products. At stride 1 `"shifted"` reads the input where it lies: its
    $k_H k_W$ products of depth $C_g$ are summed by BLAS itself, so there is no im2col copy and
    no temporary, and it needs the least memory; its products are too shallow for BLAS when
    $C_g$ is small, and at a larger stride they read a copy of the input's phases and are too
    narrow. `"blocked"` does the single deep product of im2col from a cache-sized block reused
    for the whole batch (for a 1×1 layer, no copy at all), so it needs little beyond the output.
    `"winograd"` is never chosen: it saves multiplications, but in numpy its transforms cost more
    memory traffic than that saves (and it spreads NaN and inf further than the direct sum).
    FLOP counts, shapes and the budget, not timings: the choice is the same on every machine
    with the same budget.

    **Raises**: as {py:func}`convdot.conv2d`.
    """

    layer, xp, w, base = prepare_layer(
        x, w, None, stride, padding, dilation, groups, padding_mode, "choose_layer_method"
    )
    return select_layer_method(xp, w, layer.stride, layer.dilation, layer.groups, base)


def conv2d(
    x: object,
    w: object,
    bias: object = None,
    stride: object = 1,
    padding: object = 0,
    dilation: object = 1,
    groups: int = 1,
    *,
    padding_mode: str = "zeros",
    method: str = "auto",
) -> np.ndarray:
    r"""A 2-D convolutional layer, with the semantics of `torch.nn.functional.conv2d` and `torch.nn.Conv2d`.

    $$Y[n, o, i, j] = b[o] + \sum_{c=0}^{C_{in}/g - 1} \sum_{u=0}^{k_H-1} \sum_{v=0}^{k_W-1}
    X_p[n,\; g(o) \tfrac{C_{in}}{g} + c,\; s_0 i + d_0 u,\; s_1 j + d_1 v]\; W[o, c, u, v]$$

    a cross-correlation (what deep learning calls convolution) of the padded input $X_p$,
    summed over the $C_{in}/g$ input channels of output channel $o$'s group
    $g(o) = \lfloor o g / C_{out} \rfloor$.

    **Parameters**

    - `x`: $(N, C_{in}, H, W)$, or unbatched $(C_{in}, H, W)$.
    - `w`: $(C_{out}, C_{in}/g, k_H, k_W)$.
    - `bias`: $(C_{out},)$ or `None`.
    - `stride` $s$, `dilation` $d$: an int or a pair of ints >= 1 (`dilation=1` is a dense kernel).
    - `padding`: an int or a pair of ints >= 0 (that many rows/columns on *each* side), `"valid"`
      (none) or `"same"` (output size = input size; a total of $d(k-1)$ per axis, the odd one
      after, as PyTorch; stride must be 1).
    - `groups` $g$: an int dividing $C_{in}$ and $C_{out}$; $g = C_{in}$ is a depthwise convolution.
    - `padding_mode` (keyword-only): `"zeros"`, `"reflect"` (padding < input size), `"replicate"` or
      `"circular"` (padding <= input size), the padding of `torch.nn.Conv2d`.
    - `method` (keyword-only): a name in {py:data}`convdot.layer.LAYER_FORMS` or `"auto"`
      ({py:func}`convdot.layer.choose_layer_method`).

    **Returns**: $(N, C_{out}, H_{out}, W_{out})$ (unbatched: $(C_{out}, H_{out}, W_{out})$; $N = 0$
    gives an empty result, as in PyTorch) with
    $H_{out} = \lfloor (H + p_{top} + p_{bottom} - d_0(k_H - 1) - 1)/s_0 \rfloor + 1$, likewise
    $W_{out}$ ({py:func}`convdot.conv2d_output_shape`). Dtype as {py:func}`convdot.correlate2d`:
    floats promote (float32 stays float32), integers give exact int64 or a `ValueError`.

    **Raises**: `ValueError` for wrong ranks or empty arrays, a channel mismatch between `x` and
    `w`, `groups` not dividing the channels, a `bias` of the wrong length, a stride or dilation
    < 1, a negative padding, `"same"` with stride > 1, a padding too large for `"reflect"` or
    `"circular"`, an output size < 1, an unknown `padding_mode` or `method`, integers that could
    overflow int64 (bounded per output channel: $\max|x| \max_o \sum|w[o]| + \max|b|$, $b$ the `bias`);
    `TypeError` for a non-real dtype, a masked array, or a non-integer stride, padding, dilation
    or groups; {py:class}`convdot.MemoryBudgetError` (a `MemoryError` and a `ValueError`) when
    the padded input, the output and the method's work arrays would exceed the memory budget
    ({py:func}`convdot.set_memory_budget`), before anything is allocated.

    **See also**: the forms {py:func}`convdot.layer.conv2d_loops`, {py:func}`convdot.layer.conv2d_dot`,
    {py:func}`convdot.layer.conv2d_im2col`, {py:func}`convdot.layer.conv2d_matrix`,
    {py:func}`convdot.layer.conv2d_fft`; the gradient {py:func}`convdot.conv2d_backward` and the
    adjoint {py:func}`convdot.conv_transpose2d`.

    **Example**: two input channels, one 1×1 filter: each output is the dot product of a
    pixel's channel vector with the weights.

    ```python
    >>> conv2d([[[1, 2]], [[3, 4]]], [[[[10]], [[1]]]])
    array([[[13, 24]]])

    ```

    since $1 \cdot 10 + 3 \cdot 1 = 13$ and $2 \cdot 10 + 4 \cdot 1 = 24$.
    """
    check_choice(method, "method", layer_methods())
    layer, xp, w, base = prepare_layer(x, w, bias, stride, padding, dilation, groups, padding_mode, "conv2d")
    y = run_layer_form(method, xp, w, layer.stride, layer.dilation, layer.groups, function="conv2d", base=base)
    if layer.bias is not None:
        y += layer.bias.astype(y.dtype, copy=False)[:, np.newaxis, np.newaxis]
    return y[0] if layer.unbatched else y
