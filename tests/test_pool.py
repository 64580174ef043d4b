"""Pooling against literal loops written here, and every bad argument's message.

The reference enumerates windows and taps one by one with Python ints, independently of the
library's strided views: a window exists while it fits (floor) or, with `ceil_mode`, while it
starts before the ceil bound and inside the input or the left padding.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import convdot


def ref_windows(n, k, s, p, d, ceil_mode):
    """Start positions (input coordinates) of the windows along one axis, one at a time."""
    span, padded = d * (k - 1) + 1, n + 2 * p
    starts, i = [], 0
    while True:
        fits = s * i + span <= padded
        ceil_ok = s * i < padded - span + s and s * i - p < n
        if not (fits or (ceil_mode and ceil_ok)):
            return starts
        starts.append(s * i - p)
        i += 1


def ref_taps(start_r, start_c, k, d):
    return [(start_r + d[0] * u, start_c + d[1] * v) for u in range(k[0]) for v in range(k[1])]


def ref_max_pool(x, k, s, p, d, ceil_mode):
    """(values, indices) by loops; None if some window holds no input entry."""
    N, C, H, W = x.shape
    rows = ref_windows(H, k[0], s[0], p[0], d[0], ceil_mode)
    cols = ref_windows(W, k[1], s[1], p[1], d[1], ceil_mode)
    y = np.zeros((N, C, len(rows), len(cols)), dtype=x.dtype)
    idx = np.zeros(y.shape, dtype=np.int64)
    for n, c, i, j in np.ndindex(y.shape):
        best = None
        for a, b in ref_taps(rows[i], cols[j], k, d):
            if 0 <= a < H and 0 <= b < W and (best is None or x[n, c, a, b] > best or np.isnan(x[n, c, a, b])):
                best, idx[n, c, i, j] = x[n, c, a, b], a * W + b
        if best is None:
            return None
        y[n, c, i, j] = best
    return y, idx


def ref_avg_pool(x, k, s, p, ceil_mode, count_include_pad, divisor_override):
    N, C, H, W = x.shape
    rows = ref_windows(H, k[0], s[0], p[0], 1, ceil_mode)
    cols = ref_windows(W, k[1], s[1], p[1], 1, ceil_mode)
    y = np.zeros((N, C, len(rows), len(cols)))
    divisors = np.zeros((len(rows), len(cols)))
    for n, c, i, j in np.ndindex(y.shape):
        total, inside, in_padded = 0.0, 0, 0
        for a, b in ref_taps(rows[i], cols[j], k, (1, 1)):
            in_padded += -p[0] <= a < H + p[0] and -p[1] <= b < W + p[1]
            if 0 <= a < H and 0 <= b < W:
                total += float(x[n, c, a, b])
                inside += 1
        divisors[i, j] = divisor_override or (in_padded if count_include_pad else inside)
        y[n, c, i, j] = total / divisors[i, j]
    return y, divisors, rows, cols


@st.composite
def pool_cases(draw, dilation=True):
    k = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    d = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) if dilation else (1, 1)
    p = tuple(draw(st.integers(0, kk // 2)) for kk in k)
    s = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(1, 7)), draw(st.integers(1, 7)))
    dtype = draw(st.sampled_from([np.float64, np.float32, np.int64, np.int8]))
    seed = draw(st.integers(0, 2**32 - 1))
    x = np.random.default_rng(seed).integers(-4, 5, size=shape).astype(dtype)  # small ints: many ties
    return x, k, s, p, d, draw(st.booleans())


def window_ok(x, k, s, p, d, ceil_mode):
    H, W = x.shape[-2:]
    return bool(ref_windows(H, k[0], s[0], p[0], d[0], ceil_mode) and ref_windows(W, k[1], s[1], p[1], d[1], ceil_mode))


@given(case=pool_cases())
def test_max_pool2d_and_its_indices_match_the_loops(case):
    x, k, s, p, d, ceil_mode = case
    assume(window_ok(*case))
    ref = ref_max_pool(x, k, s, p, d, ceil_mode)
    assume(ref is not None)
    y, idx = convdot.max_pool2d(x, k, s, p, d, ceil_mode, return_indices=True)
    assert y.dtype == x.dtype
    np.testing.assert_array_equal(y, ref[0])
    np.testing.assert_array_equal(idx, ref[1])
    np.testing.assert_array_equal(convdot.max_pool2d(x[0], k, s, p, d, ceil_mode), ref[0][0])  # unbatched


@given(case=pool_cases(dilation=False), include=st.booleans(), override=st.sampled_from([None, 1, 3, -2]))
def test_avg_pool2d_matches_the_loops(case, include, override):
    x, k, s, p, _, ceil_mode = case
    assume(window_ok(*case))
    expected = ref_avg_pool(x, k, s, p, ceil_mode, include, override)[0]
    y = convdot.avg_pool2d(x, k, s, p, ceil_mode, include, override)
    assert y.dtype == (np.float32 if x.dtype == np.float32 else np.float64)
    np.testing.assert_allclose(y, expected, rtol=1e-6 if x.dtype == np.float32 else 1e-13, atol=1e-6)
    np.testing.assert_allclose(convdot.avg_pool2d(x[0], k, s, p, ceil_mode, include, override), y[0], rtol=0, atol=0)


@given(case=pool_cases(), seed=st.integers(0, 2**32 - 1))
def test_max_pool2d_backward_routes_each_gradient_to_its_arg_max(case, seed):
    x, k, s, p, d, ceil_mode = case
    assume(window_ok(*case))
    ref = ref_max_pool(x, k, s, p, d, ceil_mode)
    assume(ref is not None)
    g = np.random.default_rng(seed).integers(-9, 10, size=ref[0].shape)
    expected = np.zeros(x.shape, dtype=np.int64)
    for n, c, i, j in np.ndindex(g.shape):
        a, b = divmod(int(ref[1][n, c, i, j]), x.shape[-1])
        expected[n, c, a, b] += g[n, c, i, j]
    got = convdot.max_pool2d_backward(x, g, k, s, p, d, ceil_mode)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(convdot.max_pool2d_backward(x[0], g[0], k, s, p, d, ceil_mode), expected[0])


@given(case=pool_cases(), seed=st.integers(0, 2**32 - 1))
def test_max_pool2d_backward_is_the_derivative_where_maxima_are_unique(case, seed):
    x, k, s, p, d, ceil_mode = case
    assume(window_ok(*case) and ref_max_pool(x, k, s, p, d, ceil_mode) is not None)
    rng = np.random.default_rng(seed)
    x = rng.permutation(x.size).reshape(x.shape).astype(np.float64)  # distinct values, 1 apart
    delta = rng.uniform(-1, 1, size=x.shape)
    y = convdot.max_pool2d(x, k, s, p, d, ceil_mode)
    g = rng.standard_normal(y.shape)
    t = 2.0**-4  # moves no entry past another: the arg-max of every window stays put, y is linear in t
    change = np.vdot(g, convdot.max_pool2d(x + t * delta, k, s, p, d, ceil_mode) - y) / t
    assert np.isclose(change, np.vdot(convdot.max_pool2d_backward(x, g, k, s, p, d, ceil_mode), delta), rtol=1e-12)


@given(
    case=pool_cases(dilation=False), include=st.booleans(), override=st.sampled_from([None, 2]), seed=st.integers(0, 99)
)
def test_avg_pool2d_backward_matches_the_loops_and_is_the_adjoint(case, include, override, seed):
    x, k, s, p, _, ceil_mode = case
    assume(window_ok(*case))
    _, divisors, rows, cols = ref_avg_pool(x, k, s, p, ceil_mode, include, override)
    g = np.random.default_rng(seed).standard_normal((*x.shape[:2], len(rows), len(cols)))
    expected = np.zeros(x.shape)
    for n, c, i, j in np.ndindex(g.shape):
        for a, b in ref_taps(rows[i], cols[j], k, (1, 1)):
            if 0 <= a < x.shape[2] and 0 <= b < x.shape[3]:
                expected[n, c, a, b] += g[n, c, i, j] / divisors[i, j]
    got = convdot.avg_pool2d_backward(x, g, k, s, p, ceil_mode, include, override)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    z = np.random.default_rng(seed + 1).standard_normal(x.shape)  # <avg(z), g> = <z, avg^T g>
    forward = convdot.avg_pool2d(z, k, s, p, ceil_mode, include, override)
    assert np.isclose(np.vdot(forward, g), np.vdot(z, got), rtol=1e-10, atol=1e-10)


def test_stride_defaults_to_the_kernel_size_and_bool_input_keeps_its_dtype():
    x = np.arange(36).reshape(1, 6, 6)
    np.testing.assert_array_equal(convdot.max_pool2d(x, 3), convdot.max_pool2d(x, 3, stride=3))
    assert convdot.max_pool2d(x, 3).tolist() == [[[14, 17], [32, 35]]]
    b = x % 7 == 0
    assert convdot.max_pool2d(b, 2).dtype == np.bool_


def test_avg_pool2d_is_a_depthwise_convolution_with_a_uniform_kernel():
    x = np.random.default_rng(1).standard_normal((2, 3, 8, 9))
    w = np.full((3, 1, 2, 3), 1 / 6)
    np.testing.assert_allclose(convdot.avg_pool2d(x, (2, 3)), convdot.conv2d(x, w, stride=(2, 3), groups=3), rtol=1e-13)


X = np.zeros((1, 1, 4, 4))
BAD = [
    (dict(x=np.zeros((4, 4)), kernel_size=2), ValueError, r"x must be 4-D \(N, C, H, W\) or 3-D"),
    (dict(x=np.zeros((1, 1, 4, 4), complex), kernel_size=2), TypeError, "x must have a real dtype"),
    (dict(x=np.zeros((1, 0, 4, 4)), kernel_size=2), ValueError, "x must not be empty"),
    (dict(x=X, kernel_size=0), ValueError, "kernel_size must be >= 1"),
    (dict(x=X, kernel_size=2.5), TypeError, "kernel_size must be an int or a pair of ints; got 2.5"),
    (dict(x=X, kernel_size=(2, 2, 2)), TypeError, "kernel_size must be an int or a pair"),
    (dict(x=X, kernel_size=2, stride=0), ValueError, "stride must be >= 1"),
    (dict(x=X, kernel_size=2, stride="2"), TypeError, "stride must be an int or a pair"),
    (dict(x=X, kernel_size=2, padding=-1), ValueError, "padding must be >= 0"),
    (dict(x=X, kernel_size=2, padding="same"), TypeError, "padding must be an int or a pair"),
    (dict(x=X, kernel_size=3, padding=2), ValueError, r"padding must be at most half the kernel size"),
    (dict(x=X, kernel_size=(3, 1), padding=(1, 1)), ValueError, r"got padding \(1, 1\) for kernel_size \(3, 1\)"),
    (dict(x=X, kernel_size=2, ceil_mode="yes"), TypeError, "ceil_mode must be True or False; got 'yes'"),
    (dict(x=X, kernel_size=5), ValueError, r"the output size must be >= 1 on each axis; got \(0, 0\)"),
]
MAX_BAD = [
    *BAD,
    (dict(x=X, kernel_size=2, dilation=0), ValueError, "dilation must be >= 1"),
    (dict(x=X, kernel_size=2, return_indices=1), TypeError, "return_indices must be True or False; got 1"),
    (
        dict(x=np.zeros((1, 1, 1, 4)), kernel_size=2, stride=1, padding=1, dilation=2),
        ValueError,
        "entirely in the padding",
    ),
]
AVG_BAD = [
    *BAD,
    (dict(x=X, kernel_size=2, count_include_pad=None), TypeError, "count_include_pad must be True or False"),
    (
        dict(x=X, kernel_size=2, divisor_override=0),
        ValueError,
        "divisor_override must be None or a non-zero int; got 0",
    ),
    (dict(x=X, kernel_size=2, divisor_override=1.5), TypeError, "divisor_override must be None or a non-zero int"),
    (dict(x=X, kernel_size=2, divisor_override=True), TypeError, "divisor_override must be None or a non-zero int"),
]


@pytest.mark.parametrize(("kwargs", "error", "message"), MAX_BAD)
def test_max_pool2d_and_its_gradient_reject_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        convdot.max_pool2d(**kwargs)
    if "return_indices" in kwargs:
        return  # the gradient has no such argument
    with pytest.raises(error, match=message):
        convdot.max_pool2d_backward(grad_out=np.zeros((1, 1, 2, 2)), **kwargs)


@pytest.mark.parametrize(("kwargs", "error", "message"), AVG_BAD)
def test_avg_pool2d_and_its_gradient_reject_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        convdot.avg_pool2d(**kwargs)
    with pytest.raises(error, match=message):
        convdot.avg_pool2d_backward(grad_out=np.zeros((1, 1, 2, 2)), **kwargs)


@pytest.mark.parametrize("backward", [convdot.max_pool2d_backward, convdot.avg_pool2d_backward])
def test_pool_backward_rejects_a_grad_out_of_the_wrong_shape(backward):
    with pytest.raises(
        ValueError, match=r"grad_out must have the pooling output's shape \(1, 1, 2, 2\); got shape \(1, 1, 3, 2\)"
    ):
        backward(X, np.zeros((1, 1, 3, 2)), 2)
    with pytest.raises(ValueError, match=r"grad_out must have the pooling output's shape \(1, 2, 2\)"):
        backward(X[0], np.zeros((1, 1, 2, 2)), 2)


def test_max_pool2d_backward_refuses_integer_gradients_that_could_overflow():
    big = np.full((1, 1, 2, 2), np.iinfo(np.int64).max)
    with pytest.raises(ValueError, match="beyond the int64 range"):
        convdot.max_pool2d_backward(np.zeros((1, 1, 3, 3), int), big, 2, stride=1)
