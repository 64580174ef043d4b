"""The FFT's normwise error bound (convdot.numerics.fft_correlate_error_bound) against exact references."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import convdot
from convdot.numerics import fft_correlate_error_bound, fft_transform_error


@settings(max_examples=40, deadline=None)
@given(
    t0=st.integers(0, 6),
    t1=st.integers(0, 6),
    data=st.data(),
)
def test_fft_correlation_error_is_within_the_normwise_bound(t0, t1, data):
    # valid mode with an input of power-of-two shape: the transform shape is the input's
    H, W = 2**t0, 2**t1
    h, w = data.draw(st.integers(1, H)), data.draw(st.integers(1, W))
    seed = data.draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    # multiples of 1/64: the direct sum is exact in float64, so it is an exact reference
    a = rng.integers(-64, 65, size=(H, W)) / 64
    b = rng.integers(-64, 65, size=(h, w)) / 64
    exact = convdot.correlate_loops(a, b)
    error = np.linalg.norm(convdot.correlate_fft(a, b) - exact)
    assert error <= fft_correlate_error_bound(a, b)


def test_float32_fft_error_is_within_the_float32_bound():
    rng = np.random.default_rng(7)
    a = (rng.integers(-16, 17, size=(32, 32)) / 16).astype(np.float32)
    b = (rng.integers(-16, 17, size=(5, 5)) / 16).astype(np.float32)
    exact = convdot.correlate_loops(a.astype(np.float64), b.astype(np.float64))
    error = np.linalg.norm(convdot.correlate_fft(a, b).astype(np.float64) - exact)
    bound = fft_correlate_error_bound(a, b)
    assert error <= bound
    assert bound > fft_correlate_error_bound(a.astype(np.float64), b.astype(np.float64)) * 1e8


def test_fft_bound_refuses_transform_shapes_that_are_not_powers_of_two():
    with pytest.raises(ValueError, match=r"radix-2 transforms only; the transform shape \(6, 8\)"):
        fft_correlate_error_bound(np.ones((6, 8)), np.ones((3, 3)))


def test_fft_transform_error_checks_its_arguments():
    with pytest.raises(ValueError, match="twiddle_error must be >= 0; got -1"):
        fft_transform_error(3, np.float64, twiddle_error=-1)
    with pytest.raises(ValueError, match="t \\* eta < 1"):
        fft_transform_error(10**8, np.float32)


def test_two_dimensional_transform_error_is_at_most_the_one_dimensional_of_the_total_length():
    for t0 in range(20):
        for t1 in range(20):
            phi0, phi1 = fft_transform_error(t0, np.float64), fft_transform_error(t1, np.float64)
            combined = phi0 + phi1 + phi0 * phi1  # (1 + phi0)(1 + phi1) - 1 without cancellation
            assert combined <= fft_transform_error(t0 + t1, np.float64) * (1 + 1e-12)  # equal when t0 or t1 is 0
