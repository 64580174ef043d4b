r"""Read-only views of every window an input offers a kernel.

A window view costs no copy: it is `numpy.lib.stride_tricks.sliding_window_view`
restricted by stride and dilation. Reshaping it into a matrix (im2col) does copy,
and each input entry then appears up to $h \cdot w$ times.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def windows(
    a: np.ndarray,
    kernel_shape: tuple[int, int],
    stride: tuple[int, int] = (1, 1),
    dilation: tuple[int, int] = (1, 1),
) -> np.ndarray:
    r"""Windows over the last two axes of `a`, as a read-only view.

    For `a` of shape `(..., H, W)` and a kernel of shape `(h, w)` the result has shape
    `(..., H_out, W_out, h, w)` with
    $H_{out} = \lfloor (H - d_0 (h-1) - 1) / s_0 \rfloor + 1$ (likewise $W_{out}$) and

    $$\text{windows}[\ldots, m, n, u, v] = a[\ldots, s_0 m + d_0 u,\; s_1 n + d_1 v].$$

    The caller guarantees that the dilated kernel fits in `a`.
    """
    (h, w), (s0, s1), (d0, d1) = kernel_shape, stride, dilation
    span = (d0 * (h - 1) + 1, d1 * (w - 1) + 1)
    view = sliding_window_view(a, span, axis=(-2, -1))
    return view[..., ::s0, ::s1, ::d0, ::d1]
