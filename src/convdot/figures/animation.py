r"""The sliding window, animated: one SVG frame per output position, stepped by CSS alone.

{py:func}`sliding_window_html` returns an HTML fragment (an inline SVG and its stylesheet, no
script) that a page displays. It plays the frames in a loop; the reader pauses it, or steps to any
position, with radio buttons that work from the keyboard. Readers who ask their system for reduced
motion (`prefers-reduced-motion: reduce`) get the last frame, the whole output, and the step
buttons, without movement; a printed page shows that frame too. The numbers come from
{py:func}`sliding_window_frames`, which a page asserts against {py:func}`convdot.correlate2d`.

The fragment is made once and shown by every edition of the site, so what it draws is
language-neutral: symbols ($A$, $A_{[m,n]} \odot B$, $C$), numbers and formulas, and the controls
are a play and a pause icon and the output positions `C[m,n]`. The few words a screen reader
needs (the controls' names and the legend) are written in each language of {py:data}`WORDS`,
and the page's own language (`<html lang>`) picks one with CSS `:lang()`, still without script;
any other language gets English.
"""

from __future__ import annotations

import html

import numpy as np

from ..correlate import correlate2d
from ._style import PADDING_HATCH, ROLE_COLORS

__all__ = ["WORDS", "sliding_window_frames", "sliding_window_html"]

del PADDING_HATCH  # the animation pads nothing: mode valid

_CELL = 34

# The controls' accessible names and the legend, per language of the site (English first: the
# default). Only screen readers hear them; the buttons show icons.
WORDS: dict[str, dict[str, str]] = {
    "en": {"play": "Play", "pause": "Pause", "legend": "The sliding window: play, pause, or pick a position"},
    "es": {
        "play": "Reproducir",
        "pause": "Pausa",
        "legend": "La ventana deslizante: reproducir, pausar o elegir una posición",
    },
}
# The icons of the two controls (hidden from screen readers, which hear the words instead).
_ICONS = {
    "play": '<path d="M2 1 L11 6 L2 11 Z"/>',
    "pause": '<rect x="2" y="1" width="3" height="10"/><rect x="7" y="1" width="3" height="10"/>',
}


def _number(x: object) -> str:
    value = np.asarray(x).item()
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def sliding_window_frames(a: object, b: object) -> list[dict]:
    r"""One frame per output position of `correlate2d(a, b)` (mode `valid`), in row-major order.

    Each frame is a dict: `position` $(m, n)$, `products` ($A_{[m,n]} \odot B$), `value` (their sum)
    and `output` (the output so far: entries up to this position filled in, later ones `None`).
    """
    a, b = np.asarray(a), np.asarray(b)
    h, w = b.shape
    C = correlate2d(a, b)
    frames = []
    for i, (m, n) in enumerate(np.ndindex(C.shape)):
        products = a[m : m + h, n : n + w] * b
        running = [
            [C[r, c].item() if r * C.shape[1] + c <= i else None for c in range(C.shape[1])] for r in range(C.shape[0])
        ]
        frames.append({"position": (m, n), "products": products, "value": products.sum().item(), "output": running})
    return frames


def _rect(x: float, y: float, fill: str, *, bold: bool = False, dashed: bool = False) -> str:
    width = 3 if bold else 1
    dash = ' stroke-dasharray="5 3"' if dashed else ""
    return (
        f'<rect x="{x}" y="{y}" width="{_CELL}" height="{_CELL}" fill="{fill}" '
        f'stroke="{ROLE_COLORS["edge"]}" stroke-width="{width}"{dash}/>'
    )


def _text(
    x: float, y: float, text: str, size: int = 15, weight: str = "normal", anchor: str = "middle", style: str = "normal"
) -> str:
    italic = ' font-style="italic"' if style == "italic" else ""
    return (
        f'<text x="{x}" y="{y}" font-size="{size}" font-weight="{weight}"{italic} text-anchor="{anchor}" '
        f'dominant-baseline="central" fill="#000">{html.escape(text)}</text>'
    )


def _window_head(x: float, y: float, m: int, n: int, size: int = 14) -> str:
    """The heading `A_[m,n] ⊙ B`, the window's index set as a subscript (with `dy`, which every browser draws)."""
    return (
        f'<text x="{x}" y="{y}" font-size="{size}" text-anchor="middle" dominant-baseline="central" fill="#000">'
        f'<tspan font-style="italic">A</tspan><tspan dy="4" font-size="{size - 4}">[{m},{n}]</tspan>'
        f'<tspan dy="-4"> ⊙ </tspan><tspan font-style="italic">B</tspan></text>'
    )


