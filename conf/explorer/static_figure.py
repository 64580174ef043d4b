"""The explorer's static figure in the language of the edition being built.

The `{explorer}` directive (directive.py) runs this script in a subprocess, as Sphinx itself
never imports numpy::

    python conf/explorer/static_figure.py OUT.svg LANGUAGE < config.json

It draws the settings with the library (`convdot.figures.explorer.explorer_figure`), writes
the SVG and prints the figure's alt text, both in LANGUAGE (a key of words.WORDS). The
library draws and describes the figure in English; for another language the words in the
drawing and the alt text are translated by words.py, and every number stays the library's.
In English the bytes are those of `python -m convdot.figures.explorer OUT.svg`.
"""

from __future__ import annotations

import json
import sys

from matplotlib.text import Text
from words import WORDS, translate_alt, translate_title

from convdot.figures.explorer import explorer_figure


def main(argv: list[str]) -> int:
    out, language = argv
    if language not in WORDS:
        raise SystemExit(f"static_figure.py: no language {language!r}; known: {', '.join(WORDS)}")
    config = json.load(sys.stdin)
    fig, alt = explorer_figure(config)
    alt = translate_alt(alt, language)
    for text in fig.findobj(Text):
        text.set_text(translate_title(text.get_text(), language))
    fig.savefig(out, format="svg", metadata={"Date": None})
    print(alt)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
