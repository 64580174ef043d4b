"""Argument normalisation and the messages users see when an argument is wrong.

Every public function normalises its arguments here first, so that a mistake is
reported in terms of the caller's own argument names, never as a numpy traceback
from deep inside a computation.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

ACCEPTED_DTYPES = "bool, signed or unsigned integers, float32 or float64"


def check_choice(value: object, name: str, choices: Iterable[str]) -> str:
    """Return `value` if it is one of `choices`, else raise a `ValueError` naming `name`."""
    choices = tuple(choices)
    if not isinstance(value, str) or value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {listed}; got {value!r}")
    return value


def as_real_array(x: object, name: str, ndim: int, *, empty_batch: bool = False) -> np.ndarray:
    """Convert `x` to an array with `ndim` dimensions, a real dtype and no empty axis.

    With `empty_batch`, the first axis (a batch) may be empty, as in PyTorch.

    Raises `TypeError` for a masked array (its mask would be lost), for complex, object, string
    and other non-real dtypes and for float16/longdouble; `ValueError` for a wrong number of
    dimensions or an empty axis.
    """
    if isinstance(x, np.ma.MaskedArray):
        raise TypeError(
            f"{name} is a masked array; convdot would lose its mask: pass {name}.filled(value) "
            f"(e.g. {name}.filled(0) to treat masked entries as zeros) or {name}.data explicitly"
        )
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as exc:
        raise TypeError(f"{name} must be array-like of real numbers; got {type(x).__name__}") from exc
    if arr.dtype.kind not in "biuf" or (arr.dtype.kind == "f" and arr.dtype not in (np.float32, np.float64)):
        raise TypeError(f"{name} must have a real dtype ({ACCEPTED_DTYPES}); got dtype {arr.dtype}")
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D; got {arr.ndim}-D array of shape {arr.shape}")
    if arr.size == 0 and not (empty_batch and arr.shape[0] == 0 and 0 not in arr.shape[1:]):
        raise ValueError(f"{name} must not be empty; got shape {arr.shape}")
    return arr


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
