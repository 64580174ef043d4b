r"""The layer's padding by `padding_mode` ({py:func}`numpy.pad`), its adjoint `unpad`, and zero insertion."""

from __future__ import annotations

import numpy as np

from ._checks import Pads

_NUMPY_PAD_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def pad(x: np.ndarray, pads: Pads, padding_mode: str) -> np.ndarray:
    """Pad the last two axes of `x` by `pads` in `padding_mode`, with {py:func}`numpy.pad`."""
    if pads == ((0, 0), (0, 0)):
        return x
    return np.pad(x, ((0, 0),) * (x.ndim - 2) + pads, mode=_NUMPY_PAD_MODE[padding_mode])


def pad_sources(input_hw: tuple[int, int], pads: Pads, padding_mode: str) -> np.ndarray:
    """For each padded position, the flat index of the input pixel it copies (-1 for a zero).

    It is the index image `arange(H*W)` padded the same way: reflect, replicate and circular
    padding only copy pixels, so padding the indices says where every copy comes from.
    """
    H, W = input_hw
    index = np.arange(H * W).reshape(H, W)
    if padding_mode == "zeros":
        return np.pad(index, pads, constant_values=-1)
    return pad(index, pads, padding_mode)


def unpad(grad_padded: np.ndarray, input_hw: tuple[int, int], pads: Pads, padding_mode: str) -> np.ndarray:
    r"""The adjoint of `pad`: each padded position's gradient is added back onto its source pixel.

    For `"zeros"` this crops the border; for the other modes a pixel copied $r$ times into
    the padding receives its own gradient plus those $r$ copies' gradients.
    """
    (top, bottom), (left, right) = pads
    if padding_mode == "zeros":
        Hp, Wp = grad_padded.shape[-2:]
        return grad_padded[..., top : Hp - bottom, left : Wp - right]
    sources = pad_sources(input_hw, pads, padding_mode).ravel()
    lead = grad_padded.shape[:-2]
    flat = grad_padded.reshape(-1, sources.size)
    out = np.zeros((flat.shape[0], input_hw[0] * input_hw[1]), dtype=grad_padded.dtype)
    np.add.at(out, (slice(None), sources), flat)
    return out.reshape(*lead, *input_hw)


def insert_zeros(a: np.ndarray, step: tuple[int, int]) -> np.ndarray:
    """Put `step - 1` zeros between neighbouring entries along the last two axes of `a`.

    This dilates a kernel (`step` = dilation) and spreads a strided gradient back onto the
    grid it was sampled from (`step` = stride).
    """
    if step == (1, 1):
        return a
    h, w = a.shape[-2:]
    out = np.zeros((*a.shape[:-2], step[0] * (h - 1) + 1, step[1] * (w - 1) + 1), dtype=a.dtype)
    out[..., :: step[0], :: step[1]] = a
    return out
