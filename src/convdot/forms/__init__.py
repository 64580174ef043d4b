"""One module per equivalent form of the 2-D cross-correlation.

Each form is a public function `correlate_<form>(a, b, mode="valid")` that validates
and pads through the shared first stage (`convdot._prepare.prepare`), then computes the valid
correlation its own way. They all return the same numbers; the site proves why.
"""

from .dot import correlate_dot
from .fft import correlate_fft, fft_is_exact_for_integers, fft_shape
from .hadamard import correlate_hadamard
from .loops import correlate_loops
from .matrix import conv_matrix, correlate_matrix
from .unroll import correlate_im2col, im2col

__all__ = [
    "conv_matrix",
    "correlate_dot",
    "correlate_fft",
    "correlate_hadamard",
    "correlate_im2col",
    "correlate_loops",
    "correlate_matrix",
    "fft_is_exact_for_integers",
    "fft_shape",
    "im2col",
]
