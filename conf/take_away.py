"""Take the site with you: every executed page as a notebook, the library's wheel, the PDF.

A local Sphinx extension, listed in conf.py's ``extensions``.

Notebooks
    myst-nb writes each executed page, outputs included, to ``jupyter_execute/``. For every
    such page this writes ``_sources/<page>.ipynb`` (the theme's download button then offers
    it): a first cell that says how to install the library, the page's cells with their
    outputs, and the MyST markup that Jupyter cannot read turned into Markdown that it can
    (theorems, proofs, exercises as quotes with the site's numbers, solutions as folds,
    references as the text the site shows, glued values as their values).

The wheel
    ``dist/convdot-<version>-py3-none-any.whl``, built by hatchling from the tree being built,
    with ``SOURCE_DATE_EPOCH`` (the last commit's time), so two builds give the same bytes.

The PDF
    The download button also links the whole site as one PDF, ``convdot.pdf`` at the site's
    root, which ``nox -s pdf`` (tools/print_pdf.py) prints from the built site and copies
    there.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.locale import init as init_locale
from sphinx.util.i18n import docname_to_domain

CONF = Path(__file__).parent
ROOT = CONF.parent
PDF_NAME = "convdot.pdf"
# Pages whose cells read the repository (CITATION.cff), so they run only inside it.
NO_NOTEBOOK = {"cite": "reads CITATION.cff from the repository"}
NOTEBOOK_EXTRA = "notebooks"  # pyproject.toml: what the notebooks import besides convdot

GLUE_SHIM = """try:
    from myst_nb import glue
