"""The docstrings' TeX reaches the API reference intact: no string in the library holds a control character.

A docstring with `$14 \\times 14$` that is not a raw string holds a tab followed by "imes"
(`\\t` is a valid escape, so Python does not warn), and the API page shows broken math.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent.parent / "src" / "convdot"
CONTROL = {"\t", "\b", "\f", "\v", "\a", "\r"}


@pytest.mark.parametrize("path", sorted(SOURCE.rglob("*.py")), ids=lambda p: str(p.relative_to(SOURCE)))
def test_no_string_constant_holds_an_escaped_tex_command(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    broken = [
        (node.lineno, node.value[:60])
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and CONTROL & set(node.value)
    ]
    assert not broken, f'use a raw string (r"""...""") for TeX: {broken}'
