r"""Fast layer forms: the CNN layer as a few large matrix products, in numpy only.

The obvious im2col (a window view, a reshape, one matrix product) spends most of its time
copying: the im2col matrix holds each input entry $k_H k_W$ times and is written to and read
back from main memory. The forms here avoid that with one observation about the memory layout.

**The flat-shift identity.** Store one padded image channel row-major as a vector
$x[a W_p + b] = X_p[a, b]$. For a stride-1 correlation, output $(i, j)$ needs
$X_p[i + u, j + v] = x[(i W_p + j) + (u W_p + v)]$: every tap $(u, v)$ reads the vector at
the output's *flat position* $q = i W_p + j$ plus a constant offset $u W_p + v$. So for all
outputs at once, tap $(u, v)$ reads one contiguous slice $x[u W_p + v \,:\, u W_p + v + L]$,
$L = (H_{out} - 1) W_p + W_{out}$, and across channels that slice is a $(C, L)$ matrix that
BLAS can multiply without any copy. The positions $q$ with $j \ge W_{out}$ are computed and
thrown away (a waste of $W_p / W_{out} - 1$, a few percent for real layers).

A stride $s$ is reduced to stride 1 by splitting the input into its $s_0 s_1$ *phases*
$X^{(p, q)}[a, b] = X_p[s_0 a + p,\; s_1 b + q]$ (one copy of the input): tap $u$ of a
dilation-$d$ kernel reads row $s_0 i + d_0 u = s_0 (i + \lfloor d_0 u / s_0 \rfloor) + (d_0 u \bmod s_0)$,
that is row $i + \lfloor d_0 u / s_0 \rfloor$ of phase $d_0 u \bmod s_0$, again a constant
offset from the output's position.

- {py:func}`conv2d_shifted` multiplies those slices directly: $k_H k_W$ products with depth
  $C_g$, which BLAS adds into one running sum ({py:func}`convdot.layer.blas.gemm`). At stride 1
  no copy of the input at all.
- {py:func}`conv2d_blocked` builds the im2col matrix of a few images (or rows) at a time in one
  reused, cache-sized block and does one product with depth $C_g k_H k_W$ per block, straight
  into the output; for a large kernel at a stride above 1 it copies the block's rows from the
  phases, in contiguous runs.
- {py:func}`conv2d_fft_pruned` is the convolution theorem, for large kernels, with the kernel
  spectra as matrix products with a few columns of the DFT matrices and the output channels
  processed in blocks.

All three process the batch in blocks whose working set stays in cache, reusing their buffers
and writing products in place; the extra memory is one block, never the whole
$k_H k_W$-fold im2col matrix.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.fft

from .._dtypes import float_work
from .._memory import array_bytes
from .._windows import windows
from ..forms import fft_shape
from ._checks import layer_form, output_hw, output_sizes
from ._padding import insert_zeros
from .blas import gemm
from .blocks import BLOCK, COLUMNS, MIN_BLOCK, blocks, budget, even_step
from .dft import dft_columns
from .phases import copy_phases, geometry, tap_offsets

Pair = tuple[int, int]


def _block_entries(xp_shape, w_shape, stride, dilation) -> int:
    """{py:func}`convdot.layer.blocks.budget` from the shapes: the entries one block of a fast form may hold."""
    out = (xp_shape[0], w_shape[0], *output_hw(xp_shape[-2:], w_shape[-2:], stride, ((0, 0), (0, 0)), dilation))
    return min(BLOCK, max(math.prod(xp_shape) + math.prod(out), MIN_BLOCK))


def blocked_sizes(xp_shape, w_shape, stride, dilation, groups, itemsize) -> list[tuple[str, int]]:
    """The output and the reused blocks (im2col block, product, phases): at most three blocks."""
    w_out = output_hw(xp_shape[-2:], w_shape[-2:], stride, ((0, 0), (0, 0)), dilation)[1]
    row = xp_shape[1] * w_shape[2] * w_shape[3] * w_out  # one output row's im2col entries
    entries = max(_block_entries(xp_shape, w_shape, stride, dilation), row)
    return [*output_sizes(xp_shape, w_shape, stride, dilation, itemsize), ("three work blocks", 3 * entries * itemsize)]


def shifted_sizes(xp_shape, w_shape, stride, dilation, groups, itemsize) -> list[tuple[str, int]]:
    """The output, the running sums and the phase buffer of one block of images (at least one image)."""
    n, c_in, h_p, w_p = xp_shape
    (s0, s1), h_out = stride, output_hw((h_p, w_p), w_shape[-2:], stride, ((0, 0), (0, 0)), dilation)[0]
    w_ph, plane = -(-w_p // s1), -(-h_p // s0) * -(-w_p // s1)
    per_image = s0 * s1 * c_in * plane + w_shape[0] * h_out * w_ph
    images = min(n, max(1, _block_entries(xp_shape, w_shape, stride, dilation) // per_image))
    work = 8 if itemsize == 8 else itemsize
    return [
        *output_sizes(xp_shape, w_shape, stride, dilation, itemsize),
        ("the running sums and phases", 2 * images * per_image * work),
    ]


def fft_pruned_sizes(xp_shape, w_shape, stride, dilation, groups, itemsize) -> list[tuple[str, int]]:
    """The output, the input in float and its spectrum, and one block of kernel and output spectra."""
    n, c_in = xp_shape[:2]
    c_g, k_h = w_shape[1:3]
    n0, n1 = fft_shape(xp_shape[-2:])
    cols, complex_item = n1 // 2 + 1, 2 * itemsize
    x_hat = array_bytes((n0, cols, c_in, n), complex_item)
    one_channel = (k_h * cols * c_g + 3 * n0 * cols * n) * complex_item
    block = max(_block_entries(xp_shape, w_shape, stride, dilation) * itemsize, one_channel)
    return [
        *output_sizes(xp_shape, w_shape, stride, dilation, itemsize),
        ("the input's transform", array_bytes((n, c_in, n0, n1), itemsize) + x_hat),
        ("one block of spectra", 2 * block),
    ]


@layer_form(blocked_sizes)
def conv2d_blocked(
    xp: np.ndarray, w: np.ndarray, stride: Pair, dilation: Pair, groups: int, *, block: int = BLOCK
) -> np.ndarray:
    r"""The layer as im2col built block by block, one matrix product per block.

    $$Y[n, :, i_0 : i_0 + r] = W_{row}\, X_{col}[n, :, i_0 W_{out} : (i_0 + r) W_{out}], \qquad
    X_{col}[n, (c, u, v), (i, j)] = X_p[n, c, s_0 i + d_0 u, s_1 j + d_1 v]$$

    for a block of images (or of output rows $i_0, \dots, i_0 + r - 1$ of one image), with
    $W_{row}$ the weights as a $C_{out} \times C_g k_H k_W$ matrix (one per group). When a block
    holds whole images, their columns sit side by side and one product serves them all: on
    small feature maps ($14 \times 14$ outputs) a product per image is too narrow to run near
    BLAS's peak; the result is then copied into the output's image-major layout. The block is
    copied from the window view one kernel row at a time (at stride 1 each copy moves runs of
    $W_{out}$ contiguous entries), allocated once and reused for the whole batch, and the product
    is written straight into the output with `out=`. The block holds at most {py:func}`convdot.layer.blocks.budget`
    entries (or one output row's worth, if that is more), so the extra memory does not grow with
    the batch. A 1×1 layer with stride 1 is one matrix product on the input as it is, with no copy.

    **Parameters**: `xp` $(N, C_{in}, H_p, W_p)$, `w` $(C_{out}, C_{in}/g, k_H, k_W)$ in one
    dtype; `stride`, `dilation` pairs; `groups` $g$; `block` the most entries per block.

    **Returns**: $(N, C_{out}, H_{out}, W_{out})$ in the dtype of `xp`.

    **See also**: {py:func}`convdot.layer.conv2d_im2col` (the same product, with the whole im2col
    matrix at once), {py:func}`conv2d_shifted`.
    """
    n, c_in, h_p, w_p = xp.shape
    c_out, c_g, k_h, k_w = w.shape
    per, depth = c_out // groups, c_g * k_h * k_w
    h_out, w_out = output_hw((h_p, w_p), (k_h, k_w), stride, ((0, 0), (0, 0)), dilation)
    y = np.empty((n, c_out, h_out, w_out), dtype=xp.dtype)
    rows = w.reshape(groups, per, depth)
    if k_h == k_w == 1 and stride == (1, 1):  # a 1x1 layer is already a matrix product: no copy at all
        x = np.ascontiguousarray(xp).reshape(n, groups, c_g, h_p * w_p)
        np.matmul(rows, x, out=y.reshape(n, groups, per, -1))
        return y
    if stride != (1, 1) and k_h * k_w >= PHASED_BLOWUP * stride[0] * stride[1]:
        phased = _blocked_phased(xp, w, stride, dilation, groups, y, budget(block, xp, y.size))
        if phased is not None:
            return phased
    view = windows(xp, (k_h, k_w), stride, dilation)  # (N, C, H_out, W_out, kH, kW)
    steps = blocks(n, h_out, c_in * k_h * k_w * w_out, budget(block, xp, y.size))
    images = max(b for _, b, _, _ in steps)
    if all(r == h_out for _, _, _, r in steps):  # whole images: one product for all images of a step
        hw = h_out * w_out
        col = np.empty((c_in, k_h * k_w, images, h_out, w_out), dtype=xp.dtype)  # rows (c, u, v)
        product = np.empty((groups, per, images * hw), dtype=xp.dtype)
        for n0, b, _, _ in steps:
            for u in range(k_h):
                col[:, u * k_w : (u + 1) * k_w, :b] = view[n0 : n0 + b, :, :, :, u].transpose(1, 4, 0, 2, 3)
            np.matmul(rows, col[:, :, :b].reshape(groups, depth, b * hw), out=product[:, :, : b * hw])
            y[n0 : n0 + b] = product[:, :, : b * hw].reshape(c_out, b, h_out, w_out).transpose(1, 0, 2, 3)
        return y
    width = max(r for _, _, _, r in steps) * w_out
    col = np.empty((images, c_in, k_h * k_w, width), dtype=xp.dtype)  # rows (c, u, v), like w[o].ravel()
    for n0, b, i0, r in steps:
        m = r * w_out
        block_view = col[:b, :, :, :m]
        for u in range(k_h):  # one copy per kernel row, each of its k_W taps a run of W_out entries
            target = block_view[:, :, u * k_w : (u + 1) * k_w].reshape(b, c_in, k_w, r, w_out)
            target[...] = view[n0 : n0 + b, :, i0 : i0 + r, :, u].transpose(0, 1, 4, 2, 3)
        out = y[n0 : n0 + b, :, i0 : i0 + r].reshape(b, groups, per, m)  # a view: the product lands in y
        np.matmul(rows, block_view.reshape(b, groups, depth, m), out=out)
    return y


PHASED_BLOWUP = 4
"""{py:func}`conv2d_blocked` builds im2col from the phases when a stride above 1 leaves it at least
this many times the input ($k_H k_W / (s_0 s_1)$): the phases cost one more copy of the input,
which pays when the gathers it replaces are that much larger (a 7×7 kernel at stride 2, not a 3×3)."""


def _blocked_phased(
    xp: np.ndarray, w: np.ndarray, stride: Pair, dilation: Pair, groups: int, y: np.ndarray, entries: int
) -> np.ndarray | None:
    r"""{py:func}`conv2d_blocked` for a large kernel at a stride above 1: im2col from the phases.

    At stride $s$ a window view steps $s$ entries between neighbouring outputs, so copying it
    gathers single entries. Split into phases first (one copy of a block of images), tap
    $(u, v)$ reads, for output row $i$, the $W_{out}$ contiguous entries of one phase row
    ({py:func}`convdot.layer.phases.tap_offsets`), so each row $(c, u, v)$ of the block's im2col matrix is copied in
    runs of $W_{out}$ entries. An image with at least {py:attr}`convdot.layer.blocks.COLUMNS` outputs is a block of its
    own, and its product is written straight into `y`; smaller images share one product and are
    then copied into place. Returns `y` filled, or None when not even one image's block fits in
    `entries`.
    """
    n, c_in, h_p, w_p = xp.shape
    c_out, c_g, k_h, k_w = w.shape
    (s0, s1), per, depth = stride, c_out // groups, c_g * k_h * k_w
    h_out, w_out = y.shape[2:]
    hw = h_out * w_out
    h_ph, w_ph = -(-h_p // s0), -(-w_p // s1)
    taps = tap_offsets((k_h, k_w), stride, dilation, w_ph)
    per_image = s0 * s1 * c_in * h_ph * w_ph + c_in * k_h * k_w * hw + c_out * hw
    if per_image > entries:
        return None
    images = 1 if hw >= COLUMNS else min(n, entries // per_image)
    images = even_step(n, images)
    phases = np.zeros((s0 * s1, images, c_in, h_ph, w_ph), dtype=xp.dtype)
    col = np.empty((c_in, k_h * k_w, images, h_out, w_out), dtype=xp.dtype)  # rows (c, u, v), like w[o].ravel()
    product = np.empty((groups, per, images * hw if images > 1 else 0), dtype=xp.dtype)
    rows = w.reshape(groups, per, depth)
    for n0 in range(0, n, images):
        b = min(images, n - n0)
        copy_phases(phases[:, :b], xp[n0 : n0 + b], stride)
        for t, (phase, offset) in enumerate(taps):
            i0, j0 = divmod(offset, w_ph)
            col[:, t, :b] = phases[phase, :b, :, i0 : i0 + h_out, j0 : j0 + w_out].transpose(1, 0, 2, 3)
        block = col[:, :, :b].reshape(groups, depth, b * hw)
        if images == 1:
            np.matmul(rows, block, out=y[n0].reshape(groups, per, hw))
        else:
            np.matmul(rows, block, out=product[:, :, : b * hw])
            y[n0 : n0 + b] = product[:, :, : b * hw].reshape(c_out, b, h_out, w_out).transpose(1, 0, 2, 3)
    return y


@layer_form(shifted_sizes)
def conv2d_shifted(
    xp: np.ndarray, w: np.ndarray, stride: Pair, dilation: Pair, groups: int, *, block: int = BLOCK
) -> np.ndarray:
    r"""The layer as a sum of $k_H k_W$ shifted matrix products, accumulated by BLAS, without im2col.

    $$Y_{\text{flat}}[n] = \sum_{u=0}^{k_H-1} \sum_{v=0}^{k_W-1} W[:, :, u, v]\;
    x^{(\text{phase}(u, v))}_n[:,\; \text{offset}(u, v) : \text{offset}(u, v) + L]$$

    Each term is a $(C_{out}, C_g) \times (C_g, L)$ product whose right factor is a slice of the
    (phased) input, handed to BLAS as it lies in memory (rows one input channel apart), and BLAS
    adds it into the running sum ({py:func}`convdot.layer.blas.gemm` with `accumulate`): no im2col
    matrix, no temporary, no extra pass. The price is depth $C_g$ instead of $C_g k_H k_W$, which
    BLAS runs near its peak once $C_g$ is a few dozen. The running sum of one image, or of a block
    of small images, stays in cache across the $k_H k_W$ products.

    Small images give short products ($L$ flat positions each), so when $L$ < {py:attr}`convdot.layer.blocks.COLUMNS`
    the images of a block are interleaved first, $x[c, q\, b + m]$ for image $m$ of $b$ (one copy
    of the block), and every product then covers all $b$ images, $q$ running over
    $[\text{offset}, \text{offset} + L)$ as before. With $C_g = 1$ (depthwise) each term is
    instead an element-wise product broadcast over channels (a product of depth 1 is no use to BLAS).

    Floats are computed in their own dtype; integers in float64, exact when
    every partial sum stays below $2^{53}$ (the per-output-channel bound
    $\max|X_p| \max_o \sum |W[o]|$), otherwise a `ValueError` is raised.

    **Parameters**, **Returns**: as {py:func}`conv2d_blocked`.

    **See also**: {py:func}`conv2d_blocked`, {py:func}`convdot.layer.conv2d_im2col`.
    """
    n, c_in, h_p, w_p = xp.shape
    c_out, c_g, k_h, k_w = w.shape
    if c_g == 1:
        return _depthwise_shifted(xp, w, stride, dilation, groups, block=block)
    work = float_work(xp, w, "shifted", "direct", instead="blocked")
    (s0, s1), per = stride, c_out // groups
    h_out, w_out = output_hw((h_p, w_p), (k_h, k_w), stride, ((0, 0), (0, 0)), dilation)
    h_ph, w_ph = -(-h_p // s0), -(-w_p // s1)
    plane, phases = h_ph * w_ph, s0 * s1
    taps = tap_offsets((k_h, k_w), stride, dilation, w_ph)
    length, span = (h_out - 1) * w_ph + w_out, h_out * w_ph
    y = np.empty((n, c_out, h_out, w_out), dtype=xp.dtype)
    view = stride == (1, 1) and xp.dtype == work.dtype and xp.flags.c_contiguous
    most = max(1, budget(block, xp, y.size) // (phases * c_in * plane + c_out * span))
    images = max(1, min(n, most, -(-COLUMNS // length)))
    images = even_step(n, images)
    acc = np.empty((groups, per, span * images), dtype=work.dtype)
    buffer = np.zeros(0 if view and images == 1 else phases * c_in * plane * images, dtype=work.dtype)
    for n0 in range(0, n, images):
        b = min(images, n - n0)
        if view and b == 1:
            source = xp[n0].reshape(1, c_in, plane)  # the input as it is: rows a channel apart
        else:  # one copy of the block: phase (p, q), channel c, position (a, j), image m at [pq, c, (a W_ph + j) b + m]
            source = buffer[: buffer.size // images * b].reshape(phases, c_in, h_ph, w_ph, b)
            copy_phases(source.transpose(0, 4, 1, 2, 3), xp[n0 : n0 + b], stride)
            source = source.reshape(phases, c_in, plane * b)
        for t, (phase, offset) in enumerate(taps):
            columns = source[phase, :, offset * b : (offset + length) * b]
            weights = np.ascontiguousarray(w[:, :, t // k_w, t % k_w], dtype=work.dtype).reshape(groups, per, c_g)
            for g in range(groups):
                gemm(acc[g, :, : length * b], weights[g], columns[g * c_g : (g + 1) * c_g], accumulate=t > 0)
        # positions from L to H_out W_ph (and entries of the buffer past a phase's edge) feed only
        # the cropped columns j >= W_out: BLAS computes every column of a product on its own
        grid = acc[:, :, : span * b].reshape(c_out, h_out, w_ph, b)[:, :, :w_out].transpose(3, 0, 1, 2)
        work.store(y[n0 : n0 + b], grid)
    return y


def _depthwise_shifted(
    xp: np.ndarray, w: np.ndarray, stride: Pair, dilation: Pair, groups: int, *, block: int = BLOCK
) -> np.ndarray:
    """{py:func}`conv2d_shifted` for $C_g = 1$: each tap an element-wise product, broadcast over channels."""
    n = xp.shape[0]
    c_out, _, k_h, k_w = w.shape
    h_out, w_out, flat, w_ph, taps = geometry(xp, w, stride, dilation)
    per = c_out // groups
    y = np.empty((n, c_out, h_out, w_out), dtype=xp.dtype)
    steps = blocks(n, h_out, 2 * c_out * w_ph, budget(block, xp, y.size))
    images = max(b for _, b, _, _ in steps)
    width = max(r for _, _, _, r in steps) * w_ph
    acc = np.zeros((images, groups, per, width), dtype=xp.dtype)
    term = np.zeros_like(acc)
    weights = [w[:, :, u, v].reshape(groups, per, 1) for u in range(k_h) for v in range(k_w)]
    for n0, b, i0, r in steps:
        m, length = r * w_ph, (r - 1) * w_ph + w_out
        for t, (phase, offset) in enumerate(taps):
            start = offset + i0 * w_ph
            x = flat[phase, n0 : n0 + b, :, start : start + length].reshape(b, groups, 1, length)
            target = (acc if t == 0 else term)[:b, :, :, :length]
            np.multiply(weights[t], x, out=target)
            if t:
                acc[:b, :, :, :length] += target
        out = acc[:b, :, :, :m].reshape(b, c_out, r, w_ph)
        y[n0 : n0 + b, :, i0 : i0 + r] = out[..., :w_out]
    return y


@layer_form(fft_pruned_sizes)
def conv2d_fft_pruned(
    xp: np.ndarray, w: np.ndarray, stride: Pair, dilation: Pair, groups: int, *, block: int = BLOCK
) -> np.ndarray:
    r"""The layer by the convolution theorem, with the kernel spectra as two small matrix products.

    $$Y[n, o] = \mathcal F^{-1}\Big[\sum_{c} \hat X[n, g(o) C_g + c] \cdot \overline{\hat W[o, c]}\Big]
    [0 : s_0 H_{out} : s_0,\; 0 : s_1 W_{out} : s_1]$$

    the same formula as {py:func}`convdot.layer.conv2d_fft`, computed with less work and memory
    where it costs most when kernels are large and channels few. There are $C_{out} C_g$ kernel
    spectra, more than the $N (C_{in} + C_{out})$ image transforms, and a kernel has only
    $k_H \times k_W$ non-zero entries of the $N_0 \times N_1$ it is padded to. So its conjugate
    spectrum is not an FFT but $G_0\, W[o, c]\, G_1^{\mathsf T}$ with the
    {py:func}`convdot.layer.dft.dft_columns` $G_0$ ($N_0 \times k_H$) and $G_1$ ($(N_1/2 + 1) \times k_W$): two
    matrix products, for all kernels at once, with no work spent on the zeros. The spectra are
    laid out frequency-major, $(N_0, N_1/2 + 1, C_{out}, C_g)$, and so is the input's, so that the
    sum over channels is one batched matrix product: at each frequency a $(C_{out}, C_g)$ matrix
    times the $(C_g, N)$ input spectra.

    Output channels are processed in blocks, and within a block the kernel spectra a band of
    frequency rows at a time, so the extra memory is the input's spectrum plus one block (at most
    {py:func}`convdot.layer.blocks.budget`, or one output channel's spectrum if that is more), never all $C_{out} C_g$
    kernel spectra. Transforms use every core (`workers=-1`).

    Integers are computed in float64 and rounded, and refused with a `ValueError` when
    {py:func}`convdot.forms.fft_is_exact_for_integers`'s rule (per sample and output channel)
    cannot guarantee an exact result; a NaN or inf anywhere spreads to every output of its
    sample, as with any FFT. **Large values**: a spectrum entry reaches
    $\|X_p[n]\|_1 \|W[o]\|_1$ and the inverse transform sums $N_0 N_1$ of them before dividing,
    so finite data within that factor of the dtype's largest number (about $3.4 \cdot 10^{38}$
    in float32) can give inf or NaN where every exact output is finite. This method computes as
    asked; `method="auto"` never picks it then ({py:func}`convdot.layer.choose_layer_method`).

    **Parameters**, **Returns**: as {py:func}`conv2d_blocked`.
    """
    shape = fft_shape(xp.shape[-2:])
    work = float_work(xp, w, "fft_pruned", "fft", points=shape[0] * shape[1], instead="blocked")
    spectral = np.result_type(work.dtype, np.complex64)
    n = xp.shape[0]
    kernels = work.cast(insert_zeros(w, dilation))
    c_out, c_g, k_h, k_w = kernels.shape
    per = c_out // groups
    h_out, w_out = output_hw(xp.shape[-2:], w.shape[-2:], stride, ((0, 0), (0, 0)), dilation)
    rows, cols = shape[0], shape[1] // 2 + 1
    y = np.empty((n, c_out, h_out, w_out), dtype=xp.dtype)
    frequency_major = work.cast(xp).transpose(2, 3, 1, 0)  # (H_p, W_p, C_in, N)
    x_hat = scipy.fft.rfft2(frequency_major, shape, axes=(0, 1), workers=-1)  # (N0, F1, C_in, N)
    g_rows = dft_columns(shape[0], k_h, spectral)  # (N0, kH)
    g_cols = dft_columns(shape[1], k_w, spectral, half=True)  # (F1, kW)
    taps = kernels.transpose(2, 3, 0, 1)  # (kH, kW, C_out, C_g)
    # Half the budget left after the input's spectrum for a block of output channels (their kernels
    # transformed along rows, their spectra, and the inverse transform's two temporaries of that
    # size), half for one band of their kernel spectra.
    left = max(0, budget(block, xp, y.size) * xp.itemsize - x_hat.nbytes) // (2 * x_hat.itemsize)
    step = max(1, min(per, left // (k_h * cols * c_g + 3 * rows * cols * n)))
    band = max(1, min(rows, left // (cols * step * c_g)))
    blocks_of_channels = [
        (g, o0, min(o0 + step, (g + 1) * per)) for g in range(groups) for o0 in range(g * per, (g + 1) * per, step)
    ]
    for g, o0, o1 in blocks_of_channels:
        x_g = x_hat[:, :, g * c_g : (g + 1) * c_g]
        half_done = np.matmul(g_cols, taps[:, :, o0:o1].reshape(k_h, k_w, -1)).reshape(k_h, -1)  # (kH, F1 (o, c))
        y_hat = np.empty((rows, cols, o1 - o0, n), dtype=spectral)
        for a0 in range(0, rows, band):
            a1 = min(rows, a0 + band)
            w_hat = (g_rows[a0:a1] @ half_done).reshape((a1 - a0) * cols, o1 - o0, c_g)
            np.matmul(w_hat, x_g[a0:a1].reshape(-1, c_g, n), out=y_hat[a0:a1].reshape(-1, o1 - o0, n))
        full = scipy.fft.irfft2(y_hat, shape, axes=(0, 1), workers=-1, overwrite_x=True)  # (N0, N1, o, N)
        crop = full[: stride[0] * h_out : stride[0], : stride[1] * w_out : stride[1]].transpose(3, 2, 0, 1)
        work.store(y[:, o0:o1], crop)
    return y