def _words(uid: str, key: str) -> str:
    """The word `key` in every language of WORDS, each in a span that the page's language shows or hides."""
    return "".join(
        f'<span class="{uid}-word" lang="{language}">{html.escape(words[key])}</span>'
        for language, words in WORDS.items()
    )


def _icon(uid: str, key: str) -> str:
    return (
        f'<svg class="{uid}-icon" viewBox="0 0 12 12" width="12" height="12" aria-hidden="true" '
        f'focusable="false" fill="currentColor">{_ICONS[key]}</svg>'
    )


def _grid(values, x0: float, y0: float, fill, bold=None) -> list[str]:
    parts = []
    for r, row in enumerate(values):
        for c, value in enumerate(row):
            x, y = x0 + c * _CELL, y0 + r * _CELL
            parts.append(_rect(x, y, fill(r, c), bold=bool(bold and bold(r, c))))
            parts.append(_text(x + _CELL / 2, y + _CELL / 2, "" if value is None else _number(value)))
    return parts


def sliding_window_html(a: object, b: object, *, seconds_per_frame: float = 1.6, name: str = "slide") -> str:
    r"""An HTML fragment: the window of `b` stepping over `a`, one frame per output position.

    Each frame shows $A$ with the window outlined, the element-wise products of the window and $B$
    (headed $A_{[m,n]} \odot B$), their sum written out, `C[m,n] = ... = value`, and the output $C$
    filled in up to this position (the current entry outlined). Controls: play (the default, a
    triangle), pause (two bars), and one button per position, `C[m,n]`; the controls' names are
    those of {py:data}`WORDS` in the page's language. The image's text alternative is a formula,
    `A ⋆ B = C`, with the shapes and every output. `name` makes the element ids unique if a page
    shows two animations. Deterministic text, so two builds write the same bytes.
    """
    a, b = np.asarray(a), np.asarray(b)
    H, W = a.shape
    h, w = b.shape
    frames = sliding_window_frames(a, b)
    count = len(frames)
    H_out, W_out = correlate2d(a, b).shape
    gap = _CELL
    x_prod = W * _CELL + gap
    x_out = x_prod + w * _CELL + gap
    width = x_out + W_out * _CELL + 4
    top = 30
    height = top + max(H, h, H_out) * _CELL + 44
    cycle = seconds_per_frame * count
    uid = f"cd-{name}"

    svg_frames = []
    for i, frame in enumerate(frames):
        m, n = frame["position"]

        def input_fill(r, c, m=m, n=n):
            inside = m <= r < m + h and n <= c < n + w
            return ROLE_COLORS["highlight"] if inside else ROLE_COLORS["input"]

        def out_fill(r, c, i=i):
            return ROLE_COLORS["highlight"] if r * W_out + c == i else ROLE_COLORS["output"]

        parts = [f'<g class="{uid}-frame {uid}-frame-{i}">']
        parts += _grid(a.tolist(), 2, top, input_fill)
        x, y = 2 + n * _CELL, top + m * _CELL
        parts.append(
            f'<rect x="{x}" y="{y}" width="{w * _CELL}" height="{h * _CELL}" fill="none" '
            f'stroke="{ROLE_COLORS["edge"]}" stroke-width="4"/>'
        )
        parts += _grid(frame["products"].tolist(), x_prod, top, lambda r, c: ROLE_COLORS["kernel"])
        parts.append(_window_head(x_prod + w * _CELL / 2, 12, m, n))
        parts += _grid(frame["output"], x_out, top, out_fill, bold=lambda r, c, i=i: r * W_out + c == i)
        terms = "+".join(_number(p) for p in frame["products"].ravel())
        caption = f"C[{m},{n}] = {terms} = {_number(frame['value'])}"
        parts.append(_text(width / 2, height - 18, caption, 16, "bold"))
        parts.append("</g>")
        svg_frames.append("".join(parts))

    heads = [
        _text(2 + W * _CELL / 2, 12, "A", 15, style="italic"),
        _text(x_out + W_out * _CELL / 2, 12, "C", 15, style="italic"),
    ]
    last = count - 1
    show_rules = "\n".join(
        f".{uid}:has(#{uid}-f{i}:checked) .{uid}-frame-{i} {{ visibility: visible; }}" for i in range(count)
    )
    delays = "\n".join(
        f".{uid}:has(#{uid}-play:checked) .{uid}-frame-{i}, .{uid}:has(#{uid}-pause:checked) .{uid}-frame-{i} "
        f"{{ animation-delay: {i * seconds_per_frame:g}s; }}"
        for i in range(count)
    )
    default, *others = WORDS
    hide_words = "\n".join(
        [f"html:lang({language}) .{uid}-word:not([lang={language}]) {{ display: none; }}" for language in others]
        + [
            "html"
            + "".join(f":not(:lang({language}))" for language in others)
            + f" .{uid}-word:not([lang={default}]) {{ display: none; }}"
        ]
    )
    style = f"""
.{uid} {{ max-width: {width}px; margin: 1rem 0; }}
.{uid} > svg {{ width: 100%; height: auto; display: block; background: #fff; }}
.{uid} fieldset {{ border: none; padding: 0; margin: 0 0 0.4rem; display: flex; flex-wrap: wrap; gap: 0.2rem 0.8rem; }}
.{uid} fieldset > span {{ white-space: nowrap; }}
.{uid}-icon {{ width: 0.8em; height: 0.8em; vertical-align: -0.05em; }}
.{uid}-word {{
  position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0;
  overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap;
}}
{hide_words}
.{uid}-frame {{ visibility: hidden; }}
@keyframes {uid}-show {{
  0% {{ visibility: visible; }} {100 / count:.4f}% {{ visibility: hidden; }} 100% {{ visibility: hidden; }}
}}
.{uid}:has(#{uid}-play:checked) .{uid}-frame, .{uid}:has(#{uid}-pause:checked) .{uid}-frame {{
  animation: {uid}-show {cycle:g}s step-end infinite;
}}
.{uid}:has(#{uid}-pause:checked) .{uid}-frame {{ animation-play-state: paused; }}
{delays}
{show_rules}
@media (prefers-reduced-motion: reduce) {{
  .{uid}:has(#{uid}-play:checked) .{uid}-frame, .{uid}:has(#{uid}-pause:checked) .{uid}-frame {{ animation: none; }}
  .{uid}:has(#{uid}-play:checked) .{uid}-frame-{last}, .{uid}:has(#{uid}-pause:checked) .{uid}-frame-{last} {{
    visibility: visible;
  }}
}}
@media print {{
  .{uid} fieldset {{ display: none; }}
  .{uid} .{uid}-frame {{ animation: none !important; visibility: hidden !important; }}
  .{uid} .{uid}-frame-{last} {{ visibility: visible !important; }}
}}
"""
    radios = [
        f'<input type="radio" name="{uid}" id="{uid}-{key}"{" checked" if key == "play" else ""}>'
        f'<label for="{uid}-{key}">{_icon(uid, key)}{_words(uid, key)}</label>'
        for key in ("play", "pause")
    ]
    for i, frame in enumerate(frames):
        m, n = frame["position"]
        radios.append(f'<input type="radio" name="{uid}" id="{uid}-f{i}"><label for="{uid}-f{i}">C[{m},{n}]</label>')
    # A formula, not a sentence: the same for every edition (the page's prose describes it in words).
    description = (
        f"A ⋆ B = C; A: {H}×{W}, B: {h}×{w}, C: {H_out}×{W_out}; "
        + ", ".join(f"C[{f['position'][0]},{f['position'][1]}] = {_number(f['value'])}" for f in frames)
        + "."
    )
    # The checked radio picks the frames through `:has()`, so no script is needed.
    return (
        f'<div class="{uid}"><style>{style}</style>'
        f"<fieldset><legend>{_words(uid, 'legend')}</legend>"
        + "".join(f"<span>{r}</span>" for r in radios)
        + "</fieldset>"
        + f'<svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="{uid}-title" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="DejaVu Sans, Verdana, sans-serif">'
        f'<title id="{uid}-title">{html.escape(description)}</title>'
        f'<rect width="{width}" height="{height}" fill="#fff"/>' + "".join(heads) + "".join(svg_frames) + "</svg></div>"
    )
