"""How the site is built, beyond its content: offline math, fresh outputs, reproducible bytes.

A local Sphinx extension, listed in conf.py's ``extensions``.

Math typeset at build time
    Sphinx writes each formula as TeX inside ``span.math`` / ``div.math``, as for MathJax.
    When the pages are written, MathJax 3 (``mathjax-full``, pinned in package.json and
    package-lock.json and installed by ``npm ci``) turns that TeX into CommonHTML in Node
    (``conf/prerender_math.cjs``), so the math is there at first paint and no math script
    runs in the reader's browser. Each page gets the CSS of the glyphs it uses, and the fonts
    are copied into ``_static/mathjax-fonts``: no request goes to another host. MathJax's
    assistive MathML, which screen readers read, stays in every formula.

Light pages
    MathJax's fonts are cut down to the characters that the pages' math draws
    (``subset_math_fonts``). The theme's Font Awesome carries some 1,900 icons; the site shows a dozen. After the build,
    ``lighten_icons`` keeps in the theme's CSS only the rules of the icons that a page or a
    script of the site names, and subsets the icon fonts to their glyphs (fontTools). The
    theme's 1.5 MB ``fontawesome.js``, which draws the same icons again, is not loaded
    (``conf/_templates/static/webpack-macros.html``), nor is the search index outside the
    search page (``conf/_templates/layout.html``). ``lighten_stylesheets`` drops the rules of
    the theme's CSS whose classes no page or script of the site names.

Fresh outputs
    Every page imports ``convdot``. ``convdot_library_hash`` is a hash of ``src/convdot``,
    registered as a config value whose change re-reads (so re-executes) every page: an
    incremental build after a change to the library (``nox -s serve``, or ``sphinx-build``
    run twice) shows no stale output. The kernels import the library of the tree being
    built, not whatever copy happens to be installed.

Accessible HTML
    Two pieces of HTML written by extensions fail axe-core and are written here instead: the
    fold of a hidden notebook cell (myst-nb) and the list of bibliography entries (docutils).
    The theme's own problems are fixed in conf/_templates and conf/_static/convdot.css.

A failing page ends the build
    A page whose cell fails raises myst-nb's ``ExecutionError``, rewritten here to name the
    page, the failing cell and the error (not the whole chained traceback). In a parallel build
    (``-j``) Sphinx then stops its other workers with SIGTERM; but a worker that is executing a
    notebook has nbclient's SIGTERM handler installed, which only shuts the kernel down, so the
    worker may read on, then block writing its result into a pipe the parent no longer reads,
    while the parent's exit waits for it (multiprocessing joins its children): the build hung.
    ``end_workers_on_failure`` gives each stopped worker a few seconds and then kills it.

Reproducible bytes
    The kernels get ``SOURCE_DATE_EPOCH`` (the last commit's time), ``PYTHONHASHSEED=0`` and
    a fixed matplotlibrc (``conf/matplotlibrc``), so two builds of one commit are identical.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import unused_css
from docutils import nodes
from editions import EDITIONS, READING_LOCK, READING_LOCK_FD
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.domains import Domain
from sphinx.errors import ConfigError
from sphinx.util import logging as sphinx_logging

CONF = Path(__file__).parent
ROOT = CONF.parent
LIBRARY_ENV = "CONVDOT_LIBRARY_PATH"
"""An environment variable naming another directory to import convdot from (`nox -s sabotage`)."""
SOURCE = Path(os.environ.get(LIBRARY_ENV) or ROOT / "src")
LIBRARY = SOURCE / "convdot"
MATHJAX = ROOT / "node_modules" / "mathjax-full"
MATHJAX_VERSION = "3.2.2"
MATHJAX_FONTS = MATHJAX / "es5" / "output" / "chtml" / "fonts" / "woff-v2"
PRERENDER = CONF / "prerender_math.cjs"
FONTS_IN_SITE = "_static/mathjax-fonts"
# What Sphinx's mathjax visitors write: inline TeX between \( \), display TeX between \[ \]
# after an optional equation number.
INLINE_MATH = re.compile(r'(<span class="math notranslate nohighlight">)\\\((.*?)\\\)(</span>)', re.S)
DISPLAY_MATH = re.compile(
    r'(<div class="math notranslate nohighlight"[^>]*>\s*(?:<span class="eqno">.*?</span>)?\s*)'
    r"\\\[(.*?)\\\](\s*</div>)",
    re.S,
)
logger = sphinx_logging.getLogger(__name__)
NPM_HINT = "run `npm ci` in the repository root (it installs the versions pinned in package-lock.json)"


def library_hash(library: Path = LIBRARY) -> str:
    """Hash of every file of the library (path and bytes), the key of fresh page outputs."""
    digest = hashlib.sha256()
    for path in sorted(p for p in library.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(library).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def last_commit_time(root: Path = ROOT) -> str | None:
    """Seconds since the epoch of the last commit, or None outside a git checkout."""
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "log", "-1", "--format=%ct"], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() or None


def set_kernel_environment() -> None:
    """Environment inherited by the notebook kernels (and by Sphinx itself).

    The kernels import convdot from this tree's ``src``, first on ``PYTHONPATH``, or from the
    directory named by ``CONVDOT_LIBRARY_PATH`` when that is set (``nox -s sabotage`` points it at
    a faulty copy of the library), and the benchmark's helpers (``benchmarks/convdot_bench``,
    which the performance page imports). Calling it again changes nothing.
    """
    source = os.environ.get(LIBRARY_ENV) or str(ROOT / "src")
    benchmarks = str(ROOT / "benchmarks")
    rest = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p not in (source, benchmarks)]
    os.environ["PYTHONPATH"] = os.pathsep.join([source, benchmarks, *rest])
    os.environ["MATPLOTLIBRC"] = str(CONF / "matplotlibrc")
    os.environ["PYTHONHASHSEED"] = "0"
    if "SOURCE_DATE_EPOCH" not in os.environ and (epoch := last_commit_time()):
        os.environ["SOURCE_DATE_EPOCH"] = epoch


STOP_GRACE = 5.0
"""Seconds a stopped worker of a parallel build gets to exit on SIGTERM before it is killed."""


def end_workers_on_failure() -> None:
    """Make Sphinx's stop of its parallel workers (after one failed) end them, so the build exits.

    `sphinx.util.parallel.ParallelTasks.terminate` sends SIGTERM and forgets the workers. A
    worker inside nbclient's execution catches SIGTERM (to shut its kernel down) and carries on;
    when it then sends its result, larger than a pipe holds, nobody reads it, and the parent's
    exit joins it forever. After Sphinx's SIGTERM, each worker still alive after `STOP_GRACE`
    seconds gets SIGKILL (its orphaned kernel exits when it sees its parent gone).
    """
    from sphinx.util.parallel import ParallelTasks

    sphinx_terminate = ParallelTasks.terminate
    if getattr(sphinx_terminate, "ends_workers", False):
        return

    def terminate(self) -> None:
        workers = [self._procs[tid] for tid in getattr(self, "_precvs", {}) if tid in self._procs]
        sphinx_terminate(self)
        deadline = time.monotonic() + STOP_GRACE
        for worker in workers:
            worker.join(max(0.0, deadline - time.monotonic()))
            if worker.is_alive():
                worker.kill()
                worker.join()

    terminate.ends_workers = True
    ParallelTasks.terminate = terminate


ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
CELL_RULE = "-" * 18  # how nbclient's CellExecutionError frames the failing cell's source


def describe_failure(path: object, error: BaseException | None, cells: list | None = None) -> str:
    """One short report of a failed notebook: the page, the failing cell, the error, the last lines."""
    text = ANSI.sub("", str(error)) if error is not None else ""
    lines = text.splitlines()
    rules = [i for i, line in enumerate(lines) if line.strip() == CELL_RULE]
    source = lines[rules[0] + 1 : rules[1]] if len(rules) >= 2 else []
    first = next((line.strip() for line in source if line.strip()), "?")
    number = ""
    if source and cells:
        code = [c for c in cells if c.get("cell_type") == "code"]
        wanted = "\n".join(source).strip()
        found = [k for k, cell in enumerate(code, 1) if "".join(cell.get("source", "")).strip() == wanted]
        number = f" {found[0]}" if found else ""
    ename, evalue = getattr(error, "ename", type(error).__name__), ANSI.sub("", str(getattr(error, "evalue", "")))
    tail = [line for line in lines[(rules[1] + 1 if len(rules) >= 2 else 0) :] if line.strip()][-12:]
    return f"{path}: code cell{number} `{first[:100]}` failed: {ename}: {evalue[:300]}\n" + "\n".join(
        line[:200] for line in tail
    )


def name_failing_cells() -> None:
    """Make myst-nb's error for a failing page name the cell and the error, in a few lines.

    myst-nb raises ``ExecutionError(path)`` chained to nbclient's error, whose text is the cell
    and the kernel's whole traceback (a wrong claim about a large array makes it megabytes).
    The rewritten error has neither the chain nor its size: Sphinx prints its message, and a
    parallel worker sends it to the parent in one small message.
    """
    from myst_nb.core.execute.base import ExecutionError, NotebookClientBase

    myst_enter = NotebookClientBase.__enter__
    if getattr(myst_enter, "names_cells", False):
        return

    def enter(self):
        try:
            return myst_enter(self)
        except ExecutionError as error:
            cells = getattr(getattr(self, "notebook", None), "cells", None)
            raise ExecutionError(describe_failure(self.path, error.__cause__, cells)) from None

    enter.names_cells = True
    NotebookClientBase.__enter__ = enter


def check_mathjax(app: Sphinx, config: Config) -> None:
    """Stop early, with the fix, when the pinned MathJax is not installed."""
    package = MATHJAX / "package.json"
    if not package.is_file():
        raise ConfigError(f"MathJax is not installed in {MATHJAX}: {NPM_HINT}")
    found = json.loads(package.read_text(encoding="utf-8"))["version"]
    if found != MATHJAX_VERSION:
        raise ConfigError(f"MathJax {MATHJAX_VERSION} is pinned but {found} is installed in {MATHJAX}: {NPM_HINT}")


def key_pages_on_library(app: Sphinx, config: Config) -> None:
    """A changed library changes this config value, which makes Sphinx re-read every page.

    The pages' executed outputs are kept in a jupyter-cache beside the build, keyed by the code
    of their cells (myst-nb's cache mode): a prose-only edit, and the second language, reuse them.
    The cache lives beside the doctrees, in a folder named for the library's hash, so a changed library finds an
    empty cache and every page executes again; older folders are removed.
    """
    config.convdot_library_hash = library_hash()
    caches = Path(app.doctreedir).parent / ".jupyter_cache"  # beside the doctrees: one per build tree
    current = caches / config.convdot_library_hash[:16]
    if caches.is_dir():
        for stale in caches.iterdir():
            if stale != current:
                shutil.rmtree(stale, ignore_errors=True)
    config.nb_execution_cache_path = str(current)


_pages: dict[Path, str] = {}


def edition_pages(app: Sphinx) -> dict[Path, str]:
    """The HTML pages of the edition being built, path -> text, read once for the passes after the build.

    Not those of the editions in folders of its own: the English site at the root holds the
    Spanish one in es/, which its own build writes and lightens.
    """
    if not _pages:
        outdir = Path(app.outdir)
        folders = [folder for _, folder in EDITIONS.values() if folder]
        nested = set(folders) if not EDITIONS[app.config.language][1] else set()
        for path in sorted(outdir.rglob("*.html")):
            if path.relative_to(outdir).parts[0] not in nested:
                _pages[path] = path.read_text(encoding="utf-8")
    return _pages


def write_page(path: Path, text: str) -> None:
    _pages[path] = text
    path.write_text(text, encoding="utf-8")


def forget_pages(app: Sphinx) -> None:
    _pages.clear()


def prerender_math(app: Sphinx, exception: Exception | None) -> None:
    """Typeset the TeX of every page written by this build (pages already typeset have none left)."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    pages = []
    for path, text in edition_pages(app).items():
        if 'class="math notranslate' not in text:
            continue
        found = [(m, False) for m in INLINE_MATH.finditer(text)] + [(m, True) for m in DISPLAY_MATH.finditer(text)]
        if found:
            found.sort(key=lambda item: item[0].start())
            pages.append((path, text, found))
    if not pages:
        return
    request = [
        {"formulas": [{"tex": html.unescape(m.group(2)), "display": display} for m, display in found]}
        for _, _, found in pages
    ]
    done = subprocess.run(
        ["node", str(PRERENDER)], input=json.dumps(request), capture_output=True, text=True, cwd=ROOT, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"typesetting the math failed (conf/prerender_math.cjs): {done.stderr.strip()}")
    for (path, text, found), result in zip(pages, json.loads(done.stdout), strict=True):
        pieces, last = [], 0
        for (m, display), rendered in zip(found, result["html"], strict=True):
            if display:  # a wide formula scrolls in its own box, which the keyboard must reach (as in MathJax's menu)
                rendered = rendered.replace("<mjx-container ", '<mjx-container tabindex="0" ', 1)
            pieces += [text[last : m.start()], m.group(1), rendered, m.group(3)]
            last = m.end()
        pieces.append(text[last:])
        fonts = os.path.relpath(outdir / FONTS_IN_SITE, path.parent).replace(os.sep, "/")
        style = '<style id="MJX-CHTML-styles">' + result["css"].replace("@FONTS@", fonts) + "</style>\n"
        page = "".join(pieces).replace("</head>", style + "</head>", 1)
        # A table too wide for a phone scrolls in its own box, which the keyboard must reach too.
        page = page.replace('<table class="table', '<table tabindex="0" class="table')
        write_page(path, page)


GLYPH_CONTENT = re.compile(r'content: "((?:\\[0-9A-F]+ ?|[^"\\])+)"')
CSS_ESCAPE = re.compile(r"\\([0-9A-F]+) ?")
MATH_STYLE = re.compile(r'<style id="MJX-CHTML-styles">(.*?)</style>', re.S)


def subset_fonts(fonts: list[Path], codepoints: set[int], flavor: str) -> None:
    """Cut each font down to the glyphs of `codepoints` (and what they need), in place."""
    import logging

    from fontTools import subset

    logging.getLogger("fontTools").setLevel(logging.ERROR)  # tables it drops on purpose are no news
    for font in fonts:
        options = subset.Options(flavor=flavor, layout_features=["*"], name_IDs=["*"], notdef_outline=True)
        loaded = subset.load_font(str(font), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(codepoints))
        subsetter.subset(loaded)
        subset.save_font(loaded, str(font), options)


def subset_math_fonts(app: Sphinx, exception: Exception | None) -> None:
    """Copy MathJax's fonts into the site, cut down to the characters that the math of some page draws.

    A stamp holds the set of characters: a build whose pages draw the same ones copies nothing.
    """
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    drawn: set[int] = set()
    for text in edition_pages(app).values():
        for style in MATH_STYLE.findall(text):
            for content in GLYPH_CONTENT.findall(style):
                text = CSS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), content)
                drawn.update(map(ord, text))
    target = outdir / FONTS_IN_SITE
    stamp = target / ".glyphs"
    key = f"{MATHJAX_VERSION} " + " ".join(map(str, sorted(drawn)))
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == key:
        return
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(MATHJAX_FONTS, target)
    subset_fonts(sorted(target.glob("*.woff")), drawn, "woff")
    stamp.write_text(key, encoding="utf-8")


ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+,?)+)\{--fa:"\\([0-9a-f]+)"\}')
ICON_NAME = re.compile(r"\bfa-([a-z0-9-]+)")
ICON_FONTS = "_static/vendor/fontawesome/webfonts"
THEME_CSS = "_static/styles/pydata-sphinx-theme.css"


