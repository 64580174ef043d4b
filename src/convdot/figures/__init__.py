"""Figures of the site, drawn from the library's own results (requires matplotlib).

Every figure is a function that computes what it shows with `convdot` and returns a
`matplotlib.figure.Figure`; the pages call them, so a figure cannot disagree with a proof.
One colour per role everywhere ({py:data}`ROLE_COLORS`): input, kernel, output, padding, and
a highlight; colour never carries meaning alone, since every cell shows its number and every
role is named in a label or a hatch.
"""

from . import matrices
from ._style import ROLE_COLORS, draw_grid, new_figure

__all__ = ["ROLE_COLORS", "draw_grid", "matrices", "new_figure"]
