r"""Backpropagation through `conv2d`: each gradient is itself a convolution.

Given $\partial L / \partial Y$ (`grad_out`), the chain rule applied to the layer's sum gives

$$\frac{\partial L}{\partial X_p} = T_W^{\mathsf T}\, \frac{\partial L}{\partial Y}, \qquad
\frac{\partial L}{\partial W[o, c, u, v]} = \sum_{n, i, j} X_p[n, g(o) C_g + c, s_0 i + d_0 u, s_1 j + d_1 v]\,
\frac{\partial L}{\partial Y[n, o, i, j]}, \qquad
\frac{\partial L}{\partial b[o]} = \sum_{n, i, j} \frac{\partial L}{\partial Y[n, o, i, j]}.$$

The first is the transposed convolution (`convdot.layer.transpose.transpose_padded`), then
pulled back through the padding; the second is a correlation of the input with `grad_out`,
in which the forward stride becomes the dilation and the dilation the stride.
"""

from __future__ import annotations

import numpy as np

from .._dtypes import INT64_MAX, channel_sum_abs, common_dtype
from .._memory import array_bytes, check_memory
from .._validate import check_choice
from ._checks import as_batch, check_conv2d
from ._padding import pad, pad_sources, unpad
from .conv import layer_methods
from .methods import run_layer_form
from .transpose import transpose_padded


def weight_gradient(
    xp: np.ndarray,
    grad_out: np.ndarray,
    kernel_hw: tuple[int, int],
    stride,
    dilation,
    groups: int,
    method="auto",
    *,
    function: str = "conv2d_backward",
) -> np.ndarray:
    r"""$\partial L/\partial W$ of shape $(C_{out}, C_g, k_H, k_W)$, as one conv2d-form call.

    Swap the roles: the input channels $c$ become a batch, the samples $n$ become the channels
    summed over, and `grad_out` (shape $(N, C_{out}, H_{out}, W_{out})$) becomes the kernel,
    sampled at stride $d$ and dilated by $s$:

    $$\frac{\partial L}{\partial W}[o, c, u, v] = \sum_{n} \sum_{i, j}
    X_p^{\mathsf T}[c,\, g(o) N + n,\, d_0 u + s_0 i,\, d_1 v + s_1 j]\;
    G^{\mathsf T}[o, n, i, j]$$

    with $X_p^{\mathsf T}[c, g N + n] = X_p[n, g C_g + c]$, $G^{\mathsf T}[o, n] = G[n, o]$ and the
    same `groups`, which keeps each output channel on its own group's inputs.
    """
    n, c_in = xp.shape[:2]
    c_g = c_in // groups
    (k_h, k_w), (s0, s1), (d0, d1) = kernel_hw, stride, dilation
    h_out, w_out = grad_out.shape[-2:]
    # Rows and columns past the last window are never read: crop them so the result is (kH, kW).
    used = xp[..., : s0 * (h_out - 1) + d0 * (k_h - 1) + 1, : s1 * (w_out - 1) + d1 * (k_w - 1) + 1]
    x_t = (
        used.reshape(n, groups, c_g, *used.shape[-2:])
        .transpose(2, 1, 0, 3, 4)
        .reshape(c_g, groups * n, *used.shape[-2:])
    )
    g_t = grad_out.swapaxes(0, 1)
    return run_layer_form(method, x_t, g_t, dilation, stride, groups, function=function).swapaxes(0, 1)