def names_used(app: Sphinx) -> set[str]:
    """Every name (a run of letters, digits, `_` and `-`) in a page or a script of this edition."""
    outdir = Path(app.outdir)
    texts = [*edition_pages(app).values()]
    texts += [path.read_text(encoding="utf-8", errors="replace") for path in (outdir / "_static").rglob("*.js")]
    used: set[str] = set()
    for text in texts:
        used.update(re.findall(r"[\w-]+", text))
    return used


def lighten_icons(outdir: Path, used: set[str]) -> None:
    """Keep only the Font Awesome icons the site names: their CSS rules and their glyphs."""
    css_path = outdir / THEME_CSS
    if not css_path.is_file():
        return
    named = {name for word in used if "fa-" in word for name in ICON_NAME.findall(word)}
    css = css_path.read_text(encoding="utf-8")
    kept: set[int] = set()

    def keep_if_named(rule: re.Match) -> str:
        names = [name for name in rule.group(1).split(",") if name[len(".fa-") :] in named]
        if not names:
            return ""
        kept.add(int(rule.group(2), 16))
        return ",".join(names) + '{--fa:"\\' + rule.group(2) + '"}'

    css_path.write_text(ICON_RULE.sub(keep_if_named, css), encoding="utf-8")
    subset_fonts(sorted((outdir / ICON_FONTS).glob("*.woff2")), kept, "woff2")


