r"""BLAS's matrix product into a strided output, accumulating: the one call numpy does not offer.

`np.matmul` multiplies strided matrices without copying them (it hands BLAS their leading
dimensions), but it always overwrites its output. The flat-shift form
({py:func}`convdot.layer.fast.conv2d_shifted`) needs the running sum $C \leftarrow C + A B$ of
$k_H k_W$ products, which with `np.matmul` costs a temporary and a pass over it per product.
BLAS's `?gemm` computes $C \leftarrow \alpha A B + \beta C$ directly; {py:func}`gemm` calls it
with `ctypes`, passing numpy views by address, shape and leading dimension.

**Which BLAS.** numpy's own, found among the libraries numpy's core extension module links
(`scipy_cblas_sgemm64_` in numpy's wheels, `cblas_sgemm64_` or `cblas_sgemm` in other builds),
so that a layer runs on the same BLAS threads as `np.matmul`. Two BLAS libraries in one process
each keep their own threads, which spin for a while after every call and slow the other's next
call; measured here, a layer alternating with numpy's products ran about 1.5 times slower on a
second BLAS. When numpy's BLAS cannot be found, SciPy's is used: SciPy exports it to compiled
code as `scipy.linalg.cython_blas`, whose table of C function pointers is read as Numba does.
When neither can be found, {py:func}`gemm` computes with numpy itself (`np.matmul`, and an
addition when accumulating): slower, never wrong, and never an error.

**Integer width.** An ILP64 BLAS takes 64-bit sizes, an LP64 one 32-bit sizes; calling one with
the other's integers is undefined. The width is read from numpy's build configuration
(`numpy.__config__.CONFIG`: OpenBLAS's configuration string says `USE64BITINT` for ILP64), and a
symbol whose name implies the other width is not used; only when the configuration says nothing
is the name (`64_` for ILP64) trusted alone.

Every operand is a numpy view, so every address BLAS touches lies inside an array numpy
allocated; {py:func}`gemm` checks the layouts, the alignment and that the output shares no
memory with an operand before the call, so a wrong one is a `ValueError`, never a read out of
bounds or a silently wrong product.
"""

from __future__ import annotations

import ctypes
import functools
import importlib
from collections.abc import Callable

import numpy as np

_SCALARS = {np.dtype(np.float32): ("s", ctypes.c_float), np.dtype(np.float64): ("d", ctypes.c_double)}
"""The dtypes {py:func}`gemm` multiplies: BLAS's letter for each, and its C scalar type."""

_CBLAS_NAMES = (
    ("scipy_cblas_{}gemm64_", ctypes.c_int64),
    ("cblas_{}gemm64_", ctypes.c_int64),
    ("cblas_{}gemm", ctypes.c_int),
)
"""CBLAS names numpy's BLAS may export, with their integer type (the `64_` ones are ILP64)."""

_ROW_MAJOR, _NO_TRANS = 101, 111
"""CBLAS's `CblasRowMajor` and `CblasNoTrans`."""

Gemm = Callable[[int, int, int, int, int, int, int, float, int, int], None]
"""`f(m, n, k, a, lda, b, ldb, beta, c, ldc)`: row-major $C \\leftarrow A B + \\beta C$, operands by address."""


_NUMPY_MODULES = ("numpy._core._multiarray_umath", "numpy.core._multiarray_umath")
"""The extension modules that link numpy's BLAS (numpy 2, then numpy 1)."""

_SCIPY_CAPI = "{}gemm"
"""The name of `?gemm` in `scipy.linalg.cython_blas.__pyx_capi__`."""


def configured_integer() -> type | None:
    """The BLAS integer type numpy was built with (`ctypes.c_int64` for ILP64, `ctypes.c_int`), or None if unknown.

    Read from `numpy.__config__.CONFIG["Build Dependencies"]["blas"]`: an `openblas configuration`
    naming `USE64BITINT`, or a library name ending in `64` or holding `ilp64`, means ILP64; a
    found BLAS without either (`mkl-lp64`, say) means LP64.
    """
    try:
        blas = np.__config__.CONFIG["Build Dependencies"]["blas"]
    except (AttributeError, KeyError, TypeError):
        return None
    if not isinstance(blas, dict) or not blas.get("found"):
        return None
    name = str(blas.get("name", "")).lower()
    text = " ".join(str(blas.get(key, "")) for key in ("name", "openblas configuration"))
    if "USE64BITINT" in text or "ilp64" in text.lower() or (name.endswith("64") and not name.endswith("lp64")):
        return ctypes.c_int64
    return ctypes.c_int


