"""The first stage every 2-D form shares: validate, promote the dtype, check the memory, pad for the mode.

After this stage every mode is a *valid* correlation of the padded input, so each form only
implements the valid case, on arrays it never checks again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from ._dtypes import common_dtype
from ._memory import Sizes, array_bytes, check_memory
from ._shapes import MODES, Padding, mode_padding
from ._validate import as_real_array, check_choice

WorkSizes = Callable[[tuple[int, int], tuple[int, int], int], Sizes]
"""`f(padded_shape, kernel_shape, itemsize) -> Sizes`: what a form allocates beyond the padded input."""


class Prepared(NamedTuple):
    """Checked arguments of a 2-D correlation: `a` and `b` in their common dtype, `a` not yet padded."""

    a: np.ndarray
    b: np.ndarray
    pads: Padding
    mode: str

    @property
    def padded_shape(self) -> tuple[int, int]:
        """The shape of `a` once padded for the mode."""
        return tuple(n + p0 + p1 for n, (p0, p1) in zip(self.a.shape, self.pads, strict=True))

    @property
    def out_shape(self) -> tuple[int, int]:
        """The output's shape: the valid correlation of the padded `a` with `b`."""
        return tuple(n - k + 1 for n, k in zip(self.padded_shape, self.b.shape, strict=True))

    def sizes(self, work: WorkSizes | None = None) -> Sizes:
        """The padded copy of `a`, the output, and what the form `work` allocates besides."""
        item = self.a.dtype.itemsize
        sizes = [(f"the input padded for mode {self.mode!r} {self.padded_shape}", array_bytes(self.padded_shape, item))]
        if self.mode == "valid":
            sizes = []
        sizes.append((f"the output {self.out_shape}", array_bytes(self.out_shape, item)))
        if work is not None:
            sizes += work(self.padded_shape, self.b.shape, item)
        return sizes

    def padded(self) -> np.ndarray:
        """`a` zero-padded so that the mode is a valid correlation."""
        return self.a if self.mode == "valid" else np.pad(self.a, self.pads)


def check(a: object, b: object, mode: str = "valid", *, flip: bool = False) -> Prepared:
    """Validate `a`, `b` and `mode` and cast both to their common dtype; nothing is padded yet.

    With `flip=True` the kernel is rotated by 180 degrees and the `"same"` padding is the
    convolution's, so that a valid correlation of the padded result is `convolve2d`.

    Raises `TypeError` for a non-real dtype or a masked array and `ValueError` for a wrong
    rank, an empty array, an unknown `mode`, a kernel that does not fit the input in
    `"valid"` mode, or integer inputs whose result could overflow int64.
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
    return Prepared(a, b, mode_padding(b.shape, mode, flipped=flip), mode)


def prepare(
    a: object, b: object, mode: str = "valid", *, flip: bool = False, function: str, work: WorkSizes | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return `(a_padded, b)` in their common dtype so that `mode` becomes `"valid"`.

    {py:func}`check`, then the memory check of `function` (the padded input, the output and
    what `work` says the form allocates; see {py:mod}`convdot._memory`), then the padding.
    """
    prepared = check(a, b, mode, flip=flip)
    check_memory(function, prepared.sizes(work))
    return prepared.padded(), prepared.b
