"""The Spanish edition (build/html/es/) is the English one in Spanish: the same pages, labels, numbers,
formulas, links and code, every message translated, and MyST's known gettext pitfalls avoided.

Read from the built HTML and the catalogues (docs/locales/es/LC_MESSAGES/); the browser tests
(test_browser.py) read the Spanish pages too, since they visit every page of the build. The
pitfalls each have a test: MyST-NB #587 (notebook pages failed to translate at all), MyST-Parser
#690 (links lost in translated paragraphs) and MyST-Parser #269 (a role whose text runs over a
line break).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from conftest import ROOT, pages_of

DOCS = ROOT / "docs"
CATALOGUES = DOCS / "locales" / "es" / "LC_MESSAGES"
SPANISH = "es"
# MyST markup that must never reach a reader: a role or a glued value left unparsed.
RAW_MARKUP = re.compile(r"\{(?:doc|ref|prf:ref|numref|eq|cite:[pt]|glue:\w+|sub-ref)\}`|\]\(#|\*\*\w")


class Page(HTMLParser):
    """What the tests compare in one built page."""

    SKIP = frozenset({"pre", "code", "script", "style", "textarea", "mjx-container", "svg"})

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.lang = None
        self.h1: list[str] = []
        self.numbered: set[tuple[str, str]] = set()  # (id of a numbered element, its number)
        self.links: Counter = Counter()  # hrefs inside the article
        self.editions: list[tuple[str, str]] = []  # (hreflang, href) of the language switcher
        self.formulas = 0
        self.code: list[str] = []
        self.text: list[str] = []
        self._stack: list[tuple[str, dict]] = []
        self._skip = 0
        self._in_h1 = False
        self._in_code_cell = 0
        self._last_id = ""
        self._number = False
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "html":
            self.lang = a.get("lang")
        if a.get("id"):
            self._last_id = a["id"]
        if tag == "a" and a.get("hreflang") and "convdot-edition" in classes:
            self.editions.append((a["hreflang"], a.get("href", "")))
        elif tag == "a" and a.get("href") and any(t == "article" for t, _ in self._stack):
            self.links[a["href"]] += 1
        if tag == "mjx-container":
            self.formulas += 1
        if tag == "span" and ("caption-number" in classes or "eqno" in classes):
            self._number = True
        if tag == "h1":
            self._in_h1 = True
        if tag == "div" and "cell_input" in classes:
            self._in_code_cell = 1
        elif self._in_code_cell and tag == "div":
            self._in_code_cell += 1
        if tag in self.SKIP:
            self._skip += 1
        if tag not in ("br", "img", "meta", "link", "input", "hr", "source", "wbr", "col"):
            self._stack.append((tag, a))

    def handle_endtag(self, tag):
        while self._stack:
            open_tag, _ = self._stack.pop()
            if open_tag in self.SKIP:
                self._skip -= 1
            if open_tag == "h1":
                self._in_h1 = False
            if open_tag == "div" and self._in_code_cell:
                self._in_code_cell -= 1
            if open_tag == "span":
                self._number = False
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self._number and data.strip():
            self.numbered.add((self._last_id, "".join(re.findall(r"[\d.]+", data)).strip(".")))
        if self._in_code_cell:
            self.code.append(data)
        if self._skip:
            return
        if any(t == "article" for t, _ in self._stack):
            self.text.append(data)
            if self._in_h1:
                self.h1.append(data.strip())


@pytest.fixture(scope="module")
def english_pages(site: Path) -> list[str]:
    return [p for p in pages_of(site) if not p.startswith(f"{SPANISH}/")]


@functools.cache
def read(path: Path) -> Page:
    return Page(path)


def both(site: Path, page: str) -> tuple[Page, Page]:
    return read(site / page), read(site / SPANISH / page)


def article_pages(english_pages: list[str]) -> list[str]:
    """The pages made from docs/ (not the general index or the search page)."""
    return [p for p in english_pages if p not in ("genindex.html", "search.html", "py-modindex.html")]


def test_every_english_page_has_a_spanish_page_of_the_same_name(site: Path, english_pages: list[str]) -> None:
    spanish = {p.removeprefix(f"{SPANISH}/") for p in pages_of(site) if p.startswith(f"{SPANISH}/")}
    assert set(english_pages) == spanish, set(english_pages) ^ spanish


def test_each_edition_declares_its_language(site: Path, english_pages: list[str]) -> None:
    for page in english_pages:
        english, spanish = both(site, page)
        assert (english.lang, spanish.lang) == ("en", "es"), page


def test_the_language_switcher_leads_to_the_same_page_in_the_other_edition(site: Path, english_pages) -> None:
    for page in article_pages(english_pages):
        english, spanish = both(site, page)
        to_spanish = dict(english.editions).get("es")
        to_english = dict(spanish.editions).get("en")
        assert to_spanish and to_english, f"{page}: no language switcher"
        assert ((site / page).parent / to_spanish).resolve() == (site / SPANISH / page).resolve(), page
        assert ((site / SPANISH / page).parent / to_english).resolve() == (site / page).resolve(), page


def test_theorem_figure_and_equation_numbers_are_the_same_in_both_editions(site: Path, english_pages) -> None:
    compared = 0
    for page in article_pages(english_pages):
        english, spanish = both(site, page)
        assert english.numbered == spanish.numbered, f"{page}: {english.numbered ^ spanish.numbered}"
        compared += len(english.numbered)
    assert compared > 50  # the theorems, figures and equations of the site, not an empty match


def test_every_formula_of_a_page_is_in_its_spanish_page(site: Path, english_pages: list[str]) -> None:
    for page in article_pages(english_pages):
        english, spanish = both(site, page)
        assert english.formulas == spanish.formulas, page


def test_code_cells_are_the_same_in_both_editions(site: Path, english_pages: list[str]) -> None:
    cells = 0
    for page in article_pages(english_pages):
        english, spanish = both(site, page)
        assert "".join(english.code) == "".join(spanish.code), page
        cells += bool(english.code)
    assert cells > 15


def test_links_survive_translation_myst_parser_690(site: Path, english_pages: list[str]) -> None:
    """Every link of an English page's article is in its Spanish page, as often (MyST-Parser #690)."""
    for page in article_pages(english_pages):
        english, spanish = both(site, page)
        lost = english.links - spanish.links  # (a passage of the Spanish edition only may add links)
        assert not lost, f"{page}: links lost in Spanish: {lost}"


