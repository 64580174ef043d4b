"""Shared hypothesis strategies and the independent references the tests compare against."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.lib.stride_tricks import sliding_window_view

# The benchmark's helpers (benchmarks/convdot_bench) are not part of the installed library.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile("ci")

MODES = ("valid", "same", "full")

# The question's worked example (Data Science Stack Exchange), with the value it reports.
WORKED_A = np.array(
    [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]],
)
WORKED_B = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]])
WORKED_C = np.array([[4, 3, 4], [2, 4, 3], [2, 3, 4]])


@st.composite
def image_and_kernel(draw, *, dtype=np.float64, elements=None, max_side=9):
    """An input (H, W) and a kernel (h, w) with a mode; the kernel fits the input in "valid" mode.

    Sizes cover 1x1 kernels, kernels as large as the input, non-square and even shapes.
    """
    mode = draw(st.sampled_from(MODES))
    H, W = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    limit_h, limit_w = (H, W) if mode == "valid" else (H + 3, W + 3)
    h, w = draw(st.integers(1, limit_h)), draw(st.integers(1, limit_w))
    if elements is None:
        elements = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False, width=64)
    a = draw(hnp.arrays(dtype, (H, W), elements=elements))
    b = draw(hnp.arrays(dtype, (h, w), elements=elements))
    return a, b, mode


def exact_correlate2d(a: np.ndarray, b: np.ndarray, mode: str) -> np.ndarray:
    """Exact reference with Python integers (object arrays): numpy windows, no convdot code.

    Pads as scipy.signal.correlate2d aligns each mode: full pads k-1 on both sides, same pads
    (k-1)//2 before and k//2 after.
    """
    h, w = b.shape
    pad = {"valid": ((0, 0), (0, 0)), "full": ((h - 1, h - 1), (w - 1, w - 1))}.get(
        mode, (((h - 1) // 2, h // 2), ((w - 1) // 2, w // 2))
    )
    padded = np.pad(a.astype(object), pad, constant_values=0)
    windows = sliding_window_view(padded, b.shape)
    return (windows * b.astype(object)).sum(axis=(-2, -1))


def tolerance(a: np.ndarray, b: np.ndarray, rtol: float) -> float:
    """Absolute tolerance scaled by the largest possible |output|: max|a| * sum|b|."""
    return rtol * max(1.0, float(np.abs(a).max()) * float(np.abs(b).sum()))
