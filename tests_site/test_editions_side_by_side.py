"""The editions build side by side, and a translation reads no page before the source has read them all.

`nox -s docs` starts the Spanish build with the English one. The English build holds a lock
until it has read (so executed) every page (`READING_LOCK_FD`, conf/editions.py); the Spanish
build waits for it before myst-nb opens the execution cache they share (conf/site_build.py).
A tiny project is built the way the site is (`-W -j 2`, the site's extension), as two editions
whose builds log when each event happens.
"""

from __future__ import annotations

import fcntl
import os
import runpy
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EDITIONS = runpy.run_path(str(ROOT / "conf" / "editions.py"))

CONF = f"""
import sys
sys.path.insert(0, {str(ROOT / "conf")!r})
sys.path.insert(0, {{here!r}})
extensions = ["myst_nb", "site_build", "record"]
"""

# The source reads its page slowly (or fails reading it); each build logs what it did, and when.
RECORD = """
import os
import time
from pathlib import Path

LOG = Path(os.environ["TEST_EVENTS"])


def note(app, what):
    with LOG.open("a") as log:
        log.write(f"{time.monotonic()} {app.config.language} {what}\\n")


def read(app, docname, source):
    note(app, "reads " + docname)
    if app.config.language == "en" and docname == "slow":
        time.sleep(float(os.environ["TEST_READ_SECONDS"]))
        if os.environ.get("TEST_FAIL"):
            raise RuntimeError("the source edition failed to read its page")


def setup(app):
    app.connect("builder-inited", lambda app: note(app, "opens the cache"), priority=2)
    app.connect("source-read", read)
    # before conf/site_build.py lets the translation go on, in the same event
    app.connect("env-updated", lambda app, env: note(app, "has read every page"), priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
"""

PAGES = {
    "index": "# Tiny\n\n```{toctree}\nslow\nquick\n```\n",
    "slow": "# Slow\n\nRead slowly.\n",
    "quick": "# Quick\n",
}


def build_side_by_side(tmp_path: Path, read_seconds: float, fail: bool = False) -> tuple[dict, list[tuple]]:
    if not (ROOT / "node_modules" / "mathjax-full" / "package.json").is_file():
        pytest.fail(f"MathJax is not installed (conf/site_build.py needs it): run `npm ci` in {ROOT}")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(CONF.format(here=str(docs)), encoding="utf-8")
    (docs / "record.py").write_text(RECORD, encoding="utf-8")
    for name, text in PAGES.items():
        (docs / f"{name}.md").write_text(text, encoding="utf-8")
    events = tmp_path / "events.log"
    env = {**os.environ, "TEST_EVENTS": str(events), "TEST_READ_SECONDS": str(read_seconds)}
    if fail:
        env["TEST_FAIL"] = "1"

    def start(language: str, extra: dict[str, str], **popen) -> subprocess.Popen:
        command = [sys.executable, "-m", "sphinx", "-W", "-j", "2", "-b", "html", "-D", f"language={language}"]
        command += ["-d", str(tmp_path / f"doctrees-{language}"), str(docs), str(tmp_path / "html" / language)]
        return subprocess.Popen(
            command,
            env={**env, **extra},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            cwd=tmp_path,
            **popen,
        )

    lock_path = tmp_path / "reading.lock"
    with open(lock_path, "w") as lock:  # as noxfile.py's sphinx_site does
        fcntl.flock(lock, fcntl.LOCK_EX)
        source = start("en", {EDITIONS["READING_LOCK_FD"]: str(lock.fileno())}, pass_fds=(lock.fileno(),))
    translation = start("es", {EDITIONS["READING_LOCK"]: str(lock_path)})
    outputs = {}
    for language, build in (("en", source), ("es", translation)):
        try:
            outputs[language] = (build.communicate(timeout=120)[0], build.returncode)
        except subprocess.TimeoutExpired:
            for other in (source, translation):
                if other.poll() is None:
                    os.killpg(other.pid, signal.SIGKILL)
            pytest.fail(f"the {language} build was still running after 120 s")
    log = [line.split(" ", 2) for line in events.read_text(encoding="utf-8").splitlines()]
    return outputs, [(float(when), language, what) for when, language, what in log]


def first(log: list[tuple], language: str, what: str) -> float:
    return next(when for when, lang, did in log if lang == language and did == what)


def test_a_translation_opens_the_cache_only_after_the_source_has_read_every_page(tmp_path: Path) -> None:
    outputs, log = build_side_by_side(tmp_path, read_seconds=10)
    for language, (output, code) in outputs.items():
        assert code == 0, f"{language}:\n{output[-3000:]}"
    source_done = first(log, "en", "has read every page")
    assert first(log, "es", "opens the cache") >= source_done, log
    assert min(when for when, lang, did in log if lang == "es" and did.startswith("reads ")) >= source_done, log
    # and it did start beside the source: it waited, rather than starting after the source ended
    assert "waited" in outputs["es"][0], outputs["es"][0][-3000:]
    waited = float(outputs["es"][0].split("waited ", 1)[1].split(" s", 1)[0])
    assert waited >= 3, outputs["es"][0][-3000:]


def test_a_source_build_that_fails_reading_lets_the_translation_go_on(tmp_path: Path) -> None:
    start = time.monotonic()
    outputs, log = build_side_by_side(tmp_path, read_seconds=2, fail=True)
    assert outputs["en"][1] != 0, outputs["en"][0][-3000:]
    assert "the source edition failed to read its page" in outputs["en"][0], outputs["en"][0][-3000:]
    assert not any(lang == "en" and did == "has read every page" for _, lang, did in log), log
    assert outputs["es"][1] == 0, outputs["es"][0][-3000:]  # the lock went with the source's process
    assert time.monotonic() - start < 100
