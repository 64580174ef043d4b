"""Rebuild and test convdot: `nox -s tests`, `nox -s docs`, `nox -s lint`."""

from __future__ import annotations

import shutil
from pathlib import Path

import nox

ROOT = Path(__file__).parent
BUILD = ROOT / "build"
nox.options.sessions = ["lint", "tests", "docs", "citation"]
nox.options.default_venv_backend = "venv"

SPHINX_STRICT = ["-W", "--keep-going", "-n"]


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (pytest + hypothesis against scipy and the literal loops)."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


TORCH = "torch==2.13.0+cpu"  # the CPU build (found through PIP_FIND_LINKS); never the CUDA one from PyPI


@nox.session
def oracle(session: nox.Session) -> None:
    """Check conv2d, conv_transpose2d and conv2d_backward against PyTorch, in an environment of its own."""
    session.install("-e", ".[test]")
    session.install(TORCH)
    session.run("python", "-c", "import torch; print('oracle: torch', torch.__version__)")  # fail, never skip
    session.run("pytest", "tests/test_torch_oracle.py", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site from a clean tree into build/html, executing every page."""
    session.install("-e", ".[docs]")
    for stale in (BUILD / "html", BUILD / "doctrees", ROOT / "docs" / "apidocs", BUILD / "jupyter_execute"):
        shutil.rmtree(stale, ignore_errors=True)
    session.run(
        "sphinx-build",
        *SPHINX_STRICT,
        "-b",
        "html",
        "-c",
        "conf",
        "-d",
        str(BUILD / "doctrees"),
        "docs",
        str(BUILD / "html"),
        *session.posargs,
    )
    session.log(f"site built: open {BUILD / 'html' / 'index.html'}")


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