# The theme's stylesheets, cut down like its icons: the rules no page or script can use go.
# (Not myst-nb's own CSS: myst-nb copies it at every build and Sphinx then refuses, with a
# warning, to overwrite a copy that differs from its source.)
LIGHTENED_CSS = (THEME_CSS, "_static/styles/sphinx-book-theme.css")


def lighten_stylesheets(outdir: Path, used: set[str]) -> None:
    """Keep in the theme's CSS only the rules whose classes a page or a script names.

    Bootstrap and the themes style far more than this site shows (about two thirds of the
    theme's CSS names classes no page carries). A class that no HTML page and no script of
    the site names cannot be on any element, so a rule that needs one cannot match; rules
    whose selectors are too general to judge (`:is()`, `:has()`, escapes) stay.
    """
    for pattern in LIGHTENED_CSS:
        for path in outdir.glob(pattern):
            path.write_text(unused_css.prune(path.read_text(encoding="utf-8"), used), encoding="utf-8")


def lighten_theme(app: Sphinx, exception: Exception | None) -> None:
    """The theme's icons, then its stylesheets, cut down to what the pages as written name."""
    if exception is not None or app.builder.format != "html":
        return
    outdir, used = Path(app.outdir), names_used(app)
    lighten_icons(outdir, used)
    lighten_stylesheets(outdir, used)


