"""Sphinx configuration: `sphinx-build -c conf docs build/html` (see noxfile.py)."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

CONF = Path(__file__).parent
ROOT = CONF.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(CONF))  # for the local extension conf/site_build.py

# The version from its one file, without importing the package: Sphinx itself never needs
# numpy and scipy (the pages' kernels do), and importing them took a second of every rebuild.
__version__ = runpy.run_path(str(ROOT / "src" / "convdot" / "_version.py"))["__version__"]

project = "convdot"
author = "The convdot developers"
copyright = "2026, The convdot developers. Text CC BY 4.0, code BSD-3-Clause"
version = release = __version__

extensions = [
    "myst_nb",
    "autodoc2",
    "sphinx.ext.intersphinx",
    "site_build",  # offline MathJax, pages re-run when src/convdot changes, reproducible bytes
    "explorer.directive",  # the interactive explorer (conf/explorer/), checked against convdot in Node
    "sphinx_proof",
    "sphinxcontrib.bibtex",
    "sphinx_exercise",
    "sphinx_togglebutton",
    "take_away",  # each executed page as a notebook, the library's wheel, the PDF in the download button
    "sphinxext.opengraph",  # Open Graph tags: a shared link shows the title and the social card
    "translation",  # the Spanish edition: one-edition passages, cell figures' alt text, the language switcher
]

# Pages are MyST text notebooks; a failing cell fails the build. Their outputs are cached by the
# code of their cells and the library's source (conf/site_build.py), so an edit of prose only,
# or the Spanish edition, executes nothing again.
nb_execution_mode = "cache"
nb_execution_show_tb = True  # a failing page names its cell and error
nb_execution_raise_on_error = True
nb_execution_timeout = 600  # per cell; the performance page's timing cells take minutes on a busy machine
nb_merge_streams = True
myst_enable_extensions = ["amsmath", "dollarmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# API reference, generated from the docstrings (written in MyST) into docs/apidocs/.
autodoc2_packages = [{"path": "../src/convdot", "module": "convdot"}]  # relative to conf/
autodoc2_render_plugin = "myst"
autodoc2_docstring_parser_regexes = [(r".*", "myst")]
autodoc2_hidden_objects = ["private", "inherited", "dunder"]
# The public API is documented where users import it from (`convdot.correlate2d`,
# `convdot.forms.correlate_loops`): the packages' __all__ decides, and the modules
# that only define those objects get no page of their own.
autodoc2_module_all_regexes = [r"convdot", r"convdot\.forms", r"convdot\.layer"]
autodoc2_skip_module_regexes = [
    r"convdot\._.*",
    r"convdot\.correlate",
    r"convdot\.forms\..*",
    r"convdot\.figures(\..*)?",  # the site's figures: drawing code for the pages, not part of the API
    # the fast forms and their helpers are documented in their modules; the rest of the layer
    # (conv, methods, transpose, grad, counts) through convdot.layer's and convdot's __all__
    r"convdot\.layer\.(?!fast$|winograd$|blas$|phases$|blocks$|dft$).*",
]

# Links to numpy/scipy resolve offline from inventories kept in conf/intersphinx/
# (built by conf/intersphinx/make_inventories.py) and point online when read.
intersphinx_mapping = {
    "python": ("https://docs.python.org/3/", str(CONF / "intersphinx" / "python.inv")),
    "numpy": ("https://numpy.org/doc/stable/", str(CONF / "intersphinx" / "numpy.inv")),
    "scipy": ("https://docs.scipy.org/doc/scipy/", str(CONF / "intersphinx" / "scipy.inv")),
}
nitpicky = True

# Theorems (sphinx-proof: labels are the HTML anchors, e.g. hadamard-dot.html#thm-hadamard-dot),
# the bibliography (sphinxcontrib-bibtex) and exercises whose solutions
# start collapsed (sphinx-exercise, `:class: dropdown` through sphinx-togglebutton).
bibtex_bibfiles = [str(ROOT / "docs" / "references.bib")]
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"
proof_minimal_theme = False

# CITATION.cff states the version a course cites; it must be the package's (src/convdot/_version.py).
_cff_version = next(
    line.split(":", 1)[1].strip().strip("\"'")
    for line in (ROOT / "CITATION.cff").read_text(encoding="utf-8").splitlines()
    if line.startswith("version:")
)
if _cff_version != __version__:
    raise RuntimeError(f"CITATION.cff says version {_cff_version!r} but src/convdot/_version.py says {__version__!r}")

html_theme = "sphinx_book_theme"
html_title = f"convdot {version}"
html_static_path = [str(CONF / "_static")]
templates_path = [str(CONF / "_templates")]
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": True,
    "article_header_end": ["language-switcher.html", "article-header-buttons.html"],
}
html_last_updated_fmt = None
# Math is typeset while the site is built (conf/site_build.py, prerender_math): MathJax 3 in
# Node writes CommonHTML with its assistive MathML into each page, so no math script runs in
# the reader's browser and no request leaves the site.
html_math_renderer = "prerendered"
# The theme's light/dark switch starts from the reader's system setting (an unset mode logs a
# console error in the pydata theme).
html_context = {"default_mode": "auto"}
# Fixes to the theme found by the browser tests (tests_site/): see the comments in the file.
html_css_files = ["convdot.css"]
# The site's icon and social card are drawn by the library from the answer figure
# (`python -m convdot.figures.answer conf/_static`; tests/test_figures_answer.py checks the copies).
html_favicon = str(CONF / "_static" / "favicon.svg")
ogp_site_name = "convdot"
ogp_image = "_static/social-card.png"
ogp_image_alt = (
    "A 3 by 3 window of the input times the kernel, entry by entry: nine products that sum to 4, "
    "and the same numbers as two vectors whose dot product is 4"
)
ogp_social_cards = {"enable": False}  # the card above, not one drawn per page
exclude_patterns = ["_build", "jupyter_execute", "**.ipynb_checkpoints", "apidocs/index.rst"]

# The Spanish edition (`-D language=es`, built into build/html/es/ by `nox -s docs`): Sphinx's
# gettext workflow with sphinx-intl, one catalogue per page in docs/locales/es/LC_MESSAGES/
# (`nox -s translations` refreshes them). English is the source and stays at the site's root.
language = "en"
locale_dirs = [str(ROOT / "docs" / "locales")]
gettext_compact = False  # one catalogue per page, named as the page is
gettext_location = False  # no line numbers in the catalogues: an edit elsewhere on a page changes nothing
gettext_uuid = False
# The gettext builder keeps the figures the cells draw, as HTML does, so that their alt text is
# extracted (conf/translation.py); myst-nb renders no image output for it otherwise.
nb_mime_priority_overrides = [("gettext", "image/svg+xml", 10), ("gettext", "image/png", 20)]
