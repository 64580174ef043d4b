"""How the site is built, beyond its content: offline math, fresh outputs, reproducible bytes.

A local Sphinx extension, listed in conf.py's ``extensions``.

Offline math
    MathJax 3, pinned in package.json and package-lock.json and installed by ``npm ci``, is
    copied into ``_static/mathjax`` and ``mathjax_path`` points there. Its fonts are found
    next to the script, and the components it loads on demand (TeX extensions, the
    accessibility menu, the speech rule engine) are copied too, so no formula needs a request
    to another host. The assistive MathML that screen readers read stays on.

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

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.domains import Domain
from sphinx.errors import ConfigError

CONF = Path(__file__).parent
ROOT = CONF.parent
LIBRARY_ENV = "CONVDOT_LIBRARY_PATH"
"""An environment variable naming another directory to import convdot from (`nox -s sabotage`)."""
SOURCE = Path(os.environ.get(LIBRARY_ENV) or ROOT / "src")
LIBRARY = SOURCE / "convdot"
MATHJAX = ROOT / "node_modules" / "mathjax"
MATHJAX_VERSION = "3.2.2"
# What tex-chtml.js loads: itself, then on demand TeX extensions (input/), the CHTML fonts,
# the context menu (ui/) and its accessibility tools (a11y/, sre/ for speech).
MATHJAX_PARTS = ("tex-chtml.js", "input", "output/chtml", "output/chtml.js", "ui", "a11y", "sre")
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
    """A changed library changes this config value, which makes Sphinx re-read every page."""
    config.convdot_library_hash = library_hash()


def copy_mathjax(app: Sphinx) -> None:
    """Copy MathJax into the build before any page is written (so its asset checksum is stable)."""
    if app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "mathjax"
    stamp = target / ".version"
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == MATHJAX_VERSION:
        return
    shutil.rmtree(target, ignore_errors=True)
    for part in MATHJAX_PARTS:
        source = MATHJAX / "es5" / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / part)
    stamp.write_text(MATHJAX_VERSION, encoding="utf-8")


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
    end_workers_on_failure()
    name_failing_cells()
    app.add_node(nodes.citation, override=True, html=(visit_citation, depart_citation))
    app.connect("builder-inited", name_hidden_cells)
    app.add_config_value("convdot_library_hash", "", "env", types=frozenset({str}))
    app.connect("config-inited", check_mathjax)
    app.connect("config-inited", key_pages_on_library)
    app.connect("builder-inited", copy_mathjax)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
