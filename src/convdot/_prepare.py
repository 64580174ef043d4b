"""The first stage every 2-D form shares: validate, promote the dtype, pad for the mode.

After `prepare`, every mode is a *valid* correlation of the returned arrays, so each
form only has to implement the valid case.
"""

from __future__ import annotations

import numpy as np

from ._shapes import MODES, mode_padding
from ._validate import as_real_array, check_choice, common_dtype


def prepare(a: object, b: object, mode: str = "valid", *, flip: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Return `(a_padded, b)` in their common dtype so that `mode` becomes `"valid"`.

    With `flip=True` the kernel is rotated by 180 degrees and the `"same"` padding is
    the convolution's, so that a valid correlation of the result is `convolve2d`.

    Raises `TypeError` for a non-real dtype and `ValueError` for a wrong rank, an empty
    array, an unknown `mode`, a kernel that does not fit the input in `"valid"` mode, or
    integer inputs whose result could overflow int64.
    """
    a = as_real_array(a, "a", ndim=2)
    b = as_real_array(b, "b", ndim=2)
    check_choice(mode, "mode", MODES)
    if mode == "valid" and (b.shape[0] > a.shape[0] or b.shape[1] > a.shape[1]):
        raise ValueError(
            f"in mode 'valid' the kernel b must fit inside a on both axes; got a of shape {a.shape} "
            f"and b of shape {b.shape}. (scipy.signal swaps the arguments silently here; convdot "
            "does not: swap them yourself, or use mode='same' or 'full')"
        )
    dtype = common_dtype(a, b)
    a = a.astype(dtype, copy=False)
    b = b.astype(dtype, copy=False)
    if flip:
        b = b[::-1, ::-1]
    pad = mode_padding(b.shape, mode, flipped=flip)
    if mode != "valid":
        a = np.pad(a, pad)
    return a, b
