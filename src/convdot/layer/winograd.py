r"""Winograd's minimal filtering F(2×2, 3×3): four outputs of a 3×3 correlation from 16 products.

Lavin and Gray (arXiv:1509.09308) apply Winograd's minimal filtering algorithm to CNN layers.
In one dimension, F(2, 3) computes two outputs of a 3-tap correlation,
$y_0 = d_0 g_0 + d_1 g_1 + d_2 g_2$ and $y_1 = d_1 g_0 + d_2 g_1 + d_3 g_2$, with 4
multiplications instead of 6:

$$y = \mathcal A^{\mathsf T}\big[(\mathcal G g) \odot (\mathcal B^{\mathsf T} d)\big], \quad
\mathcal B^{\mathsf T} = \begin{bmatrix} 1 & 0 & -1 & 0 \\ 0 & 1 & 1 & 0 \\
0 & -1 & 1 & 0 \\ 0 & 1 & 0 & -1 \end{bmatrix},\;
\mathcal G = \begin{bmatrix} 1 & 0 & 0 \\ \frac12 & \frac12 & \frac12 \\
\frac12 & -\frac12 & \frac12 \\ 0 & 0 & 1 \end{bmatrix},\;
\mathcal A^{\mathsf T} = \begin{bmatrix} 1 & 1 & 1 & 0 \\ 0 & 1 & -1 & -1 \end{bmatrix}.$$

(Lavin and Gray write these matrices $A$, $B$, $G$; the code keeps those names, `A_T`, `B_T`, `G`.)

Nesting it in both directions gives F(2×2, 3×3) on a 4×4 input tile $d$ (tiles overlap by 2):
$Y = \mathcal A^{\mathsf T}\big[(\mathcal G g \mathcal G^{\mathsf T}) \odot
(\mathcal B^{\mathsf T} d \mathcal B)\big] \mathcal A$,
16 products for the 36 of the direct sum, a factor 2.25. In a layer the sum over input channels
moves inside, between the transforms: for each of the 16 positions $(\xi, \zeta)$ of the
transformed tile,

$$M_{\xi\zeta} = U_{\xi\zeta}\, V_{\xi\zeta}, \qquad
U_{\xi\zeta}[o, c] = (\mathcal G\, w[o, c]\, \mathcal G^{\mathsf T})_{\xi\zeta},\quad
V_{\xi\zeta}[c, t] = (\mathcal B^{\mathsf T} d_{c,t} \mathcal B)_{\xi\zeta},$$

16 matrix products of shape $(C_{out}, C_g) \times (C_g, \text{tiles})$, then
$Y = \mathcal A^{\mathsf T} M \mathcal A$ per tile.

**Round-off.** The price is the transforms (memory traffic, not multiplications) and the way
round-off is bounded. Each entry of $\mathcal B^{\mathsf T} d \mathcal B$ combines 4 inputs (two
per row of $\mathcal B^{\mathsf T}$, on each side); each entry of $\mathcal G g \mathcal G^{\mathsf T}$
and of the output transform $\mathcal A^{\mathsf T} M \mathcal A$ combines up to 9. The direct
sum's error is relative to the data too: at most $\gamma_n \sum |x|\,|w|$ per output, with
$n = C_g k_H k_W$ ({py:func}`convdot.numerics.conv2d_error_bound`). The real difference is the
kind of bound: the direct one is *componentwise*, each output's error measured against its own
products, so an output whose products are small (or cancel exactly) has a small error; the
transforms' bound is *normwise*, each output's error measured against the magnitudes of the
whole 4 × 4 tile and filter that the transformed values mix, so a small output beside large
ones can have a much larger relative error than the direct sum gives it.
"""

from __future__ import annotations

import numpy as np

from .._dtypes import float_work
from .._memory import array_bytes
from ._checks import layer_form, output_hw, output_sizes
from .blocks import BLOCK, MIN_BLOCK, blocks, budget

Pair = tuple[int, int]

B_T = np.array([[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]])
"""$\\mathcal B^{\\mathsf T}$, the input transform of F(2, 3)."""
G = np.array([[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]])
"""$\\mathcal G$, the filter transform of F(2, 3)."""
A_T = np.array([[1, 1, 1, 0], [0, 1, -1, -1]])
"""$\\mathcal A^{\\mathsf T}$, the output transform of F(2, 3)."""


def filter_transform(w: np.ndarray) -> np.ndarray:
    r"""$U = \mathcal G\, w[o, c]\, \mathcal G^{\mathsf T}$ for every filter.

    Shape $(4, 4, C_{out}, C_g)$ from $(C_{out}, C_g, 3, 3)$.
    """
    return np.einsum("ai,ocij,bj->aboc", G.astype(w.dtype), w, G.astype(w.dtype))


