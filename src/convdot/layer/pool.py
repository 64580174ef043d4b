r"""Pooling: `max_pool2d`, `avg_pool2d` and their gradients, with PyTorch's semantics.

A pooling layer slides a $k_H \times k_W$ window over each channel separately, with a stride
that defaults to the window's size, and reduces the window to one number: its maximum, or its
mean. Average pooling is linear (a depthwise convolution with a uniform kernel); max pooling is
not. The window positions, the output-size rule (`ceil_mode` included) and the arguments are
those of `torch.nn.functional.max_pool2d` and `avg_pool2d`.

Every function checks all its arguments first (`check_pool`), then reads the padded input one
window tap at a time: tap $(u, v)$ of every window at once is one strided view of the padded
array, so the work is $k_H k_W$ vectorised passes over the output.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._memory import array_bytes, check_memory
from .._validate import as_pair, as_real_array

_INT64_MAX = int(np.iinfo(np.int64).max)


class Pool(NamedTuple):
    """The normalised arguments of one pooling call (the input not yet cast or padded)."""

    x: np.ndarray  # (N, C, H, W)
    kernel: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int]
    dilation: tuple[int, int]
    unbatched: bool
    out_hw: tuple[int, int]


def _as_flag(value: object, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {value!r}")
    return bool(value)


def _as_input(x: object) -> tuple[np.ndarray, bool]:
    """`x` as a 4-D real array (N, C, H, W), and whether it came unbatched as (C, H, W)."""
    try:
        ndim = np.ndim(x)
    except (ValueError, TypeError):
        ndim = 4  # not an array at all: as_real_array says why
    if ndim not in (3, 4):
        raise ValueError(f"x must be 4-D (N, C, H, W) or 3-D (C, H, W); got {ndim}-D array of shape {np.shape(x)}")
    arr = as_real_array(x, "x", ndim=ndim)
    return (arr[np.newaxis], True) if ndim == 3 else (arr, False)


def pool_output_size(n: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    r"""PyTorch's output length on one axis (`pooling_output_shape`).

    $\lfloor (n + 2p - d(k-1) - 1 + [\text{ceil}](s-1)) / s \rfloor + 1$, and with `ceil_mode`
    one less if the last window would start at or after $n + p$ (in the right padding or beyond).
    """
    out = (n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out


def check_pool(x, kernel_size, stride, padding, dilation, ceil_mode) -> Pool:
    """Normalise and check the arguments shared by every pooling function, before any work."""
    x, unbatched = _as_input(x)
    kernel = as_pair(kernel_size, "kernel_size", minimum=1)
    stride = kernel if stride is None else as_pair(stride, "stride", minimum=1)
    padding = as_pair(padding, "padding", minimum=0)
    dilation = as_pair(dilation, "dilation", minimum=1)
    ceil_mode = _as_flag(ceil_mode, "ceil_mode")
    if any(p > k // 2 for p, k in zip(padding, kernel, strict=True)):
        raise ValueError(
            f"padding must be at most half the kernel size (padding <= kernel_size // 2 on each axis, as in "
            f"PyTorch, whatever the dilation); got padding {padding!r} for kernel_size {kernel!r}"
        )
    out_hw = tuple(
        pool_output_size(n, k, s, p, d, ceil_mode)
        for n, k, s, p, d in zip(x.shape[-2:], kernel, stride, padding, dilation, strict=True)
    )
    if min(out_hw) < 1:
        span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True))
        raise ValueError(
            f"the output size must be >= 1 on each axis; got {out_hw!r}: the window {kernel!r} dilated by "
            f"{dilation!r} spans {span!r}, more than the input {tuple(x.shape[-2:])!r} padded by {padding!r}"
        )
    for axis in (0, 1):
        n, k, s, p, d = x.shape[2 + axis], kernel[axis], stride[axis], padding[axis], dilation[axis]
        # Window i's taps are a + d u (0 <= u < k) with a = s i - p; its first tap at or after 0 is u0.
        a = s * np.arange(out_hw[axis], dtype=np.int64) - p
        u0 = np.maximum(0, -(a // d))
        if not ((u0 < k) & (a + d * u0 < n)).all():
            raise ValueError(
                f"every window must hold at least one input entry; with kernel_size {kernel!r}, dilation "
                f"{dilation!r} and padding {padding!r}, a window on an input of size {tuple(x.shape[-2:])!r} "
                "lies entirely in the padding"
            )
    pool = Pool(x, kernel, stride, padding, dilation, unbatched, out_hw)
    (t0, b0), (t1, b1) = _padded_extent(pool)
    padded = (*x.shape[:2], x.shape[2] + t0 + max(b0, 0), x.shape[3] + t1 + max(b1, 0))
    output = (*x.shape[:2], *out_hw)
    check_memory(  # the padded copy, and the output with its indices or running sum (at most 8 bytes an entry)
        "pooling", [("the padded input", array_bytes(padded, 8)), ("the output and indices", array_bytes(output, 16))]
    )
    return pool


def _check_grad(pool: Pool, grad_out: object) -> np.ndarray:
    """`grad_out` as a 4-D real array of the pooling output's shape."""
    expected = (*pool.x.shape[:2], *pool.out_hw)
    shown = expected[1:] if pool.unbatched else expected
    g = as_real_array(grad_out, "grad_out", ndim=len(shown)) if np.ndim(grad_out) == len(shown) else None
    if g is None or g.shape != shown:
        raise ValueError(f"grad_out must have the pooling output's shape {shown}; got shape {np.shape(grad_out)}")
    return g[np.newaxis] if pool.unbatched else g


