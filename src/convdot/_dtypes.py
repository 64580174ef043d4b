r"""The dtype rules: what a correlation returns, when integers stay exact, and when a float form is safe.

Every output of a correlation is a sum of products of input entries with kernel entries, each
kernel entry of one output channel used at most once. So with $o$ running over the kernel's
output channels (axis 0 of a layer's weight; a 2-D kernel is one channel),

$$|y| \le \max|x| \cdot \max_o \sum |w[o]|,$$

and so is every partial sum, in any order of the additions. This module owns that bound and
the three exactness rules built on it, and the one helper ({py:func}`float_work`) that every
form computing integers in float64 and rounding them back uses.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

INT64_MAX = int(np.iinfo(np.int64).max)
"""The largest int64, $2^{63} - 1$."""

EPS64 = float(np.finfo(np.float64).eps)


def max_abs(x: np.ndarray) -> int:
    """Largest absolute value of an integer or bool array, as an exact Python int (0 when empty)."""
    if x.size == 0:
        return 0
    return max(int(x.max()), -int(x.min()))


def channel_sum_abs(w: np.ndarray, axis: int = 0) -> int:
    r"""$\max_o \sum |w[o]|$ over the index $o$ of `axis`, summing every other axis: an exact Python int.

    Integers up to 32 bits are summed in int64 when that cannot wrap around, others as Python ints.
    """
    if w.size == 0:
        return 0
    moved = np.moveaxis(np.asarray(w), axis, 0).reshape(w.shape[axis], -1)
    if moved.dtype.itemsize <= 4 and max_abs(moved) * moved.shape[1] <= INT64_MAX:
        return int(np.abs(moved.astype(np.int64)).sum(axis=1).max())
    return int(np.abs(moved.astype(object)).sum(axis=1).max())


def integer_bound(x: np.ndarray, w: np.ndarray, *, axis: int = 0, terms: int = 1) -> int:
    r"""$\max|x| \cdot \max_o \sum |w[o]| \cdot$ `terms`: a bound on every output and partial sum.

    `axis` is the kernel's output-channel axis; `terms` counts how many kernel entries of one
    output channel can meet one input entry (1 for a correlation; the padding copies of a
    pixel for the gradient).
    """
    return max_abs(x) * channel_sum_abs(w, axis) * terms


def common_dtype(
    x: np.ndarray,
    w: np.ndarray,
    *,
    names: tuple[str, str] = ("a", "b"),
    axis: int = 0,
    terms: int = 1,
    bias: np.ndarray | None = None,
) -> np.dtype:
    r"""The dtype a correlation of `x` with kernel `w` (plus an optional `bias`) is computed and returned in.

    Floating inputs follow numpy's promotion (float32 with float32 stays float32; any float64,
    or an integer wider than 16 bits beside a float32, gives float64). When every input is bool
    or integer the result is `int64`, exact, provided no output can leave the int64 range:
    {py:func}`integer_bound` plus $\max|b|$ ($b$ the `bias`) must stay below $2^{63}$, else a `ValueError`
    is raised rather than wrapping around silently.
    """
    arrays = (x, w) if bias is None else (x, w, bias)
    if any(a.dtype.kind == "f" for a in arrays):
        return np.result_type(*(a.dtype for a in arrays))
    bound = integer_bound(x, w, axis=axis, terms=terms) + (0 if bias is None else max_abs(bias))
    if bound > INT64_MAX:
        inputs = f"{names[0]}, {names[1]} and bias" if bias is not None else f"{names[0]} and {names[1]}"
        raise ValueError(
            f"integer inputs {inputs} could produce values up to {bound}, beyond the int64 range "
            f"(|value| <= {INT64_MAX}); convert them to float64 (approximate) or use smaller values"
        )
    return np.dtype(np.int64)


def _per_output_l1(x: np.ndarray, w: np.ndarray) -> float:
    r"""$\max_n \|x[n]\|_1 \cdot \max_o \|w[o]\|_1$ in float64 (inf if it overflows): 2-D arrays are one sample."""
    with np.errstate(over="ignore", invalid="ignore"):
        xs = np.abs(x.reshape(x.shape[0], -1) if x.ndim > 2 else x.reshape(1, -1), dtype=np.float64).sum(axis=1)
        ws = np.abs(w.reshape(w.shape[0], -1) if w.ndim > 2 else w.reshape(1, -1), dtype=np.float64).sum(axis=1)
        return float(xs.max(initial=0.0)) * float(ws.max(initial=0.0))


RULES = {
    "direct": "every partial sum must stay below 2**53",
    "fft": "for a transform of N points, 11 eps (log2 N + 1) max_n |x[n]|_1 max_o |w[o]|_1 must stay below 1/2",
    "winograd": "36 max|x| max_o sum|w[o]| must stay below 2**50",
}
"""The exactness rules of the forms that compute integers in float64, as their messages state them."""


def exact_in_float64(x: np.ndarray, w: np.ndarray, rule: str, *, points: int = 1) -> bool:
    r"""Whether a float64 computation of integer `x` and `w` by `rule` recovers the exact integers when rounded.

    - `"direct"` (any order of a sum of products): {py:func}`integer_bound` $< 2^{53}$, so every
      product and partial sum is an integer float64 holds exactly.
    - `"fft"` (a transform of $N$ = `points` points): we require
      $11 \varepsilon (\log_2 N + 1) \max_n \|x[n]\|_1 \max_o \|w[o]\|_1 < 1/2$, the condition
      under which the normwise bound of {py:func}`convdot.numerics.fft_correlate_error_bound`
      keeps every output within 1/2 of its integer (proved there for power-of-two lengths).
    - `"winograd"` (F(2×2, 3×3)): every intermediate is a multiple of 1/4 bounded by
      $36 \cdot$ {py:func}`integer_bound`; below $2^{50}$ float64 holds all of them exactly.
    """
    if rule == "direct":
        return integer_bound(x, w) < 2**53
    if rule == "winograd":
        return 36 * integer_bound(x, w) < 2**50
    return 11 * EPS64 * (math.log2(max(points, 1)) + 1) * _per_output_l1(x, w) < 0.5


def fft_fits_range(x: np.ndarray, w: np.ndarray, dtype: np.dtype, points: int) -> bool:
    r"""Whether an FFT correlation of finite float `x` and `w` in `dtype` cannot overflow.

    A spectrum entry is at most $\|x\|_1$ (or $\|w\|_1$) in magnitude, their product at most
    $\|x\|_1 \|w\|_1$, and the unnormalised inverse transform sums `points` of those before it
    divides by `points`. So, with $N$ = `points`, $N \max_n \|x[n]\|_1 \max_o \|w[o]\|_1$ below half the largest finite
    number of `dtype` keeps every intermediate finite. Non-finite input is refused too.
    """
    if not (np.isfinite(x).all() and np.isfinite(w).all()):
        return False
    return points * _per_output_l1(x, w) < float(np.finfo(dtype).max) / 2


class FloatWork(NamedTuple):
    """How a form that works in floating point computes: its working dtype, and whether it rounds back."""

    dtype: np.dtype
    """The floating dtype the form computes in: the input's own, or float64 for integers."""
    rounds: bool
    """True for integer input: results are rounded to the nearest integer and cast back."""

    def cast(self, a: np.ndarray) -> np.ndarray:
        """`a` in the working dtype (no copy when it already is)."""
        return a.astype(self.dtype, copy=False)

    def back(self, y: np.ndarray, dtype: np.dtype) -> np.ndarray:
        """A result in the working dtype as `dtype`: rounded for integers, cast for floats."""
        return np.rint(y).astype(dtype) if self.rounds else y.astype(dtype, copy=False)

    def store(self, target: np.ndarray, y: np.ndarray) -> None:
        """Write `y` into the slice `target` of the result, rounded for integers."""
        target[...] = np.rint(y) if self.rounds else y


def float_work(x: np.ndarray, w: np.ndarray, method: str, rule: str, *, points: int = 1, instead: str) -> FloatWork:
    """The {py:class}`FloatWork` of `method` for prepared `x` and `w` of one dtype.

    Floats: their own dtype. Integers: float64, provided {py:func}`exact_in_float64` by `rule`
    holds; otherwise a `ValueError` names `method`, the rule and the method to use `instead`.
    """
    if x.dtype.kind == "f":
        return FloatWork(x.dtype, False)
    if not exact_in_float64(x, w, rule, points=points):
        raise ValueError(
            f"method {method!r} cannot guarantee an exact integer result for inputs this large "
            f"({RULES[rule]}); use method={instead!r} or 'auto'"
        )
    return FloatWork(np.dtype(np.float64), True)
