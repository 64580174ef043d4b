"""Write the small intersphinx inventories the offline build resolves against.

The build needs no network: each inventory lists only the objects our docstrings and
pages reference, with their address in the project's online documentation. Run this
script after adding a reference to a new numpy, scipy or Python object:

    python conf/intersphinx/make_inventories.py
"""

from __future__ import annotations

import zlib
from pathlib import Path

HERE = Path(__file__).parent

# project -> (name, domain:role, relative URI) ; "$" in a URI stands for the name.
INVENTORIES: dict[str, tuple[str, str, list[tuple[str, str, str]]]] = {
    "python": (
        "Python",
        "3",
        [
            ("bool", "py:class", "library/functions.html#bool"),
            ("dict", "py:class", "library/stdtypes.html#dict"),
            ("float", "py:class", "library/functions.html#float"),
            ("int", "py:class", "library/functions.html#int"),
            ("list", "py:class", "library/stdtypes.html#list"),
            ("object", "py:class", "library/functions.html#object"),
            ("str", "py:class", "library/stdtypes.html#str"),
            ("tuple", "py:class", "library/stdtypes.html#tuple"),
            ("None", "py:data", "library/constants.html#None"),
            ("TypeError", "py:exception", "library/exceptions.html#$"),
            ("ValueError", "py:exception", "library/exceptions.html#$"),
            ("collections.abc.Callable", "py:class", "library/collections.abc.html#$"),
            ("collections.abc.Iterable", "py:class", "library/collections.abc.html#$"),
        ],
    ),
    "numpy": (
        "NumPy",
        "stable",
        [
            ("numpy.ndarray", "py:class", "reference/generated/numpy.ndarray.html#$"),
            ("numpy.dtype", "py:class", "reference/generated/numpy.dtype.html#$"),
            ("numpy.generic", "py:class", "reference/arrays.scalars.html#$"),
            ("numpy.typing.ArrayLike", "py:data", "reference/typing.html#$"),
            (
                "numpy.lib.stride_tricks.sliding_window_view",
                "py:function",
                "reference/generated/numpy.lib.stride_tricks.sliding_window_view.html#$",
            ),
        ],
    ),
    "scipy": (
        "SciPy",
        "stable",
        [
            ("scipy.signal.correlate2d", "py:function", "reference/generated/$.html#$"),
            ("scipy.signal.convolve2d", "py:function", "reference/generated/$.html#$"),
            ("scipy.signal.choose_conv_method", "py:function", "reference/generated/$.html#$"),
            ("scipy.signal.fftconvolve", "py:function", "reference/generated/$.html#$"),
            ("scipy.sparse.csr_array", "py:class", "reference/generated/$.html#$"),
            ("scipy.fft.next_fast_len", "py:function", "reference/generated/$.html#$"),
        ],
    ),
}


def write(name: str, project: str, version: str, entries: list[tuple[str, str, str]]) -> None:
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n"
        f"# Version: {version}\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    body = "".join(f"{obj} {role} 1 {uri.replace('$', obj)} -\n" for obj, role, uri in entries)
    (HERE / f"{name}.inv").write_bytes(header.encode() + zlib.compress(body.encode(), 9))


if __name__ == "__main__":
    for name, (project, version, entries) in INVENTORIES.items():
        write(name, project, version, entries)
