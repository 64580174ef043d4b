"""Bad input gets a clear error that names the argument, what was given and what is accepted."""

from __future__ import annotations

import numpy as np
import pytest

import convdot

GOOD = np.ones((4, 4))

BAD_CALLS = [
    ("a 1-D input", lambda: convdot.correlate2d(np.ones(4), GOOD), ValueError, r"a must be 2-D; got 1-D"),
    ("a 3-D kernel", lambda: convdot.correlate2d(GOOD, np.ones((2, 2, 2))), ValueError, r"b must be 2-D; got 3-D"),
    ("an empty input", lambda: convdot.correlate2d(np.ones((0, 3)), GOOD), ValueError, r"a must not be empty"),
    (
        "a kernel larger than the input in valid mode",
        lambda: convdot.correlate2d(np.ones((3, 3)), np.ones((4, 2))),
        ValueError,
        r"in mode 'valid' the kernel b must fit inside a on both axes; "
        r"got a of shape \(3, 3\) and b of shape \(4, 2\).*scipy.signal swaps the arguments",
    ),
    (
        "a complex input",
        lambda: convdot.correlate2d(GOOD.astype(complex), GOOD),
        TypeError,
        r"a must have a real dtype \(bool, signed or unsigned integers, float32 or float64\); got dtype complex128",
    ),
    ("a string kernel", lambda: convdot.correlate2d(GOOD, np.array([["x"]])), TypeError, r"b must have a real dtype"),
    ("a float16 input", lambda: convdot.correlate2d(GOOD.astype(np.float16), GOOD), TypeError, r"got dtype float16"),
    ("an object input", lambda: convdot.correlate2d([[1, None]], [[1]]), TypeError, r"got dtype object"),
    (
        "an unknown mode",
        lambda: convdot.correlate2d(GOOD, GOOD, mode="circular"),
        ValueError,
        r"mode must be one of 'valid', 'same', 'full'; got 'circular'",
    ),
    (
        "an unknown method",
        lambda: convdot.convolve2d(GOOD, GOOD, method="winograd"),
        ValueError,
        r"method must be one of 'loops', 'hadamard', 'dot', 'im2col', 'matrix', 'fft', 'auto'; got 'winograd'",
    ),
    (
        "a kernel_shape that does not fit",
        lambda: convdot.im2col(GOOD, (5, 1)),
        ValueError,
        r"kernel_shape must fit inside a of shape \(4, 4\); got \(5, 1\)",
    ),
    (
        "a kernel_shape that is not a pair",
        lambda: convdot.im2col(GOOD, (1, 2, 3)),
        TypeError,
        r"kernel_shape must be an int or a pair of ints; got \(1, 2, 3\)",
    ),
    (
        "a non-positive input_shape",
        lambda: convdot.conv_matrix(GOOD, (0, 4), "full"),
        ValueError,
        r"input_shape must be >= 1 on each axis; got \(0, 4\)",
    ),
    (
        "an integer FFT too large to round exactly",
        lambda: convdot.correlate2d(np.full((8, 8), 2**40), np.full((3, 3), 2**10), method="fft"),
        ValueError,
        r"method 'fft' cannot guarantee an exact integer result",
    ),
]


@pytest.mark.parametrize(("call", "error", "message"), [c[1:] for c in BAD_CALLS], ids=[c[0] for c in BAD_CALLS])
def test_bad_input_raises_a_message_naming_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()
