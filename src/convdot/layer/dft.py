r"""DFT helpers of the pruned FFT: columns of the DFT matrix, and the FLOP estimate `"auto"` weighs."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ..forms import fft_shape


def dft_columns(size: int, taps: int, dtype: np.dtype, *, half: bool = False) -> np.ndarray:
    r"""The first `taps` columns of the `size`-point DFT matrix with the inverse's sign.

    $$G[a, u] = e^{+2\pi i\, a u / \text{size}}, \qquad 0 \le u < \text{taps},$$

    for $0 \le a < \text{size}$, or $0 \le a \le \lfloor \text{size}/2 \rfloor$ with `half`
    (the frequencies a real FFT keeps). For a real kernel $w$ of $k$ taps zero-padded to `size`,
    $G w = \overline{\mathcal F[w]}$: the conjugate spectrum a correlation multiplies by, at
    $\text{size} \cdot k$ multiply-adds (fewer than an FFT's when $k$ is small), as one matrix
    product. Computed in float64, returned in the complex `dtype`.
    """
    rows = size // 2 + 1 if half else size
    angle = (2 * np.pi / size) * np.outer(np.arange(rows), np.arange(taps))
    return np.exp(1j * angle).astype(dtype)


FFT_LAYER_CROSSOVER = 4.0
"""How many times faster numpy runs a FLOP of a matrix product than a FLOP of an FFT.

A matrix product runs at several times the FLOP rate of FFTs and element-wise complex products
in numpy; 4 is about that ratio on a 2-core AMD EPYC with OpenBLAS (see the performance page).
`"auto"` weighs the FFT's transforms and channel sums by it (see `fft_flops`)."""


class FFTFlops(NamedTuple):
    """Estimated FLOPs of {py:func}`convdot.layer.fast.conv2d_fft_pruned`, by the kind of work."""

    spectral: float
    """Image transforms and the sum over channels at every frequency: FFT-like work."""
    matrix: float
    """The kernel spectra: matrix products with columns of the DFT matrices, at BLAS speed."""


def fft_flops(xp_shape: tuple[int, ...], w_shape: tuple[int, ...]) -> FFTFlops:
    r"""Estimated FLOPs of {py:func}`convdot.layer.fast.conv2d_fft_pruned` for a padded input and a weight.

    With $N_0 \times N_1$ the transform size, $F = N_0 (N_1/2 + 1)$ its kept frequencies and
    $2.5 P \log_2 P$ the usual count of a real FFT of $P = N_0 N_1$ points: `spectral` is the
    $N (C_{in} + C_{out})$ image transforms and the $N C_{out} C_g F$ complex multiply-adds
    (8 FLOPs each) of the sum over channels; `matrix` is the kernel spectra,
    $C_{out} C_g (k_H k_W + N_0 k_H)(N_1/2 + 1)$ complex multiply-adds in two matrix products
    with the first $k_W$, then $k_H$, columns of the DFT matrices.
    """
    n, c_in = xp_shape[:2]
    c_out, c_g, k_h, k_w = w_shape
    n0, n1 = fft_shape(xp_shape[-2:])
    p, half = n0 * n1, n1 // 2 + 1
    transforms = n * (c_in + c_out) * 2.5 * p * math.log2(max(p, 2))
    return FFTFlops(transforms + 8 * n * c_out * c_g * n0 * half, 8 * c_out * c_g * (k_h * k_w + n0 * k_h) * half)
