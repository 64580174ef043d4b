"""Every message of the Spanish catalogues is translated, none is fuzzy, and each keeps its markup.

    python tools/check_catalogues.py [docs/locales/es/LC_MESSAGES] [--pot build/gettext]

A translation must carry the same MyST markup as its English message, or the Spanish page
breaks where the English one works: the same roles with the same targets (a cross-reference,
a citation, a theorem label), the same inline and display math, the same inline code, and the
same link targets. Words between the markup are the translator's, and so are the words a
formula holds in `\text{...}`. With `--pot`, the catalogues
must also hold exactly the messages of the freshly extracted templates: an English sentence
that changed without its Spanish one is reported as missing (and, once merged by sphinx-intl,
as fuzzy). Exit status 1 lists every problem, by file and message.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "docs" / "locales" / "es" / "LC_MESSAGES"

# A role whose text may be translated keeps its target: {doc}`text <target>` and {doc}`target`.
ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")
TRANSLATABLE_ROLE_TEXT = {"doc", "ref", "prf:ref", "numref", "term", "download", "eq"}
CODE = re.compile(r"(?<![`{}\w])`([^`]+)`")
MATH = re.compile(r"\$\$(.+?)\$\$|(?<![\\$])\$([^$]+?)(?<!\\)\$", re.S)
# Words inside a formula (`\text{sum of products}`) are prose: the translation may change them.
TEXT_IN_MATH = re.compile(r"\\text\{(?:[^{}]|\{[^{}]*\})*\}")
LINK = re.compile(r"\]\(([^)\s]+)\)|<(https?://[^>\s]+)>|href=\"([^\"]+)\"")


def role_key(name: str, text: str) -> str:
    """What a role must keep: its target (the text inside <...>, or all of it)."""
    target = re.search(r"<([^<>]+)>\s*$", text)
    if target:
        return f"{name}:{target.group(1).strip()}"
    if name in TRANSLATABLE_ROLE_TEXT or name.startswith("cite"):
        return f"{name}:{text.strip()}"
    return f"{name}:*"  # e.g. {sub-ref}: only the role itself must be there


def markup(message: str) -> dict[str, Counter]:
    """The markup of a message that a translation must keep, as multisets."""
    roles = Counter(role_key(n, t) for n, t in ROLE.findall(message))
    without_roles = ROLE.sub(" ", message)
    math = Counter(" ".join(TEXT_IN_MATH.sub(r"\\text{}", a or b).split()) for a, b in MATH.findall(without_roles))
    code = Counter(CODE.findall(MATH.sub(" ", without_roles)))
    links = Counter(next(g for g in groups if g) for groups in LINK.findall(message))
    return {"roles": roles, "math": math, "code": code, "links": links}


def problems_in(path: Path, expected: set[str] | None) -> list[str]:
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    found, ids = [], set()
    for message in catalogue:
        if not message.id:
            continue
        ids.add(message.id)
        short = message.id[:70].replace("\n", " ")
        if message.fuzzy:
            found.append(f"{path}: fuzzy: {short!r}")
        if not message.string:
            found.append(f"{path}: untranslated: {short!r}")
            continue
        want, got = markup(message.id), markup(message.string)
        for kind in want:
            if want[kind] != got[kind]:
                lost = sorted((want[kind] - got[kind]).elements())
                extra = sorted((got[kind] - want[kind]).elements())
                found.append(f"{path}: {kind} differ in {short!r}: missing {lost}, added {extra}")
    if expected is not None:
        for missing in sorted(expected - ids):
            found.append(f"{path}: not in the catalogue (run `nox -s translations`): {missing[:70]!r}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("catalogues", nargs="?", type=Path, default=CATALOGUES)
    parser.add_argument("--pot", type=Path, help="the templates `sphinx-build -b gettext` wrote")
    args = parser.parse_args(argv)
    paths = sorted(args.catalogues.rglob("*.po"))
    if not paths:
        print(f"no catalogues under {args.catalogues}", file=sys.stderr)
        return 1
    problems = []
    if args.pot is not None:
        templates = {p.relative_to(args.pot).with_suffix(".po") for p in args.pot.rglob("*.pot")}
        for extra in sorted({p.relative_to(args.catalogues) for p in paths} - templates):
            problems.append(f"{extra}: a catalogue for a page that no longer exists")
        for lacking in sorted(templates - {p.relative_to(args.catalogues) for p in paths}):
            problems.append(f"{lacking}: no catalogue (run `nox -s translations`)")
    for path in paths:
        expected = None
        if args.pot is not None:
            template = args.pot / path.relative_to(args.catalogues).with_suffix(".pot")
            if template.exists():
                with template.open("rb") as handle:
                    expected = {m.id for m in read_po(handle) if m.id}
        problems += problems_in(path, expected)
    for problem in problems:
        print(problem)
    print(f"{len(paths)} catalogues, {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
