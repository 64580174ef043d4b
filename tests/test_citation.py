"""CITATION.cff: the version a course cites is the package's, and the file has what CFF 1.2.0 requires."""

from __future__ import annotations

import re
from pathlib import Path

import convdot

CFF = Path(__file__).parents[1] / "CITATION.cff"


def _field(name: str) -> str:
    match = re.search(rf"^{name}:[ \t]*(.+)$", CFF.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert match, f"CITATION.cff has no top-level {name!r} field"
    return match.group(1).strip().strip("\"'")


def test_citation_version_is_the_package_version():
    assert _field("version") == convdot.__version__


def test_citation_declares_cff_1_2_0_and_its_required_fields():
    assert _field("cff-version") == "1.2.0"
    for required in ("message", "title"):
        assert _field(required)
    assert re.search(r"^authors:\s*\n\s+- (name|family-names):", CFF.read_text(encoding="utf-8"), flags=re.MULTILINE)
