"""Print the built site as one PDF: `python tools/print_pdf.py build/html build/pdf/convdot.pdf`.

`nox -s pdf` runs it after the HTML build. The site is served on 127.0.0.1 and read by
Chromium (Debian's at /usr/bin/chromium when it is there, else Playwright's own), which
fetches every page of the site's navigation into one document (tools/pdf/assemble.js),
typesets its math with the site's MathJax and prints it with the print style
tools/pdf/print.css: a title page with the version and the citation (from CITATION.cff),
the contents with page numbers, one numbered chapter per page, solutions at the end of each
chapter, page numbers in the footer, the contents as the PDF's outline, and links between
pages as links inside the PDF. Printing the HTML the site serves keeps every theorem,
figure, exercise and equation number the HTML's own.

The contents' page numbers need a first print: the outline says on which page each heading
landed, those numbers go into the contents (whose layout they do not change), and the
second print is the PDF.
"""

from __future__ import annotations

import argparse
import functools
import html
import http.server
import os
import re
import shutil
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
FOOTER = (
    '<div style="font-size:8px;width:100%;padding:0 16mm;display:flex;justify-content:space-between;'
    'color:#555;font-family:sans-serif"><span>{title}</span>'
    '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>'
)


def cff_fields(path: Path = ROOT / "CITATION.cff") -> dict[str, str]:
    """The top-level scalar fields of CITATION.cff (title, version, message, license...)."""
    fields = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := re.match(r"([a-z-]+):\s*(.+)$", line):
            fields[match[1]] = match[2].strip().strip("\"'")
    names = re.findall(r"-\s*name:\s*\"?([^\"\n]+)", path.read_text(encoding="utf-8"))
    fields["authors"] = ", ".join(names)
    return fields


# The book's own words, in the language of the edition printed (the site's <html lang>).
WORDS = {
    "en": {
        "version": "Version",
        "cite": "How to cite.",
        "numbers": "Theorem, definition, figure, exercise and equation numbers are those of the HTML edition of "
        "the same version, and every label is the anchor of its HTML element.",
        "licence": "Text CC BY 4.0, code BSD-3-Clause. "
        "Every number in this book was computed by the library while the site was built.",
        "contents": "Contents",
        "solutions": "Solutions to the exercises of chapter {n}",
        "its_solution": '<a href="{href}">Its solution</a> is at the end of this chapter.',
    },
    "es": {
        "version": "Versión",
        "cite": "Cómo citar.",
        "numbers": "Los números de teoremas, definiciones, figuras, ejercicios y ecuaciones son los de la edición "
        "HTML de la misma versión, y cada etiqueta es el ancla de su elemento HTML.",
        "licence": "Texto CC BY 4.0, código BSD-3-Clause. "
        "Cada número de este libro lo calculó la biblioteca mientras se construía el sitio.",
        "contents": "Contenido",
        "solutions": "Soluciones de los ejercicios del capítulo {n}",
        "its_solution": '<a href="{href}">Su solución</a> está al final de este capítulo.',
    },
}


def language_of(site: Path) -> str:
    """The edition's language, from its front page's <html lang> (English when it names none)."""
    found = re.search(r'<html[^>]*\blang="([^"]+)"', (site / "index.html").read_text(encoding="utf-8"))
    return found[1] if found and found[1] in WORDS else "en"


def citation(fields: dict[str, str], year: str, words: dict[str, str]) -> str:
    """The citation the title page prints: authors (year). title. Version v."""
    return f"{fields['authors']} ({year}). {fields['title']}. {words['version']} {fields['version']}."


def front_page(fields: dict[str, str], year: str, words: dict[str, str]) -> str:
    """The title page's HTML."""
    e = html.escape
    return (
        f'<p class="pdf-title-name">convdot</p>'
        f'<p class="pdf-title-sub">{e(fields["title"].split(":", 1)[-1].strip())}</p>'
        f'<p class="pdf-title-version">{e(words["version"])} {e(fields["version"])}</p>'
        f'<p class="pdf-title-authors">{e(fields["authors"])}</p>'
        f'<div class="pdf-title-cite"><p><strong>{e(words["cite"])}</strong> {e(fields.get("message", ""))}</p>'
        f"<p>{e(citation(fields, year, words))}</p>"
        f"<p>{e(words['numbers'])}</p></div>"
        f'<p class="pdf-title-licence">{e(words["licence"])}</p>'
    )


