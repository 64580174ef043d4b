r"""The layer's equivalent forms, and the table `method=` chooses from.

Every form computes the same valid, strided, dilated, grouped cross-correlation of an
already padded input $X_p$ (shape $(N, C_{in}, H_p, W_p)$) with the weight $W$ (shape
$(C_{out}, C_{in}/g, k_H, k_W)$). With $g(o) = \lfloor o / (C_{out}/g) \rfloor$ the group of
output channel $o$ and $C_g = C_{in}/g$,

$$Y[n, o, i, j] = \sum_{c=0}^{C_g-1} \sum_{u=0}^{k_H-1} \sum_{v=0}^{k_W-1}
X_p[n,\; g(o) C_g + c,\; s_0 i + d_0 u,\; s_1 j + d_1 v]\; W[o, c, u, v].$$

The contract every form keeps (a new method only has to keep it): `f(xp, w, stride, dilation,
groups) -> y`, with `xp` and `w` already validated, padded and in one dtype, `stride` and
`dilation` pairs of ints, and `y` of shape $(N, C_{out}, H_{out}, W_{out})$ in that dtype,
without the bias.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import scipy.fft
import scipy.sparse

from .._validate import as_pair, as_real_array
from .._windows import windows
from ..forms.fft import exact_work_dtype, fft_is_exact_for_integers, fft_shape
from ._prepare import as_groups, insert_zeros, output_hw
from .fast import conv2d_blocked, conv2d_fft_pruned, conv2d_shifted, direct_is_exact_for_integers
from .winograd import conv2d_winograd


def _out_hw(xp: np.ndarray, w: np.ndarray, stride: tuple[int, int], dilation: tuple[int, int]) -> tuple[int, int]:
    return output_hw(xp.shape[-2:], w.shape[-2:], stride, ((0, 0), (0, 0)), dilation)


def conv2d_loops(
    xp: np.ndarray, w: np.ndarray, stride: tuple[int, int], dilation: tuple[int, int], groups: int
) -> np.ndarray:
    r"""The layer computed literally from its definition, one multiply-add at a time.

    $$Y[n, o, i, j] = \sum_{c, u, v} X_p[n,\; g(o) C_g + c,\; s_0 i + d_0 u,\; s_1 j + d_1 v]\; W[o, c, u, v]$$

    The reference the other forms are checked against; about a microsecond per
    multiply-add, so for reading and for tiny shapes only.
    """
    c_out, c_g, k_h, k_w = w.shape
    per_group = c_out // groups
    (s0, s1), (d0, d1) = stride, dilation
    y = np.zeros((xp.shape[0], c_out, *_out_hw(xp, w, stride, dilation)), dtype=xp.dtype)
    for n, o, i, j in np.ndindex(y.shape):
        first = (o // per_group) * c_g
        total = 0
        for c, u, v in np.ndindex(c_g, k_h, k_w):
            total += xp[n, first + c, s0 * i + d0 * u, s1 * j + d1 * v] * w[o, c, u, v]
        y[n, o, i, j] = total
    return y


def conv2d_dot(
    xp: np.ndarray, w: np.ndarray, stride: tuple[int, int], dilation: tuple[int, int], groups: int
) -> np.ndarray:
    r"""Each output is one dot product: the flattened receptive field with the flattened filter.

    $$Y[n, o, i, j] = \operatorname{vec}\big(X_p[n,\, G(o),\, \text{window}(i, j)]\big)
    \cdot \operatorname{vec}(W[o])$$

    where $G(o)$ are the $C_g$ input channels of $o$'s group, so both vectors have
    $C_g k_H k_W$ entries: across depth the "dot product" is literal.
    """
    c_out, c_g = w.shape[:2]
    per_group = c_out // groups
    view = windows(xp, w.shape[-2:], stride, dilation)  # (N, C_in, H_out, W_out, kH, kW)
    y = np.zeros((xp.shape[0], c_out, *view.shape[2:4]), dtype=xp.dtype)
    for n, o, i, j in np.ndindex(y.shape):
        first = (o // per_group) * c_g
        y[n, o, i, j] = np.dot(view[n, first : first + c_g, i, j].ravel(), w[o].ravel())
    return y


def layer_im2col(
    xp: np.ndarray, kernel_hw: tuple[int, int], stride: tuple[int, int] = (1, 1), dilation: tuple[int, int] = (1, 1)
) -> np.ndarray:
    r"""The im2col matrix of a batch: column $i W_{out} + j$ is the flattened receptive field at $(i, j)$.

    For `xp` of shape $(N, C, H_p, W_p)$ the result has shape $(N, C k_H k_W, H_{out} W_{out})$,
    rows ordered $(c, u, v)$ row-major like `w[o].ravel()`:

    $$X_{col}[n,\; (c k_H + u) k_W + v,\; i W_{out} + j] = X_p[n, c, s_0 i + d_0 u, s_1 j + d_1 v].$$

    It copies: each input entry appears up to $k_H k_W$ times.
    """
    view = windows(xp, kernel_hw, stride, dilation)  # (N, C, H_out, W_out, kH, kW)
    n, c, h_out, w_out, k_h, k_w = view.shape
    return view.transpose(0, 1, 4, 5, 2, 3).reshape(n, c * k_h * k_w, h_out * w_out)


def weight_matrix(w: object, groups: int = 1) -> np.ndarray:
    r"""The layer's weights as one block-diagonal matrix of shape $(C_{out},\; C_{in} k_H k_W)$.

    Row $o$ is `w[o].ravel()` placed in the columns of its group's $C_g$ input channels, zeros
    elsewhere: $g$ diagonal blocks of shape $(C_{out}/g,\; C_g k_H k_W)$. Then
    `weight_matrix(w, groups) @ layer_im2col(xp, ...)[n]` is the layer's output for sample $n$
    (flattened over positions), and a grouped convolution is $g$ independent convolutions.

    **Parameters**: `w` of shape $(C_{out}, C_{in}/g, k_H, k_W)$; `groups` an int dividing $C_{out}$.

    **Returns**: a dense array, $g$ times as wide as the $g$ blocks it holds.

    **Raises**: `ValueError` or `TypeError` for a `w` that is not a 4-D real array or a
    `groups` that does not divide `w.shape[0]`.
    """
    w = as_real_array(w, "w", ndim=4)
    groups = as_groups(groups, {"the output channels C_out = w.shape[0]": w.shape[0]})
    c_out = w.shape[0]
    per_group, block = c_out // groups, w[0].size
    rows = w.reshape(c_out, block)
    out = np.zeros((c_out, groups * block), dtype=rows.dtype)
    for o in range(c_out):
        group = o // per_group
        out[o, group * block : (group + 1) * block] = rows[o]
    return out


def conv2d_im2col(
    xp: np.ndarray, w: np.ndarray, stride: tuple[int, int], dilation: tuple[int, int], groups: int
) -> np.ndarray:
    r"""The whole layer as one (batched) matrix product with the im2col matrix.

    $$Y_n = W_{row}\, X_{col, n}, \qquad W_{row} = \operatorname{blockdiag}(W_1, \ldots, W_g)$$

    computed block by block: group $k$'s weights $W_k$ (shape $(C_{out}/g, C_g k_H k_W)$)
    multiply only the rows of {py:func}`convdot.layer.layer_im2col` that belong to its input
    channels, which is the product with the block-diagonal {py:func}`convdot.layer.weight_matrix`
    without its zero blocks.
    """
    n = xp.shape[0]
    c_out = w.shape[0]
    h_out, w_out = _out_hw(xp, w, stride, dilation)
    cols = layer_im2col(xp, w.shape[-2:], stride, dilation)  # (N, C_in kH kW, P)
    cols = cols.reshape(n, groups, -1, h_out * w_out)
    rows = w.reshape(groups, c_out // groups, -1)
    return np.matmul(rows, cols).reshape(n, c_out, h_out, w_out)


def layer_matrix(
    w: object,
    input_hw: tuple[int, int],
    stride: object = 1,
    dilation: object = 1,
    groups: int = 1,
    *,
    sparse: bool = False,
) -> np.ndarray | scipy.sparse.csr_array:
    r"""The matrix $T_W$ with $\operatorname{vec}(Y_n) = T_W \operatorname{vec}(X_{p,n})$ for every sample.

    The layer's analogue of {py:func}`convdot.forms.conv_matrix`. Rows index $(o, i, j)$, columns
    $(c, a, b)$, both row-major; the entry at row $(o, i, j)$ and column
    $(g(o) C_g + c,\; s_0 i + d_0 u,\; s_1 j + d_1 v)$ is $W[o, c, u, v]$, all others are 0.
    The column indices are the windows of the index image `arange(C_in*H*W)`, so the geometry
    is {py:func}`numpy.lib.stride_tricks.sliding_window_view`'s. $T_W$ is a $C_{out} \times C_{in}$
    grid of 2-D convolution matrices, zero outside the $g$ diagonal blocks of groups.

    **Parameters**: `w` $(C_{out}, C_{in}/g, k_H, k_W)$; `input_hw` the (already padded) input
    size $(H, W)$; `stride`, `dilation` as in {py:func}`convdot.conv2d`; `groups`; `sparse=True`
    returns a `scipy.sparse.csr_array` with the $C_g k_H k_W$ weights of each row.

    **Returns**: shape $(C_{out} H_{out} W_{out},\; C_{in} H W)$ with $C_{in} = g \cdot$
    `w.shape[1]`; float weights keep their dtype, integer ones become int64.

    **Raises**: `ValueError`/`TypeError` for a bad `w`, size, stride, dilation or `groups`,
    or a dilated kernel that does not fit in `input_hw`.
    """
    w = as_real_array(w, "w", ndim=4)
    w = w.astype(w.dtype if w.dtype.kind == "f" else np.int64, copy=False)
    input_hw = as_pair(input_hw, "input_hw", minimum=1)
    stride = as_pair(stride, "stride", minimum=1)
    dilation = as_pair(dilation, "dilation", minimum=1)
    groups = as_groups(groups, {"the output channels C_out = w.shape[0]": w.shape[0]})
    c_out, c_g = w.shape[:2]
    c_in = c_g * groups
    h_out, w_out = output_hw(input_hw, w.shape[-2:], stride, ((0, 0), (0, 0)), dilation)
    index = np.arange(c_in * input_hw[0] * input_hw[1]).reshape(c_in, *input_hw)
    taps = windows(index, w.shape[-2:], stride, dilation)  # (C_in, H_out, W_out, kH, kW)
    taps = taps.reshape(groups, 1, c_g, h_out * w_out, -1).transpose(0, 1, 3, 2, 4)  # (g, 1, P, C_g, kH kW)
    cols = np.broadcast_to(taps, (groups, c_out // groups, *taps.shape[2:])).reshape(c_out, h_out * w_out, -1)
    rows = np.broadcast_to(np.arange(c_out * h_out * w_out).reshape(c_out, -1, 1), cols.shape)
    data = np.broadcast_to(w.reshape(c_out, 1, -1), cols.shape)
    t = scipy.sparse.csr_array(
        (data.ravel(), (rows.ravel(), cols.ravel())), shape=(c_out * h_out * w_out, index.size), dtype=w.dtype
    )
    return t if sparse else t.toarray()


def conv2d_matrix(
    xp: np.ndarray, w: np.ndarray, stride: tuple[int, int], dilation: tuple[int, int], groups: int
) -> np.ndarray:
    r"""The layer as one sparse matrix product with its convolution matrix, for the whole batch.

    $$\big[\operatorname{vec}(Y_1) \cdots \operatorname{vec}(Y_N)\big]
    = T_W \big[\operatorname{vec}(X_{p,1}) \cdots \operatorname{vec}(X_{p,N})\big]$$

    with $T_W$ from {py:func}`convdot.layer.layer_matrix` (block-diagonal over the groups).
    """
    n = xp.shape[0]
    h_out, w_out = _out_hw(xp, w, stride, dilation)
    t = layer_matrix(w, xp.shape[-2:], stride, dilation, groups, sparse=True)
    y = t @ xp.reshape(n, -1).T
    return y.T.reshape(n, w.shape[0], h_out, w_out).astype(xp.dtype, copy=False)


def conv2d_fft(
    xp: np.ndarray, w: np.ndarray, stride: tuple[int, int], dilation: tuple[int, int], groups: int
) -> np.ndarray:
    r"""The layer by the convolution theorem, summing over input channels in the frequency domain.

    $$Y[n, o] = \Big(\mathcal F^{-1}\Big[\sum_{c} \mathcal F(X_p[n, g(o) C_g + c])\,
    \overline{\mathcal F(W^{(d)}[o, c])}\Big]\Big)[0 : s_0 H_{out} : s_0,\; 0 : s_1 W_{out} : s_1]$$

    where $W^{(d)}$ is the kernel with $d-1$ zeros inserted between its taps (dilation), and the
    stride keeps every $s$-th output of the stride-1 correlation: the FFT computes all of them,
    so a stride $s$ wastes a factor $s_0 s_1$. Transform size from {py:func}`convdot.forms.fft_shape`.
    Numerics as {py:func}`convdot.forms.correlate_fft`: integers are transformed in float64 and
    rounded, and refused with a `ValueError` when that rounding is not guaranteed exact.
    """
    integer = xp.dtype.kind != "f"
    work = exact_work_dtype(xp, w, "fft")
    n = xp.shape[0]
    c_out, c_g = w.shape[:2]
    h_out, w_out = _out_hw(xp, w, stride, dilation)
    shape = fft_shape(xp.shape[-2:])
    x_hat = scipy.fft.rfft2(xp.astype(work, copy=False), shape).reshape(n, groups, c_g, -1, shape[1] // 2 + 1)
    w_hat = scipy.fft.rfft2(insert_zeros(w, dilation).astype(work, copy=False), shape)
    w_hat = np.conj(w_hat).reshape(groups, c_out // groups, c_g, -1, shape[1] // 2 + 1)
    y_hat = np.einsum("nkcab,kocab->nkoab", x_hat, w_hat).reshape(n, c_out, -1, shape[1] // 2 + 1)
    full = scipy.fft.irfft2(y_hat, shape)
    y = full[..., : stride[0] * h_out : stride[0], : stride[1] * w_out : stride[1]]
    return np.rint(y).astype(xp.dtype) if integer else y.astype(xp.dtype, copy=False)


LAYER_FORMS: dict[str, Callable[[np.ndarray, np.ndarray, tuple[int, int], tuple[int, int], int], np.ndarray]] = {
    "loops": conv2d_loops,
    "dot": conv2d_dot,
    "im2col": conv2d_im2col,
    "matrix": conv2d_matrix,
    "fft": conv2d_fft,
    "blocked": conv2d_blocked,
    "shifted": conv2d_shifted,
    "winograd": conv2d_winograd,
    "fft_pruned": conv2d_fft_pruned,
}
"""Each method name of {py:func}`convdot.conv2d` and the form computing it; `method=` accepts
these names and `"auto"`, so adding an entry that keeps the contract adds a method."""


FFT_LAYER_CROSSOVER = 4.0
"""How many times faster numpy runs a FLOP of a matrix product than a FLOP of an FFT.

