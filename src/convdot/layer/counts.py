r"""What a convolutional layer costs: its number of parameters and of multiply-accumulates.

Counts follow from the shapes alone, so they can be computed for layers far too large to
run. They are the numbers behind the claims that groups and depthwise-separable
convolutions save parameters and arithmetic.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._validate import as_pair
from ._checks import conv2d_output_shape


class Conv2dCost(NamedTuple):
    """Parameter and arithmetic counts of one {py:func}`convdot.conv2d` call."""

    output_shape: tuple[int, ...]
    """Shape of the output, $(N, C_{out}, H_{out}, W_{out})$ (or without $N$ if unbatched)."""
    params: int
    """Weights plus biases: $C_{out} \\cdot (C_{in}/g) \\cdot k_H k_W$ (+ $C_{out}$ with a bias)."""
    macs: int
    """Multiply-accumulates, one per (output value, tap): $N C_{out} H_{out} W_{out} \\cdot (C_{in}/g) k_H k_W$."""


def _as_shape(value: object, name: str, lengths: tuple[int, ...]) -> tuple[int, ...]:
    """`value` as a tuple of positive ints of one of the allowed `lengths`, else an error naming `name`."""
    ok = isinstance(value, (tuple, list)) and all(_is_int(v) for v in value)
    if not ok or len(value) not in lengths:
        allowed = " or ".join(str(n) for n in lengths)
        raise TypeError(f"{name} must be a tuple of {allowed} ints; got {value!r}")
    if min(value) < 1:
        raise ValueError(f"{name} must hold positive sizes; got {value!r}")
    return tuple(int(v) for v in value)


def _is_int(value: object) -> bool:
    """An int or a numpy integer, but not a bool (as {py:func}`convdot.conv2d` accepts sizes)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def conv2d_cost(
    input_shape: tuple[int, ...],
    weight_shape: tuple[int, int, int, int],
    *,
    bias: bool = True,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] | str = 0,
    dilation: int | tuple[int, int] = 1,
    groups: int = 1,
) -> Conv2dCost:
    r"""Parameters and multiply-accumulates of `conv2d(x, w, ...)` for `x` and `w` of the given shapes.

    Each output value is a dot product of length $(C_{in}/g)\, k_H k_W$ (its receptive field
    within its group of $C_{in}/g$ input channels), so

    $$\text{params} = C_{out} \frac{C_{in}}{g} k_H k_W \;(+\, C_{out}), \qquad
    \text{MACs} = N\, C_{out} H_{out} W_{out} \cdot \frac{C_{in}}{g} k_H k_W .$$

    Taps that fall on zero padding are counted, as a dense implementation computes them.
    Bias additions are not counted in the MACs; papers that quote FLOPs usually mean
    $2 \times$ MACs.

    **Parameters**

    - `input_shape`: $(N, C_{in}, H, W)$ or, unbatched, $(C_{in}, H, W)$.
    - `weight_shape`: $(C_{out}, C_{in}/g, k_H, k_W)$, as {py:func}`convdot.conv2d` expects.
    - `bias`: whether the layer has a bias (adds $C_{out}$ parameters).
    - `stride`, `padding`, `dilation`: as in {py:func}`convdot.conv2d`.
    - `groups`: $g$, dividing both $C_{in}$ and $C_{out}$.

    **Returns**: a {py:class}`Conv2dCost` with `output_shape` (as {py:func}`convdot.conv2d`
    would return it), `params` and `macs`.

    **Raises**: `TypeError` if a shape is not a tuple of ints (numpy integers included) of the
    right length, `bias` is not a bool, or `groups` is not an int; `ValueError` for a
    non-positive size or `groups`, channels that `groups` does not divide,
    `weight_shape[1] * groups != C_in`, and whatever {py:func}`convdot.conv2d_output_shape`
    refuses (stride or dilation < 1, negative padding, an empty output).

    **See also**: {py:func}`convdot.conv2d`, {py:func}`convdot.conv2d_output_shape`.

    **Example**: a $3 \times 3$ convolution from 32 to 64 channels on a $56 \times 56$ input,
    padding 1, has $64 \cdot 32 \cdot 9 + 64 = 18\,496$ parameters and
    $64 \cdot 56 \cdot 56 \cdot 32 \cdot 9 = 57\,802\,752$ MACs:

    ```python
    >>> conv2d_cost((1, 32, 56, 56), (64, 32, 3, 3), padding=1)
    Conv2dCost(output_shape=(1, 64, 56, 56), params=18496, macs=57802752)

    ```
    """
    shape = _as_shape(input_shape, "input_shape", (3, 4))
    c_out, c_per_group, kh, kw = _as_shape(weight_shape, "weight_shape", (4,))
    if not isinstance(bias, (bool, np.bool_)):
        raise TypeError(f"bias must be True or False (whether the layer has a bias); got {bias!r}")
    if not _is_int(groups):
        raise TypeError(f"groups must be an int; got {groups!r}")
    groups = int(groups)
    if groups < 1:
        raise ValueError(f"groups must be >= 1; got {groups!r}")
    c_in, hw = shape[-3], shape[-2:]
    if c_in % groups or c_out % groups:
        raise ValueError(
            f"groups must divide both C_in = {c_in} (input_shape) and C_out = {c_out} (weight_shape); got {groups!r}"
        )
    if c_per_group * groups != c_in:
        raise ValueError(
            f"weight_shape[1] must be C_in / groups = {c_in // groups} for input_shape {shape} and groups={groups}; "
            f"got weight_shape {weight_shape!r}"
        )
    h_out, w_out = conv2d_output_shape(hw, as_pair((kh, kw), "weight_shape[2:]", minimum=1), stride, padding, dilation)
    batch = shape[:-3]
    n = batch[0] if batch else 1
    taps = c_per_group * kh * kw
    params = c_out * taps + (c_out if bias else 0)
    return Conv2dCost((*batch, c_out, h_out, w_out), params, n * c_out * h_out * w_out * taps)
