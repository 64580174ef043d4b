"""im2col: unroll every window into a column of one matrix, then take a single matrix product."""

from __future__ import annotations

import numpy as np

from .._memory import Sizes, array_bytes, check_memory
from .._prepare import prepare
from .._validate import as_pair, as_real_array
from .._windows import windows


def im2col_sizes(padded_shape: tuple[int, int], kernel_shape: tuple[int, int], itemsize: int) -> Sizes:
    """The im2col matrix of a valid correlation: $h w \\times H_{out} W_{out}$ entries."""
    (H, W), (h, w) = padded_shape, kernel_shape
    shape = (h * w, (H - h + 1) * (W - w + 1))
    return [(f"the im2col matrix {shape}", array_bytes(shape, itemsize))]


def im2col(a: object, kernel_shape: tuple[int, int]) -> np.ndarray:
    r"""The matrix $X_{col}$ whose columns are the flattened windows of `a`.

    For `a` of shape (H, W) and a kernel of shape (h, w) the result has shape
    `(h*w, (H-h+1)*(W-w+1))`. Column $j = m (W-w+1) + n$ (output positions in row-major
    order) is the window at $(m, n)$ flattened row-major:

    $$X_{col}[u w + v,\; m (W-w+1) + n] = A[m+u,\, n+v].$$

    It is always a new, writeable, C-contiguous array (even for a 1×1 kernel or a broadcast
    input, where a view would be possible): each entry of `a` appears in up to $h w$ columns,
    so $X_{col}$ holds up to $h w$ times as many numbers as `a`. Its size is checked against the
    memory budget ({py:func}`convdot.set_memory_budget`) before it is allocated.

    **Raises**: `ValueError` if `kernel_shape` is not a pair of positive ints that fits in `a`;
    {py:class}`convdot.MemoryBudgetError` if the matrix exceeds the memory budget.

    **Example**: `b.ravel() @ im2col(a, b.shape)` equals `correlate2d(a, b).ravel()`.
    """
    a = as_real_array(a, "a", ndim=2)
    h, w = as_pair(kernel_shape, "kernel_shape", minimum=1)
    if h > a.shape[0] or w > a.shape[1]:
        raise ValueError(f"kernel_shape must fit inside a of shape {a.shape}; got {kernel_shape!r}")
    check_memory("im2col", im2col_sizes(a.shape, (h, w), a.itemsize))
    return unrolled(a, (h, w))


def unrolled(a: np.ndarray, kernel_shape: tuple[int, int]) -> np.ndarray:
    """{py:func}`im2col` of a checked 2-D array: one copy of the window view, rows $(u, v)$."""
    view = windows(a, kernel_shape)  # (H_out, W_out, h, w)
    out = np.empty((*kernel_shape, *view.shape[:2]), dtype=a.dtype)
    out[...] = view.transpose(2, 3, 0, 1)
    return out.reshape(kernel_shape[0] * kernel_shape[1], -1)


def correlate_im2col(a: object, b: object, mode: str = "valid") -> np.ndarray:
    r"""2-D cross-correlation as one matrix product with the im2col matrix.

    $$\operatorname{vec}(C)^{\mathsf T} = \operatorname{vec}(B)^{\mathsf T} X_{col}$$

    the cs231n form `np.dot(W_row, X_col)` with a single filter. Fast for small kernels,
    at the price of the $h w$-fold copy made by {py:func}`im2col`.

    **Parameters**: `a` (H, W), `b` (h, w), `mode` as in {py:func}`convdot.correlate2d`.

    **Returns**: the correlation, shaped and typed as by {py:func}`convdot.correlate2d`.
    """
    return im2col_valid(*prepare(a, b, mode, function="correlate_im2col", work=im2col_sizes))


def im2col_valid(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The valid correlation of prepared `a` and `b` as one product with the im2col matrix."""
    out_shape = (a.shape[0] - b.shape[0] + 1, a.shape[1] - b.shape[1] + 1)
    return (b.ravel() @ unrolled(a, b.shape)).reshape(out_shape)
