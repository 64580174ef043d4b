"""conv2d against a scipy.signal reference, and the identities between its forms."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal
from conftest import WORKED_A, WORKED_B, WORKED_C
from hypothesis import given, settings
from hypothesis import strategies as st
from layer_cases import Case, bound, layer_cases, padded_input, reference_conv2d

import convdot
from convdot.layer import layer_im2col, layer_matrix, layer_methods, weight_matrix

METHODS = layer_methods()


@pytest.mark.parametrize("method", METHODS)
@settings(max_examples=40)
@given(case=layer_cases())
def test_every_method_matches_the_scipy_reference_in_float64(method, case):
    got = convdot.conv2d(case.x, case.w, case.bias, **case.kwargs, method=method)
    expected = reference_conv2d(case)
    assert got.shape == expected.shape
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12 * max(1.0, bound(case)))


@pytest.mark.parametrize("method", METHODS)
@settings(max_examples=20)
@given(case=layer_cases(dtype=np.float32))
def test_float32_stays_float32_and_matches_the_reference_to_float32_precision(method, case):
    got = convdot.conv2d(case.x, case.w, case.bias, **case.kwargs, method=method)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, reference_conv2d(case), rtol=1e-5, atol=1e-5 * max(1.0, bound(case)))


@settings(max_examples=30)
@given(case=layer_cases())
def test_output_shape_is_the_floor_formula_and_unbatched_input_drops_the_batch_axis(case):
    got = convdot.conv2d(case.x, case.w, **case.kwargs)
    hw = convdot.conv2d_output_shape(case.x.shape[-2:], case.w.shape[-2:], case.stride, case.padding, case.dilation)
    assert got.shape == (case.x.shape[0], case.w.shape[0], *hw)
    # Equal up to round-off: BLAS may sum in another order for a product of another width.
    np.testing.assert_allclose(
        convdot.conv2d(case.x[0], case.w, **case.kwargs), got[0], rtol=1e-12, atol=1e-12 * bound(case)
    )


@given(
    size=st.tuples(st.integers(1, 12), st.integers(1, 12)),
    kernel=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    stride=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    padding=st.tuples(st.integers(0, 3), st.integers(0, 3)),
    dilation=st.tuples(st.integers(1, 3), st.integers(1, 3)),
)
def test_output_shape_counts_the_window_positions_that_fit(size, kernel, stride, padding, dilation):
    # Count by brute force the window starts s*i whose last tap s*i + d*(k-1) lies inside the padded input.
    counts = [
        sum(1 for start in range(0, n + 2 * p, s) if start + d * (k - 1) < n + 2 * p)
        for n, k, s, p, d in zip(size, kernel, stride, padding, dilation, strict=True)
    ]
    if min(counts) == 0:
        with pytest.raises(ValueError, match="the output size must be >= 1"):
            convdot.conv2d_output_shape(size, kernel, stride, padding, dilation)
    else:
        assert convdot.conv2d_output_shape(size, kernel, stride, padding, dilation) == tuple(counts)


@pytest.mark.parametrize(("kernel", "dilation"), [((3, 3), 1), ((2, 4), 1), ((2, 3), (3, 2)), ((1, 1), 2)])
def test_same_padding_keeps_the_size_and_puts_the_odd_row_after(kernel, dilation):
    x = np.arange(2 * 5 * 6, dtype=np.float64).reshape(1, 2, 5, 6)
    w = np.ones((1, 2, *kernel))
    got = convdot.conv2d(x, w, padding="same", dilation=dilation)
    assert got.shape == (1, 1, 5, 6)
    d = (dilation, dilation) if isinstance(dilation, int) else dilation
    before = [di * (k - 1) // 2 for k, di in zip(kernel, d, strict=True)]
    after = [di * (k - 1) - b for k, di, b in zip(kernel, d, before, strict=True)]
    explicit = np.pad(x, [(0, 0), (0, 0), (before[0], after[0]), (before[1], after[1])])
    np.testing.assert_array_equal(got, convdot.conv2d(explicit, w, dilation=dilation))


@pytest.mark.parametrize("method", METHODS)
def test_depthwise_convolution_correlates_each_channel_with_its_own_filter(method):
    rng = np.random.default_rng(1)
    x, w = rng.normal(size=(2, 3, 6, 5)), rng.normal(size=(3, 1, 3, 2))
    got = convdot.conv2d(x, w, groups=3, method=method)
    for n in range(2):
        for c in range(3):
            expected = scipy.signal.correlate2d(x[n, c], w[c, 0], "valid")
            np.testing.assert_allclose(got[n, c], expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("method", METHODS)
def test_one_by_one_convolution_is_a_matrix_product_over_channels(method):
    rng = np.random.default_rng(2)
    x, w = rng.normal(size=(2, 4, 5, 3)), rng.normal(size=(6, 4, 1, 1))
    got = convdot.conv2d(x, w, method=method)
    np.testing.assert_allclose(got, np.einsum("oc,nchw->nohw", w[:, :, 0, 0], x), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("method", METHODS)
def test_a_kernel_covering_the_whole_input_is_a_fully_connected_layer(method):
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=(3, 2, 4, 5)), rng.normal(size=(7, 2, 4, 5))
    got = convdot.conv2d(x, w, method=method)
    assert got.shape == (3, 7, 1, 1)
    np.testing.assert_allclose(got[:, :, 0, 0], x.reshape(3, -1) @ w.reshape(7, -1).T, rtol=1e-12, atol=1e-12)


@settings(max_examples=30)
@given(case=layer_cases(max_channels=3))
def test_a_grouped_layer_is_the_block_diagonal_weight_matrix_times_im2col(case):
    xp = padded_input(case)
    y = convdot.conv2d(xp, case.w, stride=case.stride, dilation=case.dilation, groups=case.groups, method="loops")
    cols = layer_im2col(xp, case.w.shape[-2:], case.stride, case.dilation)
    blocks = weight_matrix(case.w, case.groups)
    atol = 1e-12 * max(1.0, bound(case))
    np.testing.assert_allclose(blocks @ cols, y.reshape(*y.shape[:2], -1), rtol=1e-12, atol=atol)
    # Off its diagonal blocks the matrix is zero: output channel o never sees another group's inputs.
    per_out, per_in = case.w.shape[0] // case.groups, case.w[0].size
    for o in range(case.w.shape[0]):
        outside = np.delete(blocks[o], np.s_[(o // per_out) * per_in : (o // per_out + 1) * per_in])
        assert not outside.any()


@settings(max_examples=30)
@given(case=layer_cases(max_channels=2, max_side=5))
def test_layer_matrix_times_the_flattened_input_is_the_flattened_output(case):
    xp = padded_input(case)
    y = convdot.conv2d(xp, case.w, stride=case.stride, dilation=case.dilation, groups=case.groups, method="loops")
    t = layer_matrix(case.w, xp.shape[-2:], case.stride, case.dilation, case.groups)
    assert t.shape == (y[0].size, xp[0].size)
    got = xp.reshape(xp.shape[0], -1) @ t.T
    np.testing.assert_allclose(got, y.reshape(y.shape[0], -1), rtol=1e-12, atol=1e-12 * max(1.0, bound(case)))
    sparse = layer_matrix(case.w, xp.shape[-2:], case.stride, case.dilation, case.groups, sparse=True)
    np.testing.assert_array_equal(sparse.toarray(), t)


@pytest.mark.parametrize("method", METHODS)
def test_worked_example_from_the_question_as_a_one_channel_layer(method):
    got = convdot.conv2d(WORKED_A[None, None], WORKED_B[None, None], method=method)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got[0, 0], WORKED_C)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("padding_mode", ["zeros", "reflect", "replicate", "circular"])
def test_integer_layers_are_exact_in_int64(method, padding_mode):
    rng = np.random.default_rng(4)
    x = rng.integers(0, 256, size=(2, 4, 6, 5), dtype=np.uint8)
    w = rng.integers(-(2**20), 2**20, size=(4, 2, 3, 2))
    bias = rng.integers(-(2**30), 2**30, size=4)
    if method == "fft":  # exact only below a size bound (see fft_is_exact_for_integers)
        w = w // 2**10
    case = Case(x, w, bias, (2, 1), (1, 2), (1, 1), 2, padding_mode)
    got = convdot.conv2d(x, w, bias, **case.kwargs, method=method)
    assert got.dtype == np.int64
    expected = reference_conv2d(case)  # float64, exact here: every |output| < 2**33 < 2**53
    assert np.abs(expected).max() < 2**33
    np.testing.assert_array_equal(got, expected.astype(np.int64))


@pytest.mark.parametrize(
    ("x_dtype", "w_dtype", "bias_dtype", "expected"),
    [
        (np.uint8, np.int8, None, np.int64),
        (np.bool_, np.bool_, np.int32, np.int64),
        (np.float32, np.float32, None, np.float32),
        (np.float32, np.float32, np.float32, np.float32),
        (np.float32, np.float32, np.float64, np.float64),
        (np.float32, np.int8, None, np.float32),
        (np.int64, np.float32, None, np.float64),
    ],
)
def test_result_dtype_follows_the_2d_rule_with_the_bias_promoted_in(x_dtype, w_dtype, bias_dtype, expected):
    x, w = np.ones((1, 2, 4, 4), dtype=x_dtype), np.ones((3, 2, 2, 2), dtype=w_dtype)
    bias = None if bias_dtype is None else np.ones(3, dtype=bias_dtype)
    for method in METHODS:
        assert convdot.conv2d(x, w, bias, method=method).dtype == expected


def test_auto_chooses_an_fft_method_only_where_the_direct_sum_costs_more():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(1, 2, 64, 64))
    stride, dilation = (1, 1), (1, 1)
    assert "fft" not in convdot.choose_layer_method(x, rng.normal(size=(4, 2, 3, 3)), stride, dilation, 1)
    assert "fft" in convdot.choose_layer_method(x, rng.normal(size=(4, 2, 31, 31)), stride, dilation, 1)
    # The FFT computes every stride-1 output; a large stride makes the direct sum cheaper again.
    assert "fft" not in convdot.choose_layer_method(x, rng.normal(size=(4, 2, 31, 31)), (8, 8), dilation, 1)


def test_auto_avoids_the_fft_when_a_nan_would_spread_to_every_output():
    x = np.ones((1, 1, 40, 40))
    x[0, 0, 0, 0] = np.nan
    w = np.ones((1, 1, 15, 15))
    assert np.isnan(convdot.conv2d(x, w, method="fft")).all()
    assert "fft" not in convdot.choose_layer_method(x, w, (1, 1), (1, 1), 1)
    assert np.isnan(convdot.conv2d(x, w)).sum() == 1


def test_a_form_added_to_the_table_becomes_a_method(monkeypatch):
    def doubled(xp, w, stride, dilation, groups):
        return 2 * convdot.LAYER_FORMS["im2col"](xp, w, stride, dilation, groups)

    monkeypatch.setitem(convdot.LAYER_FORMS, "doubled", doubled)
    x, w = np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2))
    assert "doubled" in layer_methods()
    np.testing.assert_array_equal(convdot.conv2d(x, w, method="doubled"), 2 * convdot.conv2d(x, w))
