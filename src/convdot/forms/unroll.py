"""im2col: unroll every window into a column of one matrix, then take a single matrix product."""

from __future__ import annotations

import numpy as np

from .._prepare import prepare
from .._validate import as_pair, as_real_array
from .._windows import windows


def im2col(a: object, kernel_shape: tuple[int, int]) -> np.ndarray:
    r"""The matrix $X_{col}$ whose columns are the flattened windows of `a`.

    For `a` of shape (H, W) and a kernel of shape (h, w) the result has shape
    `(h*w, (H-h+1)*(W-w+1))`. Column $j = m (W-w+1) + n$ (output positions in row-major
    order) is the window at $(m, n)$ flattened row-major:

    $$X_{col}[u w + v,\; m (W-w+1) + n] = A[m+u,\, n+v].$$

    It is a copy: each entry of `a` appears in up to $h w$ columns, so $X_{col}$ holds up
    to $h w$ times as many numbers as `a`.

    **Raises**: `ValueError` if `kernel_shape` is not a pair of positive ints that fits in `a`.

    **Example**: `b.ravel() @ im2col(a, b.shape)` equals `correlate2d(a, b).ravel()`.
    """
    a = as_real_array(a, "a", ndim=2)
    h, w = as_pair(kernel_shape, "kernel_shape", minimum=1)
    if h > a.shape[0] or w > a.shape[1]:
        raise ValueError(f"kernel_shape must fit inside a of shape {a.shape}; got {kernel_shape!r}")
    view = windows(a, (h, w))
    return view.reshape(-1, h * w).T


def correlate_im2col(a: object, b: object, mode: str = "valid") -> np.ndarray:
    r"""2-D cross-correlation as one matrix product with the im2col matrix.

    $$\operatorname{vec}(C)^{\mathsf T} = \operatorname{vec}(B)^{\mathsf T} X_{col}$$

    the cs231n form `np.dot(W_row, X_col)` with a single filter. Fast for small kernels,
    at the price of the $h w$-fold copy made by {py:func}`im2col`.

    **Parameters**: `a` (H, W), `b` (h, w), `mode` as in {py:func}`convdot.correlate2d`.

    **Returns**: the correlation, shaped and typed as by {py:func}`convdot.correlate2d`.
    """
    a, b = prepare(a, b, mode)
    out_shape = (a.shape[0] - b.shape[0] + 1, a.shape[1] - b.shape[1] + 1)
    return (b.ravel() @ im2col(a, b.shape)).reshape(out_shape)