def wait_for_the_source_to_read(app: Sphinx) -> None:
    """A translation built beside the source edition waits here until the source has read every page.

    The source's build holds a lock (`READING_LOCK_FD`, set by `nox -s docs`) until then; by the
    time this edition opens the execution cache, every page's outputs are in it. This runs
    before myst-nb opens the cache and autodoc2 writes docs/apidocs/, which the source's build
    has written by then. A source's build that fails lets go of the lock as its process ends.
    """
    path = os.environ.get(READING_LOCK)
    if not path:
        return
    import fcntl

    started = time.monotonic()
    with open(path) as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
    logger.info(f"waited {time.monotonic() - started:.1f} s for the source edition to read its pages")


def let_translations_read(app: Sphinx, env) -> None:
    """The source edition has read every page (and executed them): a translation may read them too."""
    descriptor = os.environ.pop(READING_LOCK_FD, None)
    if descriptor is not None:
        import fcntl

        fcntl.flock(int(descriptor), fcntl.LOCK_UN)  # for Sphinx's read workers too, which inherited it
        os.close(int(descriptor))


def read_one_page_here(app: Sphinx, env, docnames: list[str]) -> None:
    """A build that reads one page reads it in this process, as after an edit of one page.

    Sphinx's parallel read would fork a worker for it, and send the whole environment back
    pickled, which takes longer than reading the page; one page gains nothing from a second core.
    The writing stays parallel (`restore_parallel`).
    """
    if len(docnames) <= 1 and app.parallel > 1:
        app.convdot_parallel, app.parallel = app.parallel, 1