def _winograd_3x3(x: np.ndarray, u: np.ndarray, y: np.ndarray, groups: int, accumulate: bool, block: int) -> None:
    """Add (or write) the stride-1 correlation of `x` with the 3x3 filters transformed into `u` to `y`.

    `x` is (N, C, >= 2 th + 2, >= 2 tw + 2) with th, tw the tile counts covering `y`'s (H_out, W_out).
    """
    n, c_in = x.shape[:2]
    c_out, h_out, w_out = y.shape[1:]
    th, tw = -(-h_out // 2), -(-w_out // 2)
    u = u.reshape(16, groups, c_out // groups, -1)
    # per tile row: the transformed input and products (16 entries per tile each), the row sums (8 per tile)
    steps = blocks(n, th, (16 * (c_in + c_out) + 8 * c_in) * tw, budget(block, x, y.size))
    images = max(b for _, b, _, _ in steps)
    tile_rows = max(r for _, _, _, r in steps)
    v_buf = np.empty((4, 4, c_in, images * tile_rows * tw), dtype=x.dtype)
    m_buf = np.empty((4, 4, c_out, images * tile_rows * tw), dtype=x.dtype)
    for n0, b, t0, tr in steps:
        p = b * tr * tw
        v = v_buf[..., :p].reshape(4, 4, c_in, b, tr, tw)
        rows = [x[n0 : n0 + b, :, 2 * t0 + i :: 2][:, :, :tr, : 2 * tw + 2] for i in range(4)]
        for xi, r in enumerate((rows[0] - rows[2], rows[1] + rows[2], rows[2] - rows[1], rows[1] - rows[3])):
            cols = [r[..., j::2][..., :tw] for j in range(4)]
            target = v[xi].transpose(0, 2, 1, 3, 4)  # (4, b, C, tr, tw)
            np.subtract(cols[0], cols[2], out=target[0])
            np.add(cols[1], cols[2], out=target[1])
            np.subtract(cols[2], cols[1], out=target[2])
            np.subtract(cols[1], cols[3], out=target[3])
        m = m_buf[..., :p]
        np.matmul(u, v_buf[..., :p].reshape(16, groups, -1, p), out=m.reshape(16, groups, -1, p))
        m = m.reshape(4, 4, c_out, b, tr, tw)
        for alpha, z in enumerate((m[0] + m[1] + m[2], m[1] - m[2] - m[3])):
            count_i = max(0, min(tr, (h_out - alpha + 1) // 2 - t0))
            for beta, tile in enumerate((z[0] + z[1] + z[2], z[1] - z[2] - z[3])):
                count_j = (w_out - beta + 1) // 2
                target = y[n0 : n0 + b, :, 2 * t0 + alpha :: 2, beta::2][:, :, :count_i, :count_j]
                source = tile.transpose(1, 0, 2, 3)[:, :, :count_i, :count_j]
                if accumulate:
                    target += source
                else:
                    target[...] = source


def _pieces(w: np.ndarray, stride: Pair, dilation: Pair):
    r"""Split a strided, dilated layer into stride-1 correlations with 3×3 filters.

    Yields `(phase, row, col, filters)`: the output receives the stride-1 correlation of the input
    phase $X_p[:, :, p::s_0, q::s_1]$ (`phase` = (p, q)), starting at (`row`, `col`), with `filters`
    $(C_{out}, C_g, 3, 3)$. Tap $(u, v)$ reads row $s_0 i + d_0 u$, which is row
    $i + \lfloor d_0 u / s_0 \rfloor$ of phase $d_0 u \bmod s_0$; each phase's taps form a dense
    kernel (zero where no tap lands), cut into 3×3 pieces. Pieces holding no tap are skipped.
    """
    (s0, s1), (d0, d1) = stride, dilation
    k_h, k_w = w.shape[-2:]
    for p in range(s0):
        for q in range(s1):
            rows = [u for u in range(k_h) if d0 * u % s0 == p]
            cols = [v for v in range(k_w) if d1 * v % s1 == q]
            if not rows or not cols:
                continue
            a = [d0 * u // s0 for u in rows]
            b = [d1 * v // s1 for v in cols]
            dense = np.zeros((*w.shape[:2], 3 * (a[-1] // 3 + 1), 3 * (b[-1] // 3 + 1)), dtype=w.dtype)
            tap = np.zeros(dense.shape[-2:], dtype=bool)
            dense[:, :, np.array(a)[:, None], np.array(b)[None, :]] = w[:, :, np.array(rows)[:, None], np.array(cols)]
            tap[np.array(a)[:, None], np.array(b)[None, :]] = True
            for r0 in range(0, dense.shape[2], 3):
                for c0 in range(0, dense.shape[3], 3):
                    if tap[r0 : r0 + 3, c0 : c0 + 3].any():
                        yield (p, q), r0, c0, dense[:, :, r0 : r0 + 3, c0 : c0 + 3]


def winograd_sizes(xp_shape, w_shape, stride, dilation, groups, itemsize) -> list[tuple[str, int]]:
    """The output (twice, in the working dtype), a padded phase, and the transformed tiles of one block."""
    n, c_in = xp_shape[:2]
    c_out = w_shape[0]
    h_out, w_out = output_hw(xp_shape[-2:], w_shape[-2:], stride, ((0, 0), (0, 0)), dilation)
    th, tw = -(-h_out // 2), -(-w_out // 2)
    row = (16 * (c_in + c_out) + 8 * c_in) * tw
    block = max(min(BLOCK, max(n * c_in * xp_shape[2] * xp_shape[3] + n * c_out * h_out * w_out, MIN_BLOCK)), row)
    return [
        *output_sizes(xp_shape, w_shape, stride, dilation, itemsize) * 2,
        ("a padded phase of the input", array_bytes((n, c_in, 2 * th + 2, 2 * tw + 2), itemsize)),
        ("the transformed tiles and products of one block", 2 * block * itemsize),
    ]


@layer_form(winograd_sizes)
def conv2d_winograd(
    xp: np.ndarray, w: np.ndarray, stride: Pair, dilation: Pair, groups: int, *, block: int = BLOCK
) -> np.ndarray:
    r"""The layer by Winograd's F(2×2, 3×3): 16 products per 2×2 output tile instead of 36.

    $$Y_{\text{tile}} = \mathcal A^{\mathsf T}\Big[\sum_{c} (\mathcal G\, w[o, c]\, \mathcal G^{\mathsf T})
    \odot (\mathcal B^{\mathsf T} d_c \mathcal B)\Big] \mathcal A$$

    with the matrices of this module's docstring. A 3×3 layer with stride 1 and dilation 1 is one
    such computation. Any other layer is reduced to a sum of them, exactly: a stride $s$ and a
    dilation $d$ split the input into its $s_0 s_1$ phases $X_p[:, :, p::s_0, q::s_1]$, each
    correlated at stride 1 with the taps that land on it (tap $u$ reads row
    $i + \lfloor d_0 u / s_0 \rfloor$ of phase $d_0 u \bmod s_0$), and a kernel larger than 3×3 is
    cut into 3×3 pieces (zero-padded), each a shifted F(2×2, 3×3). Only the 3×3, stride-1,
    dilation-1 case saves multiplications; the others exist so that the method accepts every
    layer (and is tested on every layer), not for speed.

    Floats are computed in their own dtype. Integers are computed in float64 and rounded, exact when
    $36 \max|x| \max_o \sum |w[o]| < 2^{50}$ (every intermediate is a multiple of 1/4 below that);
    otherwise a `ValueError` is raised.

    **Numerics**

    - *NaN.* Every output the direct sum makes NaN is NaN here too. For a 3×3 kernel at stride 1
      and dilation 1 those are the only ones: output row 0 of a tile mixes transformed rows 0-2,
      which read input rows 0-2 of the tile, and row 1 mixes rows 1-3, which read rows 1-3, its
      own window (likewise for columns). Any other layer computes 3×3 pieces padded with zero taps
      (a 1×1 kernel is a 3×3 piece with 8 of them), and $0 \cdot \mathrm{NaN} = \mathrm{NaN}$: a NaN
      under a padded tap reaches outputs of its tile whose window in the real kernel does not hold
      it. A NaN at `x[0, 0, 1, 1]` under a 1×1 kernel makes the whole 2×2 tile NaN, where the
      direct sum makes one output NaN.
    - *inf.* An inf enters transformed values with both signs and can meet itself as
      $\infty - \infty$: where a direct sum gives $\pm\infty$, Winograd may give NaN.
    - *Large finite values.* The transforms multiply magnitudes by up to 4 (input) and 9 (output),
      so finite data with $36 \max|x| \max_o \sum|w[o]|$ beyond the dtype's largest number (about
      $3.4 \cdot 10^{38}$ in float32) can overflow to inf and NaN where the direct sum is finite.
    - *Round-off*: a normwise bound over the tile instead of the direct sum's componentwise one
      (this module's docstring); `"auto"` never picks this method.

    **Parameters**, **Returns**: as {py:func}`~convdot.layer.fast.conv2d_blocked`.

    **Raises**: `ValueError` for integer inputs too large for an exact result.
    """
    work = float_work(xp, w, "winograd", "winograd", instead="blocked")
    x, filters = work.cast(xp), work.cast(w)
    h_out, w_out = output_hw(xp.shape[-2:], w.shape[-2:], stride, ((0, 0), (0, 0)), dilation)
    th, tw = -(-h_out // 2), -(-w_out // 2)
    y = np.zeros((xp.shape[0], w.shape[0], h_out, w_out), dtype=work.dtype)
    first = True
    for (p, q), r0, c0, piece in _pieces(filters, stride, dilation):
        phase = x[:, :, p :: stride[0], q :: stride[1]][:, :, r0 : r0 + 2 * th + 2, c0 : c0 + 2 * tw + 2]
        short = (2 * th + 2 - phase.shape[2], 2 * tw + 2 - phase.shape[3])
        if short != (0, 0):  # tiles and 3x3 pieces may reach past the input: those taps read zeros
            phase = np.pad(phase, ((0, 0), (0, 0), (0, short[0]), (0, short[1])))
        _winograd_3x3(phase, filter_transform(piece), y, groups, accumulate=not first, block=block)
        first = False
    return work.back(y, xp.dtype)