def _numpy_cblas(letter: str, scalar) -> tuple[Gemm, int] | None:
    """numpy's BLAS `?gemm` as a {py:data}`Gemm` with its largest size, or None if not found."""
    for module in _NUMPY_MODULES:
        try:
            library = ctypes.CDLL(importlib.import_module(module).__file__)
            break
        except (ImportError, OSError, AttributeError, TypeError):
            continue
    else:
        return None
    width = configured_integer()
    for pattern, integer in _CBLAS_NAMES:
        if width is not None and integer is not width:
            continue  # the build configuration says this name's integers are the wrong width
        function = getattr(library, pattern.format(letter), None)  # dlsym searches numpy's own libraries
        if function is None:
            continue
        function.restype = None
        pointer = ctypes.c_void_p  # order, transposes; m, n, k; alpha, a, lda, b, ldb; beta, c, ldc
        function.argtypes = [ctypes.c_int] * 3 + [integer] * 3 + [scalar, pointer, integer, pointer, integer]
        function.argtypes += [scalar, pointer, integer]

        def call(m, n, k, a, lda, b, ldb, beta, c, ldc, function=function):
            function(_ROW_MAJOR, _NO_TRANS, _NO_TRANS, m, n, k, 1.0, a, lda, b, ldb, beta, c, ldc)

        return call, 2 ** (8 * ctypes.sizeof(integer) - 1) - 1
    return None


def _scipy_blas(letter: str, scalar) -> tuple[Gemm, int] | None:
    """SciPy's Fortran `?gemm` (32-bit sizes) as a {py:data}`Gemm` with its largest size, or None if not found."""
    try:
        from scipy.linalg import cython_blas

        capsule = cython_blas.__pyx_capi__[_SCIPY_CAPI.format(letter)]
    except (ImportError, AttributeError, KeyError):
        return None
    get_name = ctypes.pythonapi.PyCapsule_GetName
    get_name.restype, get_name.argtypes = ctypes.c_char_p, [ctypes.py_object]
    get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
    get_pointer.restype, get_pointer.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]
    function = ctypes.CFUNCTYPE(None, *[ctypes.c_void_p] * 13)(get_pointer(capsule, get_name(capsule)))
    ref, size, no = ctypes.byref, ctypes.c_int, ctypes.c_char(b"N")

    def call(m, n, k, a, lda, b, ldb, beta, c, ldc):
        # row-major C = A B is, column-major, C^T = B^T A^T with the same leading dimensions
        function(
            ref(no), ref(no), ref(size(n)), ref(size(m)), ref(size(k)), ref(scalar(1.0)),
            ctypes.c_void_p(b), ref(size(ldb)), ctypes.c_void_p(a), ref(size(lda)),
            ref(scalar(beta)), ctypes.c_void_p(c), ref(size(ldc)),
        )  # fmt: skip

    return call, 2**31 - 1


@functools.cache
def routine(dtype: np.dtype) -> tuple[Gemm, int] | None:
    """The `?gemm` {py:func}`gemm` calls for `dtype` (numpy's BLAS, else SciPy's) and its largest size.

    None if neither is found: {py:func}`gemm` then computes with numpy.
    """
    letter, scalar = _SCALARS[np.dtype(dtype)]
    return _numpy_cblas(letter, scalar) or _scipy_blas(letter, scalar)


def _numpy_gemm(c: np.ndarray, a: np.ndarray, b: np.ndarray, accumulate: bool) -> np.ndarray:
    """{py:func}`gemm` without BLAS: `np.matmul`, plus an addition when accumulating."""
    if accumulate:
        c += a @ b
    else:
        np.matmul(a, b, out=c)
    return c