def restore_parallel(app: Sphinx, env) -> None:
    app.parallel = getattr(app, "convdot_parallel", app.parallel)


def truncate_only_a_full_cache() -> None:
    """jupyter-cache's truncation, consulted only when the cache holds more notebooks than its limit.

    After caching a notebook, jupyter-cache deletes the oldest records beyond its limit (1000):
    one query lists the records to keep, a second those not among them. Between the two, a
    worker reading another page in parallel (`-j`) may add its record, which the second query
    then lists for deletion: the build failed with "Notebook file does not exist for cache record"
    (that worker had not yet written its notebook), or, a moment later, the cache silently lost
    a page that the Spanish edition would then execute again. The site's cache holds one record
    per page and per edit of its code, and a new one is made for every library, so it stays far
    below the limit; counting first avoids the racy queries.
    """
    from jupyter_cache.cache import main as jupyter_cache
    from jupyter_cache.cache.db import NbCacheRecord, Setting, session_context

    truncate = jupyter_cache.JupyterCacheBase.truncate_caches
    if getattr(truncate, "counts_first", False):
        return

    def truncate_caches(self) -> None:
        limit = Setting.get_value(jupyter_cache.CACHE_LIMIT_KEY, self.db, jupyter_cache.DEFAULT_CACHE_LIMIT)
        with session_context(self.db) as session:
            held = session.query(NbCacheRecord).count()
        if held > limit:
            truncate(self)

    truncate_caches.counts_first = True
    jupyter_cache.JupyterCacheBase.truncate_caches = truncate_caches


