"""The convolution theorem: correlation is a product in the frequency domain."""

from __future__ import annotations

import math

import numpy as np
import scipy.fft

from .._dtypes import exact_in_float64, float_work
from .._memory import Sizes, array_bytes
from .._prepare import prepare


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

    The float64 FFT result differs from the exact one by at most the normwise bound of
    {py:func}`convdot.numerics.fft_correlate_error_bound`; we require
    $11\, \varepsilon\, (\log_2 N + 1) \|A\|_1 \|B\|_1 < 1/2$, which keeps that bound below 1/2,
    so that rounding to the nearest integer is exact.
    """
    return exact_in_float64(np.asarray(a), np.asarray(b), "fft", points=math.prod(fft_shape(np.shape(a)[-2:])))


def fft_sizes(padded_shape: tuple[int, int], kernel_shape: tuple[int, int], itemsize: int) -> Sizes:
    """The spectra and the inverse transform of {py:func}`correlate_fft` (in float64 for integers)."""
    n0, n1 = fft_shape(padded_shape)
    real = 4 if itemsize == 4 else 8  # float32 stays float32; float64 and integers work in float64
    spectrum = array_bytes((n0, n1 // 2 + 1), 2 * real)
    return [("three spectra", 3 * spectrum), ("the inverse transform", array_bytes((n0, n1), real))]


def correlate_fft(a: object, b: object, mode: str = "valid") -> np.ndarray:
    r"""2-D cross-correlation by the convolution theorem.

    With $\mathcal F$ the 2-D discrete Fourier transform of size $N_0 \times N_1$ and
    $\overline{\,\cdot\,}$ complex conjugation,

    $$C = \mathcal F^{-1}\big[\mathcal F(A) \cdot \overline{\mathcal F(B)}\big]
    \,[0{:}H-h+1,\; 0{:}W-w+1]$$

    where $B$ is zero-padded to $N_0 \times N_1$ (see {py:func}`fft_shape` for why
    $N \ge H$ suffices). Cost $O(N_0 N_1 \log(N_0 N_1))$ whatever the kernel size.

    **Numerics**: float32 inputs are transformed in float32; results carry round-off of order
    $\varepsilon \log N$ times the data's magnitude even where the exact answer is 0, and a
    NaN or inf anywhere in the input spreads to every output. **Large values**: a spectrum entry
    reaches $\|A\|_1 \|B\|_1$ and the inverse transform sums $N_0 N_1$ of them before dividing,
    so when $N_0 N_1 \|A\|_1 \|B\|_1$ passes the dtype's largest number (about $3.4 \cdot 10^{38}$
    in float32, $1.8 \cdot 10^{308}$ in float64) the result can be inf or NaN although every exact
    output is finite: this method computes as asked and does not check; `method="auto"` never
    picks it then. Integer inputs are transformed in float64 and rounded, which is exact when
    {py:func}`fft_is_exact_for_integers` holds; otherwise a `ValueError` is raised.

    **Parameters**: `a` (H, W), `b` (h, w), `mode` as in {py:func}`convdot.correlate2d`.

    **Returns**: the correlation, shaped and typed as by {py:func}`convdot.correlate2d`.
    """
    return fft_valid(*prepare(a, b, mode, function="correlate_fft", work=fft_sizes))


def fft_valid(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The valid correlation of prepared `a` and `b` by the convolution theorem."""
    shape = fft_shape(a.shape)
    work = float_work(a, b, "fft", "fft", points=math.prod(shape), instead="im2col")
    spectrum = scipy.fft.rfft2(work.cast(a), shape) * np.conj(scipy.fft.rfft2(work.cast(b), shape))
    full = scipy.fft.irfft2(spectrum, shape)
    return work.back(full[: a.shape[0] - b.shape[0] + 1, : a.shape[1] - b.shape[1] + 1], a.dtype)
