"""Output sizes and the zero padding that turns each mode into a valid correlation.

Every mode of a 2-D correlation is a *valid* correlation of a zero-padded input:
`"valid"` pads nothing, `"full"` pads $h-1$ rows above and below (and $w-1$
columns on each side), and `"same"` pads so that the output has the input's shape,
aligned as `scipy.signal.correlate2d` and `scipy.signal.convolve2d` align it.
"""

from __future__ import annotations

MODES = ("valid", "same", "full")

Padding = tuple[tuple[int, int], tuple[int, int]]


def mode_padding(kernel_shape: tuple[int, int], mode: str, *, flipped: bool = False) -> Padding:
    r"""Zero padding `((top, bottom), (left, right))` that makes `mode` a valid correlation.

    For `"same"` with a kernel of size $k$ along an axis, a correlation pads
    $\lfloor (k-1)/2 \rfloor$ before and $\lfloor k/2 \rfloor$ after; a convolution
    (`flipped=True`, computed as a correlation with the flipped kernel) pads the other
    way round. The two differ only for even $k$, exactly as in scipy.
    """
    pads = []
    for k in kernel_shape:
        if mode == "valid":
            pads.append((0, 0))
        elif mode == "full":
            pads.append((k - 1, k - 1))
        else:
            before, after = (k - 1) // 2, k // 2
            pads.append((after, before) if flipped else (before, after))
    return (pads[0], pads[1])


def correlate_output_shape(input_shape: tuple[int, int], kernel_shape: tuple[int, int], mode: str) -> tuple[int, int]:
    """Output shape of a 2-D correlation: $H-h+1$ (`valid`), $H$ (`same`), $H+h-1$ (`full`) per axis."""
    pad = mode_padding(kernel_shape, mode)
    return tuple(n + p0 + p1 - k + 1 for n, k, (p0, p1) in zip(input_shape, kernel_shape, pad, strict=True))
