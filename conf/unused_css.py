"""Unused CSS: the rules of a stylesheet that no page or script of a site can make match.

A class that no page and no script names cannot be on any element, so a rule whose every
selector needs such a class never applies (`prune`). Selectors this reasoning cannot judge
stay: `:is()`, `:where()`, `:has()` (any one branch may match), escaped names, and the class
names Bootstrap composes at run time. No Sphinx here, so the tests import it alone.
"""

from __future__ import annotations

import re

CLASS = re.compile(r"\.((?:\\.|[\w-])+)")
OPAQUE = re.compile(r":(?:is|where|has|matches|-webkit-any|-moz-any)\(")
RUNTIME_PREFIXES = ("bs-",)  # Bootstrap composes these class names at run time (`bs-${name}-auto`)
GROUPS = ("@media", "@supports", "@layer", "@container", "@document")


def _end_of_block(css: str, start: int) -> int:
    """The index of the `}` closing the block whose `{` is at `start` (strings and comments skipped)."""
    depth, i, n = 0, start, len(css)
    while i < n:
        c = css[i]
        if c in "\"'":  # a string: skip to its closing quote (an escaped one does not close it)
            j = i + 1
            while j < n and css[j] != c:
                j += 2 if css[j] == "\\" else 1
            i = j + 1
            continue
        if css.startswith("/*", i):
            i = css.index("*/", i) + 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError("unbalanced braces in CSS")


def _selectors(text: str) -> list[str]:
    parts, depth, last = [], 0, 0
    for i, c in enumerate(text):
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[last:i])
            last = i + 1
    parts.append(text[last:])
    return parts


def _applies(selector: str, used: set[str]) -> bool:
    """Whether a selector can match: each class it requires is named somewhere in the site."""
    if OPAQUE.search(selector) or "\\" in selector:
        return True
    required = re.sub(r":not\((?:[^()]|\([^()]*\))*\)", "", selector)
    return all(name in used or name.startswith(RUNTIME_PREFIXES) for name in CLASS.findall(required))


def prune(css: str, used: set[str]) -> str:
    """The CSS without the rules (and selectors) that name a class no page or script of the site uses."""
    out, i, n = [], 0, len(css)
    while i < n:
        if css[i].isspace():
            i += 1
            continue
        if css.startswith("/*", i):
            end = css.index("*/", i) + 2
            if css.startswith("/*!", i):  # a licence comment stays
                out.append(css[i:end])
            i = end
            continue
        brace = css.find("{", i)
        semi = css.find(";", i)
        if css[i] == "@" and (brace == -1 or (semi != -1 and semi < brace)):
            out.append(css[i : semi + 1])  # @charset, @import, @namespace
            i = semi + 1
            continue
        end = _end_of_block(css, brace)
        head, body = css[i:brace], css[brace + 1 : end]
        if head.lstrip().startswith(GROUPS):
            inner = prune(body, used)
            if inner.strip():
                out.append(f"{head}{{{inner}}}")
        elif head.lstrip().startswith("@"):
            out.append(css[i : end + 1])  # @font-face, @keyframes, @page: as they are
        else:
            kept = [s for s in _selectors(head) if _applies(s, used)]
            if kept:
                out.append(",".join(kept) + "{" + body + "}")
        i = end + 1
    return "".join(out)
