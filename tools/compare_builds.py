"""Compare two builds of the site byte for byte: `python tools/compare_builds.py FIRST SECOND`.

`nox -s reproducible` builds the same commit twice from clean and calls this. Every file of
the two sites, and of each edition inside them (es/), must be identical (HTML, images,
scripts, the search index, the inventory), with one named exception: a page that shows
timings measured while the site was built (BUILD_TIMED_PAGES). For such a page the check
skips its HTML, the images only it shows, and its words in the search index; everything
else is still compared. Exits 1 and shows the first differences when the builds differ.
"""

from __future__ import annotations

import difflib
import json
import posixpath
import re
import runpy
import sys
from pathlib import Path

# Pages (Sphinx document names) whose content is measured during the build, with the reason.
BUILD_TIMED_PAGES = {
    "performance": "shows the running times of the forms, measured while the site is built",
}
_REFERENCE = re.compile(r'(?:src|href)="([^"#?]+)')


EDITIONS = runpy.run_path(str(Path(__file__).parent.parent / "conf" / "editions.py"))["EDITIONS"]


def editions_in(site: Path) -> list[str]:
    """The folders of the editions inside a site (the Spanish one in es/), each a whole site of its own.

    Only the site at the root holds them; an edition's own folder holds none.
    """
    folders = [folder for _, folder in EDITIONS.values() if folder]
    return sorted(folder for folder in folders if (site / folder / "searchindex.js").is_file())


def files_of(site: Path) -> set[str]:
    nested = editions_in(site)
    return {
        p.relative_to(site).as_posix()
        for p in site.rglob("*")
        if p.is_file() and p.relative_to(site).parts[0] not in nested
    }


def page_of(name: str) -> str | None:
    return name.removesuffix(".html") if name.endswith(".html") else None


def exempt_files(site: Path, files: set[str]) -> set[str]:
    """The timed pages' HTML, and the images that no other page shows."""
    timed = {f"{name}.html" for name in BUILD_TIMED_PAGES} & files
    timed |= {f"_sources/{name}.ipynb" for name in BUILD_TIMED_PAGES} & files  # its notebook, outputs included
    used_elsewhere: set[str] = set()
    used_by_timed: set[str] = set()
    for name in (f for f in files if f.endswith(".html")):
        base = posixpath.dirname(name)
        html = (site / name).read_text(encoding="utf-8")
        targets = {posixpath.normpath(posixpath.join(base, ref)) for ref in _REFERENCE.findall(html)}
        (used_by_timed if name in timed else used_elsewhere).update(t for t in targets if t.startswith("_images/"))
    return timed | (used_by_timed - used_elsewhere)


def search_index(site: Path) -> dict:
    """searchindex.js without the words that only the timed pages contribute."""
    text = (site / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    timed = {i for i, name in enumerate(index["docnames"]) if name in BUILD_TIMED_PAGES}
    for key in ("terms", "titleterms"):
        kept = {}
        for word, docs in index[key].items():
            docs = [d for d in (docs if isinstance(docs, list) else [docs]) if d not in timed]
            if docs:
                kept[word] = docs
        index[key] = kept
    return index


def first_difference(a: Path, b: Path) -> str:
    try:
        lines_a = a.read_text(encoding="utf-8").splitlines()
        lines_b = b.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        return f"  binary files differ ({a.stat().st_size} and {b.stat().st_size} bytes)"
    diff = difflib.unified_diff(lines_a, lines_b, lineterm="", n=0)
    return "\n".join("  " + line[:200] for line in list(diff)[2:10])


def compare(first: Path, second: Path) -> list[str]:
    """The differences between two builds, as messages (empty: reproducible)."""
    files_a, files_b = files_of(first), files_of(second)
    skip_a, skip_b = exempt_files(first, files_a), exempt_files(second, files_b)
    problems = [f"only in {first}: {name}" for name in sorted((files_a - skip_a) - files_b)]
    problems += [f"only in {second}: {name}" for name in sorted((files_b - skip_b) - files_a)]
    for name in sorted((files_a - skip_a) & (files_b - skip_b)):
        if name == "searchindex.js" and BUILD_TIMED_PAGES:
            same = search_index(first) == search_index(second)
        else:
            same = (first / name).read_bytes() == (second / name).read_bytes()
        if not same:
            problems.append(f"differs: {name}\n{first_difference(first / name, second / name)}")
    compared = len((files_a - skip_a) & (files_b - skip_b))
    print(f"compared {compared} files of {first} and {second}")
    for name, reason in BUILD_TIMED_PAGES.items():
        skipped = sorted(f for f in skip_a if f == f"{name}.html" or f.startswith("_images/"))
        status = f"skipped {', '.join(skipped)}" if skipped else "not in this build"
        print(f"exception {name!r} ({reason}): {status}")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.splitlines()[0], file=sys.stderr)
        return 2
    first, second = Path(argv[0]), Path(argv[1])
    problems = compare(first, second)
    for edition in sorted(set(editions_in(first)) | set(editions_in(second))):
        problems += compare(first / edition, second / edition)  # each edition, timed pages and all
    for problem in problems:
        print(problem)
    print("the two builds are identical" if not problems else f"{len(problems)} files differ")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
