"""The execution cache keeps every page's record while a parallel build adds records to it.

jupyter-cache trims its oldest records after caching each notebook, with two queries that a
worker adding its own record in between can make list that new record for deletion (see
`truncate_only_a_full_cache` in conf/site_build.py). The race is simulated: the query answers
with the record another worker has just created, before its notebook file exists.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "conf"))

from jupyter_cache import get_cache  # noqa: E402
from jupyter_cache.cache.db import NbCacheRecord  # noqa: E402
from jupyter_cache.cache.main import CacheBundleIn  # noqa: E402


def executed_notebook(source: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source, execution_count=1)
    cell.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=1)]
    return nbformat.v4.new_notebook(
        cells=[cell], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}}
    )


@pytest.fixture
def racing_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A cache whose trimming query lists a record that another worker is still writing."""
    import site_build

    site_build.truncate_only_a_full_cache()
    cache = get_cache(tmp_path / "cache")
    cache.cache_notebook_bundle(CacheBundleIn(executed_notebook("1 + 1"), uri="a.ipynb"), check_validity=False)
    writing = NbCacheRecord.create_record(uri="b.ipynb", hashkey="f" * 32, db=cache.db)  # no notebook yet
    monkeypatch.setattr(NbCacheRecord, "records_to_delete", staticmethod(lambda keep, db: [writing.pk]))
    return cache, writing


def test_a_cache_under_its_limit_keeps_a_record_another_worker_is_writing(racing_cache) -> None:
    cache, writing = racing_cache
    cache.cache_notebook_bundle(CacheBundleIn(executed_notebook("2 + 2"), uri="c.ipynb"), check_validity=False)
    assert {record.uri for record in cache.list_cache_records()} == {"a.ipynb", "b.ipynb", "c.ipynb"}
    assert NbCacheRecord.record_from_pk(writing.pk, cache.db).hashkey == "f" * 32


def test_a_cache_over_its_limit_is_still_trimmed(tmp_path: Path) -> None:
    import site_build

    site_build.truncate_only_a_full_cache()
    cache = get_cache(tmp_path / "cache")
    cache.change_cache_limit(1)
    for uri, source in (("a.ipynb", "1 + 1"), ("d.ipynb", "3 + 3")):
        cache.cache_notebook_bundle(CacheBundleIn(executed_notebook(source), uri=uri), check_validity=False)
    assert [record.uri for record in cache.list_cache_records()] == ["d.ipynb"]
