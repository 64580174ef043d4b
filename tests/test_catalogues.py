"""The Spanish catalogues are complete, and their check (tools/check_catalogues.py) finds what it must.

Every message of docs/locales/es/LC_MESSAGES/ is translated, none is fuzzy, and each keeps its
English markup. The check itself is tested on the real messages: a translation that loses any
one role, formula, code span or link target, or that is left empty or fuzzy, is reported.
(`nox -s translations -- --check` also holds the catalogues to freshly extracted messages.)
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import check_catalogues as check  # noqa: E402 (tools/ is not a package)

CATALOGUES = sorted(check.CATALOGUES.rglob("*.po"))


def messages_with_markup() -> list[tuple[str, str, str, str]]:
    """(msgid, msgstr, kind, one markup item of that kind) for every markup item of every message."""
    found = []
    for path in CATALOGUES:
        with path.open("rb") as handle:
            for message in read_po(handle):
                if not message.id or not message.string:
                    continue
                for kind, items in check.markup(message.id).items():
                    found += [(message.id, message.string, kind, item) for item in items]
    return found


MARKED = messages_with_markup()


def problems_for(tmp_path: Path, msgid: str, msgstr: str, fuzzy: bool = False) -> list[str]:
    catalogue = Catalog(locale="es")
    catalogue.add(msgid, msgstr, flags=("fuzzy",) if fuzzy else ())
    path = tmp_path / "page.po"
    buffer = io.BytesIO()
    write_po(buffer, catalogue)
    path.write_bytes(buffer.getvalue())
    return check.problems_in(path, None)


def test_there_is_a_catalogue_for_every_page() -> None:
    pages = {p.stem for p in (ROOT / "docs").glob("*.md")}
    assert pages <= {p.stem for p in CATALOGUES}, pages - {p.stem for p in CATALOGUES}


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(check.CATALOGUES)))
def test_every_message_is_translated_not_fuzzy_and_keeps_its_markup(path: Path) -> None:
    assert check.problems_in(path, None) == []


def test_words_inside_a_formula_may_be_translated_but_the_formula_may_not_change(tmp_path: Path) -> None:
    msgid = r"$C = \sum_{u} A_u B_u \quad \text{(sum of products)}$ holds."
    assert problems_for(tmp_path, msgid, r"Vale $C = \sum_{u} A_u B_u \quad \text{(suma de productos)}$.") == []
    changed = problems_for(tmp_path, msgid, r"Vale $C = \sum_{v} A_v B_v \quad \text{(suma de productos)}$.")
    assert any("math differ" in p for p in changed)


def test_a_translation_left_empty_or_fuzzy_is_reported(tmp_path: Path) -> None:
    msgid, msgstr, _, _ = MARKED[0]
    assert problems_for(tmp_path, msgid, msgstr) == []
    assert any("untranslated" in p for p in problems_for(tmp_path, msgid, ""))
    assert any("fuzzy" in p for p in problems_for(tmp_path, msgid, msgstr, fuzzy=True))


def remove_one(text: str, kind: str, item: str) -> str:
    """The translation with one occurrence of a markup item taken out (its role, formula, code or link)."""
    if kind == "roles":
        spans = [m for m in check.ROLE.finditer(text) if check.role_key(m[1], m[2]) == item]
        span = spans[0]
        return text[: span.start()] + "…" + text[span.end() :]
    if kind == "math":
        for m in check.MATH.finditer(text):
            if " ".join(check.TEXT_IN_MATH.sub(r"\\text{}", m[1] or m[2]).split()) == item:
                return text[: m.start()] + "…" + text[m.end() :]
    if kind == "code":
        return text.replace(f"`{item}`", "…", 1)
    return text.replace(item, "…", 1)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(MARKED))
def test_a_translation_that_loses_any_markup_item_is_reported(tmp_path: Path, marked) -> None:
    msgid, msgstr, kind, item = marked
    broken = remove_one(msgstr, kind, item)
    if check.markup(broken)[kind] == check.markup(msgstr)[kind]:
        return  # the item also occurs elsewhere in a form this removal did not reach
    problems = problems_for(tmp_path, msgid, broken)
    assert any(f"{kind} differ" in p for p in problems), (kind, item, broken[:120])
