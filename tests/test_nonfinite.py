"""Large, NaN and inf values: no method gives a silent wrong answer, and `auto` never makes finite data inf.

The oracle for every NaN/inf pattern is the literal loops (IEEE arithmetic on each product and
sum); the oracle for large finite values is the exact result computed in float64 (or Python
integers), with Higham's componentwise bound.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from layer_cases import layer_cases

import convdot
from convdot.layer import LAYER_FORMS

DIRECT_LAYER = [m for m in LAYER_FORMS if m not in ("fft", "fft_pruned", "winograd")]
FFT_LAYER = ["fft", "fft_pruned"]


@pytest.mark.parametrize(("dtype", "value"), [(np.float32, 1e32), (np.float64, 1e302)])
def test_auto_keeps_finite_data_near_the_range_limit_finite(dtype, value):
    a, b = np.full((64, 64), value, dtype), np.ones((31, 31), dtype)
    exact = 961 * np.float64(dtype(value))  # every output: 31 * 31 entries of `value`
    got = convdot.correlate2d(a, b)
    assert np.isfinite(got).all()
    assert np.all(np.abs(got - exact) <= convdot.numerics.gamma(961, dtype) * exact)
    assert not np.isfinite(convdot.correlate2d(a, b, method="fft")).all()  # what auto avoids


@settings(max_examples=20)
@given(exponent=st.integers(20, 37), k=st.integers(15, 31), data=st.data())
def test_auto_gives_a_finite_result_within_the_bound_wherever_the_exact_one_is_finite(exponent, k, data):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    a = (rng.uniform(0.5, 1.0, (48, 48)) * 10.0**exponent).astype(np.float32)  # positive: partial sums grow
    b = rng.uniform(0.5, 1.0, (k, k)).astype(np.float32)
    exact = convdot.correlate2d(a.astype(np.float64), b.astype(np.float64), method="im2col")
    if exact.max() >= np.finfo(np.float32).max / 2:
        return
    got = convdot.correlate2d(a, b)
    assert np.isfinite(got).all()
    assert np.all(np.abs(got - exact) <= convdot.numerics.correlate2d_error_bound(a, b, dtype=np.float32))


def test_auto_keeps_a_layer_with_a_large_kernel_finite_near_the_float32_limit():
    x, w = np.full((1, 2, 64, 64), 1e32, np.float32), np.ones((2, 2, 31, 31), np.float32)
    assert convdot.choose_layer_method(x.astype(np.float64) / 1e32, w) == "fft_pruned"  # same shapes, small values
    got = convdot.conv2d(x, w)
    assert np.isfinite(got).all()
    exact = 2 * 961 * np.float64(np.float32(1e32))
    assert np.all(np.abs(got - exact) <= convdot.numerics.gamma(2 * 961, np.float32) * exact)


def with_nonfinite(x: np.ndarray, data, *, allow_inf: bool) -> np.ndarray:
    """`x` with one to three entries replaced by NaN (or, if allowed, +inf or -inf)."""
    x = x.copy()
    values = [np.nan, np.inf, -np.inf] if allow_inf else [np.nan]
    for _ in range(data.draw(st.integers(1, 3))):
        index = tuple(data.draw(st.integers(0, n - 1)) for n in x.shape)
        x[index] = data.draw(st.sampled_from(values))
    return x


def pattern(y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return np.isnan(y), np.isposinf(y), np.isneginf(y)


@pytest.mark.parametrize("method", DIRECT_LAYER)
@settings(max_examples=20)
@given(case=layer_cases(max_side=6), data=st.data())
def test_every_direct_layer_method_puts_nan_and_inf_exactly_where_the_literal_sum_does(method, case, data):
    x = with_nonfinite(case.x, data, allow_inf=True)
    expected = convdot.conv2d(x, case.w, case.bias, **case.kwargs, method="loops")
    got = convdot.conv2d(x, case.w, case.bias, **case.kwargs, method=method)
    for g, e in zip(pattern(got), pattern(expected), strict=True):
        assert np.array_equal(g, e)


@settings(max_examples=20)
@given(case=layer_cases(max_side=6), data=st.data())
def test_winograd_makes_nan_at_least_where_the_literal_sum_does(case, data):
    x = with_nonfinite(case.x, data, allow_inf=False)
    expected = convdot.conv2d(x, case.w, case.bias, **case.kwargs, method="loops")
    got = convdot.conv2d(x, case.w, case.bias, **case.kwargs, method="winograd")
    assert np.all(np.isnan(got)[np.isnan(expected)])


@settings(max_examples=20)
@given(data=st.data())
def test_winograd_with_a_3x3_kernel_at_stride_1_makes_nan_exactly_where_the_literal_sum_does(data):
    n, c_in, c_out = data.draw(st.integers(1, 2)), data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    h, w = data.draw(st.integers(3, 9)), data.draw(st.integers(3, 9))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    x = with_nonfinite(rng.normal(size=(n, c_in, h, w)), data, allow_inf=False)
    weight = rng.normal(size=(c_out, c_in, 3, 3))
    padding = data.draw(st.integers(0, 1))
    expected = convdot.conv2d(x, weight, padding=padding, method="loops")
    got = convdot.conv2d(x, weight, padding=padding, method="winograd")
    assert np.array_equal(np.isnan(got), np.isnan(expected))


def test_winograd_spreads_a_nan_under_a_1x1_kernel_to_its_whole_2x2_tile_as_documented():
    x = np.ones((1, 1, 4, 4))
    x[0, 0, 1, 1] = np.nan
    assert np.isnan(convdot.conv2d(x, np.ones((1, 1, 1, 1)), method="loops")).sum() == 1
    assert np.array_equal(
        np.isnan(convdot.conv2d(x, np.ones((1, 1, 1, 1)), method="winograd"))[0, 0, :2, :2], np.ones((2, 2), bool)
    )


@pytest.mark.parametrize("method", FFT_LAYER)
@settings(max_examples=20)
@given(case=layer_cases(max_side=6), data=st.data())
def test_an_fft_method_spreads_a_nan_to_every_output_of_its_sample(method, case, data):
    x = case.x.copy()
    sample = data.draw(st.integers(0, x.shape[0] - 1))
    x[sample, data.draw(st.integers(0, x.shape[1] - 1)), 0, 0] = np.nan
    got = convdot.conv2d(x, case.w, **case.kwargs, method=method)
    group_sees_it = np.isnan(convdot.conv2d(x, case.w, **case.kwargs, method="loops")[sample]).any(axis=(1, 2))
    assert np.isnan(got[sample][group_sees_it]).all()


def test_a_nan_never_sends_auto_to_an_fft():
    x, w = np.ones((1, 2, 64, 64)), np.ones((2, 2, 31, 31))
    assert convdot.choose_layer_method(x, w) == "fft_pruned"
    x[0, 0, 5, 5] = np.nan
    assert convdot.choose_layer_method(x, w) != "fft_pruned"
    got = convdot.conv2d(x, w)
    assert np.array_equal(np.isnan(got), np.isnan(convdot.conv2d(x, w, method="im2col")))


@pytest.mark.parametrize(
    "call",
    [
        lambda m: convdot.correlate2d(m, np.ones((2, 2))),
        lambda m: convdot.correlate2d(np.ones((3, 3)), m[:2, :2]),
        lambda m: convdot.convolve2d(m, np.ones((2, 2))),
        lambda m: convdot.conv2d(m[np.newaxis, np.newaxis], np.ones((1, 1, 2, 2))),
        lambda m: convdot.choose_method(m, np.ones((2, 2))),
        lambda m: convdot.forms.correlate_loops(m, np.ones((2, 2))),
        lambda m: convdot.im2col(m, (2, 2)),
    ],
)
def test_a_masked_array_is_refused_with_what_to_do_instead(call):
    masked = np.ma.array(np.ones((3, 3)), mask=np.eye(3, dtype=bool))
    with pytest.raises(TypeError, match=r"masked array; convdot would lose its mask: pass .*\.filled\(value\)"):
        call(masked)


def test_the_integer_bound_is_per_output_channel():
    x = np.full((1, 8, 5, 5), 255, np.uint8)
    w = np.full((1000, 8, 3, 3), 2**40, np.int64)  # one channel: 72 * 255 * 2**40 ~ 2.0e16, far below 2**63
    y = convdot.conv2d(x, w, method="blocked")
    assert y.dtype == np.int64
    assert np.all(y == 72 * 255 * 2**40)
    bias = np.full(1000, 2**63 - 2**50, np.int64)  # with the products, beyond 2**63 - 1
    with pytest.raises(ValueError, match=r"integer inputs x, w and bias could produce values up to \d+"):
        convdot.conv2d(x, w, bias)


def test_the_gradient_bounds_are_per_channel_too():
    x = np.full((1, 2, 4, 4), 255, np.uint8)
    w = np.full((300, 2, 3, 3), 2**40, np.int64)
    g = np.ones((1, 300, 2, 2), np.int64)
    gx, gw, gb = convdot.conv2d_backward(x, w, g)  # grad_x sums 300 channels: 300 * 2**40 per tap, fine
    expected = convdot.conv_transpose2d(g, w)
    assert gx.dtype == np.int64 and np.array_equal(gx, expected)
    assert np.all(gb == 4) and np.all(gw == 4 * 255)
