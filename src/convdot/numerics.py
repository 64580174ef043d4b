r"""Rounding-error bounds for the direct sums of products that every direct form computes.

A direct form (loops, element-wise products, dot products, im2col, the convolution matrix,
the layer's direct forms) computes each output as a sum of $n$ products. Whatever the order of
the additions, the computed sum $\hat s$ of $\sum_{i=1}^{n} a_i b_i$ satisfies
{cite:p}`higham2002accuracy` (§3.1, eq. (3.5)):

$$|\hat s - s| \le \gamma_n \sum_{i=1}^{n} |a_i|\,|b_i|, \qquad
\gamma_n = \frac{n \mathbf u}{1 - n \mathbf u}, \qquad \mathbf u = \tfrac{1}{2}\,\varepsilon,$$

where $\varepsilon$ is the machine epsilon of the working precision (`np.finfo(dtype).eps`:
$2^{-52}$ for float64, $2^{-23}$ for float32) and $\mathbf u$ its unit round-off. The bound is
*componentwise*: each output's error is measured against the sum of the absolute values of its
own products, which is the correlation of $|A|$ with $|B|$. These functions compute that
bound through the library, so a page or a test can assert a computed result against it
instead of a hand-picked tolerance.
"""

from __future__ import annotations

import math

import numpy as np

from ._dtypes import RULES as INTEGER_RULES
from ._dtypes import exact_in_float64
from ._shapes import mode_padding
from .correlate import correlate2d
from .layer import conv2d


