"""Argument normalisation and the messages users see when an argument is wrong.

Every public function normalises its arguments here first, so that a mistake is
reported in terms of the caller's own argument names, never as a numpy traceback
from deep inside a computation.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

ACCEPTED_DTYPES = "bool, signed or unsigned integers, float32 or float64"
_INT64_MAX = int(np.iinfo(np.int64).max)


def check_choice(value: object, name: str, choices: Iterable[str]) -> str:
    """Return `value` if it is one of `choices`, else raise a `ValueError` naming `name`."""
    choices = tuple(choices)
    if not isinstance(value, str) or value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {listed}; got {value!r}")
    return value


def as_real_array(x: object, name: str, ndim: int) -> np.ndarray:
    """Convert `x` to an array with `ndim` dimensions, a real dtype and no empty axis.

    Raises `TypeError` for complex, object, string and other non-real dtypes and for
    float16/longdouble; `ValueError` for a wrong number of dimensions or an empty axis.
    """
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as exc:
        raise TypeError(f"{name} must be array-like of real numbers; got {type(x).__name__}") from exc
    if arr.dtype.kind not in "biuf" or (arr.dtype.kind == "f" and arr.dtype not in (np.float32, np.float64)):
        raise TypeError(f"{name} must have a real dtype ({ACCEPTED_DTYPES}); got dtype {arr.dtype}")
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D; got {arr.ndim}-D array of shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {arr.shape}")
    return arr


def _max_abs(x: np.ndarray) -> int:
    """Largest absolute value of an integer or bool array, as an exact Python int."""
    return max(int(x.max()), -int(x.min()))


def _sum_abs(x: np.ndarray) -> int:
    """Sum of absolute values of an integer or bool array, as an exact Python int."""
    if x.dtype.itemsize <= 4:
        return int(np.abs(x.astype(np.int64)).sum())
    return int(np.abs(x.astype(object)).sum())


def common_dtype(
    a: np.ndarray, b: np.ndarray, *, names: tuple[str, str] = ("a", "b"), terms: int | None = None
) -> np.dtype:
    r"""The dtype a correlation of `a` with kernel `b` is computed and returned in.

    Floating inputs follow numpy's promotion (float32 with float32 stays float32; any
    float64, or an integer wider than 16 bits beside a float32, gives float64).
    When both inputs are bool or integer the result is `int64`, exact, provided no
    output can leave the int64 range. Every output is a sum of products of entries
    of `a` with entries of `b`, each entry of `b` used at most once, so
    $|C| \le \max|a| \cdot \sum|b|$; when `terms` is given (the number of kernel
    entries that share one input entry across channels) the bound is scaled by it.
    If the bound exceeds $2^{63}-1$ a `ValueError` is raised rather than wrapping
    around silently.
    """
    if a.dtype.kind == "f" or b.dtype.kind == "f":
        return np.result_type(a.dtype, b.dtype)
    bound = _max_abs(a) * _sum_abs(b) * (terms or 1)
    if bound > _INT64_MAX:
        raise ValueError(
            f"integer inputs {names[0]} and {names[1]} could produce values up to {bound}, "
            f"beyond the int64 range (|value| <= {_INT64_MAX}); convert them to float64 "
            "(approximate) or use smaller values"
        )
    return np.dtype(np.int64)


def as_pair(value: object, name: str, *, minimum: int) -> tuple[int, int]:
    """Normalise an int or a pair of ints (PyTorch's `_pair`) and check each is >= `minimum`."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be an int or a pair of ints; got {value!r}")
    if isinstance(value, (int, np.integer)):
        pair = (int(value), int(value))
    elif (
        isinstance(value, (tuple, list))
        and len(value) == 2
        and all(isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)) for v in value)
    ):
        pair = (int(value[0]), int(value[1]))
    else:
        raise TypeError(f"{name} must be an int or a pair of ints; got {value!r}")
    if min(pair) < minimum:
        raise ValueError(f"{name} must be >= {minimum} on each axis; got {value!r}")
    return pair
