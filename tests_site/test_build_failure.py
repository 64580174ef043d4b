"""A failing page ends a parallel build within a minute, with a non-zero exit naming the failing cell.

A tiny project is built the way the site is (`sphinx-build -W --keep-going -n -j 2`, the site's
extension conf/site_build.py, myst-nb executing every page). One page fails; the other is read
by a worker that, like a worker executing a notebook under nbclient, catches SIGTERM and reads
on, and whose result is larger than a pipe holds. Before conf/site_build.py's fix that build
never ended: Sphinx's SIGTERM did not stop that worker, and the parent's exit waited for it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEADER = "---\nfile_format: mystnb\nkernelspec:\n  name: python3\n  display_name: Python 3\n---\n"

CONF = f"""
import sys
sys.path.insert(0, {str(ROOT / "conf")!r})
sys.path.insert(0, {{here!r}})
extensions = ["myst_nb", "site_build", "busy_reader"]
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_timeout = 120
"""

# A worker that reads page b-busy for two minutes and ignores SIGTERM meanwhile, as nbclient's
# handler makes a worker executing a notebook do; its environment then carries 1 MB.
BUSY_READER = """
import signal
import time


def read(app, docname, source):
    if docname == "b-busy":
        signal.signal(signal.SIGTERM, lambda *args: None)
        app.env.convdot_ballast = bytes(2**20)
        time.sleep(120)


def setup(app):
    app.connect("source-read", read)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
"""

FAILING_CELL = "assert total == 3, 'a wrong claim: 1 + 1 is not 3'"


def write_project(docs: Path) -> None:
    docs.mkdir()
    (docs / "conf.py").write_text(CONF.format(here=str(docs)), encoding="utf-8")
    (docs / "busy_reader.py").write_text(BUSY_READER, encoding="utf-8")
    (docs / "index.md").write_text("# Tiny\n\n```{toctree}\na-fail\nb-busy\n```\n", encoding="utf-8")
    cells = "```{code-cell} ipython3\ntotal = 1 + 1\n```\n\n```{code-cell} ipython3\n" + FAILING_CELL + "\n```\n"
    (docs / "a-fail.md").write_text(HEADER + "# A wrong claim\n\n" + cells, encoding="utf-8")
    (docs / "b-busy.md").write_text("# Read slowly\n\nNothing to execute.\n", encoding="utf-8")


def test_a_failing_page_ends_the_parallel_build_within_a_minute_naming_the_cell(tmp_path: Path) -> None:
    if not (ROOT / "node_modules" / "mathjax-full" / "package.json").is_file():
        pytest.fail(f"MathJax is not installed (conf/site_build.py needs it): run `npm ci` in {ROOT}")
    docs = tmp_path / "docs"
    write_project(docs)
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-n", "-j", "2", "-b", "html"]
    command += ["-d", str(tmp_path / "doctrees"), str(docs), str(tmp_path / "html")]
    start = time.monotonic()
    build = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True, cwd=tmp_path
    )
    try:
        output, _ = build.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(build.pid, signal.SIGKILL)  # the build and its workers (a session of their own)
        output, _ = build.communicate()
        pytest.fail(f"the build was still running after 60 s; its last output:\n{output[-3000:]}")
    took = time.monotonic() - start
    assert build.returncode != 0, output[-3000:]
    assert "a-fail.md: code cell 2" in output, output[-3000:]
    assert FAILING_CELL in output, output[-3000:]
    assert "AssertionError: a wrong claim: 1 + 1 is not 3" in output, output[-3000:]
    assert took < 60
