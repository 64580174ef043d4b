"""Rebuild and test convdot: `nox -s tests`, `nox -s docs`, `nox -s lint`."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import nox

ROOT = Path(__file__).parent
BUILD = ROOT / "build"
nox.options.sessions = ["lint", "tests", "docs", "citation"]
nox.options.default_venv_backend = "venv"

SPHINX_STRICT = ["-W", "--keep-going", "-n"]


def npm_ci(session: nox.Session) -> None:
    """Install the browser code pinned in package-lock.json: MathJax (the site ships it) and axe-core."""
    if shutil.which("npm") is None:
        session.error("npm is not installed: install Node.js and npm (on Debian: apt-get install -y npm)")
    session.run("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error", external=True)


def clean(out: Path) -> None:
    """Remove a build's outputs and the generated API pages, so the next build starts from clean."""
    stale_dirs = ("html", "doctrees", "jupyter_execute", ".jupyter_cache")
    for stale in (*(out / name for name in stale_dirs), ROOT / "docs" / "apidocs"):
        shutil.rmtree(stale, ignore_errors=True)


def sphinx_html(session: nox.Session, out: Path, *args: str, **kwargs: object) -> str | None:
    """The strict build of docs/ into out/html (doctrees in out/doctrees), the way every session builds.

    `-j auto` reads pages in parallel, one process per core, so the pages' notebooks execute
    side by side (kernel start-up and imports are most of a page's time).
    """
    command = ["sphinx-build", *SPHINX_STRICT, "-j", "auto", "-b", "html", "-c", "conf", "-d", str(out / "doctrees")]
    return session.run(*command, "docs", str(out / "html"), *args, **kwargs)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (pytest + hypothesis against scipy and the literal loops)."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


TORCH = "torch==2.13.0+cpu"  # the CPU build (found through PIP_FIND_LINKS); never the CUDA one from PyPI
LOCAL_WHEELS = Path("/opt/wheels")  # where this kind of machine keeps PyTorch's CPU wheel
TORCH_SOURCES = ["--find-links", str(LOCAL_WHEELS)] if LOCAL_WHEELS.is_dir() else []


