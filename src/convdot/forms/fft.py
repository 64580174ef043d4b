"""The convolution theorem: correlation is a product in the frequency domain."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import scipy.fft

from .._prepare import prepare

_EPS64 = float(np.finfo(np.float64).eps)


def fft_shape(input_shape: tuple[int, int]) -> tuple[int, int]:
    r"""Transform size used for a valid correlation of an input of `input_shape`.

    A circular correlation of length $N$ differs from the linear one only at outputs whose
    window wraps past the end. For the valid outputs $m \le H-h$ the window ends at
    $m + h - 1 \le H - 1 < N$, so any $N \ge H$ gives the linear result there: the kernel
    is zero-padded to $N$, and $N$ is rounded up to a fast FFT length.
    """
    return tuple(scipy.fft.next_fast_len(n, real=True) for n in input_shape)


def fft_is_exact_for_integers(a: np.ndarray, b: np.ndarray) -> bool:
    r"""Whether rounding a float64 FFT correlation of integer arrays recovers the exact result.

    The float64 FFT result differs from the exact one by at most about
    $c\, \varepsilon \log_2 N \, \|A\|_1 \|B\|_2$; we require
    $8\, \varepsilon\, (\log_2 N + 1) \|A\|_1 \|B\|_1 < 1/2$, a safe margin,
    so that rounding to the nearest integer is exact.
    """
    n = math.prod(fft_shape(a.shape))
    norms = float(np.abs(a, dtype=np.float64).sum()) * float(np.abs(b, dtype=np.float64).sum())
    return 8 * _EPS64 * (math.log2(n) + 1) * norms < 0.5


def exact_work_dtype(
    a: np.ndarray,
    b: np.ndarray,
    method: str,
    *,
    exact: Callable[[np.ndarray, np.ndarray], bool] = fft_is_exact_for_integers,
    why: str = "float64 round-off could exceed 1/2",
    instead: str = "im2col",
) -> np.dtype:
    """The dtype a method that computes in floating point and rounds integers works in.

    Float inputs: their own dtype. Integer inputs: float64, whose result the method rounds,
    provided `exact(a, b)` guarantees that rounding recovers the exact integers; otherwise a
    `ValueError` names `method`, the reason `why` and the method to use `instead`.
    """
    if a.dtype.kind == "f":
        return a.dtype
    if not exact(a, b):
        raise ValueError(
            f"method {method!r} cannot guarantee an exact integer result for inputs this large "
            f"({why}); use method={instead!r} or 'auto'"
        )
    return np.dtype(np.float64)


def correlate_fft(a: object, b: object, mode: str = "valid") -> np.ndarray:
    r"""2-D cross-correlation by the convolution theorem.

    With $\mathcal F$ the 2-D discrete Fourier transform of size $N_0 \times N_1$ and
    $\overline{\,\cdot\,}$ complex conjugation,

    $$C = \mathcal F^{-1}\big[\mathcal F(A) \cdot \overline{\mathcal F(B)}\big]
    \,[0{:}H-h+1,\; 0{:}W-w+1]$$

    where $B$ is zero-padded to $N_0 \times N_1$ (see {py:func}`fft_shape` for why
    $N \ge H$ suffices). Cost $O(N_0 N_1 \log(N_0 N_1))$ whatever the kernel size.

    Numerics: float32 inputs are transformed in float32; results carry round-off of order
    $\varepsilon \log N$ times the data's magnitude even where the exact answer is 0, and a
    NaN or inf anywhere in the input spreads to every output. Integer inputs are transformed
    in float64 and rounded, which is exact when {py:func}`fft_is_exact_for_integers` holds;
    otherwise a `ValueError` is raised.

    **Parameters**: `a` (H, W), `b` (h, w), `mode` as in {py:func}`convdot.correlate2d`.

    **Returns**: the correlation, shaped and typed as by {py:func}`convdot.correlate2d`.
    """
    a, b = prepare(a, b, mode)
    integer = a.dtype.kind != "f"
    work = exact_work_dtype(a, b, "fft")
    shape = fft_shape(a.shape)
    spectrum = scipy.fft.rfft2(a.astype(work, copy=False), shape) * np.conj(
        scipy.fft.rfft2(b.astype(work, copy=False), shape)
    )
    full = scipy.fft.irfft2(spectrum, shape)
    c = full[: a.shape[0] - b.shape[0] + 1, : a.shape[1] - b.shape[1] + 1]
    return np.rint(c).astype(a.dtype) if integer else c.astype(a.dtype, copy=False)
