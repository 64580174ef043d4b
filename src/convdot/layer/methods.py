r"""The layer's equivalent forms, and the table `method=` chooses from.

Every form computes the same valid, strided, dilated, grouped cross-correlation of an
already padded input $X_p$ (shape $(N, C_{in}, H_p, W_p)$) with the weight $W$ (shape
$(C_{out}, C_{in}/g, k_H, k_W)$). With $g(o) = \lfloor o / (C_{out}/g) \rfloor$ the group of
output channel $o$ and $C_g = C_{in}/g$,

$$Y[n, o, i, j] = \sum_{c=0}^{C_g-1} \sum_{u=0}^{k_H-1} \sum_{v=0}^{k_W-1}
X_p[n,\; g(o) C_g + c,\; s_0 i + d_0 u,\; s_1 j + d_1 v]\; W[o, c, u, v].$$

The contract every form keeps (a new method only has to keep it): its `kernel`,
`f(xp, w, stride, dilation, groups) -> y`, takes `xp` and `w` already validated, padded and in
one dtype, `stride` and `dilation` pairs of ints, and returns `y` of shape
$(N, C_{out}, H_{out}, W_{out})$ in that dtype, without the bias; its `sizes` estimates what it
allocates from the shapes alone. The public form (the function in {py:data}`LAYER_FORMS`,
made by `layer_form`) checks its arguments and the memory budget first, so it can be called
on its own with array-likes, ints for `stride` and `dilation` and any `groups`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import scipy.fft
import scipy.sparse

from .._dtypes import exact_in_float64, fft_fits_range, float_work
from .._memory import Sizes, array_bytes, check_memory, fits
from .._validate import as_pair, as_real_array
from .._windows import windows
from ..forms import fft_shape
from ._checks import as_groups, layer_form, output_hw, output_sizes
from ._padding import insert_zeros
from .dft import FFT_LAYER_CROSSOVER, fft_flops
from .fast import conv2d_blocked, conv2d_fft_pruned, conv2d_shifted
from .winograd import conv2d_winograd

INDEX_BYTES = 72
"""Bytes of index work per stored entry while {py:func}`layer_matrix` builds $T_W$ (rows, columns,
their broadcast copies, and the sparse matrix's own indices)."""


def _out_hw(xp: np.ndarray, w: np.ndarray, stride: tuple[int, int], dilation: tuple[int, int]) -> tuple[int, int]:
    return output_hw(xp.shape[-2:], w.shape[-2:], stride, ((0, 0), (0, 0)), dilation)


def _shape_out(xp_shape, w_shape, stride, dilation) -> tuple[int, int]:
    return output_hw(xp_shape[-2:], w_shape[-2:], stride, ((0, 0), (0, 0)), dilation)


def im2col_sizes(xp_shape, w_shape, stride, dilation, groups, itemsize) -> Sizes:
    """The output and the whole im2col matrix $(N, C_{in} k_H k_W, H_{out} W_{out})$."""
    h_out, w_out = _shape_out(xp_shape, w_shape, stride, dilation)
    cols = (xp_shape[0], xp_shape[1] * w_shape[2] * w_shape[3], h_out * w_out)
    return [
        *output_sizes(xp_shape, w_shape, stride, dilation, itemsize),
        (f"the im2col matrix {cols}", array_bytes(cols, itemsize)),
    ]


def matrix_sizes(xp_shape, w_shape, stride, dilation, groups, itemsize) -> Sizes:
    """The output (three times: product, transpose, cast), and $T_W$'s entries with their indices."""
    h_out, w_out = _shape_out(xp_shape, w_shape, stride, dilation)
    entries = w_shape[0] * h_out * w_out * w_shape[1] * w_shape[2] * w_shape[3]
    out = output_sizes(xp_shape, w_shape, stride, dilation, itemsize)
    index = array_bytes(xp_shape[1:], 8)
    return [*out * 3, (f"T_W's {entries} entries and their indices", entries * (itemsize + INDEX_BYTES) + index)]


def fft_sizes(xp_shape, w_shape, stride, dilation, groups, itemsize) -> Sizes:
    """The output, the input's, kernels' and output's spectra, and the inverse transform."""
    n, c_in = xp_shape[:2]
    c_out, c_g = w_shape[:2]
    n0, n1 = fft_shape(xp_shape[-2:])
    f, real = n0 * (n1 // 2 + 1), max(itemsize, 4)
    return [
        *output_sizes(xp_shape, w_shape, stride, dilation, itemsize),
        ("the input's spectra", array_bytes((n, c_in, f), 2 * real)),
        ("the kernels' spectra (and their conjugates)", 2 * array_bytes((c_out, c_g, f), 2 * real)),
        ("the output's spectra", array_bytes((n, c_out, f), 2 * real)),
        ("the inverse transform", array_bytes((n, c_out, n0, n1), real)),
    ]


@layer_form(output_sizes)
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


@layer_form(output_sizes)
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
    xp: object, kernel_hw: tuple[int, int], stride: tuple[int, int] = (1, 1), dilation: tuple[int, int] = (1, 1)
) -> np.ndarray:
    r"""The im2col matrix of a batch: column $i W_{out} + j$ is the flattened receptive field at $(i, j)$.

    For `xp` of shape $(N, C, H_p, W_p)$ the result has shape $(N, C k_H k_W, H_{out} W_{out})$,
    rows ordered $(c, u, v)$ row-major like `w[o].ravel()`:

    $$X_{col}[n,\; (c k_H + u) k_W + v,\; i W_{out} + j] = X_p[n, c, s_0 i + d_0 u, s_1 j + d_1 v].$$

    It copies: each input entry appears up to $k_H k_W$ times (its size is checked against the
    memory budget first, {py:func}`convdot.set_memory_budget`).

    **Raises**: `ValueError`/`TypeError` for an `xp` that is not a 4-D real array, a bad
    `kernel_hw`, `stride` or `dilation`, or a dilated kernel that does not fit in `xp`;
    {py:class}`convdot.MemoryBudgetError` beyond the budget.
    """
    xp = as_real_array(xp, "xp", ndim=4, empty_batch=True)
    kernel_hw = as_pair(kernel_hw, "kernel_hw", minimum=1)
    stride = as_pair(stride, "stride", minimum=1)
    dilation = as_pair(dilation, "dilation", minimum=1)
    w_shape = (1, xp.shape[1], *kernel_hw)
    check_memory("layer_im2col", im2col_sizes(xp.shape, w_shape, stride, dilation, 1, xp.itemsize)[1:])
    return _im2col(xp, kernel_hw, stride, dilation)


def _im2col(xp: np.ndarray, kernel_hw: tuple[int, int], stride: tuple[int, int], dilation: tuple[int, int]):
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
    check_memory(
        "weight_matrix", [(f"the matrix {(c_out, groups * block)}", array_bytes((c_out, groups * block), w.itemsize))]
    )
    rows = w.reshape(c_out, block)
    out = np.zeros((c_out, groups * block), dtype=rows.dtype)
    for o in range(c_out):
        group = o // per_group
        out[o, group * block : (group + 1) * block] = rows[o]
    return out


@layer_form(im2col_sizes)
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
    cols = _im2col(xp, w.shape[-2:], stride, dilation)  # (N, C_in kH kW, P)
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
    or a dilated kernel that does not fit in `input_hw`; {py:class}`convdot.MemoryBudgetError`
    when the matrix (dense, or its entries and indices) exceeds the memory budget.
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
    xp_shape = (1, c_in, *input_hw)
    sizes = matrix_sizes(xp_shape, w.shape, stride, dilation, groups, w.itemsize)[3:]
    if not sparse:
        dense = (c_out * h_out * w_out, c_in * input_hw[0] * input_hw[1])
        sizes.append((f"the dense matrix {dense}", array_bytes(dense, w.itemsize)))
    check_memory("layer_matrix", sizes)
    return _matrix(w, input_hw, stride, dilation, groups, sparse=sparse)


def _matrix(w: np.ndarray, input_hw, stride, dilation, groups: int, *, sparse: bool):
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


@layer_form(matrix_sizes)
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
    t = _matrix(w, xp.shape[-2:], stride, dilation, groups, sparse=True)
    y = t @ xp.reshape(n, -1).T
    return y.T.reshape(n, w.shape[0], h_out, w_out).astype(xp.dtype, copy=False)


@layer_form(fft_sizes)
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
    rounded, and refused with a `ValueError` when that rounding is not guaranteed exact; a NaN or
    inf spreads to every output of its sample; finite data with $N_0 N_1 \|X_p[n]\|_1 \|W[o]\|_1$
    beyond the dtype's largest number can overflow to inf or NaN (this method does not check;
    `"auto"` never picks an FFT then).
    """
    shape = fft_shape(xp.shape[-2:])
    work = float_work(xp, w, "fft", "fft", points=shape[0] * shape[1], instead="im2col")
    n = xp.shape[0]
    c_out, c_g = w.shape[:2]
    h_out, w_out = _out_hw(xp, w, stride, dilation)
    x_hat = scipy.fft.rfft2(work.cast(xp), shape).reshape(n, groups, c_g, -1, shape[1] // 2 + 1)
    w_hat = scipy.fft.rfft2(work.cast(insert_zeros(w, dilation)), shape)
    w_hat = np.conj(w_hat).reshape(groups, c_out // groups, c_g, -1, shape[1] // 2 + 1)
    y_hat = np.einsum("nkcab,kocab->nkoab", x_hat, w_hat).reshape(n, c_out, -1, shape[1] // 2 + 1)
    full = scipy.fft.irfft2(y_hat, shape)
    y = full[..., : stride[0] * h_out : stride[0], : stride[1] * w_out : stride[1]]
    return work.back(y, xp.dtype)


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


SHIFTED_MIN_DEPTH = 8
"""`"auto"` uses `"shifted"` at stride 1 only when each group has at least this many input channels:
the depth of its $k_H k_W$ products, which BLAS runs far below its peak when it is a handful."""


def _candidates(xp: np.ndarray, w: np.ndarray, stride: tuple[int, int], dilation: tuple[int, int]) -> list[str]:
    """The methods `"auto"` would take for prepared arguments, best first, before the memory budget."""
    n = xp.shape[0]
    c_out, c_g, k_h, k_w = w.shape
    h_out, w_out = _out_hw(xp, w, stride, dilation)
    direct = 2 * n * c_out * h_out * w_out * c_g * k_h * k_w
    integer = xp.dtype.kind != "f"
    fft = fft_flops(xp.shape, w.shape)
    order = []
    if direct > fft.matrix + FFT_LAYER_CROSSOVER * fft.spectral:  # only then is a pass over the input worth it
        points = math.prod(fft_shape(xp.shape[-2:]))
        if integer:
            safe = exact_in_float64(xp, w, "fft", points=points)
        else:
            safe = fft_fits_range(xp, w, xp.dtype, points)
        if safe:
            order.append("fft_pruned")
    if stride == (1, 1) and k_h * k_w > 1 and c_g >= SHIFTED_MIN_DEPTH:
        if not integer or exact_in_float64(xp, w, "direct"):
            order.append("shifted")
    return [*order, "blocked"]


def select_layer_method(
    xp: np.ndarray,
    w: np.ndarray,
    stride: tuple[int, int],
    dilation: tuple[int, int],
    groups: int,
    base: Sizes = (),
) -> str:
    """{py:func}`choose_layer_method`'s rule on prepared arguments: the first candidate that fits the budget.

    `base` lists what the caller allocates besides the form (the padded input, a copy for the bias).
    """
    order = _candidates(xp, w, stride, dilation)
    for method in order:
        if fits([*base, *_sizes(method, xp, w, stride, dilation, groups)]):
            return method
    return order[0]


def run_layer_form(
    method: str,
    xp: np.ndarray,
    w: np.ndarray,
    stride: tuple[int, int],
    dilation: tuple[int, int],
    groups: int,
    *,
    function: str,
    base: Sizes = (),
) -> np.ndarray:
    """The `kernel` of `LAYER_FORMS[method]` on prepared arguments, after the memory check of `function`.

    `"auto"` is resolved by {py:func}`select_layer_method`; `base` lists what the caller
    allocates besides the form. An empty batch gives an empty output, as in PyTorch.
    """
    if method == "auto":
        method = select_layer_method(xp, w, stride, dilation, groups, base)
    check_memory(f"{function}(method={method!r})", [*base, *_sizes(method, xp, w, stride, dilation, groups)])
    if xp.shape[0] == 0:
        return np.zeros((0, w.shape[0], *_out_hw(xp, w, stride, dilation)), dtype=xp.dtype)
    form = LAYER_FORMS[method]
    return getattr(form, "kernel", form)(xp, w, stride, dilation, groups)


def _sizes(method: str, xp: np.ndarray, w: np.ndarray, stride, dilation, groups: int) -> Sizes:
    """What `LAYER_FORMS[method]` allocates (a form added to the table without `sizes`: its output)."""
    sizes = getattr(LAYER_FORMS[method], "sizes", output_sizes)
    return sizes(xp.shape, w.shape, stride, dilation, groups, xp.itemsize)