@nox.session
def oracle(session: nox.Session) -> None:
    """Check conv2d, conv_transpose2d and conv2d_backward against PyTorch, in an environment of its own."""
    session.install("-e", ".[test]")
    session.install(TORCH, *TORCH_SOURCES)
    session.run("python", "-c", "import torch; print('oracle: torch', torch.__version__)")  # fail, never skip
    session.run("pytest", "tests/test_torch_oracle.py", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Time conv2d's methods against numpy GEMM and PyTorch (CPU); prints the table, writes build/bench/conv2d.json."""
    session.install("-e", ".[bench]")
    session.install(TORCH, *TORCH_SOURCES)
    # When set, OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE select a slower kernel for current numpy:
    # unset both for this run only (the tests and CI keep the environment they are given).
    env = {"OPENBLAS_CORETYPE": None, "OPENBLAS_L2_SIZE": None}
    out = BUILD / "bench" / "conv2d.json"
    session.run("python", "benchmarks/bench_conv2d.py", "--json", str(out), *session.posargs, env=env)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site from a clean tree into build/html, executing every page."""
    session.install("-e", ".[docs]")
    npm_ci(session)
    clean(BUILD)
    sphinx_html(session, BUILD, *session.posargs)
    session.log(f"site built: open {BUILD / 'html' / 'index.html'}")


@nox.session
def sabotage(session: nox.Session) -> None:
    """Prove the build catches a wrong library: inject each fault of tools/faults.toml, require a page to fail.

    Each fault is one find/replace in a copy of src/convdot; the pages run against the copy as the
    build runs them (tools/run_pages.py). Prints which page caught each fault; fails if one is not
    caught. `-- --no-baseline` skips re-running the catching pages on the unchanged library.
    """
    session.install("-e", ".[docs]")
    session.run("python", "tools/sabotage.py", *session.posargs)


@nox.session
def citation(session: nox.Session) -> None:
    """Validate CITATION.cff against the CFF 1.2.0 schema (its version is checked by the tests and the docs build)."""
    session.install("cffconvert>=2")
    session.run("cffconvert", "--validate", "-i", "CITATION.cff")


@nox.session
def lint(session: nox.Session) -> None:
    """Check style and common mistakes with ruff."""
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


CHROMIUM = Path("/usr/bin/chromium")


@nox.session
def browser(session: nox.Session) -> None:
    """Read every page of build/html in Chromium (offline, console, math, images, links, axe-core; screenshots)."""
    if not CHROMIUM.is_file():
        session.error(
            f"Chromium is not installed at {CHROMIUM}; install it with: apt-get update && apt-get install -y chromium"
        )
    if not (BUILD / "html" / "index.html").is_file():
        session.error("no site in build/html: build it first with `nox -s docs`")
    session.install("-e", ".[docs,browser]")
    npm_ci(session)
    shutil.rmtree(BUILD / "screenshots", ignore_errors=True)
    # pytest exits 5 when it collects no test; nox counts that as a failure, never as a pass.
    session.run(
        "pytest", "tests_site", f"--site={BUILD / 'html'}", f"--screenshots={BUILD / 'screenshots'}", *session.posargs
    )
    session.log(f"screenshots: {BUILD / 'screenshots'}")


@nox.session
def reproducible(session: nox.Session) -> None:
    """Build the site twice from clean and compare every file byte for byte (tools/compare_builds.py)."""
    session.install("-e", ".[docs]")
    npm_ci(session)
    epoch = session.run("git", "log", "-1", "--format=%ct", external=True, silent=True).strip()
    runs = [BUILD / "reproducible" / name for name in ("first", "second")]
    for out in runs:
        clean(out)
        sphinx_html(session, out, env={"SOURCE_DATE_EPOCH": epoch})
    session.run("python", "tools/compare_builds.py", *(str(out / "html") for out in runs))


PROSE_PROBE = "\n\nA sentence that `nox -s buildtime` adds for one build, to time a prose-only edit.\n"


@nox.session
def buildtime(session: nox.Session) -> None:
    """Time a cold full build, an unchanged rebuild and a prose-only edit of one page (targets: 60, 5 and 15 s).

    The page outputs come from the execution cache after the cold build, so the two later builds
    must execute no cell: each build's log is read for myst-nb's "Executing notebook" lines.
    """
    session.install("-e", ".[docs]")
    npm_ci(session)
    out = BUILD / "buildtime"
    clean(out)
    page = ROOT / "docs" / "question.md"
    original = page.read_text(encoding="utf-8")
    results = []
    for name, target in (("cold full build", 60), ("unchanged rebuild", 5), ("prose-only edit of one page", 15)):
        if name.startswith("prose"):
            page.write_text(original + PROSE_PROBE, encoding="utf-8")
        try:
            start = time.perf_counter()
            log = sphinx_html(session, out, silent=True)
            took = time.perf_counter() - start
        finally:
            page.write_text(original, encoding="utf-8")
        results.append((name, took, target, log.count("Executing notebook")))
    for name, took, target, executed in results:
        missed = "" if took <= target else ", MISSED"
        cores = os.cpu_count()
        session.log(f"{name}: {took:.1f} s (target {target} s{missed}), {executed} pages executed, {cores} cores")
    if any(executed for _, _, _, executed in results[1:]):
        session.error("a rebuild executed cells although no code changed: the execution cache missed")


@nox.session
def serve(session: nox.Session) -> None:
    """Serve the site on http://127.0.0.1:8000 and rebuild it when a page, conf/ or src/convdot changes."""
    session.install("-e", ".[docs,serve]")
    npm_ci(session)
    out = BUILD / "serve"
    session.run(
        "sphinx-autobuild",
        *("--host", "127.0.0.1", "--port", "8000", "--watch", "conf", "--watch", "src"),
        *("--ignore", str(ROOT / "docs" / "apidocs"), "--ignore", str(out)),
        *("--keep-going", "-n", "-c", "conf", "-d", str(out / "doctrees")),
        "docs",
        str(out / "html"),
        *session.posargs,
    )