def _leading(m: np.ndarray, name: str) -> int:
    """The leading dimension of row-major `m`: its row stride in entries (unit column stride required)."""
    rows, cols = m.shape
    item = m.itemsize
    if cols > 1 and m.strides[1] != item:
        raise ValueError(f"{name} must have unit column stride; got strides {m.strides} for itemsize {item}")
    if rows <= 1:
        return max(cols, 1)
    if m.strides[0] % item or m.strides[0] < cols * item:
        raise ValueError(f"{name} rows must be whole entries apart and must not overlap; got strides {m.strides}")
    return m.strides[0] // item


def gemm(c: np.ndarray, a: np.ndarray, b: np.ndarray, *, accumulate: bool = False) -> np.ndarray:
    r"""$C \leftarrow A B$, or $C \leftarrow C + A B$ with `accumulate`, in place, by BLAS.

    `a` $(m, k)$, `b` $(k, n)$ and `c` $(m, n)$ are 2-D views of one dtype, float32 or float64,
    each with unit column stride and rows at least a row's length apart (any row stride: slices
    of larger arrays are used as they lie, without a copy), and `c` writeable. Returns `c`.
    Without `accumulate`, BLAS is called with $\beta = 0$ and ignores what `c` held, NaN included.

    When no BLAS `?gemm` is found ({py:func}`routine` is None) the same product is computed with
    numpy (`np.matmul`, then an addition when accumulating).

    **Raises**: `TypeError` for another dtype or mixed dtypes; `ValueError` for shapes that do not
    chain, a layout BLAS cannot take, an operand that is not aligned to its itemsize, a `c` that
    may share memory with `a` or `b` (BLAS would read what it has already overwritten), or a size
    beyond what the BLAS's integers hold.

    **Example**

    ```python
    >>> import numpy as np
    >>> from convdot.layer.blas import gemm
    >>> a = np.arange(6.0).reshape(2, 3); b = np.arange(20.0).reshape(4, 5)[:3, 1:]
    >>> c = np.ones((2, 4))
    >>> bool(np.array_equal(gemm(c, a, b, accumulate=True), 1 + a @ b))
    True

    ```
    """
    if not (a.dtype == b.dtype == c.dtype) or a.dtype not in _SCALARS:
        raise TypeError(f"gemm needs a, b and c of one dtype, float32 or float64; got {a.dtype}, {b.dtype}, {c.dtype}")
    if a.ndim != 2 or b.ndim != 2 or c.ndim != 2:
        raise ValueError(f"gemm needs 2-D a, b and c; got shapes {a.shape}, {b.shape}, {c.shape}")
    (m, k), n = a.shape, b.shape[1]
    if b.shape[0] != k or c.shape != (m, n):
        raise ValueError(f"gemm needs a (m, k), b (k, n), c (m, n); got {a.shape}, {b.shape}, {c.shape}")
    if not c.flags.writeable:
        raise ValueError("gemm needs a writeable c")
    for name, m_ in (("a", a), ("b", b), ("c", c)):
        if not m_.flags.aligned:
            raise ValueError(
                f"gemm needs {name} aligned to its itemsize {m_.itemsize}; got address {m_.ctypes.data:#x}"
            )
    for name, m_ in (("a", a), ("b", b)):
        if np.may_share_memory(c, m_):
            raise ValueError(f"gemm needs an output c that shares no memory with {name}; pass a copy of {name}")
    lda, ldb, ldc = _leading(a, "a"), _leading(b, "b"), _leading(c, "c")
    found = routine(a.dtype)
    if found is None:
        return _numpy_gemm(c, a, b, accumulate)
    call, largest = found
    if max(m, n, k, lda, ldb, ldc) > largest:
        raise ValueError(f"gemm sizes must fit the BLAS's integers (<= {largest}); got m={m}, n={n}, k={k}")
    if m == 0 or n == 0:
        return c
    if k == 0:
        if not accumulate:
            c[...] = 0
        return c
    call(m, n, k, a.ctypes.data, lda, b.ctypes.data, ldb, 1.0 if accumulate else 0.0, c.ctypes.data, ldc)
    return c
