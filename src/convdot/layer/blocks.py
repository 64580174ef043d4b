"""Block planning for the fast forms: how much of a batch one step works on, and how to cut it evenly."""

from __future__ import annotations

import numpy as np

BLOCK = 1 << 22
"""The most entries of the im2col block (or running sum) one step of the fast forms works on.

16 MiB in float32: large enough that one matrix product per block runs near BLAS's peak, and
small enough to stay in a large last-level cache (32 MiB on the 2-core AMD EPYC this was tuned
on, where blocks of 2^22 entries ran faster than 2^20 or 2^21). {py:func}`budget` lowers it
for small layers, so that the extra memory never exceeds the input plus the output.
"""


MIN_BLOCK = 1 << 18
"""The fewest entries {py:func}`budget` allows a block (1 MiB in float32), whatever the layer's size."""


def budget(block: int, xp: np.ndarray, out_entries: int) -> int:
    """Entries one block may hold: `block`, or the input plus output entries if that is less.

    So the block of a large layer costs at most its input plus its output; a small layer may
    use `MIN_BLOCK` entries, below which the Python loop over blocks costs more than the work.
    """
    return min(block, max(xp.size + out_entries, MIN_BLOCK))


COLUMNS = 2048
r"""The fewest output positions one product of {py:func}`convdot.layer.fast.conv2d_shifted` covers.

A product over fewer columns (a $14 \times 14$ feature map has 222 flat positions) runs far below
BLAS's peak, so the images of a block are interleaved to give each product at least this many."""


def even_step(total: int, most: int) -> int:
    """The step that cuts `total` into as few parts of at most `most` as possible, as equal as possible.

    So no part is a small remainder: a small matrix product runs far below BLAS's peak.
    """
    return -(-total // -(-total // most))


def blocks(n: int, h_out: int, per_row: int, block: int = BLOCK) -> list[tuple[int, int, int, int]]:
    """Split a batch of `n` images of `h_out` output rows into `(n0, images, i0, rows)` steps.

    `per_row` is the number of buffer entries one output row of one image needs; a step
    takes whole images when at least one fits in `block` entries, otherwise a run of rows of
    one image (at least one row). Steps are made as equal as possible, so that no step is a
    small remainder (a small matrix product runs far below BLAS's peak).
    """
    if per_row * h_out <= block:
        most = max(1, min(n, block // (per_row * h_out)))
        step = even_step(n, most)
        return [(n0, min(step, n - n0), 0, h_out) for n0 in range(0, n, step)]
    most = max(1, min(h_out, block // per_row))
    rows = even_step(h_out, most)
    return [(n0, 1, i0, min(rows, h_out - i0)) for n0 in range(n) for i0 in range(0, h_out, rows)]