def let_proofs_merge() -> None:
    """Let Sphinx read pages in parallel (`-j auto`: the pages' notebooks execute two at a time).

    sphinx-proof declares itself parallel-safe and merges its data (``env.proof_list``) in an
    ``env-merge-info`` handler, but its domain, which holds no data of its own, lacks the
    ``merge_domaindata`` that Sphinx calls after a parallel read. The missing merge is a no-op.
    """
    try:
        from sphinx_proof.domain import ProofDomain
    except ImportError:
        return
    if ProofDomain.merge_domaindata is Domain.merge_domaindata:
        ProofDomain.merge_domaindata = lambda self, docnames, otherdata: None


def name_hidden_cells(app: Sphinx) -> None:
    """Replace myst-nb's HTML for hidden cells (registered by myst-nb, so after it has loaded)."""
    from myst_nb.sphinx_ import HideCodeCellNode

    app.add_node(HideCodeCellNode, override=True, html=(visit_hidden_cell, depart_hidden_cell))


def visit_hidden_cell(self, node) -> None:
    """myst-nb's fold for a hidden cell (``tags: [hide-input]``), named by the words it shows.

    myst-nb labels the ``<summary>`` "Toggle hidden content", which hides its visible text
    ("Show code cell source") from screen readers (axe-core: label-content-name-mismatch).
    """
    self.body.append(f'<details class="admonition hide {" ".join(node["classes"])}">\n<summary>\n')
    for state, prompt in (("collapsed", node["prompt_show"]), ("expanded", node["prompt_hide"])):
        self.body.append(f'<p class="{state} admonition-title">{html.escape(prompt)}</p>\n')
    self.body.append("</summary>\n")


def depart_hidden_cell(self, node) -> None:
    self.body.append("</details>\n")


def visit_citation(self, node) -> None:
    """A bibliography entry as an item of its list (docutils's role "doc-biblioentry" is deprecated,
    and a role="list" whose children are not list items is an error: axe-core aria-required-children)."""
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def depart_citation(self, node) -> None:
    self.body.append("</div>\n")
    if not isinstance(node.next_node(descend=False, siblings=True), type(node)):
        self.body.append("</div>\n")


def setup(app: Sphinx) -> dict[str, object]:
    set_kernel_environment()
    let_proofs_merge()
    pass  # sabotage
    end_workers_on_failure()
    name_failing_cells()
    app.add_node(nodes.citation, override=True, html=(visit_citation, depart_citation))
    app.connect("builder-inited", name_hidden_cells)
    app.add_config_value("convdot_library_hash", "", "env", types=frozenset({str}))
    app.connect("config-inited", check_mathjax)
    app.connect("config-inited", key_pages_on_library)
    app.connect("build-finished", prerender_math)
    app.connect("build-finished", subset_math_fonts)
    app.connect("builder-inited", forget_pages)
    app.connect("builder-inited", wait_for_the_source_to_read, priority=1)  # before myst-nb and autodoc2
    app.connect("env-before-read-docs", read_one_page_here)
    app.connect("env-updated", let_translations_read)
    app.connect("env-updated", restore_parallel)
    app.connect("build-finished", lighten_theme)  # after the math: it reads the pages as written
    from sphinx.ext.mathjax import html_visit_displaymath, html_visit_math

    # Sphinx's MathJax markup, without the MathJax script: prerender_math typesets it.
    app.add_html_math_renderer("prerendered", (html_visit_math, None), (html_visit_displaymath, None))
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