except ImportError:  # outside the site's build: show the value (the site puts it into the text)
    def glue(name, value, display=True):
        if display:
            from IPython.display import display as show
            show(value)"""
# The notebook's own words, in the edition's language (the page's words come from its catalogue).
WORDS = {
    "en": {"proof": "Proof.", "solution": "Solution to", "end": "End of the solution."},
    "es": {"proof": "Demostración.", "solution": "Solución del", "end": "Fin de la solución."},
}
FENCE = re.compile(r"^(?P<fence>:{3,}|`{3,})\{(?P<name>[^}]+)\}\s*(?P<arg>.*)$")
OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*)$")
ROLE = re.compile(r"\{(?P<name>[\w:-]+)\}`(?P<text>[^`]+)`")
TARGET = re.compile(r"^\((?P<label>[^()\s]+)\)=\s*$")
EQUATION_LABEL = re.compile(r"\$\$\s*\((?P<label>[^()\s]+)\)\s*$")
EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)


def wheel_name(version: str) -> str:
    return f"convdot-{version}-py3-none-any.whl"


def build_wheel(outdir: Path) -> Path:
    """The library's wheel, built from this tree into outdir/dist, reproducibly."""
    env = dict(os.environ)
    env.setdefault("SOURCE_DATE_EPOCH", "315532800")  # conf/site_build.py sets the last commit's time
    target = outdir / "dist"
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        done = subprocess.run(
            [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", scratch],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise ExtensionError(f"building the wheel failed (is hatchling installed?):\n{done.stderr}")
        (wheel,) = Path(scratch).glob("*.whl")
        (target / wheel.name).write_bytes(wheel.read_bytes())
    return target / wheel.name


MARKER = re.compile(r"^(?P<marker>\s*(?:#{1,6}\s+|[-*+]\s+|\d+\.\s+|>\s?|:\s+))")
# A fence of code or math, not of a directive: its lines are never messages.
CODE_BLOCK = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})(?:\{(?:code-block|code|sourcecode|math)\}.*|[^{]*)$")


def page_messages(app: Sphinx, docname: str) -> dict[str, str]:
    """The page's catalogue in the edition's language (msgid -> msgstr); empty for the English edition."""
    if app.config.language == "en":
        return {}
    dirs = [app.srcdir / directory for directory in app.config.locale_dirs]
    catalog, found = init_locale(dirs, app.config.language, docname_to_domain(docname, app.config.gettext_compact))
    return getattr(catalog, "_catalog", {}) if found else {}


def translate_markdown(text: str, messages: dict[str, str]) -> str:
    """A Markdown cell in the edition's language: each paragraph, heading, list item, table cell and
    directive title that the page's catalogue translates, as the site's Spanish page shows it.

    A message is what Sphinx extracts: the block's text with its lines joined by single spaces,
    without the block's own marker (`#`, `-`, `1.`, `>`). Code and display math stay as they are.
    """
    if not messages:
        return text
    out, block, fence, directives = [], [], None, []

    def translated(message: str) -> str | None:
        if not message:
            return None
        if messages.get(message):
            return messages[message]
        # sphinx-proof starts a proof's first paragraph with "Proof. ", and its message with it
        proof = messages.get(f"Proof. {message}")
        return re.sub(r"^\S+\.\s+", "", proof) if proof else None

    def flush() -> None:
        if not block:
            return
        first = MARKER.match(block[0])
        marker = first["marker"] if first else ""
        message = " ".join(line.strip() for line in [block[0][len(marker) :], *block[1:]]).strip()
        out.extend([marker + translated(message)] if translated(message) else block)
        block.clear()

    for line in text.splitlines():
        if fence:  # inside code or display math: as it is
            out.append(line)
            if line.strip() == fence or (fence == "$$" and line.strip().startswith("$$")):
                fence = None
            continue
        directive = FENCE.match(line)
        closing = directives and line.strip() == directives[-1]
        code = CODE_BLOCK.match(line)
        if code or line.strip().startswith("$$") or directive or closing:
            flush()
            if directive and not code:
                directives.append(directive["fence"])
                title = directive["arg"].strip()
                # sphinx-proof's titles are messages in parentheses, as the page shows them
                shown = translated(title) or (translated(f"({title})") or "").removeprefix("(").removesuffix(")")
                if shown:
                    line = line[: directive.start("arg")] + shown
            elif closing:
                directives.pop()
            elif code:
                fence = code["fence"]
            elif "$$" not in line.strip()[2:]:  # display math over several lines
                fence = "$$"
            out.append(line)
            continue
        if OPTION.match(line) or TARGET.match(line) or not line.strip():
            flush()
            out.append(line)
            continue
        if line.lstrip().startswith("|"):
            flush()
            cells = line.strip().strip("|").split("|")
            out.append("| " + " | ".join(translated(c.strip()) or c.strip() for c in cells) + " |")
            continue
        if MARKER.match(line) and block:
            flush()
        block.append(line)
    flush()
    return "\n".join(out)


class Resolver:
    """What the site shows for a role or a directive of one page, as Markdown that Jupyter reads."""

    def __init__(self, app: Sphinx, docname: str, glue: dict[str, str]) -> None:
        self.app, self.env, self.docname, self.glue = app, app.env, docname, glue
        self.numbers = numbered_labels(app)
        self.words = WORDS.get(app.config.language, WORDS["en"])

    def number(self, label: str) -> str:
        return self.numbers.get(label, label)

    def role(self, match: re.Match) -> str:
        name, text = match["name"], match["text"]
        explicit = EXPLICIT.match(text)
        shown, target = (explicit["text"], explicit["target"]) if explicit else (None, text)
        if name.startswith("glue"):
            key, _, spec = target.partition(":")
            return self.glued(key, spec)
        if name in ("prf:ref", "numref", "ref", "eq"):
            if shown:
                return shown
            if name == "eq":
                return f"({self.number(target)})"
            if target in self.numbers:
                return self.numbers[target]
            label = self.env.domaindata["std"]["labels"].get(target)
            return label[2] if label else target
        if name == "doc":
            docname = os.path.normpath(os.path.join(os.path.dirname(self.docname), target)).lstrip("/")
            title = self.env.titles.get(docname)
            return f"*{shown or (title.astext() if title else target)}*"
        if name.startswith("cite"):
            return cite(self.app, [key.strip() for key in target.split(",")], textual=name == "cite:t")
        if name == "math":
            return f"${text}$"
        if name.startswith("py:"):
            dotted = target.lstrip("~")
            dotted = dotted.rsplit(".", 1)[-1] if target.startswith("~") else dotted
            return f"`{shown or dotted}{'()' if name == 'py:func' else ''}`"
        return f"`{shown or target}`"

    def glued(self, key: str, spec: str) -> str:
        if key not in self.glue:
            raise ExtensionError(f"{self.docname}: no glued value {key!r} for the notebook")
        value = self.glue[key]
        if spec:
            try:
                return format(ast.literal_eval(value), spec)
            except (ValueError, SyntaxError):
                return value
        return value

    def directive(self, name: str, arg: str, options: dict[str, str]) -> tuple[list[str], list[str], str]:
        """Lines before the content, lines after it, and the prefix of every content line."""
        label = options.get("label", "")
        anchor = [f'<a id="{label}"></a>', ""] if label else []
        if name == "prf:proof":
            return [f"> *{self.words['proof']}*", ">"], [">", "> $\\blacksquare$", ""], "> "
        if name.startswith("prf:") or name == "exercise":
            kind = name.removeprefix("prf:").capitalize()
            title = f"**{self.number(label) if label else kind}**" + (f" ({arg})" if arg else "")
            return [*anchor, f"> {title}", ">"], [""], "> "
        if name == "solution-start":
            summary = f"<summary><strong>{self.words['solution']} {self.number(arg)}</strong></summary>"
            return ["<details>", summary, ""], [], ""
        if name == "solution-end":
            return ["", "</details>"], [], ""
        if name == "math":
            return [*anchor, "$$"], ["$$"], ""
        return [f"> **{name.capitalize()}**" + (f" {arg}" if arg else ""), ">"], [""], "> "

    def markdown(self, text: str) -> str:
        lines, out, stack = text.splitlines(), [], []  # stack: (fence, tail, prefix)
        i = 0
        while i < len(lines):
            line = lines[i]
            prefix = "".join(frame[2] for frame in stack)
            fence = stack[-1][0] if stack else None
            if fence and re.fullmatch(rf"{re.escape(fence[0])}{{{len(fence)},}}\s*", line):
                _, tail, _ = stack.pop()
                out += ["".join(frame[2] for frame in stack) + t for t in tail]
                i += 1
                continue
            opened = FENCE.match(line)
            if opened and opened["name"] != "code-cell":
                options, i = {}, i + 1
                while i < len(lines) and (option := OPTION.match(lines[i])):
                    options[option["key"]] = option["value"]
                    i += 1
                head, tail, inner = self.directive(opened["name"], opened["arg"].strip(), options)
                out += [prefix + h if h else prefix.rstrip() for h in head]
                stack.append((opened["fence"], tail, inner))
                continue
            if target := TARGET.match(line):
                out.append(f'{prefix}<a id="{target["label"]}"></a>')
            else:
                line = EQUATION_LABEL.sub("$$", line)
                out.append((prefix + ROLE.sub(self.role, line)) if line else prefix.rstrip())
            i += 1
        # A role whose text runs over a line break (MyST allows it) is resolved on the joined text.
        text = ROLE.sub(self.role, "\n".join(out))
        # A solution whose content runs over a code cell cannot fold in Markdown: say where it starts and ends.
        if text.count("<details>") != text.count("</details>"):
            text = re.sub(r"<details>\n<summary>(.*?)</summary>", r"\1", text).replace(
                "</details>", f"*{self.words['end']}*"
            )
        return text


def numbered_labels(app: Sphinx) -> dict[str, str]:
    """Every numbered element's label -> the text the site shows ("Theorem 3", "Exercise 6", "Fig. 2")."""
    cached = getattr(app.env, "_take_away_numbers", None)
    if cached is not None:
        return cached
    formats = app.config.numfig_format
    numbers = {}
    for figtypes in app.env.toc_fignumbers.values():
        for figtype, ids in figtypes.items():
            form = formats.get(figtype, figtype.capitalize() + " %s")
            for label, number in ids.items():
                text = form % ".".join(map(str, number))
                numbers[label] = text[:1].upper() + text[1:]  # sphinx-proof's formats are "theorem %s"
    app.env._take_away_numbers = numbers
    return numbers


def cite(app: Sphinx, keys: list[str], textual: bool) -> str:
    """Author-year text for bibliography keys, as the site's ``author_year`` style shows them."""
    from pybtex.database import parse_file

    if not hasattr(app.env, "_take_away_bib"):
        app.env._take_away_bib = {}
        for path in app.config.bibtex_bibfiles:
            app.env._take_away_bib.update(parse_file(str(Path(app.confdir, path))).entries)
    parts = []
    for key in keys:
        entry = app.env._take_away_bib.get(key)
        if entry is None:
            parts.append(key)
            continue
        people = [(" ".join(p.last_names) or str(p)).strip("{}") for p in entry.persons.get("author", [])]
        if not people:
            people = [entry.fields.get("organization", entry.fields.get("title", key)).strip("{}")]
        who = people[0] if len(people) == 1 else " and ".join(people) if len(people) == 2 else f"{people[0]} et al."
        year = entry.fields.get("year", "n.d.")
        parts.append(f"{who} ({year})" if textual else f"{who}, {year}")
    return "; ".join(parts) if textual else f"({'; '.join(parts)})"


INTRO = {
    "en": (
        "*{title}*: a page of the convdot {release} site as a notebook, with the outputs the "
        "site's build computed. To run it yourself, put the library's wheel "
        "`{wheel}` (the site's download button, entry `.whl`) beside this notebook, and run "
        "the next cell once: it installs the library and what the notebook imports "
        "(numpy, scipy, matplotlib) from the wheel and the package index. Theorems, exercises and "
        "references carry the site's numbers; solutions are folded."
    ),
    "es": (
        "*{title}*: una página del sitio de convdot {release} como cuaderno de Jupyter, con las salidas "
        "que calculó la construcción del sitio. Para ejecutarlo, basta poner el paquete *wheel* de la "
        "biblioteca, `{wheel}` (botón de descarga del sitio, entrada `.whl`), junto a este cuaderno y "
        "ejecutar una vez la celda siguiente: instala la biblioteca y lo que importa el cuaderno "
        "(numpy, scipy, matplotlib) desde el *wheel* y el índice de paquetes. Los teoremas, ejercicios y "
        "referencias llevan los números del sitio; las soluciones están plegadas."
    ),
}


def first_cells(app: Sphinx, title: str) -> list:
    wheel = wheel_name(app.config.release)
    intro = INTRO.get(app.config.language, INTRO["en"]).format(title=title, release=app.config.release, wheel=wheel)
    install = f'%pip install "./{wheel}[{NOTEBOOK_EXTRA}]"'
    return [nbformat.v4.new_markdown_cell(intro), nbformat.v4.new_code_cell(install)]


BENCH_HELPERS = ROOT / "benchmarks" / "convdot_bench" / "__init__.py"


def helper_cells(notebook) -> list:
    """For a page that imports the benchmark's helpers (not part of the library): a cell that writes them.

    ``convdot_bench`` lives in ``benchmarks/``, outside the installed library; the notebook carries
    its source, so that it runs from the wheel alone.
    """
    if not any(c.cell_type == "code" and "import convdot_bench" in c.source for c in notebook.cells):
        return []
    note = (
        "This page times the library with the benchmark's helpers, which are not part of the installed "
        "library (they live in the repository's `benchmarks/convdot_bench`). The next cell writes them "
        "beside the notebook as `convdot_bench.py`."
    )
    source = "%%writefile convdot_bench.py\n" + BENCH_HELPERS.read_text(encoding="utf-8")
    return [nbformat.v4.new_markdown_cell(note), nbformat.v4.new_code_cell(source)]


def notebook_for(app: Sphinx, docname: str) -> str | None:
    """The page's downloadable notebook as text, or None for a page that is not executed."""
    executed = Path(app.env.mystnb_config.output_folder) / f"{docname}.ipynb"
    if docname in NO_NOTEBOOK or not executed.is_file():
        return None
    notebook = nbformat.reads(executed.read_text(encoding="utf-8"), as_version=4)
    glue_file = executed.with_name(f"{Path(docname).name}.glue.json")
    glued = json.loads(glue_file.read_text(encoding="utf-8")) if glue_file.is_file() else {}
    resolver = Resolver(app, docname, {k: v["data"].get("text/plain", "") for k, v in glued.items()})
    messages = page_messages(app, docname)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = resolver.markdown(translate_markdown(cell.source, messages))
        elif cell.cell_type == "code":
            cell.source = re.sub(r"^from myst_nb import glue$", GLUE_SHIM, cell.source, flags=re.M)
    title = app.env.titles[docname].astext()
    notebook.cells[:0] = first_cells(app, title) + helper_cells(notebook)
    for key in ("file_format", "source_map"):
        notebook.metadata.pop(key, None)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for number, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{number}"  # stable ids (nbformat would draw random ones)
    return nbformat.writes(notebook) + "\n"


def offer_notebook(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Write the page's notebook into _sources/ and let the theme's download button offer it."""
    if app.builder.format != "html" or not doctree:
        return
    text = notebook_for(app, pagename)
    if text is None:
        return
    path = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    context["ipynb_source"] = f"{pagename}.ipynb"


def offer_book_and_wheel(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Add the whole site as a PDF and the library's wheel to the theme's download button."""
    pathto = context.get("pathto")
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons" and pathto:
            group["buttons"] += [
                {
                    "type": "link",
                    "url": pathto(PDF_NAME, 1),
                    "text": "book .pdf",
                    "tooltip": "The whole site as one PDF",
                    "icon": "fas fa-book",
                    "label": "download-book-button",
                },
                {
                    "type": "link",
                    "url": pathto(f"dist/{wheel_name(app.config.release)}", 1),
                    "text": ".whl",
                    "tooltip": "The library's wheel, to run the notebooks",
                    "icon": "fas fa-box",
                    "label": "download-wheel-button",
                },
            ]


def wheel_inputs_hash() -> str:
    """Hash of what goes into the wheel (the library, its metadata files) and its timestamp."""
    digest = hashlib.sha256(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    files = sorted(p for p in (ROOT / "src" / "convdot").rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in [*files, ROOT / "pyproject.toml", ROOT / "README.md", ROOT / "LICENSE"]:
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def ship_wheel(app: Sphinx, exception: Exception | None) -> None:
    """Build the wheel after a successful build, unless the one in the site is already of these sources."""
    if exception is not None or app.builder.format != "html":
        return
    stamp = Path(app.doctreedir) / "convdot-wheel.sha256"
    wheel = Path(app.outdir) / "dist" / wheel_name(app.config.release)
    key = wheel_inputs_hash()
    if wheel.is_file() and stamp.is_file() and stamp.read_text(encoding="utf-8") == key:
        return
    build_wheel(Path(app.outdir))
    stamp.write_text(key, encoding="utf-8")


def setup(app: Sphinx) -> dict[str, object]:
    # Before the theme's download button is made (priority 501), then after it.
    app.connect("html-page-context", offer_notebook, priority=500)
    app.connect("html-page-context", offer_book_and_wheel, priority=600)
    app.connect("build-finished", ship_wheel)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
