"""The site's editions, in one place: English, the source, at the site's root; each translation in a folder.

Plain data, importable without Sphinx: conf/translation.py (the language switcher) and
conf/site_build.py import it, and noxfile.py, tests_site/ and tools/compare_builds.py read it
with `runpy.run_path`. A new language is a line here, a catalogue folder in docs/locales/,
and its words for the explorer (conf/explorer/words.mjs).
"""

SOURCE = "en"
"""The language the pages are written in; the other editions are translated from it."""

EDITIONS = {"en": ("English", ""), "es": ("Español", "es")}
"""Language code: (the edition's name in its own language, its folder in the site; the source's is the root)."""

# `nox -s docs` builds the editions side by side: a translation's build starts with the source's,
# and waits, before it opens the execution cache the editions share, until the source's build has
# read (so executed) every page. Then no page executes twice and no two builds write the cache.
READING_LOCK_FD = "CONVDOT_READING_LOCK_FD"
"""Environment variable of the source's build: the descriptor of a lock it holds until it has read every page."""
READING_LOCK = "CONVDOT_READING_LOCK"
"""Environment variable of a translation's build: the path of that lock, which it waits for."""