def add_outline(pdf: Path, entries: list[dict], numbers: list[int | None], contents: str) -> None:
    """The PDF's outline: the contents, then each chapter with its sections, at their pages."""
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=str(pdf))
    writer.add_outline_item(contents, 1)
    chapter = None
    for entry, page in zip(entries, numbers, strict=True):
        if page is None:
            continue
        title = re.sub(r"\\[()]", "", entry["title"])  # a heading's math as its TeX, without delimiters
        if entry["level"] == 1:
            chapter = writer.add_outline_item(title, page - 1)
        else:
            writer.add_outline_item(title, page - 1, parent=chapter)
    writer.page_mode = "/UseOutlines"
    with pdf.open("wb") as file:
        writer.write(file)


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def launch(playwright):
    """Debian's Chromium when installed, else Playwright's own (`playwright install chromium`)."""
    executable = os.environ.get("CONVDOT_CHROMIUM") or (str(CHROMIUM) if CHROMIUM.is_file() else None)
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)


def destination_pages(reader) -> dict[str, int]:
    """The page (1-based) of each named destination: Chromium names one after each linked id."""
    return {
        name.lstrip("/"): reader.get_destination_page_number(dest) + 1
        for name, dest in reader.named_destinations.items()
    }


def print_pdf(site: Path, out: Path, year: str) -> dict:
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    fields = cff_fields()
    words = WORDS[language_of(site)]
    server, base = serve(site)
    out.parent.mkdir(parents=True, exist_ok=True)
    options = {
        "format": "A4",
        "margin": {"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"},
        "print_background": True,
        "display_header_footer": True,
        "header_template": "<span></span>",
        "footer_template": FOOTER.format(title=html.escape(f"convdot {fields['version']}")),
        "outline": False,  # Chromium's doubles some headings' lines: the outline is written by add_outline
        "tagged": True,
    }
    try:
        with sync_playwright() as playwright:
            browser = launch(playwright)
            tab = browser.new_page(viewport={"width": 1000, "height": 1400})
            netloc = base.split("/")[2]
            tab.route("**/*", lambda r: r.continue_() if r.request.url.split("/")[2] == netloc else r.abort())
            tab.goto(base + "index.html", wait_until="load")
            tab.evaluate("async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }")
            tab.add_style_tag(path=str(HERE / "pdf" / "print.css"))
            assembly = (HERE / "pdf" / "assemble.js").read_text(encoding="utf-8")
            book = tab.evaluate(
                assembly, {"front": front_page(fields, year, words), "toc": words["contents"], "words": words}
            )
            problems = [f"image did not load: {src}" for src in book["broken"]]
            problems += [f"MathJax error: {error}" for error in book["errors"]]
            problems += [f"{book['unrendered']} formulas left untypeset"] if book["unrendered"] else []
            if problems:
                raise SystemExit("print_pdf: " + "; ".join(problems))
            tab.emulate_media(media="print")
            first = out.with_suffix(".first.pdf")
            tab.pdf(path=str(first), **options)  # same options: an untagged first print doubled the outline
            pages = destination_pages(PdfReader(first))
            numbers = [pages.get(entry["target"]) for entry in book["entries"]]
            tab.evaluate(
                """(numbers) => document.querySelectorAll(".pdf-toc-page").forEach((span, i) => {
                     span.textContent = numbers[i] === null ? "" : String(numbers[i]); })""",
                numbers,
            )
            tab.pdf(path=str(out), **options)
            first.unlink()
            add_outline(out, book["entries"], numbers, words["contents"])
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    missing = [e["title"] for e, n in zip(book["entries"], numbers, strict=True) if n is None]
    return {"chapters": len(book["chapters"]), "entries": len(numbers), "unnumbered": missing}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the built HTML site (build/html)")
    parser.add_argument("out", type=Path, help="the PDF to write (build/pdf/convdot.pdf)")
    parser.add_argument("--copy-into-site", action="store_true", help="also copy the PDF to SITE/convdot.pdf")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        parser.error(f"no built site in {args.site}: build it first")
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH") or time.time())
    start = time.perf_counter()
    report = print_pdf(args.site.resolve(), args.out.resolve(), time.strftime("%Y", time.gmtime(epoch)))
    if args.copy_into_site:
        shutil.copy2(args.out, args.site / "convdot.pdf")
    print(
        f"print_pdf: {args.out} ({report['chapters']} chapters, {report['entries']} contents entries) "
        f"in {time.perf_counter() - start:.1f} s"
    )
    if report["unnumbered"]:
        print(f"print_pdf: no page found for {report['unnumbered']}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
