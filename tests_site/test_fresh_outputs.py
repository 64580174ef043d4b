"""No stale page: change what a library function returns, rebuild, and the page shows the new value.

The check runs on a temporary copy of the project (library, Sphinx configuration, and one
page that prints a value computed by `convdot.correlate2d`). The second build is
incremental, the way `nox -s serve` rebuilds: the page's source has not changed, so only the
hash of `src/convdot` (conf/site_build.py) can make Sphinx re-execute it.
"""

from __future__ import annotations

import inspect
import re
import shutil
import subprocess
import sys
from pathlib import Path

import convdot

ROOT = Path(__file__).parent.parent
PAGE = """\
---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
---

# Probe

```{code-cell} ipython3
import convdot

print("probe:", convdot.correlate2d([[1, 2], [3, 4]], [[1]]).sum())
```
"""
# Appended to the module that defines correlate2d: every result becomes ten times larger.
SCALE_BY_TEN = """

_probe_original = correlate2d


def correlate2d(*args, **kwargs):
    return 10 * _probe_original(*args, **kwargs)
"""


def make_copy(tmp_path: Path) -> Path:
    """The project without its pages (one probe page instead), its builds and its caches."""
    project = tmp_path / "project"
    skip = shutil.ignore_patterns(".git", ".nox", "build", "node_modules", "docs", "__pycache__", ".*cache*")
    shutil.copytree(ROOT, project, ignore=skip)
    (project / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    (project / "docs").mkdir()
    for bibliography in (ROOT / "docs").glob("*.bib"):  # conf.py may name one
        shutil.copy(bibliography, project / "docs")
    (project / "docs" / "index.md").write_text(PAGE, encoding="utf-8")
    # The probe page has no explorer, and the explorer's build-time check would (rightly) refuse
    # the library this test scales by ten: the copy builds without that extension.
    with (project / "conf" / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('\nextensions.remove("explorer.directive")\n')
    return project


def build(project: Path) -> str:
    """An incremental html build of the copy (same output and doctrees every time); the page's HTML."""
    out = project / "build"
    command = [sys.executable, "-m", "sphinx", "-q", "-b", "html", "-c", "conf", "-d", str(out / "doctrees")]
    done = subprocess.run([*command, "docs", str(out / "html")], cwd=project, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return (out / "html" / "index.html").read_text(encoding="utf-8")


def probe(html: str) -> list[int]:
    return [int(value) for value in re.findall(r"probe: (\d+)", html)]


def test_a_changed_library_result_reaches_the_page_on_an_incremental_rebuild(tmp_path: Path) -> None:
    project = make_copy(tmp_path)
    assert probe(build(project)) == [10]

    defining_module = Path(inspect.getsourcefile(convdot.correlate2d)).relative_to(ROOT / "src")
    with open(project / "src" / defining_module, "a", encoding="utf-8") as module:
        module.write(SCALE_BY_TEN)

    assert probe(build(project)) == [100]


def test_an_unchanged_library_leaves_the_page_unread(tmp_path: Path) -> None:
    """The control: with nothing changed, Sphinx re-reads nothing (so the hash is what forced the re-run)."""
    project = make_copy(tmp_path)
    build(project)
    html = project / "build" / "html" / "index.html"
    written = html.stat().st_mtime_ns
    build(project)
    assert html.stat().st_mtime_ns == written
