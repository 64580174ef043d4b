r"""Transposed convolution: the adjoint of `conv2d` with respect to its input.

`conv2d` with a fixed weight is a linear map $x \mapsto T_W x$ (see
{py:func}`convdot.layer.layer_matrix`). Its transpose $T_W^{\mathsf T}$ is two things at once:
the gradient of `conv2d` with respect to its input, and the layer PyTorch calls
`conv_transpose2d`. Both are computed here, once, as an ordinary convolution: spread the
input onto the stride's grid with zeros in between, pad it fully, and correlate it with
the kernel rotated by 180° and with its input and output channels swapped.
"""

from __future__ import annotations

import numpy as np

from .._memory import Sizes, array_bytes, check_memory
from .._validate import as_pair, as_real_array, check_choice
from ._checks import as_batch, as_bias, as_groups, result_dtype
from ._padding import insert_zeros
from .conv import layer_methods
from .methods import run_layer_form


def transposed_weight(w: np.ndarray, groups: int) -> np.ndarray:
    r"""The weight of the adjoint: channels swapped within each group, kernel rotated 180°.

    For `w` of shape $(C_{out}, C_g, k_H, k_W)$ the result $\tilde W$ has shape
    $(C_{in}, C_{out}/g, k_H, k_W)$ with
    $\tilde W[\gamma C_g + c', o', u, v] = W[\gamma\, C_{out}/g + o',\, c',\, k_H-1-u,\, k_W-1-v]$
    for each group $\gamma < g$, input channel $c' < C_g$ and output channel $o' < C_{out}/g$ of
    the group: group by group, the transpose of the channel matrix, each entry a flipped kernel.
    """
    c_out, c_g, k_h, k_w = w.shape
    blocks = w.reshape(groups, c_out // groups, c_g, k_h, k_w).swapaxes(1, 2)
    return blocks.reshape(groups * c_g, c_out // groups, k_h, k_w)[..., ::-1, ::-1]


def transpose_padded(
    y: np.ndarray,
    w: np.ndarray,
    padded_hw: tuple[int, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
    groups: int,
    method: str = "auto",
    *,
    function: str,
    base: Sizes = (),
) -> np.ndarray:
    r"""$T_W^{\mathsf T} y$ for the layer form with weight `w` on a padded input of size `padded_hw`.

    `y` $(N, C_{out}, H_{out}, W_{out})$ and `w` $(C_{out}, C_g, k_H, k_W)$ share a dtype. Index
    form of the adjoint, for each padded input position $(a, b)$:

    $$\big(T_W^{\mathsf T} y\big)[n, c, a, b] = \sum_{o,\, i,\, j,\, u,\, v \,:\,
    s_0 i + d_0 u = a,\; s_1 j + d_1 v = b} y[n, o, i, j]\, W[o, c - g(c) C_g, u, v],$$

    where $g(c) = \lfloor c / C_g \rfloor$ is the group of input channel $c$ and $o$ runs over
    the output channels of that group.

    It is computed as a convolution: `y` with $s-1$ zeros inserted between entries,
    padded by $d(k-1)$ on both sides (plus the rows the stride never reached at the end),
    correlated at stride 1 and dilation $d$ with `transposed_weight`. A fraction
    $1 - 1/(s_0 s_1)$ of those multiplications hit inserted zeros: simple, not fast.
    """
    reached = [s * (n - 1) + 1 for s, n in zip(stride, y.shape[-2:], strict=True)]
    # Full padding d(k-1) before; after, enough that the stride-1 output has padded_hw's size.
    pads = [(0, 0), (0, 0)]
    for size, r, d, k in zip(padded_hw, reached, dilation, w.shape[-2:], strict=True):
        pads.append((d * (k - 1), size - r))
    padded = (*y.shape[:2], *(r + p0 + p1 for r, (p0, p1) in zip(reached, pads[2:], strict=True)))
    spread_sizes = [
        (f"the spread input {(*y.shape[:2], *reached)}", array_bytes((*y.shape[:2], *reached), y.itemsize)),
        (f"its padded copy {padded}", array_bytes(padded, y.itemsize)),
    ]
    check_memory(function, [*base, *spread_sizes])
    spread = np.pad(insert_zeros(y, stride), pads)
    w_t = transposed_weight(w, groups)
    return run_layer_form(method, spread, w_t, (1, 1), dilation, groups, function=function, base=[*base, *spread_sizes])


def conv_transpose2d(
    x: object,
    w: object,
    bias: object = None,
    stride: object = 1,
    padding: object = 0,
    output_padding: object = 0,
    groups: int = 1,
    dilation: object = 1,
    *,
    method: str = "auto",
) -> np.ndarray:
    r"""Transposed convolution, with the semantics of `torch.nn.functional.conv_transpose2d`.

    Each input value scatters a copy of its filter, scaled, onto the output, at stride $s$:

    $$Y[n, o, s_0 i + d_0 u - p_0,\; s_1 j + d_1 v - p_1] \mathrel{+}= X[n, c, i, j]\; W[c, o - g(c) C'_g, u, v]$$

    summed over all $c$ in $o$'s group, $(i, j)$ and $(u, v)$, then $b[o]$ added; here
    $C'_g = C_{out}/g$ is the number of output channels per group and
    $g(c) = \lfloor c\, g / C_{in} \rfloor$ the group of input channel $c$. It is the
    adjoint of {py:func}`convdot.conv2d` with the same weight, stride, padding, dilation and
    groups, which is how it is computed (`convdot.layer.transpose.transpose_padded`): for $x$ and $y$ of
    matching shapes, $\langle \mathrm{conv2d}(x), y \rangle = \langle x, \mathrm{conv\_transpose2d}(y) \rangle$.
    It inverts conv2d's *shapes*, not its values.

    **Parameters**

    - `x`: $(N, C_{in}, H, W)$ or unbatched $(C_{in}, H, W)$.
    - `w`: $(C_{in}, C_{out}/g, k_H, k_W)$ (conv2d's weight for the reverse direction).
    - `bias`: $(C_{out},)$ or `None`.
    - `stride`, `dilation`: an int or a pair >= 1; `padding`: an int or a pair >= 0, cropped
      from each side of the output.
    - `output_padding`: an int or a pair >= 0, each smaller than the stride or the dilation on
      its axis: extra rows/columns at the bottom/right, choosing among the input sizes that
      conv2d maps to the same $H$ when $s > 1$.
    - `groups`: an int dividing $C_{in}$ and $C_{out}$.
    - `method` (keyword-only): a name in {py:data}`convdot.layer.LAYER_FORMS` or `"auto"`, used for
      the underlying convolution.

    **Returns**: $(N, C_{out}, H_{out}, W_{out})$ (unbatched without $N$) with
    $H_{out} = (H - 1) s_0 - 2 p_0 + d_0 (k_H - 1) + \mathrm{output\_padding}_0 + 1$, likewise $W_{out}$.
    Dtype as {py:func}`convdot.conv2d`.

    **Raises**: `ValueError` for wrong ranks, `x.shape[1] != w.shape[0]`, `groups` not dividing the
    channels, a `bias` of the wrong length, a stride or dilation < 1, a negative padding or
    output_padding, an output_padding not smaller than the stride or the dilation, an output
    size < 1, an unknown `method`; `TypeError` for a non-real dtype, a masked array or non-integer
    sizes; {py:class}`convdot.MemoryBudgetError` when the spread and padded input, the output and
    the method's work arrays would exceed the memory budget ({py:func}`convdot.set_memory_budget`).

    **See also**: {py:func}`convdot.conv2d_backward`, whose `grad_x` is this function's output
    (with the padding mode's adjoint in place of the crop).

    **Example**: a stride-2 transposed convolution of two pixels with a 1×2 kernel:

    ```python
    >>> conv_transpose2d([[[1, 10]]], [[[[1, 2]]]], stride=2)
    array([[[ 1,  2, 10, 20]]])

    ```
    """
    x, unbatched = as_batch(x, "x")
    w = as_real_array(w, "w", ndim=4)
    stride = as_pair(stride, "stride", minimum=1)
    dilation = as_pair(dilation, "dilation", minimum=1)
    padding = as_pair(padding, "padding", minimum=0)
    output_padding = as_pair(output_padding, "output_padding", minimum=0)
    if any(op >= max(s, d) for op, s, d in zip(output_padding, stride, dilation, strict=True)):
        raise ValueError(
            f"output_padding must be smaller than the stride or the dilation on each axis; "
            f"got output_padding={output_padding!r}, stride={stride!r}, dilation={dilation!r}"
        )
    c_in = x.shape[1]
    groups = as_groups(groups, {"the input channels C_in": c_in})
    if w.shape[0] != c_in:
        raise ValueError(f"x has C_in={c_in} channels but w of shape {w.shape} expects w.shape[0] = {w.shape[0]}")
    bias = as_bias(bias, w.shape[1] * groups)
    check_choice(method, "method", layer_methods())
    out_hw = tuple(
        (n - 1) * s - 2 * p + d * (k - 1) + op + 1
        for n, s, p, d, k, op in zip(x.shape[-2:], stride, padding, dilation, w.shape[-2:], output_padding, strict=True)
    )
    if min(out_hw) < 1:
        raise ValueError(
            f"the output size must be >= 1 on each axis; got {out_hw!r} from input {x.shape[-2:]}, "
            f"stride {stride!r}, padding {padding!r}, dilation {dilation!r}, kernel {w.shape[-2:]}"
        )
    dtype = result_dtype(x, w, bias)
    padded_hw = (out_hw[0] + 2 * padding[0], out_hw[1] + 2 * padding[1])
    grad = transpose_padded(
        x.astype(dtype, copy=False), w.astype(dtype, copy=False), padded_hw, stride, dilation, groups, method,
        function="conv_transpose2d",
    )  # fmt: skip
    y = grad[..., padding[0] : padding[0] + out_hw[0], padding[1] : padding[1] + out_hw[1]]
    if bias is not None:
        y = y + bias.astype(dtype)[:, np.newaxis, np.newaxis]
    return y[0] if unbatched else y
