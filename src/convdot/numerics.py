r"""Rounding-error bounds for the direct sums of products that every direct form computes.

A direct form (loops, element-wise products, dot products, im2col, the convolution matrix,
the layer's direct forms) computes each output as a sum of $n$ products. Whatever the order of
the additions, the computed sum $\hat s$ of $\sum_{i=1}^{n} a_i b_i$ satisfies
{cite:p}`higham2002accuracy` (§3.1, eq. (3.5)):

$$|\hat s - s| \le \gamma_n \sum_{i=1}^{n} |a_i|\,|b_i|, \qquad
\gamma_n = \frac{n u}{1 - n u}, \qquad u = \tfrac{1}{2}\,\varepsilon,$$

where $\varepsilon$ is the machine epsilon of the working precision (`np.finfo(dtype).eps`:
$2^{-52}$ for float64, $2^{-23}$ for float32) and $u$ its unit round-off. The bound is
*componentwise*: each output's error is measured against the sum of the absolute values of its
own products, which is the correlation of $|A|$ with $|B|$. These functions compute that
bound through the library, so a page or a test can assert a computed result against it
instead of a hand-picked tolerance.
"""

from __future__ import annotations

import numpy as np

from .correlate import correlate2d
from .layer.conv import conv2d


def unit_roundoff(dtype: object) -> float:
    r"""The unit round-off $u = \varepsilon / 2$ of a floating dtype (0 for an integer dtype, which is exact).

    ```python
    >>> unit_roundoff(np.float64) == 2.0**-53
    True

    ```
    """
    dtype = np.dtype(dtype)
    if dtype.kind in "biu":
        return 0.0
    return float(np.finfo(dtype).eps) / 2


def gamma(n: int, dtype: object) -> float:
    r"""Higham's $\gamma_n = n u / (1 - n u)$ for a sum of `n` products in `dtype`; requires $n u < 1$."""
    u = unit_roundoff(dtype)
    if n * u >= 1:
        raise ValueError(f"gamma needs n * u < 1; got n={n!r} with u={u!r}")
    return n * u / (1 - n * u)


def _bound(absolute_sum: np.ndarray, n: int, dtype: np.dtype) -> np.ndarray:
    # absolute_sum is itself a float64 sum of n non-negative products, computed with relative
    # error at most gamma_n(float64); dividing by (1 - that) makes the bound hold for the exact sum.
    g = gamma(n, dtype)
    return g * absolute_sum / (1 - gamma(n, np.float64))


def correlate2d_error_bound(a: object, b: object, mode: str = "valid", dtype: object = None) -> np.ndarray:
    r"""The componentwise bound $\gamma_{hw}\,(|A| \star |B|)$ on the error of any direct `correlate2d`.

    **Parameters**: `a` $(H, W)$, `b` $(h, w)$ and `mode` as {py:func}`convdot.correlate2d`; `dtype`
    the working precision (default: the dtype `correlate2d(a, b)` returns).

    **Returns**: an array of the shape of `correlate2d(a, b, mode)`, in float64: entry $[m, n]$
    bounds $|\hat C[m,n] - C[m,n]|$ for every direct method. Zero for integer results, which are exact.

    ```python
    >>> A = np.array([[1.0, -2.0], [3.0, 4.0]])
    >>> bound = correlate2d_error_bound(A, A)
    >>> bool(bound[0, 0] == gamma(4, np.float64) * 30 / (1 - gamma(4, np.float64)))
    True

    ```
    """
    a = np.asarray(a)
    b = np.asarray(b)
    dtype = np.dtype(dtype) if dtype is not None else correlate2d(a[:1, :1], b[:1, :1]).dtype
    absolute = correlate2d(np.abs(a).astype(np.float64), np.abs(b).astype(np.float64), mode, method="im2col")
    return _bound(absolute, b.shape[0] * b.shape[1], dtype)


def conv2d_error_bound(
    x: object, w: object, bias: object = None, dtype: object = None, **geometry: object
) -> np.ndarray:
    r"""The componentwise bound on the error of any direct `conv2d`: $\gamma_n\,(\mathrm{conv2d}(|X|, |W|) + |b|)$.

    Each output is a sum of $n = (C_{in}/g)\, k_H k_W$ products, plus the bias when there is one
    ($n + 1$ terms). **Parameters** as {py:func}`convdot.conv2d` (`geometry`: `stride`, `padding`,
    `dilation`, `groups`, `padding_mode`); `dtype` the working precision (default: the dtype of
    `conv2d(x, w, bias)`). **Returns** a float64 array of the shape of `conv2d(x, w, bias, **geometry)`.
    """
    x = np.asarray(x)
    w = np.asarray(w)
    absolute_bias = None if bias is None else np.abs(np.asarray(bias)).astype(np.float64)
    absolute = conv2d(
        np.abs(x).astype(np.float64), np.abs(w).astype(np.float64), absolute_bias, method="im2col", **geometry
    )
    if dtype is None:  # the layer promotes as correlate2d does
        operands = [x, w] if bias is None else [x, w, np.asarray(bias)]
        dtype = correlate2d(*(np.ravel(t)[:1].reshape(1, 1) for t in operands[:2])).dtype
        if bias is not None:
            dtype = np.result_type(dtype, operands[2].dtype)
    n = w.shape[-3] * w.shape[-2] * w.shape[-1] + (bias is not None)
    return _bound(absolute, n, np.dtype(dtype))
