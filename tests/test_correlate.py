"""Every method of correlate2d/convolve2d against scipy.signal, exact references and the definition."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal
from conftest import WORKED_A, WORKED_B, WORKED_C, exact_correlate2d, image_and_kernel, tolerance
from hypothesis import given
from hypothesis import strategies as st

import convdot

METHODS = convdot.METHODS


@pytest.mark.parametrize("method", METHODS)
@given(case=image_and_kernel())
def test_every_method_matches_scipy_correlate2d_in_float64(method, case):
    a, b, mode = case
    got = convdot.correlate2d(a, b, mode, method=method)
    expected = scipy.signal.correlate2d(a, b, mode)
    assert got.shape == expected.shape
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=tolerance(a, b, 1e-12))


@pytest.mark.parametrize("method", METHODS)
@given(case=image_and_kernel())
def test_every_method_matches_scipy_convolve2d_in_float64(method, case):
    a, b, mode = case
    got = convdot.convolve2d(a, b, mode, method=method)
    expected = scipy.signal.convolve2d(a, b, mode)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=tolerance(a, b, 1e-12))


@pytest.mark.parametrize("method", METHODS)
@given(case=image_and_kernel(dtype=np.float32, elements=st.floats(-10, 10, width=32)))
def test_float32_stays_float32_and_matches_scipy_to_float32_precision(method, case):
    a, b, mode = case
    got = convdot.correlate2d(a, b, mode, method=method)
    assert got.dtype == np.float32
    expected = scipy.signal.correlate2d(a.astype(np.float64), b.astype(np.float64), mode)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=tolerance(a, b, 1e-5))


@pytest.mark.parametrize("method", METHODS)
@given(
    case=image_and_kernel(dtype=np.int64, elements=st.integers(-(2**26), 2**26), max_side=7),
)
def test_integer_inputs_give_exact_int64_results(method, case):
    a, b, mode = case
    if method == "fft":  # the float64 FFT rounds exactly only below a size bound (tested apart)
        a, b = a // 2**14, b // 2**14
    got = convdot.correlate2d(a, b, mode, method=method)
    assert got.dtype == np.int64
    assert got.tolist() == exact_correlate2d(a, b, mode).tolist()


@pytest.mark.parametrize("method", METHODS)
def test_uint8_image_with_3x3_kernel_does_not_wrap_around(method):
    image = np.full((6, 7), 255, dtype=np.uint8)
    kernel = np.ones((3, 3), dtype=np.uint8)
    got = convdot.correlate2d(image, kernel, "same", method=method)
    assert got.dtype == np.int64
    assert got.tolist() == exact_correlate2d(image, kernel, "same").tolist()
    assert got.max() == 9 * 255


@pytest.mark.parametrize(
    ("a_dtype", "b_dtype", "expected"),
    [
        (np.bool_, np.bool_, np.int64),
        (np.uint8, np.int8, np.int64),
        (np.uint64, np.int64, np.int64),
        (np.float32, np.float32, np.float32),
        (np.float32, np.int8, np.float32),
        (np.float32, np.float64, np.float64),
        (np.int64, np.float32, np.float64),
    ],
)
def test_result_dtype_follows_the_documented_rule(a_dtype, b_dtype, expected):
    a = np.ones((4, 4), dtype=a_dtype)
    b = np.ones((2, 2), dtype=b_dtype)
    for method in METHODS:
        assert convdot.correlate2d(a, b, method=method).dtype == expected


@pytest.mark.parametrize("method", METHODS)
def test_worked_example_from_the_question_gives_the_reported_output(method):
    assert np.array_equal(convdot.correlate2d(WORKED_A, WORKED_B, method=method), WORKED_C)
    # That kernel is unchanged by a 180-degree rotation, so convolution gives the same.
    assert np.array_equal(convdot.convolve2d(WORKED_A, WORKED_B, method=method), WORKED_C)


@pytest.mark.parametrize("method", METHODS)
def test_asymmetric_kernel_separates_convolution_from_correlation(method):
    kernel = np.array([[1, 2], [0, -1]])
    corr = convdot.correlate2d(WORKED_A, kernel, method=method)
    conv = convdot.convolve2d(WORKED_A, kernel, method=method)
    assert not np.array_equal(corr, conv)
    assert np.array_equal(conv, convdot.correlate2d(WORKED_A, kernel[::-1, ::-1], method=method))
    assert np.array_equal(conv, scipy.signal.convolve2d(WORKED_A, kernel, "valid"))


@given(case=image_and_kernel())
def test_convolution_is_correlation_with_the_rotated_kernel_in_valid_and_full_modes(case):
    a, b, mode = case
    if mode == "same":
        mode = "full"
    np.testing.assert_array_equal(
        convdot.convolve2d(a, b, mode, method="loops"), convdot.correlate2d(a, b[::-1, ::-1], mode, method="loops")
    )


@pytest.mark.parametrize("method", [m for m in METHODS if m != "fft"])
def test_nan_spreads_only_to_the_outputs_whose_window_holds_it(method):
    a = np.arange(36, dtype=np.float64).reshape(6, 6)
    a[1, 1] = np.nan
    b = np.zeros((2, 2))  # 0 * NaN is NaN, so zero weights do not hide it
    got = convdot.correlate2d(a, b, method=method)
    expected_nan = np.zeros((5, 5), dtype=bool)
    expected_nan[0:2, 0:2] = True
    assert np.array_equal(np.isnan(got), expected_nan)


def test_fft_spreads_nan_everywhere_and_auto_avoids_it():
    a = np.ones((40, 40))
    a[0, 0] = np.nan
    b = np.ones((15, 15))
    assert np.isnan(convdot.correlate2d(a, b, method="fft")).all()
    assert convdot.choose_method(a, b) == "im2col"
    assert np.isnan(convdot.correlate2d(a, b)).sum() == 1


def test_auto_chooses_fft_only_where_the_direct_sum_costs_more():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(64, 64))
    assert convdot.choose_method(a, rng.normal(size=(3, 3))) == "im2col"
    assert convdot.choose_method(a, rng.normal(size=(31, 31))) == "fft"


def test_integer_results_that_could_overflow_int64_are_refused():
    a = np.full((3, 3), 2**62, dtype=np.int64)
    b = np.full((2, 2), 2, dtype=np.int64)
    with pytest.raises(ValueError, match=r"integer inputs a and b could produce values up to \d+, beyond the int64"):
        convdot.correlate2d(a, b)
