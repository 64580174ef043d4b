"""conv_transpose2d against its scatter definition, its output-size formula and the adjoint identity."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from layer_cases import transpose_cases

import convdot
from convdot.layer import layer_methods


def scatter_reference(x, w, bias, stride, padding, output_padding, groups, dilation):
    """The definition: each input value adds its scaled filter to the output at s*i + d*u - p."""
    n, c_in, h, wd = x.shape
    per_in, per_out = c_in // groups, w.shape[1]
    k_h, k_w = w.shape[-2:]
    size = [
        (m - 1) * s - 2 * p + d * (k - 1) + op + 1
        for m, s, p, d, k, op in zip((h, wd), stride, padding, dilation, (k_h, k_w), output_padding, strict=True)
    ]
    y = np.zeros((n, groups * per_out, *size))
    for b, c, i, j, o, u, v in np.ndindex(n, c_in, h, wd, per_out, k_h, k_w):
        row = stride[0] * i + dilation[0] * u - padding[0]
        col = stride[1] * j + dilation[1] * v - padding[1]
        if 0 <= row < size[0] and 0 <= col < size[1]:
            y[b, (c // per_in) * per_out + o, row, col] += x[b, c, i, j] * w[c, o, u, v]
    return y if bias is None else y + bias[:, None, None]


@pytest.mark.parametrize("method", layer_methods())
@settings(max_examples=25)
@given(case=transpose_cases())
def test_every_method_matches_the_scatter_definition(method, case):
    x, w, bias, kwargs = case
    got = convdot.conv_transpose2d(x, w, bias, **kwargs, method=method)
    expected = scatter_reference(x, w, bias, **kwargs)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-11 * max(1.0, float(np.abs(expected).max())))


@settings(max_examples=40)
@given(case=transpose_cases())
def test_conv_transpose2d_is_the_adjoint_of_conv2d(case):
    x, w, _, kwargs = case
    y = convdot.conv_transpose2d(x, w, **kwargs)
    z = np.random.default_rng(0).normal(size=y.shape)
    # conv2d maps the transposed output's shape back to the input's shape ...
    forward = convdot.conv2d(z, w, None, kwargs["stride"], kwargs["padding"], kwargs["dilation"], kwargs["groups"])
    assume(forward.shape == x.shape)  # (not when output_padding >= stride: it then reaches more rows)
    # ... and <conv2d(z), x> = <z, conv_transpose2d(x)>.
    scale = max(1.0, float(np.abs(x).sum() * np.abs(w).sum() * np.abs(z).max()))
    np.testing.assert_allclose(np.sum(forward * x), np.sum(z * y), rtol=1e-10, atol=1e-12 * scale)


def test_stride_spreads_the_filter_copies_and_padding_crops_them():
    x = np.array([[[1.0, 10.0]]])
    w = np.array([[[[1.0, 2.0, 3.0]]]])
    assert convdot.conv_transpose2d(x, w, stride=2).tolist() == [[[1.0, 2.0, 13.0, 20.0, 30.0]]]
    assert convdot.conv_transpose2d(x, w, stride=2, padding=(0, 1)).tolist() == [[[2.0, 13.0, 20.0]]]
    # output_padding adds a column at the end that no copy reaches.
    assert convdot.conv_transpose2d(x, w, stride=2, output_padding=(0, 1)).tolist() == [
        [[1.0, 2.0, 13.0, 20.0, 30.0, 0]]
    ]


def test_integer_transposed_convolution_is_exact():
    rng = np.random.default_rng(1)
    x = rng.integers(-100, 100, size=(2, 4, 3, 4))
    w = rng.integers(-100, 100, size=(4, 3, 2, 3))
    kwargs = {"stride": (2, 3), "padding": (1, 0), "output_padding": (1, 2), "groups": 1, "dilation": (1, 2)}
    got = convdot.conv_transpose2d(x, w, **kwargs)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, scatter_reference(x, w, None, **kwargs))


BAD_CALLS = [
    (
        "a channel mismatch",
        lambda: convdot.conv_transpose2d(np.ones((1, 3, 4, 4)), np.ones((2, 1, 2, 2))),
        ValueError,
        r"x has C_in=3 channels but w of shape \(2, 1, 2, 2\) expects w.shape\[0\] = 2",
    ),
    (
        "groups not dividing the input channels",
        lambda: convdot.conv_transpose2d(np.ones((1, 3, 4, 4)), np.ones((3, 1, 2, 2)), groups=2),
        ValueError,
        r"groups must divide the input channels C_in; got groups=2",
    ),
    (
        "output_padding as large as stride and dilation",
        lambda: convdot.conv_transpose2d(np.ones((1, 1, 4, 4)), np.ones((1, 1, 2, 2)), stride=2, output_padding=2),
        ValueError,
        r"output_padding must be smaller than the stride or the dilation on each axis; got output_padding=\(2, 2\)",
    ),
    (
        "a negative output_padding",
        lambda: convdot.conv_transpose2d(np.ones((1, 1, 4, 4)), np.ones((1, 1, 2, 2)), output_padding=-1),
        ValueError,
        r"output_padding must be >= 0 on each axis; got -1",
    ),
    (
        "a string padding",
        lambda: convdot.conv_transpose2d(np.ones((1, 1, 4, 4)), np.ones((1, 1, 2, 2)), padding="same"),
        TypeError,
        r"padding must be an int or a pair of ints; got 'same'",
    ),
    (
        "a padding that crops everything",
        lambda: convdot.conv_transpose2d(np.ones((1, 1, 1, 1)), np.ones((1, 1, 2, 2)), padding=1),
        ValueError,
        r"the output size must be >= 1 on each axis; got \(0, 0\)",
    ),
    (
        "a bias of the wrong length",
        lambda: convdot.conv_transpose2d(np.ones((1, 2, 4, 4)), np.ones((2, 3, 2, 2)), bias=np.ones(3), groups=2),
        ValueError,
        r"bias must have one entry per output channel \(6\); got shape \(3,\)",
    ),
    (
        "a 2-D input",
        lambda: convdot.conv_transpose2d(np.ones((4, 4)), np.ones((1, 1, 2, 2))),
        ValueError,
        r"x must be 4-D \(N, C, H, W\) or 3-D \(C, H, W\); got 2-D",
    ),
    (
        "an unknown method",
        lambda: convdot.conv_transpose2d(np.ones((1, 1, 4, 4)), np.ones((1, 1, 2, 2)), method="direct"),
        ValueError,
        r"method must be one of 'loops', 'dot', 'im2col', 'matrix', 'fft', .*'auto'; got 'direct'",
    ),
]


@pytest.mark.parametrize(("call", "error", "message"), [c[1:] for c in BAD_CALLS], ids=[c[0] for c in BAD_CALLS])
def test_bad_input_raises_a_message_naming_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()
