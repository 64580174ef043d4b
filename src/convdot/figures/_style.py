"""The site's one look: role colours, and a grid of numbers as the figures draw arrays."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# Colour-blind-safe tints (Okabe-Ito hues, lightened so that black numbers read on them at
# 4.5:1 or more); the figures have a white background, so they read the same in the dark theme.
ROLE_COLORS: dict[str, str] = {
    "input": "#cfe3f5",  # blue
    "kernel": "#f8dcb4",  # orange
    "output": "#c9ead9",  # bluish green
    "padding": "#e6e6e6",  # grey, always hatched too
    "highlight": "#f3c1d6",  # reddish purple: the window, the wrapped entry, the current cell
    "edge": "#333333",
    "text": "#111111",
}
PADDING_HATCH = "///"


def new_figure(width: float, height: float):
    """A figure of `width` x `height` inches with the site's white background (readable in both themes)."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(width, height), facecolor="white")
    return fig


def draw_grid(
    ax,
    values: np.ndarray,
    role: str,
    *,
    origin: tuple[float, float] = (0.0, 0.0),
    highlight: np.ndarray | None = None,
    padding: np.ndarray | None = None,
    fmt: str = "{:g}",
    title: str | None = None,
    fontsize: float = 11,
    labels: Sequence[str] | None = None,
) -> None:
    """Draw the 2-D array `values` as a grid of cells with their numbers, top-left at `origin` (x, y).

    `role` picks the fill (a key of {py:data}`ROLE_COLORS`); `highlight` and `padding` are boolean
    masks of `values`' shape whose cells are drawn in the highlight colour or grey and hatched.
    `labels`, if given, replaces the numbers (one string per cell, row by row). The axes use
    data units of one cell, y pointing down; call `ax.set_aspect("equal")` and `ax.axis("off")`.
    """
    from matplotlib.patches import Rectangle

    values = np.atleast_2d(np.asarray(values))
    x0, y0 = origin
    rows, cols = values.shape
    for i in range(rows):
        for j in range(cols):
            is_pad = padding is not None and bool(padding[i, j])
            is_hi = highlight is not None and bool(highlight[i, j])
            face = ROLE_COLORS["padding" if is_pad else "highlight" if is_hi else role]
            ax.add_patch(
                Rectangle(
                    (x0 + j, y0 + i),
                    1,
                    1,
                    facecolor=face,
                    edgecolor=ROLE_COLORS["edge"],
                    linewidth=1.6 if is_hi else 0.8,
                    hatch=PADDING_HATCH if is_pad else None,
                )
            )
            text = labels[i * cols + j] if labels is not None else fmt.format(values[i, j])
            ax.text(x0 + j + 0.5, y0 + i + 0.5, text, ha="center", va="center", fontsize=fontsize, color="black")
    if title:
        ax.text(x0 + cols / 2, y0 - 0.3, title, ha="center", va="bottom", fontsize=fontsize)
    ax.set_xlim(min(ax.get_xlim()[0], x0 - 0.1), max(ax.get_xlim()[1], x0 + cols + 0.1))
    ax.set_ylim(max(ax.get_ylim()[0], y0 + rows + 0.1), min(ax.get_ylim()[1], y0 - 1.0))
