"""Figures of the site, drawn from the library's own results (requires matplotlib).

Every figure is a function that computes what it shows with `convdot` and returns a
`matplotlib.figure.Figure`; the pages call them, so a figure cannot disagree with a proof.
One colour per role everywhere ({py:data}`ROLE_COLORS`): input, kernel, output, padding, and
a highlight; colour never carries meaning alone, since every cell shows its number and every
role is named in a label or a hatch.
"""

from . import matrices
from ._style import ROLE_COLORS, draw_grid, new_figure
from .layer import backprop_stride_figure, depth_figure, draw_taps, stamp_figure, taps_read

__all__ = [
    "ROLE_COLORS",
    "backprop_stride_figure",
    "depth_figure",
    "draw_grid",
    "draw_taps",
    "matrices",
    "new_figure",
    "stamp_figure",
    "taps_read",
]
