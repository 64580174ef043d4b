"""The Spanish edition: what Sphinx's gettext workflow leaves out, and the switch between editions.

- A tag per language (`lang_en`, `lang_es`), so that a page can hold a passage for one
  edition only (`:::{only} lang_es`): the question's page quotes the Spanish thread there.
- The alt text of a figure a page's cell draws. myst-nb makes those images after Sphinx's
  translation pass has run, so Sphinx neither extracts their alt text nor translates it; the
  gettext builder is given it here, and the other builders translate it from the page's
  catalogue.
- The files a page's cells write (their figures), kept out of the site: myst-nb writes them
  beside the output directory, which for the Spanish edition (build/html/es) is inside the
  English site; they go beside the edition's doctrees instead.
- A value a cell glues into a sentence (`{glue:text}`): Sphinx parses each translated paragraph
  as a document of its own, where myst-nb finds no glued values; the page's values are lent
  to it (`retrieve_glue_data`).
- The Markdown a cell glues into a page (`{glue:md}` as a directive) is output, not prose: its
  numbers change with every run, so it is never a message to translate.
- Translated nodes belong to their page: Sphinx parses each translation as a document of its
  own and moves its nodes into the page, where they still name that document, so every page's
  pickled doctree carried one document (settings, environment) per translated paragraph.
- The language switcher's target: the same page in the other edition (English at the site's
  root, Spanish under `es/`), for the template conf/_templates/language-switcher.html.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from editions import EDITIONS, SOURCE
from myst_nb.ext.glue import directives as glue_directives
from myst_nb.ext.glue import roles as glue_roles
from myst_nb.ext.glue import utils as glue_utils
from myst_nb.ext.glue.directives import PasteMarkdownDirective
from sphinx.application import Sphinx
from sphinx.locale import init as init_locale
from sphinx.transforms import SphinxTransform
from sphinx.util.i18n import docname_to_domain


def add_language_tag(app: Sphinx, config) -> None:
    app.tags.add(f"lang_{config.language}")


_retrieve_glue_data = glue_utils.retrieve_glue_data
_page_renderers: dict[str, object] = {}  # this process's page being read -> its myst-nb renderer


def retrieve_glue_data(document: nodes.document, key: str):
    """myst-nb's lookup of a glued value, which also works in a translated paragraph.

    myst-nb keeps a page's glued values on the page's renderer, held by the document while the
    page is parsed. A translation is parsed later, as a document of its own: it gets the
    renderer of the page it belongs to, remembered while that page was parsed.
    """
    env = getattr(document.settings, "env", None)
    if env is None or "nb_renderer" in document or env.docname not in _page_renderers:
        if env is not None and "nb_renderer" in document:
            _page_renderers.clear()
            _page_renderers[env.docname] = document["nb_renderer"]
        return _retrieve_glue_data(document, key)
    document["nb_renderer"] = _page_renderers[env.docname]
    try:
        return _retrieve_glue_data(document, key)
    finally:  # the translation's nodes keep their document, and the page's doctree is pickled
        del document["nb_renderer"]


class GluedMarkdown(PasteMarkdownDirective):
    """`{glue:md}` as myst-nb pastes it, with every paragraph marked as output, not a message."""

    def run(self):
        pasted = super().run()
        for node in pasted:
            for element in node.findall(nodes.TextElement):
                element["translatable"] = False
        return pasted


class AdoptTranslatedNodes(SphinxTransform):
    """Right after Sphinx's translation (`Locale`, priority 20): every node names the page's document."""

    default_priority = 21

    def apply(self, **kwargs) -> None:
        if self.config.language == SOURCE:
            return
        for node in self.document.findall():
            if node is not self.document and getattr(node, "_document", None) not in (None, self.document):
                node._document = None  # docutils then finds the document through the node's parents


def keep_cell_files_out_of_the_site(app: Sphinx) -> None:
    if app.config.language != SOURCE:
        folder = Path(app.doctreedir).parent / f"jupyter_execute-{app.config.language}"
        app.env.mystnb_config = app.env.mystnb_config.copy(output_folder=str(folder.resolve()))


def cell_images(doctree: nodes.document):
    """The images with alt text that the translation pass did not see (no uid)."""
    return [node for node in doctree.findall(nodes.image) if node.get("alt") and not hasattr(node, "uid")]


def translate_alt_text(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    images = cell_images(doctree)

    if not images:
        return
    if app.builder.name == "gettext":
        for node in images:
            node.uid = ""  # what the gettext builder looks for; the alt text is the message
            node.source = node.source or app.env.doc2path(docname)
        return
    if app.config.language == SOURCE:
        return
    dirs = [app.srcdir / directory for directory in app.config.locale_dirs]
    catalog, found = init_locale(dirs, app.config.language, docname_to_domain(docname, app.config.gettext_compact))
    if found:
        for node in images:
            node["alt"] = catalog.gettext(node["alt"])


def other_editions(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """`editions`: (language code, name, URL of this page there, is this edition) for each edition."""
    here = app.config.language
    site_root = "../" * (pagename.count("/") + (1 if EDITIONS[here][1] else 0))
    page = pagename + getattr(app.builder, "link_suffix", ".html")
    context["editions"] = [
        (code, name, site_root + (folder and folder + "/") + page, code == here)
        for code, (name, folder) in EDITIONS.items()
    ]


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("config-inited", add_language_tag)
    app.add_directive_to_domain("glue", "md", GluedMarkdown, override=True)
    glue_roles.retrieve_glue_data = glue_directives.retrieve_glue_data = retrieve_glue_data
    app.add_transform(AdoptTranslatedNodes)
    app.connect("builder-inited", keep_cell_files_out_of_the_site, priority=900)  # after myst-nb's own
    app.connect("doctree-resolved", translate_alt_text)
    app.connect("html-page-context", other_editions)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
