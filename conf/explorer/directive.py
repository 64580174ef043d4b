"""The `{explorer}` directive: the interactive convolution explorer, placed in a page.

A local Sphinx extension (listed in conf.py's ``extensions`` as ``explorer.directive``).

In a page::

    :::{explorer}
    :preset: worked
    :flip:
    :view: dot
    :::

``preset`` (required) is a key of ``conf/explorer/presets.json``: ``worked``, ``rgb``,
``strided``, ``dilated``, ``depthwise`` or ``transposed``. The other options override the
preset's settings: ``stride``, ``dilation``, ``groups``, ``output-padding`` (ints),
``padding`` (an int, ``same`` or ``valid``), ``padding-mode`` (``zeros``, ``reflect``,
``replicate``, ``circular``), ``view`` (``sum``, ``dot``, ``im2col``, ``matrix``) and the flag
``flip`` (start in true-convolution mode). The settings are written into the page; the
widget (``explorer.mjs``, ``words.mjs``, ``explorer.css`` and ``arithmetic.mjs``, copied
into ``_static/explorer/``) reads them there.

Print and no-JavaScript
    The directive also leaves a static SVG figure of those settings, drawn by the library
    (``convdot.figures.explorer``, through ``static_figure.py`` in a subprocess because Sphinx
    itself never imports numpy) and cached in the doctree directory under a hash of the
    settings, the language, the library and the figure code, so two builds write the same
    bytes. The widget hides it on screen once it runs; print shows it instead of the controls.

Languages
    The edition's ``language`` (``en``, or ``es`` for the Spanish edition; any other falls back
    to English) chooses the words the directive writes, from ``words.py``: the figure's
    caption, its alt text and the words inside it (translated from the library's English),
    and the preset titles that the widget lists (English: ``presets.json``'s). The widget's
    own words are in ``words.mjs``, chosen by the page's ``<html lang>``.

The build's check
    When the build starts, ``arithmetic_check.py`` runs ``arithmetic.mjs`` in Node on 600
    seeded random calls and 25 bad arguments and compares every answer with convdot, in a
    subprocess beside the build; after reading the pages the build waits for it and fails on
    any mismatch. A stamp (hash of the module, the check and the library) skips a check that
    already passed.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective

from .words import PRESET_TITLES, WORDS, language_of

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
LIBRARY = ROOT / "src" / "convdot"
ASSETS = ("arithmetic.mjs", "words.mjs", "explorer.mjs", "explorer.css")
FIGURE_SCRIPT = HERE / "static_figure.py"
PRESETS_FILE = HERE / "presets.json"
VIEWS = ("sum", "dot", "im2col", "matrix")
PADDING_MODES = ("zeros", "reflect", "replicate", "circular")
# The theorem each view restates, as (document, anchor): the links the widget draws.
THEOREMS = {
    "sum": ("definition", "def-correlation"),
    "layer": ("layer-depth", "def-layer-conv2d"),
    "dot": ("hadamard-dot", "thm-hadamard-dot"),
    "im2col": ("im2col", "thm-im2col"),
    "matrix": ("conv-matrix", "thm-conv-matrix"),
    "flip": ("definition", "lem-flip"),
    "size": ("layer-geometry", "thm-stride-output-size"),
    "transposed": ("layer-transpose", "def-transpose-conv"),
    "transposedSize": ("layer-transpose", "thm-transpose-size"),
}


def _digest(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part + b"\0")
    return digest.hexdigest()


def library_digest() -> bytes:
    digest = hashlib.sha256()
    for path in sorted(p for p in LIBRARY.rglob("*.py") if "__pycache__" not in p.parts):
        digest.update(path.relative_to(LIBRARY).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest().encode()


def subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    env["MATPLOTLIBRC"] = str(HERE.parent / "matplotlibrc")
    env["PYTHONHASHSEED"] = "0"
    return env


def presets() -> dict:
    return json.loads(PRESETS_FILE.read_text(encoding="utf-8"))


def preset_title(name: str, language: str) -> str:
    return PRESET_TITLES.get(language, {}).get(name) or presets()[name]["title"]


def localized_presets(language: str) -> dict:
    """presets.json with each title in `language`: what the widget lists."""
    return {name: dict(preset, title=preset_title(name, language)) for name, preset in presets().items()}


def _padding(argument: str) -> int | str:
    argument = argument.strip()
    if argument in ("same", "valid"):
        return argument
    return directives.nonnegative_int(argument)


class explorer_node(nodes.General, nodes.Element):  # noqa: N801 (docutils names nodes in lower case)
    """The widget's root element; its children are the static figure."""


