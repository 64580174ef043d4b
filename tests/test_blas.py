"""The BLAS call behind the shifted form: gemm into strided views, with and without accumulating.

The oracle is numpy's `@` on copies of the same views; views are cut from larger random arrays
at random offsets, so every leading dimension differs from the row length.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convdot.layer import blas
from convdot.layer.blas import gemm


def view(rng: np.random.Generator, rows: int, cols: int, dtype, slack: tuple[int, int]) -> np.ndarray:
    """A (rows, cols) view at a random offset into a larger random array (row stride > cols)."""
    big = rng.standard_normal((rows + slack[0], cols + slack[1])).astype(dtype)
    r0, c0 = rng.integers(0, slack[0] + 1), rng.integers(0, slack[1] + 1)
    return big[r0 : r0 + rows, c0 : c0 + cols]


blas_cases = st.fixed_dictionaries(
    {
        "m": st.integers(1, 40),
        "n": st.integers(1, 40),
        "k": st.integers(1, 40),
        "dtype": st.sampled_from([np.float32, np.float64]),
        "accumulate": st.booleans(),
        "slack": st.tuples(st.integers(0, 5), st.integers(0, 5)),
        "seed": st.integers(0, 2**32 - 1),
    }
)


def check_gemm_matches_numpy(case: dict) -> None:
    rng = np.random.default_rng(case["seed"])
    m, n, k, dtype, slack = case["m"], case["n"], case["k"], case["dtype"], case["slack"]
    a, b, c = view(rng, m, k, dtype, slack), view(rng, k, n, dtype, slack), view(rng, m, n, dtype, slack)
    untouched = c.base.copy()
    expected = (c if case["accumulate"] else 0) + a.astype(np.float64) @ b.astype(np.float64)
    assert gemm(c, a, b, accumulate=case["accumulate"]) is c
    tolerance = 1e-4 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(c, expected, rtol=tolerance, atol=tolerance * k * 10)
    outside = np.ones(c.base.shape, bool)
    offset = (c.__array_interface__["data"][0] - c.base.__array_interface__["data"][0]) // c.itemsize
    r0, c0 = divmod(offset, c.base.shape[1])
    outside[r0 : r0 + m, c0 : c0 + n] = False
    assert np.array_equal(c.base[outside], untouched[outside])  # nothing written outside the view


@settings(max_examples=60)
@given(case=blas_cases)
def test_gemm_into_strided_views_matches_numpy_and_writes_only_the_view(case):
    check_gemm_matches_numpy(case)


@settings(max_examples=30)
@given(case=blas_cases)
def test_the_scipy_fallback_computes_the_same_product(case):
    letters = {np.dtype(np.float32): "s", np.dtype(np.float64): "d"}
    with pytest.MonkeyPatch.context() as patch:  # route gemm through SciPy's BLAS, as when numpy's is not found
        patch.setattr(blas, "routine", lambda dtype: blas._scipy_blas(letters[dtype], blas._SCALARS[dtype][1]))
        check_gemm_matches_numpy(case)


def test_numpy_s_own_blas_is_found_in_this_environment():
    call, largest = blas.routine(np.dtype(np.float32))
    assert call.__qualname__.startswith("_numpy_cblas")  # numpy's wheels ship scipy-openblas
    assert largest >= 2**31 - 1


def test_without_accumulate_whatever_c_held_is_ignored_nan_included():
    a, b = np.ones((2, 3)), np.ones((3, 4))
    c = np.full((2, 4), np.nan)
    assert np.array_equal(gemm(c, a, b), np.full((2, 4), 3.0))


@pytest.mark.parametrize(
    ("c", "a", "b", "error", "match"),
    [
        (np.zeros((2, 2)), np.ones((2, 2), np.float32), np.ones((2, 2)), TypeError, "one dtype, float32 or float64"),
        (np.zeros((2, 2), int), np.ones((2, 2), int), np.ones((2, 2), int), TypeError, "got int64"),
        (np.zeros((2, 2)), np.ones((2, 3)), np.ones((2, 2)), ValueError, r"a \(m, k\), b \(k, n\), c \(m, n\)"),
        (np.zeros(4), np.ones((2, 2)), np.ones((2, 2)), ValueError, "2-D a, b and c"),
        (np.zeros((2, 2)), np.ones((2, 4))[:, ::2], np.ones((2, 2)), ValueError, "a must have unit column stride"),
        (
            np.zeros((2, 2)),
            np.lib.stride_tricks.as_strided(np.ones(5), (2, 3), (8, 8)),
            np.ones((3, 2)),
            ValueError,
            "a rows must be whole entries apart and must not overlap",
        ),
    ],
)
def test_gemm_refuses_layouts_and_dtypes_blas_cannot_take(c, a, b, error, match):
    with pytest.raises(error, match=match):
        gemm(c, a, b)


def test_gemm_refuses_a_read_only_output():
    c = np.zeros((2, 2))
    c.flags.writeable = False
    with pytest.raises(ValueError, match="writeable c"):
        gemm(c, np.ones((2, 2)), np.ones((2, 2)))