A matrix product runs at several times the FLOP rate of FFTs and element-wise complex products
in numpy; 4 is about that ratio on a 2-core AMD EPYC with OpenBLAS (see the performance page).
`"auto"` weighs the FFT's transforms and channel sums by it (see `fft_flops`)."""


class FFTFlops(NamedTuple):
    """Estimated FLOPs of {py:func}`convdot.layer.fast.conv2d_fft_pruned`, by the kind of work."""

    spectral: float
    """Image transforms and the sum over channels at every frequency: FFT-like work."""
    matrix: float
    """The kernel spectra: matrix products with columns of the DFT matrices, at BLAS speed."""


def fft_flops(xp_shape: tuple[int, ...], w_shape: tuple[int, ...]) -> FFTFlops:
    r"""Estimated FLOPs of {py:func}`convdot.layer.fast.conv2d_fft_pruned` for a padded input and a weight.

    With $N_0 \times N_1$ the transform size, $F = N_0 (N_1/2 + 1)$ its kept frequencies and
    $2.5 P \log_2 P$ the usual count of a real FFT of $P = N_0 N_1$ points: `spectral` is the
    $N (C_{in} + C_{out})$ image transforms and the $N C_{out} C_g F$ complex multiply-adds
    (8 FLOPs each) of the sum over channels; `matrix` is the kernel spectra,
    $C_{out} C_g (k_H k_W + N_0 k_H)(N_1/2 + 1)$ complex multiply-adds in two matrix products
    with the first $k_W$, then $k_H$, columns of the DFT matrices.
    """
    n, c_in = xp_shape[:2]
    c_out, c_g, k_h, k_w = w_shape
    n0, n1 = fft_shape(xp_shape[-2:])
    p, half = n0 * n1, n1 // 2 + 1
    transforms = n * (c_in + c_out) * 2.5 * p * math.log2(max(p, 2))
    return FFTFlops(transforms + 8 * n * c_out * c_g * n0 * half, 8 * c_out * c_g * (k_h * k_w + n0 * k_h) * half)