def _padded_extent(pool: Pool) -> tuple[tuple[int, int], tuple[int, int]]:
    """Padding `((top, bottom), (left, right))` that makes every window tap an index of the padded array.

    The bottom/right amount may exceed `padding` (`ceil_mode` windows run past it) or be negative
    (rows after the last window, never read, are cropped).
    """
    pads = []
    for n, k, s, p, d, out in zip(
        pool.x.shape[-2:], pool.kernel, pool.stride, pool.padding, pool.dilation, pool.out_hw, strict=True
    ):
        need = s * (out - 1) + d * (k - 1) + 1
        pads.append((p, need - n - p))
    return tuple(pads)


def _pad(a: np.ndarray, pads, fill) -> np.ndarray:
    """Pad (or crop, for a negative amount) the last two axes of `a` with the constant `fill`."""
    grow = tuple((top, max(bottom, 0)) for top, bottom in pads)
    out = np.pad(a, ((0, 0),) * (a.ndim - 2) + grow, constant_values=fill)
    (_, b0), (_, b1) = pads
    return out[..., : out.shape[-2] + min(b0, 0), : out.shape[-1] + min(b1, 0)]


def _taps(pool: Pool):
    """For each window tap $(u, v)$, the slices of the padded array that tap reads in every window."""
    (kh, kw), (s0, s1), (d0, d1), (oh, ow) = pool.kernel, pool.stride, pool.dilation, pool.out_hw
    for u in range(kh):
        for v in range(kw):
            yield (
                slice(d0 * u, d0 * u + s0 * (oh - 1) + 1, s0),
                slice(d1 * v, d1 * v + s1 * (ow - 1) + 1, s1),
            )


def _max_with_indices(pool: Pool) -> tuple[np.ndarray, np.ndarray]:
    pads = _padded_extent(pool)
    H, W = pool.x.shape[-2:]
    xp = _pad(pool.x, pads, 0)
    index = _pad(np.arange(H * W).reshape(H, W), pads, -1)  # the flat input index of each padded entry
    floating = pool.x.dtype.kind == "f"
    best = np.zeros((*pool.x.shape[:2], *pool.out_hw), dtype=pool.x.dtype)
    where = np.full(best.shape, -1, dtype=np.int64)
    for rows, cols in _taps(pool):
        val, idx = xp[..., rows, cols], index[rows, cols]
        # PyTorch's scan: the first maximum in row-major window order wins; a NaN always wins.
        take = (idx >= 0) & ((where < 0) | (val > best) | (np.isnan(val) if floating else False))
        best = np.where(take, val, best)
        where = np.where(take, idx, where)
    return best, where


