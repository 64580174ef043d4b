"""Every notebook the site offers runs outside the site, from the wheel the site ships.

Run by `nox -s notebooks` in a new environment that holds the site's wheel
(`dist/convdot-<version>-py3-none-any.whl`), the notebooks' dependencies and a kernel, and
nothing of the repository: each downloaded notebook (`_sources/<page>.ipynb`) is copied
with the wheel into an empty folder and executed there by nbclient, its install cell
included, as a reader would run it.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

nbclient = pytest.importorskip("nbclient", reason="the notebook tests need nbclient (`nox -s notebooks`)")
import nbformat  # noqa: E402  (after the skip: nbclient brings it)


def site_of(config: pytest.Config) -> Path:
    return Path(config.getoption("--site")).resolve()


def notebooks_of(site: Path) -> list[str]:
    return sorted(p.relative_to(site / "_sources").as_posix() for p in (site / "_sources").rglob("*.ipynb"))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "notebook" in metafunc.fixturenames:
        metafunc.parametrize("notebook", notebooks_of(site_of(metafunc.config)))


@pytest.fixture(scope="module")
def wheel(site: Path) -> Path:
    (found,) = (site / "dist").glob("convdot-*-py3-none-any.whl")
    return found


def test_the_library_comes_from_the_wheel_not_the_repository() -> None:
    import convdot

    assert "site-packages" in Path(convdot.__file__).parts, convdot.__file__


def test_every_executed_page_offers_its_notebook(site: Path) -> None:
    """Each page with code cells (the pages myst-nb executed) links its notebook from the download button."""
    offered = {name.removesuffix(".ipynb") for name in notebooks_of(site)}
    assert len(offered) >= 10, offered
    for name in offered:
        html = (site / f"{name}.html").read_text(encoding="utf-8")
        assert f"_sources/{name}.ipynb" in html, f"{name}.html does not link its notebook"


def test_notebook_reads_in_jupyter_and_says_how_to_install(site: Path, notebook: str, wheel: Path) -> None:
    nb = nbformat.read(site / "_sources" / notebook, as_version=4)
    nbformat.validate(nb)
    assert nb.cells[0].cell_type == "markdown" and wheel.name in nb.cells[0].source
    assert nb.cells[1].cell_type == "code" and wheel.name in nb.cells[1].source
    markdown = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    left = re.findall(r"\{[\w:-]+\}`[^`]*`|^:::\{[^}]+\}.*$", markdown, flags=re.M)
    assert not left, f"MyST markup Jupyter cannot read: {left[:5]}"
    assert any(cell.get("outputs") for cell in nb.cells if cell.cell_type == "code"), "no outputs kept"


def test_notebook_runs_from_the_wheel(site: Path, notebook: str, wheel: Path, tmp_path: Path) -> None:
    shutil.copy2(wheel, tmp_path / wheel.name)
    path = tmp_path / Path(notebook).name
    shutil.copy2(site / "_sources" / notebook, path)
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": tmp_path}})
    client.execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, json.dumps(errors)[:2000]
