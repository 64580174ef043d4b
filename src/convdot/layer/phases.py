r"""Phase geometry: a strided correlation as stride-1 correlations of the input's phases.

Store one padded image channel row-major as a vector; for a stride-1 correlation every tap
$(u, v)$ reads that vector at the output's flat position plus a constant offset. A stride $s$ is
reduced to stride 1 by splitting the input into its $s_0 s_1$ phases
$X^{(p, q)}[a, b] = X_p[s_0 a + p,\; s_1 b + q]$ (see {py:mod}`convdot.layer.fast`).
"""

from __future__ import annotations

import numpy as np

from ._checks import output_hw

Pair = tuple[int, int]


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
    copy_phases(out, xp, stride)
    return out.reshape(s0 * s1, n, c, h_ph * w_ph), w_ph


def copy_phases(target: np.ndarray, xp: np.ndarray, stride: Pair) -> None:
    r"""Write the $s_0 s_1$ phases of `xp` $(b, C, H, W)$ into `target`.

    `target` has shape $(s_0 s_1, b, C, \lceil H/s_0 \rceil, \lceil W/s_1 \rceil)$ and
    `target[p s_1 + q, m, c, a, j]` $= X_p[m, c, s_0 a + p, s_1 j + q]$; entries past a phase's
    edge are left as they are. `target` may be any view of that shape (a transposed one puts
    the images innermost).
    """
    s0, s1 = stride
    for p, q in np.ndindex(s0, s1):
        phase = xp[:, :, p::s0, q::s1]
        target[p * s1 + q, :, :, : phase.shape[2], : phase.shape[3]] = phase


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


def geometry(xp: np.ndarray, w: np.ndarray, stride: Pair, dilation: Pair):
    """`(H_out, W_out, flat, W_ph, taps)`: the output size, {py:func}`flat_phases` and {py:func}`tap_offsets`."""
    h_out, w_out = output_hw(xp.shape[-2:], w.shape[-2:], stride, ((0, 0), (0, 0)), dilation)
    flat, w_ph = flat_phases(xp, stride)
    taps = tap_offsets(w.shape[-2:], stride, dilation, w_ph)
    return h_out, w_out, flat, w_ph, taps
