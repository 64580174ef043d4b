"""Every bad argument of the layer functions gets an error naming it, what was given and what is accepted."""

from __future__ import annotations

import numpy as np
import pytest

import convdot
from convdot.layer import layer_matrix, weight_matrix

X = np.ones((2, 4, 5, 5))
W = np.ones((6, 2, 3, 3))

BAD_CALLS = [
    ("a 2-D input", lambda: convdot.conv2d(np.ones((5, 5)), W), ValueError, r"x must be 4-D \(N, C, H, W\) or 3-D"),
    ("a 5-D input", lambda: convdot.conv2d(np.ones((1, 1, 4, 5, 5)), W), ValueError, r"x must be 4-D .*got 5-D"),
    ("a 3-D weight", lambda: convdot.conv2d(X, np.ones((6, 3, 3))), ValueError, r"w must be 4-D; got 3-D"),
    ("a complex input", lambda: convdot.conv2d(X.astype(complex), W), TypeError, r"x must have a real dtype"),
    ("no input channels", lambda: convdot.conv2d(np.ones((1, 0, 5, 5)), W), ValueError, r"x must not be empty"),
    (
        "a channel mismatch",
        lambda: convdot.conv2d(X, np.ones((6, 3, 3, 3))),
        ValueError,
        r"x has C_in=4 channels but w of shape \(6, 3, 3, 3\) with groups=1 expects w.shape\[1\] \* groups = 3",
    ),
    (
        "groups not dividing the input channels",
        lambda: convdot.conv2d(X, np.ones((6, 2, 3, 3)), groups=3),
        ValueError,
        r"groups must divide the input channels C_in; got groups=3 and the input channels C_in=4",
    ),
    (
        "groups not dividing the output channels",
        lambda: convdot.conv2d(X, np.ones((5, 2, 3, 3)), groups=2),
        ValueError,
        r"groups must divide the output channels C_out = w.shape\[0\]; got groups=2",
    ),
    ("groups of zero", lambda: convdot.conv2d(X, W, groups=0), ValueError, r"groups must be >= 1; got 0"),
    ("groups not an int", lambda: convdot.conv2d(X, W, groups=2.0), TypeError, r"groups must be an int; got 2.0"),
    (
        "a bias of the wrong length",
        lambda: convdot.conv2d(X, W, bias=np.ones(5), groups=2),
        ValueError,
        r"bias must have one entry per output channel \(6\); got shape \(5,\)",
    ),
    ("a 2-D bias", lambda: convdot.conv2d(X, W, bias=np.ones((6, 1)), groups=2), ValueError, r"bias must be 1-D"),
    ("a zero stride", lambda: convdot.conv2d(X, W, stride=0), ValueError, r"stride must be >= 1 on each axis; got 0"),
    (
        "a stride of the wrong length",
        lambda: convdot.conv2d(X, W, stride=(1, 2, 3)),
        TypeError,
        r"stride must be an int or a pair of ints; got \(1, 2, 3\)",
    ),
    (
        "a dilation of zero",
        lambda: convdot.conv2d(X, W, dilation=(1, 0), groups=2),
        ValueError,
        r"dilation must be >= 1 on each axis; got \(1, 0\)",
    ),
    (
        "a negative padding",
        lambda: convdot.conv2d(X, W, padding=(-1, 0), groups=2),
        ValueError,
        r"padding must be >= 0 on each axis; got \(-1, 0\)",
    ),
    (
        "an unknown padding string",
        lambda: convdot.conv2d(X, W, padding="full", groups=2),
        ValueError,
        r"padding must be one of 'valid', 'same'; got 'full'",
    ),
    (
        "a float padding",
        lambda: convdot.conv2d(X, W, padding=1.5, groups=2),
        TypeError,
        r"padding must be an int, a pair of ints, 'valid' or 'same'; got 1.5",
    ),
    (
        "'same' with a stride",
        lambda: convdot.conv2d(X, W, padding="same", stride=(1, 2), groups=2),
        ValueError,
        r"padding='same' is not supported with stride > 1 \(as in PyTorch\); got stride=\(1, 2\)",
    ),
    (
        "an unknown padding_mode",
        lambda: convdot.conv2d(X, W, padding=1, padding_mode="constant", groups=2),
        ValueError,
        r"padding_mode must be one of 'zeros', 'reflect', 'replicate', 'circular'; got 'constant'",
    ),
    (
        "a reflect padding as large as the input",
        lambda: convdot.conv2d(X, W, padding=(5, 1), padding_mode="reflect", groups=2),
        ValueError,
        r"padding_mode 'reflect' needs a padding smaller than the input on each axis; "
        r"got padding \(\(5, 5\), \(1, 1\)\) for an input of size \(5, 5\)",
    ),
    (
        "a circular padding larger than the input",
        lambda: convdot.conv2d(X, W, padding=6, padding_mode="circular", groups=2),
        ValueError,
        r"padding_mode 'circular' needs a padding no larger than the input on each axis",
    ),
    (
        "a kernel whose dilated span exceeds the padded input",
        lambda: convdot.conv2d(X, W, dilation=(3, 1), groups=2),
        ValueError,
        r"the output size must be >= 1 on each axis; got \(-1, 3\): the kernel \(3, 3\) dilated by \(3, 1\) "
        r"spans \(7, 3\), more than the padded input \(5, 5\)",
    ),
    (
        "an unknown method",
        lambda: convdot.conv2d(X, W, groups=2, method="hadamard"),
        ValueError,
        r"method must be one of 'loops', 'dot', 'im2col', 'matrix', 'fft', .*'auto'; got 'hadamard'",
    ),
    (
        "integers that could overflow int64",
        lambda: convdot.conv2d(np.full((1, 1, 3, 3), 2**40), np.full((1, 1, 2, 2), 2**30)),
        ValueError,
        r"integer inputs x and w could produce values up to \d+, beyond the int64 range",
    ),
    (
        "an integer bias that tips the result past int64",
        lambda: convdot.conv2d(np.full((1, 1, 2, 2), 2**30), np.full((1, 1, 2, 2), 2**30), bias=[2**63 - 1]),
        ValueError,
        r"integer inputs x, w and bias could produce values up to \d+, beyond the int64 range",
    ),
    (
        "an integer FFT too large to round exactly",
        lambda: convdot.conv2d(np.full((1, 1, 8, 8), 2**40), np.full((1, 1, 3, 3), 2**10), method="fft"),
        ValueError,
        r"method 'fft' cannot guarantee an exact integer result",
    ),
    (
        "an output-shape input size of zero",
        lambda: convdot.conv2d_output_shape((0, 5), (3, 3)),
        ValueError,
        r"input_hw must be >= 1 on each axis; got \(0, 5\)",
    ),
    (
        "an output-shape kernel that is not a pair",
        lambda: convdot.conv2d_output_shape((5, 5), "3x3"),
        TypeError,
        r"kernel_hw must be an int or a pair of ints; got '3x3'",
    ),
    (
        "an output-shape that would be empty",
        lambda: convdot.conv2d_output_shape((4, 4), (3, 3), dilation=2),
        ValueError,
        r"the output size must be >= 1 on each axis; got \(0, 0\)",
    ),
    (
        "a weight_matrix groups not dividing C_out",
        lambda: weight_matrix(W, groups=4),
        ValueError,
        r"groups must divide the output channels C_out = w.shape\[0\]; got groups=4",
    ),
    (
        "a layer_matrix kernel that does not fit",
        lambda: layer_matrix(W, (2, 5)),
        ValueError,
        r"the output size must be >= 1 on each axis; got \(0, 3\)",
    ),
    (
        "a grad_out of the wrong shape",
        lambda: convdot.conv2d_backward(np.ones((1, 1, 4, 4)), np.ones((1, 1, 2, 2)), np.ones((1, 1, 4, 4))),
        ValueError,
        r"grad_out must have conv2d's output shape \(1, 1, 3, 3\); got shape \(1, 1, 4, 4\)",
    ),
    (
        "a batched grad_out for an unbatched x",
        lambda: convdot.conv2d_backward(np.ones((1, 4, 4)), np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3))),
        ValueError,
        r"grad_out must have conv2d's output shape \(1, 3, 3\); got shape \(1, 1, 3, 3\)",
    ),
]


@pytest.mark.parametrize(("call", "error", "message"), [c[1:] for c in BAD_CALLS], ids=[c[0] for c in BAD_CALLS])
def test_bad_input_raises_a_message_naming_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()
