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
  $C_g$, summed. No copy of the input at all.
- {py:func}`conv2d_blocked` builds the im2col matrix of a few images (or rows) at a time in one
  reused, cache-sized block and does one product with depth $C_g k_H k_W$ per block, straight
  into the output.
- {py:func}`conv2d_fft_pruned` is the convolution theorem, for large kernels, with the kernel
  transforms pruned to the kernel's rows and the output channels processed in blocks.

Both process the batch in blocks whose working set stays in cache, reusing their buffers and
writing products in place with `out=`; the extra memory is one block, never the whole
$k_H k_W$-fold im2col matrix.
"""

from __future__ import annotations

import numpy as np
import scipy.fft

from .._windows import windows
from ..forms.fft import exact_work_dtype, fft_shape
from ._prepare import insert_zeros, output_hw

Pair = tuple[int, int]

BLOCK = 1 << 22
"""The most entries of the im2col block (or running sum) one step of the fast forms works on.

16 MiB in float32: large enough that one matrix product per block runs near BLAS's peak, and
small enough to stay in a large last-level cache (32 MiB on the 2-core AMD EPYC this was tuned
on, where blocks of 2^22 entries ran faster than 2^20 or 2^21). {py:func}`budget` lowers it
for small layers, so that the extra memory never exceeds the input plus the output.
"""


def flat_phases(xp: np.ndarray, stride: Pair) -> tuple[np.ndarray, int]:
    r"""The input as $s_0 s_1$ row-major flattened phases, and the phase width $W_{ph}$.

    Returns `(flat, W_ph)` with `flat` of shape $(s_0 s_1, N, C, H_{ph} W_{ph})$,
    $H_{ph} = \lceil H_p / s_0 \rceil$, $W_{ph} = \lceil W_p / s_1 \rceil$ and

    $$\text{flat}[p s_1 + q,\; n,\; c,\; a W_{ph} + b] = X_p[n, c,\; s_0 a + p,\; s_1 b + q]$$

    (zero where $s_0 a + p \ge H_p$ or $s_1 b + q \ge W_p$). For stride 1 it is a view of
    `xp` (made contiguous if it is not); otherwise one copy of the input.
    """
    s0, s1 = stride
    n, c, h, w = xp.shape
    if s0 == s1 == 1:
        return np.ascontiguousarray(xp).reshape(1, n, c, h * w), w
    h_ph, w_ph = -(-h // s0), -(-w // s1)
    out = np.zeros((s0 * s1, n, c, h_ph, w_ph), dtype=xp.dtype)
    for p in range(s0):
        for q in range(s1):
            phase = xp[:, :, p::s0, q::s1]
            out[p * s1 + q, :, :, : phase.shape[2], : phase.shape[3]] = phase
    return out.reshape(s0 * s1, n, c, h_ph * w_ph), w_ph


def tap_offsets(kernel_hw: Pair, stride: Pair, dilation: Pair, w_ph: int) -> list[Pair]:
    r"""For each tap $(u, v)$ in row-major order: (its phase, its flat offset in that phase).

    Tap $(u, v)$ of output $(i, j)$ reads `flat[phase, n, c, i * W_ph + j + offset]` of
    {py:func}`flat_phases`, with phase $(d_0 u \bmod s_0) s_1 + (d_1 v \bmod s_1)$ and offset
    $\lfloor d_0 u / s_0 \rfloor W_{ph} + \lfloor d_1 v / s_1 \rfloor$.
    """
    (k_h, k_w), (s0, s1), (d0, d1) = kernel_hw, stride, dilation
    return [
        ((d0 * u % s0) * s1 + d1 * v % s1, (d0 * u // s0) * w_ph + d1 * v // s1) for u in range(k_h) for v in range(k_w)
    ]


def blocks(n: int, h_out: int, per_row: int, block: int = BLOCK) -> list[tuple[int, int, int, int]]:
    """Split a batch of `n` images of `h_out` output rows into `(n0, images, i0, rows)` steps.

    `per_row` is the number of buffer entries one output row of one image needs; a step
    takes whole images when at least one fits in `block` entries, otherwise a run of rows of
    one image (at least one row). Steps are made as equal as possible, so that no step is a
    small remainder (a small matrix product runs far below BLAS's peak).
    """
    if per_row * h_out <= block:
        most = max(1, min(n, block // (per_row * h_out)))
        step = -(-n // -(-n // most))
        return [(n0, min(step, n - n0), 0, h_out) for n0 in range(0, n, step)]
    most = max(1, min(h_out, block // per_row))
    rows = -(-h_out // -(-h_out // most))
    return [(n0, 1, i0, min(rows, h_out - i0)) for n0 in range(n) for i0 in range(0, h_out, rows)]


def _geometry(xp: np.ndarray, w: np.ndarray, stride: Pair, dilation: Pair):
    h_out, w_out = output_hw(xp.shape[-2:], w.shape[-2:], stride, ((0, 0), (0, 0)), dilation)
    flat, w_ph = flat_phases(xp, stride)
    taps = tap_offsets(w.shape[-2:], stride, dilation, w_ph)
    return h_out, w_out, flat, w_ph, taps


MIN_BLOCK = 1 << 18
"""The fewest entries {py:func}`budget` allows a block (1 MiB in float32), whatever the layer's size."""


def budget(block: int, xp: np.ndarray, out_entries: int) -> int:
    """Entries one block may hold: `block`, or the input plus output entries if that is less.

    So the block of a large layer costs at most its input plus its output; a small layer may
    use `MIN_BLOCK` entries, below which the Python loop over blocks costs more than the work.
    """
    return min(block, max(xp.size + out_entries, MIN_BLOCK))


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
    is written straight into the output with `out=`. The block holds at most {py:func}`budget`
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


def conv2d_shifted(
    xp: np.ndarray, w: np.ndarray, stride: Pair, dilation: Pair, groups: int, *, block: int = BLOCK
) -> np.ndarray:
    r"""The layer as a sum of $k_H k_W$ shifted matrix products, without building im2col at all.

    $$Y_{\text{flat}}[n] = \sum_{u=0}^{k_H-1} \sum_{v=0}^{k_W-1} W[:, :, u, v]\;
    x^{(\text{phase}(u, v))}_n[:,\; \text{offset}(u, v) : \text{offset}(u, v) + L]$$

    Each term is a $(C_{out}, C_g) \times (C_g, L)$ product whose right factor is a view of the
    (phased) input, so nothing the size of im2col is ever made; the price is $k_H k_W$ products
    of depth $C_g$ instead of one of depth $C_g k_H k_W$, plus adding them up. The running
    sum covers a few images at a time, so it stays in cache. With $C_g = 1$ (depthwise) each
    term is an element-wise product broadcast over channels.

    **Parameters**, **Returns**: as {py:func}`conv2d_blocked`.

    **See also**: {py:func}`conv2d_blocked`, {py:func}`convdot.layer.conv2d_im2col`.
    """
    n = xp.shape[0]
    c_out, c_g, k_h, k_w = w.shape
    h_out, w_out, flat, w_ph, taps = _geometry(xp, w, stride, dilation)
    per = c_out // groups
    y = np.empty((n, c_out, h_out, w_out), dtype=xp.dtype)
    steps = blocks(n, h_out, 2 * c_out * w_ph, budget(block, xp, y.size))
    images = max(b for _, b, _, _ in steps)
    width = max(r for _, _, _, r in steps) * w_ph
    acc = np.zeros((images, groups, per, width), dtype=xp.dtype)
    term = np.zeros_like(acc)
    weights = [w[:, :, u, v].reshape(groups, per, c_g) for u in range(k_h) for v in range(k_w)]
    for n0, b, i0, r in steps:
        m, length = r * w_ph, (r - 1) * w_ph + w_out
        for t, (phase, offset) in enumerate(taps):
            start = offset + i0 * w_ph
            x = flat[phase, n0 : n0 + b, :, start : start + length].reshape(b, groups, c_g, length)
            target = (acc if t == 0 else term)[:b, :, :, :length]
            if c_g == 1:
                np.multiply(weights[t], x, out=target)
            else:
                np.matmul(weights[t], x, out=target)
            if t:
                acc[:b, :, :, :length] += target
        out = acc[:b, :, :, :m].reshape(b, c_out, r, w_ph)
        y[n0 : n0 + b, :, i0 : i0 + r] = out[..., :w_out]
    return y


def conv2d_fft_pruned(
    xp: np.ndarray, w: np.ndarray, stride: Pair, dilation: Pair, groups: int, *, block: int = BLOCK
) -> np.ndarray:
    r"""The layer by the convolution theorem, with pruned kernel transforms, a block of output channels at a time.

    $$Y[n, o] = \mathcal F^{-1}\Big[\sum_{c} \hat X[n, g(o) C_g + c] \cdot \overline{\hat W[o, c]}\Big]
    [0 : s_0 H_{out} : s_0,\; 0 : s_1 W_{out} : s_1]$$

    the same formula as {py:func}`convdot.layer.conv2d_fft`, computed with less work and memory
    where it costs most when kernels are large and channels few. There are $C_{out} C_g$ kernel
    transforms, more than the $N (C_{in} + C_{out})$ image transforms; a kernel has only $k_H$
    non-zero rows of the $N_0$ it is padded to, so it is transformed along its rows first (the
    $k_H$ non-zero ones) and then down its columns, skipping the transforms of rows of zeros.
    Output channels are processed in blocks: for each, one input channel's kernel transforms at a
    time are multiplied into a running spectrum, which is transformed back and cropped. So the
    extra memory is the input's spectrum plus one block, not the $C_{out} C_g$ kernel spectra.
    Transforms use every core (`workers=-1`).

    Integers are computed in float64 and rounded, and refused with a `ValueError` when
    {py:func}`convdot.forms.fft_is_exact_for_integers` cannot guarantee an exact result; a NaN or
    inf anywhere spreads to every output of its sample, as with any FFT.

    **Parameters**, **Returns**: as {py:func}`conv2d_blocked`.
    """
    integer = xp.dtype.kind != "f"
    work = exact_work_dtype(xp, w, "fft_pruned", instead="blocked")
    n = xp.shape[0]
    c_out, c_g = w.shape[:2]
    per = c_out // groups
    h_out, w_out = output_hw(xp.shape[-2:], w.shape[-2:], stride, ((0, 0), (0, 0)), dilation)
    shape = fft_shape(xp.shape[-2:])
    y = np.empty((n, c_out, h_out, w_out), dtype=xp.dtype)
    x_hat = scipy.fft.rfft2(xp.astype(work, copy=False), shape, workers=-1)  # (N, C_in, N0, N1 // 2 + 1)
    kernels = insert_zeros(w, dilation).astype(work, copy=False)
    spectrum = x_hat[0, 0].size
    step = max(1, min(c_out, budget(block, xp, y.size) // (16 * n * spectrum)))  # 4 complex buffers, half the budget
    for o0 in range(0, c_out, step):
        o1 = min(c_out, o0 + step)
        group = np.arange(o0, o1) // per * c_g  # first input channel of each output channel's group
        acc = np.zeros((n, o1 - o0, *x_hat.shape[2:]), dtype=x_hat.dtype)
        term = np.empty_like(acc)
        for c in range(c_g):
            rows = scipy.fft.rfft(kernels[o0:o1, c], shape[1], axis=-1, workers=-1)
            w_hat = scipy.fft.fft(rows, shape[0], axis=-2, workers=-1)  # (o1 - o0, N0, N1 // 2 + 1)
            np.conjugate(w_hat, out=w_hat)
            x_c = x_hat[:, c] if groups == 1 else x_hat[:, group + c]
            np.multiply(x_c[:, None] if groups == 1 else x_c, w_hat, out=term)
            acc += term
        full = scipy.fft.irfft2(acc, shape, workers=-1, overwrite_x=True)
        crop = full[..., : stride[0] * h_out : stride[0], : stride[1] * w_out : stride[1]]
        y[:, o0:o1] = np.rint(crop) if integer else crop
    return y