SHIFTED_MIN_DEPTH = 8
"""`"auto"` uses `"shifted"` at stride 1 only when each group has at least this many input channels:
the depth of its $k_H k_W$ products, which BLAS runs far below its peak when it is a handful."""


def choose_layer_method(
    xp: np.ndarray, w: np.ndarray, stride: tuple[int, int], dilation: tuple[int, int], groups: int
) -> str:
    r"""The method `"auto"` uses for the layer, given the prepared (padded, same-dtype) arguments.

    The rule, with `direct` $= 2 N C_{out} H_{out} W_{out} C_g k_H k_W$ the FLOPs of the direct
    sum, $C_g = C_{in}/g$, and `matrix`, `spectral` the FFT's estimate (`fft_flops`),
    the first row that applies:

    | condition | method |
    |---|---|
    | finite (integers: exact in an FFT), `direct` > `matrix` + `FFT_LAYER_CROSSOVER` × `spectral` | `"fft_pruned"` |
    | stride 1, kernel above 1×1, $C_g \ge$ `SHIFTED_MIN_DEPTH` (integers: exact in float64) | `"shifted"` |
    | otherwise | `"blocked"` |

    Why: the FFT's cost does not grow with $k_H k_W$, so it wins for large kernels; the
    condition compares estimated times, a FLOP of FFT-like work counting `FFT_LAYER_CROSSOVER`
    FLOPs of matrix products. At stride 1 `"shifted"` reads the input where it lies: its
    $k_H k_W$ products of depth $C_g$ are summed by BLAS itself, so there is no im2col copy and
    no temporary, and it needs the least memory; its products are too shallow for BLAS when
    $C_g$ is small, and at a larger stride they read a copy of the input's phases and are too
    narrow. `"blocked"` does the single deep product of im2col from a cache-sized block reused
    for the whole batch (for a 1×1 layer, no copy at all). `"winograd"` is never chosen: it
    saves multiplications, but in numpy its transforms cost more memory traffic than that saves
    (and it can turn an inf into a NaN). The FFT is skipped for non-finite input, which it
    would spread to every output.
    FLOP counts and shapes, not timings: the choice is the same on every machine.
    """
    n = xp.shape[0]
    c_out, c_g, k_h, k_w = w.shape
    h_out, w_out = _out_hw(xp, w, stride, dilation)
    direct = 2 * n * c_out * h_out * w_out * c_g * k_h * k_w
    integer = xp.dtype.kind != "f"
    fft = fft_flops(xp.shape, w.shape)
    if direct > fft.matrix + FFT_LAYER_CROSSOVER * fft.spectral:  # only then is a pass over the input worth it
        exact = fft_is_exact_for_integers(xp, w) if integer else np.isfinite(xp).all() and np.isfinite(w).all()
        if exact:
            return "fft_pruned"
    if stride == (1, 1) and k_h * k_w > 1 and c_g >= SHIFTED_MIN_DEPTH:
        if not integer or direct_is_exact_for_integers(xp, w):
            return "shifted"
    return "blocked"


def run_layer_form(
    method: str, xp: np.ndarray, w: np.ndarray, stride: tuple[int, int], dilation: tuple[int, int], groups: int
) -> np.ndarray:
    """`LAYER_FORMS[method]` on prepared arguments, `"auto"` resolved by {py:func}`choose_layer_method`."""
    if method == "auto":
        method = choose_layer_method(xp, w, stride, dilation, groups)
    return LAYER_FORMS[method](xp, w, stride, dilation, groups)