def test_the_sources_use_no_reference_style_links_which_lose_their_target_in_translation() -> None:
    """`[text][label]` with `[label]: url` elsewhere breaks in a translated paragraph (MyST-Parser #690)."""
    for source in DOCS.glob("*.md"):
        text = re.sub(r"```.*?```", "", source.read_text(encoding="utf-8"), flags=re.S)
        assert not re.search(r"^\[[^\]]+\]:\s", text, re.M), f"{source.name} defines a reference-style link"


def test_no_spanish_page_shows_raw_myst_markup(site: Path, english_pages: list[str]) -> None:
    for page in article_pages(english_pages):
        text = " ".join(read(site / SPANISH / page).text)
        assert not RAW_MARKUP.search(text), f"{page}: {RAW_MARKUP.search(text).group(0)!r} in the Spanish page"


def catalogue(page: str) -> dict[str, str]:
    with (CATALOGUES / page).with_suffix(".po").open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id}


def test_notebook_pages_are_translated_myst_nb_587(site: Path, english_pages: list[str]) -> None:
    """Pages executed by myst-nb come out in Spanish (MyST-NB #587 made them fail or stay English)."""
    executed = [p for p in article_pages(english_pages) if read(site / p).code]
    assert len(executed) > 15
    for page in executed:
        english, spanish = both(site, page)
        title = " ".join(english.h1).replace("#", "").strip()
        wanted = catalogue(page).get(title)
        assert wanted, f"{page}: the title {title!r} is not in its catalogue"
        assert " ".join(spanish.h1).replace("#", "").strip() == re.sub(r"[*`]", "", wanted), page


