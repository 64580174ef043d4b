"""Shared hypothesis strategies and the independent references the tests compare against."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.lib.stride_tricks import sliding_window_view

# The benchmark's helpers (benchmarks/convdot_bench) are not part of the installed library.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile("ci")

MODES = ("valid", "same", "full")

# The question's worked example (Data Science Stack Exchange), with the value it reports.
WORKED_A = np.array(
    [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]],
)
WORKED_B = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]])
WORKED_C = np.array([[4, 3, 4], [2, 4, 3], [2, 3, 4]])


@st.composite
def image_and_kernel(draw, *, dtype=np.float64, elements=None, max_side=9):
    """An input (H, W) and a kernel (h, w) with a mode; the kernel fits the input in "valid" mode.

    Sizes cover 1x1 kernels, kernels as large as the input, non-square and even shapes.
    """
    mode = draw(st.sampled_from(MODES))
    H, W = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    limit_h, limit_w = (H, W) if mode == "valid" else (H + 3, W + 3)
    h, w = draw(st.integers(1, limit_h)), draw(st.integers(1, limit_w))
    if elements is None:
        elements = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False, width=64)
    a = draw(hnp.arrays(dtype, (H, W), elements=elements))
    b = draw(hnp.arrays(dtype, (h, w), elements=elements))
    return a, b, mode


def exact_correlate2d(a: np.ndarray, b: np.ndarray, mode: str) -> np.ndarray:
    """Exact reference with Python integers (object arrays): numpy windows, no convdot code.

    Pads as scipy.signal.correlate2d aligns each mode: full pads k-1 on both sides, same pads
    (k-1)//2 before and k//2 after.
    """
    h, w = b.shape
    pad = {"valid": ((0, 0), (0, 0)), "full": ((h - 1, h - 1), (w - 1, w - 1))}.get(
        mode, (((h - 1) // 2, h // 2), ((w - 1) // 2, w // 2))
    )
    padded = np.pad(a.astype(object), pad, constant_values=0)
    windows = sliding_window_view(padded, b.shape)
    return (windows * b.astype(object)).sum(axis=(-2, -1))


def tolerance(a: np.ndarray, b: np.ndarray, rtol: float) -> float:
    """Absolute tolerance scaled by the largest possible |output|: max|a| * sum|b|."""
    return rtol * max(1.0, float(np.abs(a).max()) * float(np.abs(b).sum()))


# --- the figures' text: symbols, numbers and formulas, the same in every edition of the site -----

# What a figure may draw besides single-letter symbols and numbers: the letters of the site's
# notation (vec, X_col, W_row, Z_full, H_out, T_B's BTTB / BCCB, products such as hw and iW + j)
# and the names of code, which the pages print untranslated in both editions (functions, mode
# and method values). A word of any language that is not code belongs in the caption or the alt
# text, which are translated.
FIGURE_TOKENS = frozenset(
    {"vec", "col", "row", "full", "out", "BTTB", "BCCB", "hw", "iW", "mW"}
    | {"correlate2d", "convolve2d", "conv2d", "conv_transpose2d", "max_pool2d", "im2col"}
    | {"valid", "same", "method", "auto", "fft"}
)
_MATH = re.compile(r"\$([^$]*)\$")
_COMMAND = re.compile(r"\\[A-Za-z]+")
_CODE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # outside math: words, or code names such as max_pool2d
_LETTERS = re.compile(r"[A-Za-z]+")  # inside math: r_h is two symbols


def drawn_texts(fig) -> list[str]:
    """Every non-empty string a matplotlib figure draws: texts, titles, axis and tick labels, legends."""
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def words_of(text: str) -> set[str]:
    """The tokens of `text` of more than one letter; in math, mathtext commands (`\\odot`) left out."""
    tokens = []
    for i, part in enumerate(_MATH.split(text)):  # odd parts: the insides of $...$
        tokens += _LETTERS.findall(_COMMAND.sub(" ", part)) if i % 2 else _CODE.findall(part)
    return {token for token in tokens if sum(c.isalpha() for c in token) > 1}


def foreign_words(texts) -> set[str]:
    """The tokens of `texts` that are neither a symbol, a number nor in FIGURE_TOKENS."""
    return {word for text in texts for word in words_of(text)} - FIGURE_TOKENS
