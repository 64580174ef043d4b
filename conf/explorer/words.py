"""The explorer's words on the Python side, per language: what the directive writes into the page.

The widget's own words are in words.mjs, chosen by the page's ``<html lang>``; these are
chosen by the Sphinx ``language`` of the edition being built (``language_of``): the static
figure's caption, its alt text and the words inside it, and the presets' titles that the
widget lists. Every table has the keys of the English one (tests/test_explorer_words.py).
A plain module (no Sphinx, no numpy), so that the directive, static_figure.py and the tests
all import it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# The words the directive writes into the page.
WORDS = {
    "en": {
        "caption": "The explorer's starting point ({title}), drawn by convdot (for print and no JavaScript).",
    },
    "es": {
        "caption": "El punto de partida del explorador ({title}), dibujado por convdot (para la impresión y "
        "para leer sin JavaScript).",
    },
}

# The presets' titles in each language but English (English: the "title" of presets.json).
PRESET_TITLES = {
    "es": {
        "worked": "El ejemplo resuelto de la pregunta",
        "rgb": "Un parche RGB y dos filtros",
        "strided": "Paso 2",
        "dilated": "Dilatación 2",
        "depthwise": "Convolución por canal (depthwise): un filtro por canal",
        "transposed": "Convolución transpuesta: sobremuestreo por 2",
    },
}

# The words inside the static figure (convdot.figures.explorer draws them in English): the
# start of a grid's title, and what it becomes.
FIGURE_WORDS = {"es": {"w rotated": "w girado"}}


def _channels(n: str) -> str:
    return f"{n} canal" if n == "1" else f"{n} canales"


# The alt texts of convdot.figures.explorer, as (pattern of the English, its translation
# from the numbers the pattern finds).
ALT_TEXTS: dict[str, list[tuple[re.Pattern, Callable[..., str]]]] = {
    "es": [
        (
            re.compile(
                r"A (\d+)-channel (\d+) by (\d+) input, padded to (\d+) by (\d+), with the first window marked; "
                r"the (\d+) by (\d+) kernel of output channel 0; and the (\d+)-channel (\d+) by (\d+) output, "
                r"whose first channel reads, row by row: (.*)\."
            ),
            lambda c, h, w, ph, pw, kh, kw, co, oh, ow, rows: (
                f"Una entrada de {_channels(c)} de {h} por {w}, rellenada hasta {ph} por {pw}, con la primera "
                f"ventana marcada; el núcleo de {kh} por {kw} del canal de salida 0; y la salida de "
                f"{_channels(co)} de {oh} por {ow}, cuyo primer canal contiene, fila a fila: {rows}."
            ),
        ),
        (
            re.compile(
                r"Transposed convolution of a (\d+)-channel (\d+) by (\d+) input with a (\d+) by (\d+) kernel "
                r"at stride (\d+): the first input value's stamp is marked in the (\d+) by (\d+) output, "
                r"whose first channel reads, row by row: (.*)\."
            ),
            lambda c, h, w, kh, kw, s, oh, ow, rows: (
                f"Convolución transpuesta de una entrada de {_channels(c)} de {h} por {w} con un núcleo de "
                f"{kh} por {kw} y paso {s}: el sello del primer valor de entrada está marcado en la salida de "
                f"{oh} por {ow}, cuyo primer canal contiene, fila a fila: {rows}."
            ),
        ),
    ]
}


def language_of(config: object) -> str:
    """The language of the edition Sphinx builds (its ``language`` setting), one of WORDS' keys; else "en"."""
    code = str(getattr(config, "language", None) or "en").replace("-", "_").split("_")[0].lower()
    return code if code in WORDS else "en"


def translate_alt(alt: str, language: str) -> str:
    """convdot's English alt text `alt` of the explorer figure, in `language`.

    A ValueError for a form not known here, so that a changed description in the library
    fails the Spanish build instead of leaving English in it.
    """
    if language == "en":
        return alt
    for pattern, translation in ALT_TEXTS[language]:
        if match := pattern.fullmatch(alt):
            return translation(*match.groups())
    raise ValueError(
        f"conf/explorer/words.py has no {language} translation of the explorer figure's alt text {alt!r}: "
        "convdot.figures.explorer describes its figure differently now; update ALT_TEXTS"
    )


def translate_title(title: str, language: str) -> str:
    """A grid title of the static figure in `language`."""
    for english, translated in FIGURE_WORDS.get(language, {}).items():
        if title.startswith(english):
            return translated + title[len(english) :]
    return title
