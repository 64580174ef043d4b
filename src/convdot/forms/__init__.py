"""One module per equivalent form of the 2-D cross-correlation.

Each form is a public function `correlate_<form>(a, b, mode="valid")` that validates, checks
the memory and pads through the shared first stage, then computes the valid correlation its own
way. They all return the same numbers; the site proves why. {py:data}`FORM_KERNELS` is the table
`convdot.correlate2d` dispatches on: each form's valid correlation of prepared arrays, and what
it allocates.
"""

from .dot import correlate_dot, dot_valid
from .fft import correlate_fft, fft_is_exact_for_integers, fft_shape, fft_sizes, fft_valid
from .hadamard import correlate_hadamard, hadamard_valid
from .loops import correlate_loops, loops_valid
from .matrix import conv_matrix, correlate_matrix, matrix_sizes, matrix_valid
from .unroll import correlate_im2col, im2col, im2col_sizes, im2col_valid

FORM_KERNELS: dict[str, tuple] = {
    "loops": (loops_valid, None),
    "hadamard": (hadamard_valid, None),
    "dot": (dot_valid, None),
    "im2col": (im2col_valid, im2col_sizes),
    "matrix": (matrix_valid, matrix_sizes),
    "fft": (fft_valid, fft_sizes),
}
"""Each method name: the valid correlation of prepared (checked, cast, padded) arrays, and the
function estimating what it allocates beyond the padded input and the output (None: nothing)."""

__all__ = [
    "FORM_KERNELS",
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
