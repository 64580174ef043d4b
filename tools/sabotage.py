"""Prove that the site's build catches a wrong library: inject one fault at a time, require a page to fail.

    python tools/sabotage.py                 # every fault of tools/faults.toml (nox -s sabotage)
    python tools/sabotage.py --jobs 2 -k fft # the faults whose name contains "fft"

For each fault of ``tools/faults.toml``, ``src/convdot`` is copied to a temporary directory and
one find/replace is applied to one file of the copy (the ``find`` text must be there exactly
``count`` times, 1 by default, or the session stops and names the fault, so that faults are
re-anchored after a refactor). The pages are then executed against the faulty copy, as the
build executes them (``tools/run_pages.py``, with ``CONVDOT_LIBRARY_PATH`` pointing the kernels
at the copy): the fault's own ``pages`` first, then every other page, until one fails.

It prints which page caught each fault, and exits non-zero if some fault was caught by no page,
if a fault's ``find`` text is missing, if the kernels did not import the faulty copy, or if a
page that caught a fault also fails with the library unchanged (then it proves nothing).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "src" / "convdot"
FAULTS = Path(__file__).resolve().parent / "faults.toml"
RUN_PAGES = Path(__file__).resolve().parent / "run_pages.py"
DOCS = ROOT / "docs"
LIBRARY_ENV = "CONVDOT_LIBRARY_PATH"  # read by conf/site_build.set_kernel_environment
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# What the faults must cover between them: every form and every feature of the layer.
REQUIRED = (
    "loops",
    "hadamard",
    "dot",
    "im2col",
    "matrix",
    "fft",
    "output size",
    "padding",
    "stride",
    "dilation",
    "groups",
    "bias",
    "transposed convolution",
    "gradients",
)


@dataclass
class Fault:
    name: str
    file: str
    find: str
    replace: str
    pages: list[str]
    covers: list[str]
    count: int = 1
    caught_by: str | None = None
    message: str = ""
    tried: list[str] = field(default_factory=list)
    seconds: float = 0.0


def load_faults(path: Path = FAULTS) -> list[Fault]:
    with path.open("rb") as handle:
        entries = tomllib.load(handle)["fault"]
    return [Fault(**entry) for entry in entries]


def check_coverage(faults: list[Fault]) -> list[str]:
    covered = {item for fault in faults for item in fault.covers}
    return [item for item in REQUIRED if item not in covered]


def faulty_copy(fault: Fault, into: Path) -> Path:
    """A copy of the library with `fault` applied; the directory to put first on the kernels' path."""
    source = into / "src"
    shutil.copytree(LIBRARY, source / "convdot", ignore=shutil.ignore_patterns("__pycache__"))
    target = source / "convdot" / fault.file
    if not target.is_file():
        raise SystemExit(f"fault {fault.name!r}: no file {fault.file} in {LIBRARY}")
    text = target.read_text(encoding="utf-8")
    found = text.count(fault.find)
    if found != fault.count:
        raise SystemExit(
            f"fault {fault.name!r}: its find text occurs {found} times in {fault.file}, expected {fault.count}; "
            f"re-anchor it in {FAULTS.relative_to(ROOT)}:\n    {fault.find}"
        )
    target.write_text(text.replace(fault.find, fault.replace), encoding="utf-8")
    return source


def slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower())


def environment(source: Path) -> dict[str, str]:
    env = dict(os.environ, **{LIBRARY_ENV: str(source)})
    env.pop("PYTHONPATH", None)  # set_kernel_environment puts the copy first; nothing else may shadow it
    return env


def run_page(page: Path, env: dict[str, str]) -> str | None:
    """None if every cell of `page` ran; else run_pages.py's report of the failing cell."""
    out = subprocess.run(
        [sys.executable, str(RUN_PAGES), "--quiet", str(page)], env=env, capture_output=True, text=True, cwd=ROOT
    )
    if out.returncode == 0:
        return None
    report = out.stdout.strip().splitlines() or out.stderr.strip().splitlines() or ["(no output)"]
    return ANSI.sub("", report[-1].removeprefix("FAILED  "))


