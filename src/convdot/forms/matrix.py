"""The convolution matrix: correlation with a fixed kernel is a linear map of the input."""

from __future__ import annotations

import numpy as np
import scipy.sparse

from .._memory import Sizes, array_bytes, check_memory
from .._prepare import prepare
from .._shapes import MODES, correlate_output_shape, mode_padding
from .._validate import as_pair, as_real_array, check_choice

INDEX_BYTES = 72
"""Bytes of index work per stored entry while {py:func}`conv_matrix` builds $T_B$: nine int64 arrays
of one entry per (output, tap) (the four index grids, the two input indices, rows, columns, the
sparse matrix's own indices), and a mask."""


def matrix_sizes(
    input_shape: tuple[int, int],
    kernel_shape: tuple[int, int],
    itemsize: int,
    mode: str = "valid",
    *,
    dense: bool = False,
) -> Sizes:
    """What {py:func}`conv_matrix` allocates: $h w$ entries per row with their indices, and the dense matrix."""
    out = correlate_output_shape(input_shape, kernel_shape, mode)
    entries = out[0] * out[1] * kernel_shape[0] * kernel_shape[1]
    sizes = [(f"the sparse matrix's {entries} entries and their indices", entries * (itemsize + INDEX_BYTES))]
    if dense:
        shape = (out[0] * out[1], input_shape[0] * input_shape[1])
        sizes.append((f"the dense matrix {shape}", array_bytes(shape, itemsize)))
    return sizes


def conv_matrix(
    b: object, input_shape: tuple[int, int], mode: str = "valid", *, sparse: bool = False
) -> np.ndarray | scipy.sparse.csr_array:
    r"""The matrix $T_B$ with $\operatorname{vec}(C) = T_B \operatorname{vec}(A)$ for every input $A$.

    Rows index output positions and columns index input positions, both in row-major
    order. With $(p_0, p_1)$ the top and left zero padding of `mode`,

    $$T_B[m W_{out} + n,\; i W + j] = B[i - m + p_0,\; j - n + p_1]$$

    when that index lies inside $B$, and $0$ otherwise. $T_B$ is doubly block Toeplitz:
    $H_{out} \times H$ blocks, constant along block diagonals, each block a Toeplitz
    matrix built from one row of $B$.

    **Parameters**: `b` (h, w), the kernel; `input_shape` $(H, W)$; `mode` as in
    {py:func}`convdot.correlate2d`; `sparse=True` returns a `scipy.sparse.csr_array` holding
    the $h w$ kernel entries of each row (explicit zeros of $B$ included, so that
    $0 \cdot \mathrm{NaN}$ stays NaN as in the direct sum).

    **Returns**: shape $(H_{out} W_{out},\; H W)$; dtype as {py:func}`convdot.correlate2d`
    gives for an input of `b`'s dtype (integers become int64). Dense, it holds
    $H_{out} W_{out} H W$ numbers, nearly all zero: use it to understand, not to compute.

    **Raises**: `ValueError`/`TypeError` for a bad `b`, `input_shape` or `mode`, a kernel that does not
    fit in `"valid"` mode; {py:class}`convdot.MemoryBudgetError` when the matrix exceeds the
    memory budget ({py:func}`convdot.set_memory_budget`).

    **Example**: `conv_matrix(b, a.shape, mode) @ a.ravel()` equals
    `correlate2d(a, b, mode).ravel()`.
    """
    b = as_real_array(b, "b", ndim=2)
    H, W = as_pair(input_shape, "input_shape", minimum=1)
    check_choice(mode, "mode", MODES)
    h, w = b.shape
    if mode == "valid" and (h > H or w > W):
        raise ValueError(f"in mode 'valid' the kernel b of shape {b.shape} must fit inside input_shape {(H, W)}")
    b = b.astype(b.dtype if b.dtype.kind == "f" else np.int64, copy=False)
    check_memory("conv_matrix", matrix_sizes((H, W), b.shape, b.itemsize, mode, dense=not sparse))
    return _matrix(b, (H, W), mode, sparse=sparse)


def _matrix(b: np.ndarray, input_shape: tuple[int, int], mode: str, *, sparse: bool):
    H, W = input_shape
    h, w = b.shape
    (p0, _), (p1, _) = mode_padding(b.shape, mode)
    H_out, W_out = correlate_output_shape((H, W), b.shape, mode)
    m, n, u, v = np.meshgrid(np.arange(H_out), np.arange(W_out), np.arange(h), np.arange(w), indexing="ij")
    i, j = m + u - p0, n + v - p1
    inside = (i >= 0) & (i < H) & (j >= 0) & (j < W)
    rows = (m * W_out + n)[inside]
    cols = (i * W + j)[inside]
    data = b[u[inside], v[inside]]
    t = scipy.sparse.csr_array((data, (rows, cols)), shape=(H_out * W_out, H * W))
    return t if sparse else t.toarray()


def correlate_matrix(a: object, b: object, mode: str = "valid") -> np.ndarray:
    r"""2-D cross-correlation as one matrix-vector product with the convolution matrix.

    $$\operatorname{vec}(C) = T_B \operatorname{vec}(A)$$

    computed with the sparse $T_B$ of {py:func}`conv_matrix` ($h w$ stored entries per row).

    **Parameters**: `a` (H, W), `b` (h, w), `mode` as in {py:func}`convdot.correlate2d`.

    **Returns**: the correlation, shaped and typed as by {py:func}`convdot.correlate2d`.
    """
    return matrix_valid(*prepare(a, b, mode, function="correlate_matrix", work=matrix_sizes))


def matrix_valid(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The valid correlation of prepared `a` and `b` as the product of the sparse $T_B$ with vec(A)."""
    out_shape = (a.shape[0] - b.shape[0] + 1, a.shape[1] - b.shape[1] + 1)
    t = _matrix(b, a.shape, "valid", sparse=True)
    return (t @ a.ravel()).reshape(out_shape).astype(a.dtype, copy=False)
