"""The PDF of the site (`nox -s pdf`, tools/print_pdf.py), read back with pypdf and held to the HTML.

The HTML pages of the build (`--site`, build/html) are the reference: every numbered element
(theorem, lemma, corollary, definition, exercise, figure, equation) must appear in the PDF
with the same number, in the same order, one chapter per page of the site's navigation.
The PDF must also have its outline, a plausible page count, solutions, internal links
that reach their targets, and no unresolved reference ("??") or raw TeX.
"""

from __future__ import annotations

import html as htmllib
import os
import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest

pypdf = pytest.importorskip("pypdf", reason="the PDF tests need pypdf (the `pdf` extra)")

ROOT = Path(__file__).parent.parent
PDF = Path(os.environ.get("CONVDOT_PDF", ROOT / "build" / "pdf" / "convdot.pdf"))
CAPTION = re.compile(r'<span class="caption-number">([^<]+)</span>(.*?)</(?:p|figcaption)>', re.S)
EQNO = re.compile(r'<span class="eqno">\((\d+)\)')
NAV = re.compile(r"<nav class=\"[^\"]*bd-docs-nav.*?</nav>", re.S)
NAV_LINK = re.compile(r'<a class="reference internal" href="([^"#]+)"')


# What the book says in each edition's language, where the site's <html lang> names it.
BOOK_WORDS = {
    "en": {
        "contents": "Contents",
        "version": "Version",
        "cite": "How to cite",
        "solution": "Solution to Exercise",
        "solutions": "Solutions to the exercises of chapter",
    },
    "es": {
        "contents": "Contenido",
        "version": "Versión",
        "cite": "Cómo citar",
        "solution": "Solución a Ejercicio",
        "solutions": "Soluciones de los ejercicios del capítulo",
    },
}


@pytest.fixture(scope="module")
def words(site: Path) -> dict[str, str]:
    lang = re.search(r'<html[^>]*\blang="([^"]+)"', (site / "index.html").read_text(encoding="utf-8"))
    return BOOK_WORDS[lang[1] if lang else "en"]


def squash(text: str) -> str:
    """Text without whitespace, ligatures undone (pypdf reads "ﬀ" as one character)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@cache
def reader() -> pypdf.PdfReader:
    if not PDF.is_file():
        pytest.fail(f"no PDF at {PDF}: build it with `nox -s pdf`")
    return pypdf.PdfReader(PDF)


@cache
def pdf_text() -> str:
    return "\n".join(page.extract_text() or "" for page in reader().pages)


def chapters(site: Path) -> list[Path]:
    """The pages in the order of the site's navigation, the front page first (the PDF's chapters)."""
    index = site / "index.html"
    links = NAV_LINK.findall(NAV.search(index.read_text(encoding="utf-8"))[0])
    return list(dict.fromkeys([index, *((site / link).resolve() for link in links)]))


def numbered(page: Path) -> list[str]:
    """The numbered elements of one HTML page, in order, as the PDF prints them (whitespace removed).

    A title without math is kept (its first three words), so "Theorem 3" must be followed by
    its own title, not merely occur somewhere.
    """
    text = page.read_text(encoding="utf-8")
    found = []
    for match in CAPTION.finditer(text):
        label, rest = match[1].strip(), match[2]
        words = [] if 'class="math' in rest else htmllib.unescape(re.sub(r"<[^>]+>", "", rest)).split()[:3]
        found.append(squash(label + "".join(words)))
    return found + [f"({number})" for number in EQNO.findall(text)]


def title_of(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    h1 = re.search(r"<h1>(.*?)<a class=\"headerlink\"", text[text.find('<article class="bd-article">') :], re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", "", h1[1])) if h1 else ""


def test_every_numbered_element_has_the_htmls_number_in_the_htmls_order(site: Path) -> None:
    text = squash(pdf_text())
    position, missing, count = 0, [], 0
    for page in chapters(site):
        for item in numbered(page):
            count += 1
            at = position
            while (at := text.find(item, at)) >= 0 and item[-1].isdigit() and text[at + len(item) :][:1].isdigit():
                at += 1  # "Exercise 1" is not "Exercise 12" (a title may well go on with a number)
            if at < 0:
                missing.append(f"{page.name}: {item}")
            else:
                position = at + len(item)
    assert count > 0, "the HTML has no numbered element: is --site the built site?"
    assert not missing, f"{len(missing)} of {count} numbered elements not found in order in the PDF: {missing[:10]}"


def test_the_outline_has_the_contents_and_one_numbered_chapter_per_page(site: Path, words) -> None:
    top = [item.title for item in reader().outline if not isinstance(item, list)]
    pages = chapters(site)
    assert squash(top[0]) == squash(words["contents"]), top[:3]
    assert len(top) == 1 + len(pages), (len(top), len(pages))
    for number, (title, page) in enumerate(zip(top[1:], pages, strict=True), start=1):
        assert squash(title).startswith(str(number)), (title, page.name)
        if "\\(" not in title_of(page):  # a title's math is not in the outline's text
            assert squash(title) == squash(f"{number} {title_of(page)}"), (title, page.name)
    sections = [item for item in reader().outline if isinstance(item, list)]
    assert sum(len(s) for s in sections) > len(pages), "the outline has no sections"


def test_page_count_fits_a_book_of_the_site(site: Path) -> None:
    pages = len(reader().pages)
    assert 2 + len(chapters(site)) <= pages <= 600, pages  # title, contents, a page or more per chapter


def test_no_unresolved_reference_and_no_raw_tex() -> None:
    text = pdf_text()
    assert "??" not in text
    raw = re.findall(r".{0,40}(?:\\\(|\\\)|\\\[|\\\]|\$\$).{0,40}", text)
    assert not raw, f"TeX source left in the PDF: {raw[:5]}"


def test_title_page_gives_the_version_and_the_citation(words) -> None:
    version = re.search(r'__version__ = "([^"]+)"', (ROOT / "src" / "convdot" / "_version.py").read_text())[1]
    first = squash(reader().pages[0].extract_text())
    assert squash(f"{words['version']} {version}") in first
    assert squash(words["cite"]) in first


def test_every_solution_is_printed_after_its_chapters_exercises(site: Path, words) -> None:
    expected = sum(
        len(re.findall(r'<div class="solution\b', page.read_text(encoding="utf-8"))) for page in chapters(site)
    )
    text = squash(pdf_text())
    assert expected > 0
    solution = squash(words["solution"])
    assert text.count(solution) == expected, (text.count(solution), expected)
    assert squash(words["solutions"]) in text


def test_internal_links_reach_named_destinations() -> None:
    destinations = set(reader().named_destinations)
    links, broken = 0, []
    for page in reader().pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link" or "/Dest" not in annotation:
                continue
            links += 1
            dest = annotation["/Dest"]
            if isinstance(dest, str) and dest not in destinations:
                broken.append(dest)
    assert links > 100, f"only {links} internal links"
    assert not broken, broken[:10]