def conv2d_backward(
    x: object,
    w: object,
    grad_out: object,
    stride: object = 1,
    padding: object = 0,
    dilation: object = 1,
    groups: int = 1,
    *,
    padding_mode: str = "zeros",
    method: str = "auto",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""The gradients of {py:func}`convdot.conv2d` with respect to its input, weight and bias.

    For a loss $L$ and $G = \partial L / \partial Y$ at $Y = \mathrm{conv2d}(X, W, b)$:

    $$\begin{aligned}
    \frac{\partial L}{\partial X} &= P^{\mathsf T} T_W^{\mathsf T} G, \\
    \frac{\partial L}{\partial W}[o, c, u, v] &= \sum_{n,i,j}
    X_p[n,\, g(o) C_g + c,\, s_0 i + d_0 u,\, s_1 j + d_1 v]\; G[n, o, i, j], \\
    \frac{\partial L}{\partial b[o]} &= \sum_{n,i,j} G[n, o, i, j]
    \end{aligned}$$

    where $P$ is the padding ($X_p = P X$) and $T_W$ the layer's matrix. $T_W^{\mathsf T} G$ is
    the transposed convolution: a full correlation of $G$ (zeros inserted for the stride) with the
    kernel rotated by 180° and channels swapped. $P^{\mathsf T}$ crops for `"zeros"`; for the other
    modes it adds the gradient of each padded copy back onto the pixel it copies. Each term is
    computed by a layer form, none by autograd or finite differences.

    **Parameters**: `x`, `w`, `stride`, `padding`, `dilation`, `groups`, `padding_mode` as in
    {py:func}`convdot.conv2d`; `grad_out` of conv2d's output shape $(N, C_{out}, H_{out}, W_{out})$
    (unbatched without $N$, like `x`); `method` as in conv2d, for every convolution computed.

    **Returns**: `(grad_x, grad_w, grad_bias)` of the shapes of `x`, `w` and $(C_{out},)$, in the
    dtype conv2d would give `grad_out` and `w` (float32 stays float32; integers exact in int64).

    **Raises**: everything {py:func}`convdot.conv2d` raises (the memory budget included); `ValueError`
    for a `grad_out` not of the output's shape, or integers whose gradients could overflow int64
    (bounded per channel of each gradient's kernel).

    **See also**: {py:func}`convdot.conv_transpose2d`, the same computation as `grad_x`.

    **Example**: with $Y = 2x_0 + 3x_1$ over a 1×2 input and a 1×2 kernel, the gradient with
    respect to the input is the kernel and with respect to the kernel the input:

    ```python
    >>> gx, gw, gb = conv2d_backward([[[5, 7]]], [[[[2, 3]]]], [[[1]]])
    >>> gx.tolist(), gw.tolist(), gb.tolist()
    ([[[2, 3]]], [[[[5, 7]]]], [1])

    ```
    """
    layer = check_conv2d(x, w, None, stride, padding, dilation, groups, padding_mode)
    check_choice(method, "method", layer_methods())
    g, g_unbatched = as_batch(grad_out, "grad_out")
    expected = (layer.x.shape[0], layer.w.shape[0], *layer.out_hw)
    if g.shape != expected or g_unbatched != layer.unbatched:
        shown = expected[1:] if layer.unbatched else expected
        raise ValueError(f"grad_out must have conv2d's output shape {shown}; got shape {np.shape(grad_out)}")
    n, c_in, h, w_in = layer.x.shape
    (top, bottom), (left, right) = layer.pads
    padded = (n, c_in, h + top + bottom, w_in + left + right)
    item = max(layer.x.itemsize, layer.w.itemsize, g.itemsize, 8 if layer.x.dtype.kind != "f" else 4)
    base = [(f"the padded input {padded}", array_bytes(padded, item))]
    check_memory("conv2d_backward", base)  # before the padding's index image and the dtype checks
    input_hw = layer.x.shape[-2:]
    copies = int(np.bincount(pad_sources(input_hw, layer.pads, padding_mode).ravel() + 1)[1:].max())
    # Each bound per output channel of its kernel: w's input channels (axis 1) for grad_x, where a
    # padded pixel's copies add up; grad_out's channels (axis 1) for grad_w and grad_bias.
    dtype = np.result_type(
        common_dtype(g, layer.w, names=("grad_out", "w"), axis=1, terms=copies),
        common_dtype(layer.x, g, names=("x", "grad_out"), axis=1),
    )
    if dtype.kind != "f" and (bias_bound := channel_sum_abs(g, axis=1)) > INT64_MAX:
        raise ValueError(f"integer grad_out could give a grad_bias up to {bias_bound}, beyond the int64 range")
    g = g.astype(dtype, copy=False)
    w = layer.w.astype(dtype, copy=False)
    if layer.x.shape[0] == 0:  # an empty batch: empty grad_x, and nothing summed into grad_w and grad_bias
        grad_x = np.zeros(layer.x.shape, dtype=dtype)
        return grad_x, np.zeros(w.shape, dtype=dtype), np.zeros(w.shape[0], dtype=dtype)
    xp = pad(layer.x.astype(dtype, copy=False), layer.pads, padding_mode)
    grad_xp = transpose_padded(
        g, w, xp.shape[-2:], layer.stride, layer.dilation, layer.groups, method, function="conv2d_backward", base=base
    )
    grad_x = unpad(grad_xp, input_hw, layer.pads, padding_mode)
    grad_w = weight_gradient(xp, g, w.shape[-2:], layer.stride, layer.dilation, layer.groups, method)
    grad_bias = g.sum(axis=(0, 2, 3))
    return (grad_x[0] if layer.unbatched else grad_x), grad_w, grad_bias
