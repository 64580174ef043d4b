"""Execute the site's pages as notebooks, without Sphinx: the same cells the build runs.

    python tools/run_pages.py docs/fft.md docs/im2col.md     # some pages
    python tools/run_pages.py                                 # every page of docs/
    python tools/run_pages.py --jobs 2 --quiet

Each MyST page is read as myst-nb reads it and executed with nbclient in a kernel that has the
build's environment (``conf/site_build.set_kernel_environment``: this tree's ``src`` first on
``PYTHONPATH``, the site's matplotlibrc, fixed hashing), with ``docs/`` as working directory.
The exit status is the number of failing pages (0: every cell ran); each failure is reported
with its page, the failing cell's first line and the error's last line. ``nox -s sabotage``
uses it to show which page catches a fault.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
sys.path.insert(0, str(ROOT / "conf"))


@dataclass(frozen=True)
class Outcome:
    page: str
    error: str | None  # None when every cell ran

    def line(self) -> str:
        return f"ok      {self.page}" if self.error is None else f"FAILED  {self.page}: {self.error}"


def executable_pages(docs: Path = DOCS) -> list[Path]:
    """The pages that are notebooks (myst-nb's `file_format: mystnb` front matter)."""
    return sorted(p for p in docs.rglob("*.md") if "file_format: mystnb" in p.read_text(encoding="utf-8")[:400])


def run_page(path: Path, timeout: int = 300) -> Outcome:
    import nbclient
    from myst_nb.core.read import read_myst_markdown_notebook
    from site_build import set_kernel_environment

    set_kernel_environment()
    notebook = read_myst_markdown_notebook(path.read_text(encoding="utf-8"))
    name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    client = nbclient.NotebookClient(
        notebook, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as error:
        cell = next((c for c in notebook.cells if c.get("outputs") and _has_error(c)), None)
        first = cell.source.strip().splitlines()[0] if cell is not None and cell.source.strip() else "?"
        last = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
        return Outcome(name, f"cell `{first[:70]}`: {last[:300]}")
    except Exception as error:  # a kernel that died or timed out is a failing page too
        return Outcome(name, f"{type(error).__name__}: {str(error)[:300]}")
    return Outcome(name, None)


def _has_error(cell) -> bool:
    return any(output.get("output_type") == "error" for output in cell.get("outputs", []))


def run_pages(pages: list[Path], jobs: int = 1) -> list[Outcome]:
    if jobs <= 1:
        return [run_page(page) for page in pages]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(run_page, pages))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", type=Path, help="pages to run (default: every notebook page of docs/)")
    parser.add_argument("--jobs", type=int, default=1, help="pages run side by side (default 1)")
    parser.add_argument("--quiet", action="store_true", help="print only the failures")
    args = parser.parse_args(argv)
    pages = [p.resolve() for p in args.pages] or executable_pages()
    outcomes = run_pages(pages, args.jobs)
    for outcome in outcomes:
        if outcome.error is not None or not args.quiet:
            print(outcome.line(), flush=True)
    return sum(outcome.error is not None for outcome in outcomes)


if __name__ == "__main__":
    sys.exit(main())
