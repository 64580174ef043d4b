"""The definition itself: four nested Python loops."""

from __future__ import annotations

import numpy as np

from .._prepare import prepare


def correlate_loops(a: object, b: object, mode: str = "valid") -> np.ndarray:
    r"""2-D cross-correlation computed literally from its definition.

    $$C[m, n] = \sum_{u=0}^{h-1} \sum_{v=0}^{w-1} A[m+u,\, n+v]\, B[u, v]$$

    Four nested loops and nothing else: the reference every other form is checked
    against. It is slow (about a microsecond per multiply-add); use it to read, not to run.

    **Parameters**: `a` (H, W), `b` (h, w), `mode` as in {py:func}`convdot.correlate2d`.

    **Returns**: the correlation, shaped and typed as by {py:func}`convdot.correlate2d`.
    """
    return loops_valid(*prepare(a, b, mode, function="correlate_loops"))


def loops_valid(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The valid correlation of prepared `a` and `b` by four nested loops."""
    H, W = a.shape
    h, w = b.shape
    c = np.zeros((H - h + 1, W - w + 1), dtype=a.dtype)
    for m in range(H - h + 1):
        for n in range(W - w + 1):
            total = 0
            for u in range(h):
                for v in range(w):
                    total += a[m + u, n + v] * b[u, v]
            c[m, n] = total
    return c