def max_pool2d(
    x: object,
    kernel_size: object,
    stride: object = None,
    padding: object = 0,
    dilation: object = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    r"""2-D max pooling of each channel, with the semantics of `torch.nn.functional.max_pool2d`.

    $$y[n, c, i, j] = \max_{\substack{0 \le u < k_H,\ 0 \le v < k_W \\ \text{inside the input}}}
    x[n, c,\; s_0 i - p_0 + d_0 u,\; s_1 j - p_1 + d_1 v]$$

    Padding adds no candidates (it acts as $-\infty$): the maximum is over the window's entries
    that lie in the input. Ties go to the first entry in row-major window order; a NaN wins.

    **Parameters**

    - `x`: $(N, C, H, W)$, or unbatched $(C, H, W)$; bool, integer or float32/float64.
    - `kernel_size` $k$: an int or a pair of ints >= 1.
    - `stride` $s$: an int or a pair >= 1; `None` (the default) means `kernel_size`.
    - `padding` $p$: an int or a pair of ints on each side, $0 \le p \le \lfloor k/2 \rfloor$
      (PyTorch's limit, whatever the dilation).
    - `dilation` $d$: an int or a pair >= 1; the window's taps are $d$ apart.
    - `ceil_mode`: round the output size up instead of down (see below).
    - `return_indices`: also return, for each output, the flat index $i W + j$ of the chosen
      entry within its $H \times W$ input plane (PyTorch's convention, as `max_unpool2d` reads it).

    **Returns**: $y$ of shape $(N, C, H_{out}, W_{out})$ (unbatched: $(C, H_{out}, W_{out})$) in
    the dtype of `x`, with

    $$H_{out} = \left\lfloor \frac{H + 2 p_0 - d_0 (k_H - 1) - 1 + [\text{ceil\_mode}]\,(s_0 - 1)}{s_0}
    \right\rfloor + 1,$$

    minus one if `ceil_mode` and the last window would start at $s_0 (H_{out} - 1) \ge H + p_0$
    (every window starts inside the input or the left padding); likewise $W_{out}$. With
    `return_indices`, the pair `(y, indices)`, `indices` of $y$'s shape and dtype int64.

    **Raises**: `ValueError` for a wrong rank or an empty input, a kernel size, stride or
    dilation < 1, a negative padding or one above half the kernel size, an output size < 1, or
    a window lying entirely in the padding (possible only with dilation; PyTorch returns $-\infty$
    and an index outside the plane there); `TypeError` for a non-real dtype, a non-integer size
    or a non-bool flag.

    **See also**: {py:func}`convdot.max_pool2d_backward`, {py:func}`convdot.avg_pool2d`.

    **Example**: two 2×2 windows of one channel.

    ```python
    >>> max_pool2d([[[1, 5, 2, 0], [3, 4, 8, 1]]], 2)
    array([[[5, 8]]])
    >>> max_pool2d([[[1, 5, 2, 0], [3, 4, 8, 1]]], 2, return_indices=True)[1]
    array([[[1, 6]]])

    ```
    """
    pool = check_pool(x, kernel_size, stride, padding, dilation, ceil_mode)
    return_indices = _as_flag(return_indices, "return_indices")
    y, indices = _max_with_indices(pool)
    if pool.unbatched:
        y, indices = y[0], indices[0]
    return (y, indices) if return_indices else y


def max_pool2d_backward(
    x: object,
    grad_out: object,
    kernel_size: object,
    stride: object = None,
    padding: object = 0,
    dilation: object = 1,
    ceil_mode: bool = False,
) -> np.ndarray:
    r"""The gradient of {py:func}`convdot.max_pool2d` with respect to its input.

    Each output's gradient $G[n, c, i, j]$ goes to the one input entry its window chose (the
    arg-max of {py:func}`convdot.max_pool2d`), and an entry chosen by several windows receives
    the sum:

    $$\frac{\partial L}{\partial x}[n, c, a, b] = \sum_{i, j\,:\ \mathrm{idx}[n, c, i, j] = a W + b} G[n, c, i, j].$$

    This is the derivative wherever the maximum of every window is unique (there max pooling is
    locally a selection, a linear map); at ties it is the one-sided choice PyTorch makes.

    **Parameters**: `x` and the pooling arguments as in {py:func}`convdot.max_pool2d`; `grad_out`
    of its output's shape.

    **Returns**: an array of the shape of `x`; float dtypes follow numpy's promotion of `x` and
    `grad_out`, integers and bools give exact int64.

    **Raises**: everything `max_pool2d` raises; `ValueError` for a `grad_out` not of the output's
    shape, or integers whose sums could overflow int64.

    **Example**: both outputs' gradients land on the entries 5 and 8.

    ```python
    >>> max_pool2d_backward([[[1, 5, 2, 0], [3, 4, 8, 1]]], [[[10, 20]]], 2)
    array([[[ 0, 10,  0,  0],
            [ 0,  0, 20,  0]]])

    ```
    """
    pool = check_pool(x, kernel_size, stride, padding, dilation, ceil_mode)
    g = _check_grad(pool, grad_out)
    dtype = np.result_type(pool.x.dtype, g.dtype)
    if dtype.kind != "f":
        dtype = np.dtype(np.int64)
        windows = min(pool.kernel[0], pool.out_hw[0]) * min(pool.kernel[1], pool.out_hw[1])
        bound = max(int(g.max()), -int(g.min())) * windows
        if bound > _INT64_MAX:
            raise ValueError(f"integer grad_out could give gradients up to {bound}, beyond the int64 range")
    _, indices = _max_with_indices(pool)
    N, C, H, W = pool.x.shape
    out = np.zeros((N * C, H * W), dtype=dtype)
    planes = np.arange(N * C)[:, None]
    np.add.at(out, (planes, indices.reshape(N * C, -1)), g.astype(dtype, copy=False).reshape(N * C, -1))
    out = out.reshape(N, C, H, W)
    return out[0] if pool.unbatched else out


def _avg_args(count_include_pad, divisor_override):
    count_include_pad = _as_flag(count_include_pad, "count_include_pad")
    if divisor_override is not None:
        if isinstance(divisor_override, (bool, np.bool_)) or not isinstance(divisor_override, (int, np.integer)):
            raise TypeError(f"divisor_override must be None or a non-zero int; got {divisor_override!r}")
        if divisor_override == 0:
            raise ValueError(f"divisor_override must be None or a non-zero int; got {divisor_override!r}")
        divisor_override = int(divisor_override)
    return count_include_pad, divisor_override


def avg_pool_divisors(pool: Pool, count_include_pad: bool, divisor_override: int | None) -> np.ndarray:
    r"""The divisor of each output, $(H_{out}, W_{out})$, by PyTorch's rule.

    On each axis the window starts at $a = s i - p$ and is cut at $\min(a + k, n + p)$, the end of
    the right padding. With `count_include_pad` the divisor is the cut window's area (padding
    counted, the part past the padding that only `ceil_mode` reaches not); without, the number of
    its entries inside the input; `divisor_override` replaces both.
    """
    if divisor_override is not None:
        return np.full(pool.out_hw, float(divisor_override))
    sizes = []
    for n, k, s, p, out in zip(pool.x.shape[-2:], pool.kernel, pool.stride, pool.padding, pool.out_hw, strict=True):
        start = s * np.arange(out) - p
        end = np.minimum(start + k, n + p)
        sizes.append(end - start if count_include_pad else np.minimum(end, n) - np.maximum(start, 0))
    return np.outer(*sizes).astype(np.float64)


def _float_dtype(*dtypes) -> np.dtype:
    dtype = np.result_type(*dtypes)
    return dtype if dtype.kind == "f" else np.dtype(np.float64)


def avg_pool2d(
    x: object,
    kernel_size: object,
    stride: object = None,
    padding: object = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> np.ndarray:
    r"""2-D average pooling of each channel, with the semantics of `torch.nn.functional.avg_pool2d`.

    $$y[n, c, i, j] = \frac{1}{D_{ij}} \sum_{u=0}^{k_H-1} \sum_{v=0}^{k_W-1}
    x_{pad}[n, c,\; s_0 i + u,\; s_1 j + v]$$

    where $x_{pad}$ is $x$ with $p$ zeros on each side (and more zeros on the right where
    `ceil_mode` windows run past them). The divisor $D_{ij}$ is the window's area clipped to the
    padded input (`count_include_pad=True`, the default), the number of its entries inside $x$
    (`False`), or `divisor_override`. Away from
    the border and without `ceil_mode`, $D_{ij} = k_H k_W$ in both cases: the layer is the
    depthwise convolution with the uniform kernel $1/(k_H k_W)$ and stride $s$.

    **Parameters**

    - `x`: $(N, C, H, W)$, or unbatched $(C, H, W)$; bool, integer or float32/float64.
    - `kernel_size`, `stride` (default `kernel_size`), `padding` ($\le \lfloor k/2 \rfloor$),
      `ceil_mode`: as in {py:func}`convdot.max_pool2d` (there is no dilation).
    - `count_include_pad`: count the zero padding in the divisor.
    - `divisor_override`: a non-zero int used as every divisor, or `None`.

    **Returns**: shape $(N, C, H_{out}, W_{out})$ (unbatched: $(C, H_{out}, W_{out})$), with the
    output-size rule of {py:func}`convdot.max_pool2d` at $d = 1$. float32 stays float32; float64,
    integers and bools give float64 (a mean is not an integer).

    **Raises**: as {py:func}`convdot.max_pool2d`, and `ValueError`/`TypeError` for a
    `divisor_override` that is zero or not an int, or a non-bool `count_include_pad`.

    **See also**: {py:func}`convdot.avg_pool2d_backward`; {py:func}`convdot.conv2d` with
    `groups=C` and a uniform kernel computes the same numbers away from the border.

    **Example**: the means of two 2×2 windows.

    ```python
    >>> avg_pool2d([[[1, 5, 2, 0], [3, 4, 8, 1]]], 2)
    array([[[3.25, 2.75]]])

    ```
    """
    pool = check_pool(x, kernel_size, stride, padding, 1, ceil_mode)
    count_include_pad, divisor_override = _avg_args(count_include_pad, divisor_override)
    dtype = _float_dtype(pool.x.dtype)
    xp = _pad(pool.x.astype(dtype, copy=False), _padded_extent(pool), 0)
    total = np.zeros((*pool.x.shape[:2], *pool.out_hw), dtype=dtype)
    for rows, cols in _taps(pool):
        total += xp[..., rows, cols]
    y = total / avg_pool_divisors(pool, count_include_pad, divisor_override).astype(dtype)
    return y[0] if pool.unbatched else y


def avg_pool2d_backward(
    x: object,
    grad_out: object,
    kernel_size: object,
    stride: object = None,
    padding: object = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> np.ndarray:
    r"""The gradient of {py:func}`convdot.avg_pool2d` with respect to its input.

    Average pooling is linear, so its gradient is its adjoint: every output spreads
    $G[n, c, i, j] / D_{ij}$ evenly over its window, and each input entry sums what it receives,

    $$\frac{\partial L}{\partial x}[n, c, a, b] = \sum_{(i, j)\,:\ (a, b) \in \text{window}(i, j)}
    \frac{G[n, c, i, j]}{D_{ij}};$$

    entries in the padding receive their share too and are dropped.

    **Parameters**: `x` (only its shape and dtype matter) and the pooling arguments as in
    {py:func}`convdot.avg_pool2d`; `grad_out` of its output's shape.

    **Returns**: an array of the shape of `x`, float32 if `x` and `grad_out` are float32 and
    float64 otherwise (numpy's promotion; integers give float64).

    **Raises**: everything `avg_pool2d` raises; `ValueError` for a `grad_out` not of the
    output's shape.

    **Example**: each output's gradient, divided by 4, lands on its four inputs.

    ```python
    >>> avg_pool2d_backward([[[1, 5, 2, 0], [3, 4, 8, 1]]], [[[4, 8]]], 2)
    array([[[1., 1., 2., 2.],
            [1., 1., 2., 2.]]])

    ```
    """
    pool = check_pool(x, kernel_size, stride, padding, 1, ceil_mode)
    count_include_pad, divisor_override = _avg_args(count_include_pad, divisor_override)
    g = _check_grad(pool, grad_out)
    dtype = _float_dtype(pool.x.dtype, g.dtype)
    share = g.astype(dtype, copy=False) / avg_pool_divisors(pool, count_include_pad, divisor_override).astype(dtype)
    pads = _padded_extent(pool)
    (t0, b0), (t1, b1) = pads
    N, C, H, W = pool.x.shape
    grad_xp = np.zeros((N, C, t0 + H + max(b0, 0), t1 + W + max(b1, 0)), dtype=dtype)
    for rows, cols in _taps(pool):
        grad_xp[..., rows, cols] += share
    out = grad_xp[..., t0 : t0 + H, t1 : t1 + W]
    return out[0] if pool.unbatched else out
