"""The BLAS call behind the shifted form: gemm into strided views, with and without accumulating.

The oracle is numpy's `@` on copies of the same views; views are cut from larger random arrays
at random offsets, so every leading dimension differs from the row length.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import convdot
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


@pytest.fixture
def lookup(monkeypatch):
    """Change what the real lookup finds (names it searches), with routine's cache cleared before and after."""
    blas.routine.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    blas.routine.cache_clear()


@settings(max_examples=30)
@given(case=blas_cases)
def test_the_scipy_fallback_computes_the_same_product(case):
    with pytest.MonkeyPatch.context() as patch:  # numpy's symbols not found: the real lookup falls to SciPy
        blas.routine.cache_clear()
        patch.setattr(blas, "_CBLAS_NAMES", (("no_such_{}gemm", blas.ctypes.c_int),))
        try:
            assert blas.routine(np.dtype(case["dtype"]))[0].__qualname__.startswith("_scipy_blas")
            check_gemm_matches_numpy(case)
        finally:
            blas.routine.cache_clear()


@settings(max_examples=30)
@given(case=blas_cases)
def test_without_any_blas_symbol_gemm_computes_the_same_product_with_numpy(case):
    with pytest.MonkeyPatch.context() as patch:
        blas.routine.cache_clear()
        patch.setattr(blas, "_CBLAS_NAMES", (("no_such_{}gemm", blas.ctypes.c_int),))
        patch.setattr(blas, "_SCIPY_CAPI", "no_such_{}gemm")
        try:
            assert blas.routine(np.dtype(case["dtype"])) is None
            check_gemm_matches_numpy(case)
        finally:
            blas.routine.cache_clear()


def test_conv2d_by_the_shifted_form_and_auto_work_without_any_blas_symbol(lookup):
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((2, 16, 9, 9)), rng.standard_normal((4, 16, 3, 3))
    expected = convdot.conv2d(x, w, padding=1, method="loops")
    lookup.setattr(blas, "_CBLAS_NAMES", (("no_such_{}gemm", blas.ctypes.c_int),))
    lookup.setattr(blas, "_SCIPY_CAPI", "no_such_{}gemm")  # today's KeyError 'sgemm' came from here
    assert convdot.choose_layer_method(np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1))), w) == "shifted"
    for method in ("shifted", "auto"):
        got = convdot.conv2d(x, w, padding=1, method=method)
        assert np.all(np.abs(got - expected) <= 2 * convdot.numerics.conv2d_error_bound(x, w, padding=1))


def test_a_symbol_whose_integer_width_contradicts_numpy_s_build_configuration_is_not_used(lookup):
    width = blas.configured_integer()
    if width is None:
        pytest.skip("numpy's build configuration does not say which BLAS integers it uses")
    other = blas.ctypes.c_int if width is blas.ctypes.c_int64 else blas.ctypes.c_int64
    names = [(pattern, other) for pattern, _ in blas._CBLAS_NAMES]  # every name claims the other width
    lookup.setattr(blas, "_CBLAS_NAMES", tuple(names))
    assert blas._numpy_cblas("s", blas.ctypes.c_float) is None


def test_numpy_s_build_configuration_gives_the_integer_width_of_its_blas(lookup):
    lookup.setattr(
        np.__config__,
        "CONFIG",
        {"Build Dependencies": {"blas": {"name": "openblas", "found": True, "openblas configuration": "USE64BITINT"}}},
    )
    assert blas.configured_integer() is blas.ctypes.c_int64
    lookup.setattr(np.__config__, "CONFIG", {"Build Dependencies": {"blas": {"name": "mkl-lp64", "found": True}}})
    assert blas.configured_integer() is blas.ctypes.c_int
    lookup.setattr(np.__config__, "CONFIG", {})
    assert blas.configured_integer() is None


def exported_cblas_names() -> list[str]:
    """Which of the CBLAS names numpy's extension module exports, found independently of convdot's lookup."""
    import ctypes
    import importlib

    for module in ("numpy._core._multiarray_umath", "numpy.core._multiarray_umath"):
        try:
            library = ctypes.CDLL(importlib.import_module(module).__file__)
        except (ImportError, OSError, AttributeError, TypeError):
            continue
        return [p.format("s") for p, _ in blas._CBLAS_NAMES if hasattr(library, p.format("s"))]
    return []


def test_numpy_s_own_blas_is_used_where_numpy_exports_it():
    if not exported_cblas_names():
        pytest.skip("this numpy exports none of the CBLAS names convdot looks for: SciPy's BLAS or numpy is used")
    call, largest = blas.routine(np.dtype(np.float32))
    assert call.__qualname__.startswith("_numpy_cblas")
    assert largest >= 2**31 - 1


def test_gemm_refuses_an_output_that_shares_memory_with_an_operand():
    c = np.ones((3, 3))
    with pytest.raises(ValueError, match="shares no memory with a"):
        gemm(c, c, np.eye(3))
    with pytest.raises(ValueError, match="shares no memory with b"):
        gemm(c[:, :2], np.ones((3, 3)), c[:, 1:])
    assert np.array_equal(c, np.ones((3, 3)))  # refused before BLAS wrote anything


def test_gemm_refuses_an_unaligned_operand():
    raw = np.zeros(8 * 9 + 1, dtype=np.uint8)[1:].view(np.float64).reshape(3, 3)  # one byte off
    assert not raw.flags.aligned
    with pytest.raises(ValueError, match="gemm needs a aligned to its itemsize 8"):
        gemm(np.zeros((3, 3)), raw, np.eye(3))


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
