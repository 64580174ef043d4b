"""Each output is the sum of the element-wise (Hadamard) product of a window and the kernel."""

from __future__ import annotations

import numpy as np

from .._prepare import prepare


def correlate_hadamard(a: object, b: object, mode: str = "valid") -> np.ndarray:
    r"""2-D cross-correlation as a sum of element-wise products, window by window.

    $$C[m, n] = \sum_{u,v} \big(A_{[m,n]} \odot B\big)[u, v],
    \qquad A_{[m,n]} = A[m:m+h,\; n:n+w]$$

    where $\odot$ is the Hadamard (element-wise) product of two $h \times w$ arrays.

    **Parameters**: `a` (H, W), `b` (h, w), `mode` as in {py:func}`convdot.correlate2d`.

    **Returns**: the correlation, shaped and typed as by {py:func}`convdot.correlate2d`.
    """
    return hadamard_valid(*prepare(a, b, mode, function="correlate_hadamard"))


def hadamard_valid(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The valid correlation of prepared `a` and `b`, one element-wise product per window."""
    h, w = b.shape
    c = np.zeros((a.shape[0] - h + 1, a.shape[1] - w + 1), dtype=a.dtype)
    for m, n in np.ndindex(c.shape):
        window = a[m : m + h, n : n + w]
        c[m, n] = np.sum(window * b)
    return c
