"""Each output is the dot product of the flattened window with the flattened kernel."""

from __future__ import annotations

import numpy as np

from .._prepare import prepare


def correlate_dot(a: object, b: object, mode: str = "valid") -> np.ndarray:
    r"""2-D cross-correlation as one dot product of flattened vectors per output.

    $$C[m, n] = \operatorname{vec}(A_{[m,n]}) \cdot \operatorname{vec}(B)
    = \sum_{k=0}^{hw-1} \operatorname{vec}(A_{[m,n]})_k \operatorname{vec}(B)_k$$

    with $\operatorname{vec}$ the row-major flattening (`ravel`) of an $h \times w$ array.

    **Parameters**: `a` (H, W), `b` (h, w), `mode` as in {py:func}`convdot.correlate2d`.

    **Returns**: the correlation, shaped and typed as by {py:func}`convdot.correlate2d`.
    """
    return dot_valid(*prepare(a, b, mode, function="correlate_dot"))


def dot_valid(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The valid correlation of prepared `a` and `b`, one dot product per window."""
    h, w = b.shape
    kernel = b.ravel()
    c = np.zeros((a.shape[0] - h + 1, a.shape[1] - w + 1), dtype=a.dtype)
    for m, n in np.ndindex(c.shape):
        c[m, n] = np.dot(a[m : m + h, n : n + w].ravel(), kernel)
    return c