def page_path(name: str) -> Path:
    path = DOCS / (name if name.endswith(".md") else f"{name}.md")
    if not path.is_file():
        raise SystemExit(f"no page {path.relative_to(ROOT)} (named in {FAULTS.relative_to(ROOT)})")
    return path


def all_pages() -> list[Path]:
    sys.path.insert(0, str(RUN_PAGES.parent))
    from run_pages import executable_pages

    return executable_pages(DOCS)


def check_copy_is_imported(scratch: Path) -> None:
    """The kernels must import the copy, not this tree's src or an installed convdot."""
    copy = scratch / "probe"
    shutil.copytree(LIBRARY, copy / "src" / "convdot", ignore=shutil.ignore_patterns("__pycache__"))
    env = environment(copy / "src")
    probe = (
        "import os, sys; sys.path.insert(0, {conf!r}); import site_build; site_build.set_kernel_environment(); "
        "import subprocess; print(subprocess.run([sys.executable, '-c', 'import convdot; print(convdot.__file__)'], "
        "capture_output=True, text=True, env=os.environ).stdout.strip())"
    ).format(conf=str(ROOT / "conf"))
    found = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True).stdout.strip()
    if not found.startswith(str(copy)):
        raise SystemExit(f"the kernels would import convdot from {found or '(nothing)'}, not from the copy {copy}")


def sabotage(fault: Fault, scratch: Path, pages: list[Path]) -> Fault:
    start = time.perf_counter()
    env = environment(faulty_copy(fault, scratch / slug(fault.name)))
    first = [page_path(name) for name in fault.pages]
    for page in first + [p for p in pages if p not in first]:
        fault.tried.append(page.stem)
        message = run_page(page, env)
        if message is not None:
            fault.caught_by, fault.message = str(page.relative_to(ROOT)), message
            break
    fault.seconds = time.perf_counter() - start
    return fault


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="faults tried side by side (default 2)")
    parser.add_argument("-k", default="", help="only the faults whose name contains this text")
    parser.add_argument(
        "--no-baseline",
        action="store_true",
        help="skip re-running the catching pages on the unchanged library (when a strict build just passed)",
    )
    args = parser.parse_args(argv)
    faults = load_faults()
    missing = check_coverage(faults)
    if missing:
        print(f"sabotage: no fault covers {', '.join(missing)} (add one to {FAULTS.relative_to(ROOT)})")
        return 1
    faults = [f for f in faults if args.k in f.name]
    pages = all_pages()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="convdot-sabotage-") as scratch:
        check_copy_is_imported(Path(scratch))
        for fault in faults:  # fail loudly on a stale anchor before any page runs
            faulty_copy(fault, Path(scratch) / "anchors" / slug(fault.name))
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            done = list(pool.map(lambda f: sabotage(f, Path(scratch), pages), faults))
        catchers = [] if args.no_baseline else sorted({f.caught_by for f in done if f.caught_by})
        clean = environment(LIBRARY.parent)
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            baseline = dict(zip(catchers, pool.map(lambda p: run_page(ROOT / p, clean), catchers), strict=True))
    width = max(len(f.name) for f in done)
    for fault in done:
        where = f"caught by {fault.caught_by}" if fault.caught_by else f"NOT CAUGHT (tried {len(fault.tried)} pages)"
        print(f"{fault.name:<{width}}  {where}  [{fault.seconds:.0f} s]")
        if fault.caught_by:
            print(f"{'':<{width}}    {fault.message[:160]}")
    uncaught = [f for f in done if not f.caught_by]
    broken = {page: message for page, message in baseline.items() if message is not None}
    for page, message in broken.items():
        print(f"sabotage: {page} fails with the library unchanged, so its catches prove nothing: {message}")
    print(
        f"sabotage: {len(done) - len(uncaught)} of {len(done)} faults caught "
        f"in {time.perf_counter() - start:.0f} s on {os.cpu_count()} cores"
    )
    return 1 if uncaught or broken else 0


if __name__ == "__main__":
    sys.exit(main())