class Explorer(SphinxDirective):
    has_content = False
    option_spec: ClassVar[dict] = {
        "preset": lambda arg: directives.choice(arg, tuple(presets())),
        "stride": directives.positive_int,
        "dilation": directives.positive_int,
        "groups": directives.positive_int,
        "output-padding": directives.nonnegative_int,
        "padding": _padding,
        "padding-mode": lambda arg: directives.choice(arg, PADDING_MODES),
        "view": lambda arg: directives.choice(arg, VIEWS),
        "flip": directives.flag,
    }

    def run(self) -> list[nodes.Node]:
        if "preset" not in self.options:
            raise self.error(f"explorer needs a :preset: option, one of {', '.join(presets())}")
        name = self.options["preset"]
        config = dict(presets()[name], preset=name)
        for option, key in (
            ("stride", "stride"),
            ("dilation", "dilation"),
            ("groups", "groups"),
            ("output-padding", "outputPadding"),
            ("padding", "padding"),
            ("padding-mode", "paddingMode"),
            ("view", "view"),
        ):
            if option in self.options:
                config[key] = self.options[option]
        if "flip" in self.options:
            config["flip"] = True
        text = json.dumps(config, sort_keys=True, separators=(",", ":"))
        language = language_of(self.env.config)
        svg, alt = self.static_figure(text, language)
        root = explorer_node(config=text)
        figure = nodes.figure(classes=["convdot-explorer-static"])
        uri = "/" + Path(os.path.relpath(svg, self.env.srcdir)).as_posix()
        figure += nodes.image(uri=uri, alt=alt)
        caption = WORDS[language]["caption"].format(title=preset_title(name, language))
        figure += nodes.caption("", caption)
        root += figure
        return [root]

    def static_figure(self, text: str, language: str) -> tuple[Path, str]:
        """The SVG of the settings `text` in `language` (cached under their hash) and its alt text."""
        module = LIBRARY / "figures" / "explorer.py"
        style = LIBRARY / "figures" / "_style.py"
        key = _digest(
            text.encode(),
            language.encode(),
            FIGURE_SCRIPT.read_bytes(),
            module.read_bytes(),
            style.read_bytes(),
            library_digest(),
        )
        cache = Path(self.env.doctreedir) / "explorer"
        svg, alt_file = cache / f"explorer-{key[:20]}.svg", cache / f"explorer-{key[:20]}.alt"
        if not (svg.is_file() and alt_file.is_file()):
            cache.mkdir(parents=True, exist_ok=True)
            done = subprocess.run(
                [sys.executable, str(FIGURE_SCRIPT), str(svg), language],
                input=text,
                capture_output=True,
                text=True,
                env=subprocess_env(),
                cwd=ROOT,
            )
            if done.returncode:
                raise self.error(f"convdot could not draw the explorer's settings {text}:\n{done.stderr[-2000:]}")
            alt_file.write_text(done.stdout.strip(), encoding="utf-8")
        return svg, alt_file.read_text(encoding="utf-8")


def visit_explorer(self, node: explorer_node) -> None:
    current = self.builder.current_docname
    root = self.builder.get_relative_uri(current, "index").removesuffix("index.html")
    links = {
        view: self.builder.get_relative_uri(current, doc) + "#" + anchor for view, (doc, anchor) in THEOREMS.items()
    }
    listed = localized_presets(language_of(self.builder.config))
    self.body.append(
        f'<div class="convdot-explorer" data-explorer="{html.escape(node["config"], quote=True)}" '
        f'data-presets="{html.escape(json.dumps(listed, separators=(",", ":")), quote=True)}" '
        f'data-links="{html.escape(json.dumps(links, sort_keys=True), quote=True)}">\n'
    )
    self.body.append(f'<script type="module" src="{root}_static/explorer/explorer.mjs"></script>\n')


def depart_explorer(self, node: explorer_node) -> None:
    self.body.append("</div>\n")


def skip_explorer(self, node: explorer_node) -> None:
    """Other builders keep only the static figure."""


def copy_assets(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "explorer"
    target.mkdir(parents=True, exist_ok=True)
    for name in ASSETS:
        shutil.copyfile(HERE / name, target / name)


# --- the build's check of arithmetic.mjs against convdot ----------------------------------

_CHECK: dict[str, object] = {}


def check_key() -> str:
    files = [HERE / "arithmetic.mjs", HERE / "check.mjs", HERE / "arithmetic_check.py"]
    return _digest(*(f.read_bytes() for f in files), library_digest())


def start_check(app: Sphinx) -> None:
    stamp = Path(app.doctreedir) / "explorer-check.stamp"
    key = check_key()
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == key:
        return
    _CHECK.update(
        stamp=stamp,
        key=key,
        process=subprocess.Popen(
            [sys.executable, str(HERE / "arithmetic_check.py")],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=subprocess_env(),
            cwd=ROOT,
        ),
    )


def finish_check(app: Sphinx, env) -> None:
    process = _CHECK.pop("process", None)
    if process is None:
        return
    output, _ = process.communicate(timeout=600)
    if process.returncode:
        raise ExtensionError(f"conf/explorer/arithmetic.mjs disagrees with convdot:\n{output[-4000:]}")
    from sphinx.util import logging

    logging.getLogger(__name__).info(output.strip())
    Path(_CHECK["stamp"]).parent.mkdir(parents=True, exist_ok=True)
    Path(_CHECK["stamp"]).write_text(str(_CHECK["key"]), encoding="utf-8")


def setup(app: Sphinx) -> dict[str, object]:
    app.add_node(
        explorer_node,
        html=(visit_explorer, depart_explorer),
        latex=(skip_explorer, None),
        text=(skip_explorer, None),
    )
    app.add_directive("explorer", Explorer)
    app.add_css_file("explorer/explorer.css")
    app.connect("builder-inited", copy_assets)
    app.connect("builder-inited", start_check)
    app.connect("env-updated", finish_check)
    # env_version: doctrees from before the explorer spoke two languages hold English captions
    return {"version": "2", "env_version": 2, "parallel_read_safe": True, "parallel_write_safe": True}