def unit_roundoff(dtype: object) -> float:
    r"""The unit round-off $\mathbf u = \varepsilon / 2$ of a floating dtype (0 for an integer dtype, which is exact).

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
    r"""Higham's $\gamma_n = n \mathbf u / (1 - n \mathbf u)$ for a sum of `n` products in `dtype`.

    Requires $n \mathbf u < 1$.
    """
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


def fft_transform_error(t: int, dtype: object, twiddle_error: float | None = None) -> float:
    r"""Higham's normwise relative error $\Phi_\chi = \chi\Theta / (1 - \chi\Theta)$ of a radix-2 FFT, length $2^\chi$.

    $\chi$ is the argument `t`.

    {cite:t}`higham2002accuracy` (§24.1, Theorem 24.2): if $\hat y = fl(F x)$ is computed by the
    Cooley-Tukey radix-2 FFT of length $n = 2^\chi$, with computed twiddle factors
    $\hat\omega$ that satisfy $|\hat\omega - \omega| \le \varpi$, then

    $$\frac{\|\hat y - y\|_2}{\|y\|_2} \le \frac{\chi\Theta}{1 - \chi\Theta}, \qquad
    \Theta = \varpi + \gamma_4 (\sqrt 2 + \varpi).$$

    A 2-D transform of $N_0 \times N_1 = 2^{\chi_0} \times 2^{\chi_1}$ done as 1-D transforms along rows
    and then columns obeys the same bound with $\chi = \chi_0 + \chi_1$ (Frobenius norms), because
    $(1 + \Phi_{\chi_0})(1 + \Phi_{\chi_1}) \le 1 + \Phi_{\chi_0 + \chi_1}$.
    `twiddle_error` is $\varpi$ (default: $\mathbf u$ of `dtype`, twiddles correctly rounded);
    requires $\chi\Theta < 1$.

    ```python
    >>> eta = unit_roundoff(np.float64) + gamma(4, np.float64) * (2**0.5 + unit_roundoff(np.float64))
    >>> fft_transform_error(12, np.float64) == 12 * eta / (1 - 12 * eta)
    True
    >>> fft_transform_error(0, np.float64)  # a transform of length 1 is exact
    0.0

    ```
    """
    u = unit_roundoff(dtype)
    tau = u if twiddle_error is None else float(twiddle_error)
    if tau < 0:
        raise ValueError(f"twiddle_error must be >= 0; got {twiddle_error!r}")
    eta = tau + gamma(4, dtype) * (math.sqrt(2) + tau)
    if t * eta >= 1:
        raise ValueError(f"the FFT bound needs t * eta < 1; got t={t!r} with eta={eta!r}")
    return t * eta / (1 - t * eta)


def fft_correlate_error_bound(
    a: object, b: object, mode: str = "valid", dtype: object = None, twiddle_error: float | None = None
) -> float:
    r"""A proven normwise bound on $\|\hat C - C\|_F$ for a correlation computed through three radix-2 FFTs.

    The computation modelled is the one of {py:func}`convdot.forms.correlate_fft`: $A$ padded
    for `mode`, $B$ padded with zeros to the transform shape $N_0 \times N_1$
    ({py:func}`convdot.forms.fft_shape`, $N = N_0 N_1 = 2^\chi$), $\hat C = fl(\mathcal F^{-1}
    [fl(\mathcal F A) \cdot \overline{fl(\mathcal F B)}])$, each transform satisfying
    {py:func}`fft_transform_error`'s $\Phi = \Phi_\chi$, each complex product relative
    error at most $\sqrt 2\,\gamma_2$ ({cite:t}`higham2002accuracy`, §3.6), the scaling by $1/N$
    exact (a power of two; no underflow or overflow). With $\|X\|_1 = \sum |X|$ (entrywise) and
    $\Pi = \min(\|A\|_1 \|B\|_F,\ \|A\|_F \|B\|_1)$:

    $$\|\hat C - C\|_F \le \Phi\Pi + (1 + \Phi)\Big[(1 + \sqrt2\gamma_2)
    \big(\Phi(\|A\|_F\|B\|_1 + \|A\|_1\|B\|_F) + \Phi^2 \sqrt{N_0 N_1}\, \|A\|_F\|B\|_F\big)
    + \sqrt 2 \gamma_2\,\Pi\Big],$$

    where $C$ is the exact circular correlation of the $N_0 \times N_1$ arrays; its entries at the
    outputs of `mode` are the linear correlation's, so the bound holds for the error of those
    outputs (and for the largest one). The derivation is on the page {doc}`/fft`.

    **Parameters**: `a`, `b`, `mode` as {py:func}`convdot.correlate2d`; `dtype` the working
    precision (default: that of `correlate_fft`, float64 for integers); `twiddle_error` $\varpi$.

    **Returns**: the bound, a float. **Raises** `ValueError` when the transform shape is not a pair
    of powers of two: Theorem 24.2 is proven for radix 2 only. The library's FFT (scipy's
    pocketfft: real-input, mixed-radix transforms) is not that algorithm; the bound is proven for
    the radix-2 model, and the pages and tests check that the library's error stays within it.

    ```python
    >>> A, B = np.ones((8, 8)), np.ones((3, 3))
    >>> bound = fft_correlate_error_bound(A, B)
    >>> phi, g2 = fft_transform_error(6, np.float64), np.sqrt(2) * gamma(2, np.float64)
    >>> rho = min(64 * 3, 8 * 9)
    >>> expected = phi * rho + (1 + phi) * ((1 + g2) * (phi * (8 * 9 + 64 * 3) + phi**2 * 8 * 8 * 3) + g2 * rho)
    >>> bool(expected <= bound <= expected * (1 + 1e-12))  # enlarged for the float64 norms
    True

    ```
    """
    from .forms import fft_shape

    a = np.asarray(a)
    b = np.asarray(b)
    if dtype is None:
        dtype = correlate2d(a[:1, :1], b[:1, :1]).dtype
        dtype = dtype if np.dtype(dtype).kind == "f" else np.float64
    (top, bottom), (left, right) = mode_padding(b.shape, mode)
    shape = fft_shape((a.shape[0] + top + bottom, a.shape[1] + left + right))
    if any(n & (n - 1) for n in shape):
        raise ValueError(
            f"the FFT bound is proven for radix-2 transforms only; the transform shape {shape} "
            "is not a pair of powers of two"
        )
    t = sum(n.bit_length() - 1 for n in shape)
    phi = fft_transform_error(t, dtype, twiddle_error)
    g2 = math.sqrt(2) * gamma(2, dtype)
    a_abs, b_abs = np.abs(a).astype(np.float64), np.abs(b).astype(np.float64)
    a_f, a1 = float(np.sqrt(np.sum(a_abs**2))), float(np.sum(a_abs))  # ||A||_F, ||A||_1
    b_f, b1 = float(np.sqrt(np.sum(b_abs**2))), float(np.sum(b_abs))
    rho = min(a1 * b_f, a_f * b1)
    inner = (1 + g2) * (phi * (a_f * b1 + a1 * b_f) + phi**2 * math.sqrt(shape[0] * shape[1]) * a_f * b_f)
    bound = phi * rho + (1 + phi) * (inner + g2 * rho)
    # The norms are float64 sums of n non-negative terms (relative error at most gamma_n, one more
    # u for a square root), multiplied in pairs, and the formula adds a few roundings more: every
    # term's relative error is below gamma_{3n + 20}, so dividing by 1 - that bounds the exact value.
    n = a.size + b.size
    return float(bound / (1 - gamma(3 * n + 20, np.float64)))


def integers_exact_in_float64(x: object, w: object, rule: str, *, points: int = 1) -> bool:
    r"""Whether the library may compute the integer correlation of `x` with `w` in float64 and round back.

    The rules (`INTEGER_RULES`), the ones the library applies before it computes integers in
    floating point: `"direct"` (any sum of products, the float64 BLAS path):
    $X_{max} \max_o \sum |w[o]| < 2^{53}$; `"winograd"` (F(2×2, 3×3)): $36$ times that $< 2^{50}$;
    `"fft"` (a transform of `points` points): $11\,\varepsilon(\log_2 N + 1)\max_n\|x[n]\|_1
    \max_o\|w[o]\|_1 < 1/2$. `x` and `w` are a layer's $(N, C_{in}, H, W)$ input and
    $(C_{out}, C_g, k_H, k_W)$ weights, or 2-D arrays (one sample, one filter).

    ```python
    >>> integers_exact_in_float64(np.full((1, 1, 3, 3), 2**40), np.ones((1, 1, 3, 3), int), "direct")
    True
    >>> integers_exact_in_float64(np.full((1, 1, 3, 3), 2**50), np.ones((1, 1, 3, 3), int), "direct")
    False

    ```
    """
    if rule not in INTEGER_RULES:
        raise ValueError(f"rule must be one of {', '.join(map(repr, INTEGER_RULES))}; got {rule!r}")
    return exact_in_float64(np.asarray(x), np.asarray(w), rule, points=points)