ROLE_OVER_A_LINE_BREAK = re.compile(r"\{[\w:-]+\}`[^`]*\n[^`]*`")
ROLE_TARGET = re.compile(r"(?P<role>\{[\w:-]+\})`(?P<text>[^`]*)`")


def target_of(role: str) -> str:
    """What a role points at: the `<target>` of `text <target>`, else its whole text."""
    text = ROLE_TARGET.match(role).group("text")
    target = re.search(r"<[^<>]+>\s*$", text)
    return target.group(0) if target else text


def test_roles_running_over_a_line_break_are_translated_myst_parser_269(site: Path) -> None:
    """A role whose text runs over a line break is one message, translated, and resolved on the page."""
    found = 0
    for source in sorted(DOCS.glob("*.md")):
        text = re.sub(r"```.*?```", "", source.read_text(encoding="utf-8"), flags=re.S)
        roles = [r.group(0) for r in ROLE_OVER_A_LINE_BREAK.finditer(text)]
        if not roles:
            continue
        messages = catalogue(source.name)
        for role in roles:
            flat = " ".join(role.split())
            holding = [m for m in messages if flat in " ".join(m.split())]
            assert holding, f"{source.name}: no message holds {flat!r}"
            # the translation keeps the role and its target (its text may be translated)
            kept = re.escape(ROLE_TARGET.match(flat).group("role")) + r"`[^`]*" + re.escape(target_of(flat))
            assert all(re.search(kept, messages[m]) for m in holding), f"{source.name}: {flat!r} lost"
            found += 1
        page = source.with_suffix(".html").name
        assert not RAW_MARKUP.search(" ".join(read(site / SPANISH / page).text)), page
    assert found, "no role runs over a line break: keep one (hadamard-dot.md) so that this stays tested"


def test_the_spanish_search_index_is_stemmed_in_spanish(site: Path) -> None:
    import snowballstemmer

    language_data = (site / SPANISH / "_static" / "language_data.js").read_text(encoding="utf-8")
    assert "SpanishStemmer" in language_data
    index = (site / SPANISH / "searchindex.js").read_text(encoding="utf-8")
    stem = snowballstemmer.stemmer("spanish").stemWord("convoluciones")
    assert stem != "convoluciones" and f'"{stem}"' in index
    assert f'"{stem}"' not in (site / "searchindex.js").read_text(encoding="utf-8")


def test_every_notebook_has_a_spanish_edition_with_the_same_code_and_spanish_prose(site: Path) -> None:
    """The Spanish pages offer their notebooks too: the same code cells, the prose from the catalogue."""
    import json

    english = sorted(p.name for p in (site / "_sources").glob("*.ipynb"))
    assert english and english == sorted(p.name for p in (site / SPANISH / "_sources").glob("*.ipynb"))
    for name in english:
        cells = {
            edition: json.loads((root / "_sources" / name).read_text(encoding="utf-8"))["cells"]
            for edition, root in (("en", site), ("es", site / SPANISH))
        }
        code = {
            edition: ["".join(c["source"]) for c in cells[edition] if c["cell_type"] == "code"] for edition in cells
        }
        assert code["en"] == code["es"], name
        prose = {
            edition: "".join("".join(c["source"]) for c in cells[edition] if c["cell_type"] == "markdown")
            for edition in cells
        }
        assert prose["en"] != prose["es"], name
        title = catalogue(name.removesuffix(".ipynb") + ".md").get(
            " ".join(read(site / name.replace(".ipynb", ".html")).h1).replace("#", "").strip()
        )
        assert title and title in prose["es"], name
