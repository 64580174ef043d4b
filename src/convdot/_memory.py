r"""The memory budget: every public function estimates its largest allocations before it makes them.

Sizes follow from the shapes alone, so a call that would need more memory than the budget is
refused up front with a {py:class}`MemoryBudgetError` (both a `MemoryError` and a `ValueError`)
naming the arrays, their sizes and the estimate, never attempted.

**The budget**, in bytes, is the first of:

1. the value given to {py:func}`set_memory_budget` (or, inside a `with`, to {py:func}`memory_budget`);
2. the environment variable `CONVDOT_MEMORY_BUDGET` (bytes, or with a suffix `K`, `M`, `G`, `T`
   for powers of 1024, as in `CONVDOT_MEMORY_BUDGET=2G`), read at every call;
3. {py:data}`DEFAULT_FRACTION` of the memory available now: `MemAvailable` in `/proc/meminfo`
   (Linux), else `os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")`, else
   {py:data}`FALLBACK_AVAILABLE` when neither can be read.

Estimates count the arrays a call allocates (padded copies, im2col matrices, spectra, work
buffers, the result) at their full size; numpy's own small temporaries are not counted.
"""

from __future__ import annotations

import contextlib
import os

ENVIRONMENT_VARIABLE = "CONVDOT_MEMORY_BUDGET"
"""The environment variable that sets the budget when {py:func}`set_memory_budget` has not."""

DEFAULT_FRACTION = 0.5
"""The default budget is this fraction of the memory available when the call starts."""

FALLBACK_AVAILABLE = 4 * 2**30
"""The memory assumed available (4 GiB) when neither `/proc/meminfo` nor `os.sysconf` tells."""

_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
_budget: int | None = None


class MemoryBudgetError(MemoryError, ValueError):
    """A call whose estimated allocation exceeds the memory budget ({py:func}`get_memory_budget`).

    Raised before anything is allocated.

    Both a `MemoryError` and a `ValueError`, so that either `except` catches it. The message names the
    function, each array it would allocate with its size, the total and the budget.
    """


def available_memory() -> int:
    """Bytes of memory available now: `/proc/meminfo`'s `MemAvailable`, else `os.sysconf`, else the fallback."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return FALLBACK_AVAILABLE


def _as_bytes(value: object, name: str) -> int:
    """A budget given as an int of bytes >= 0 (or, from the environment, a string with a unit suffix)."""
    if isinstance(value, str):
        text = value.strip().upper().removesuffix("B").removesuffix("I")
        unit = text[-1:] if text[-1:] in _UNITS and text[-1:] else ""
        try:
            value = int(float(text[: len(text) - len(unit)]) * _UNITS[unit])
        except ValueError:
            raise ValueError(f"{name} must be a number of bytes such as 1000000 or 2G; got {value!r}") from None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be an int >= 0 (bytes) or None; got {value!r}")
    return value


def get_memory_budget() -> int:
    """The memory budget in bytes now.

    The first of: what {py:func}`set_memory_budget` (or {py:func}`memory_budget`) set; the
    environment variable `CONVDOT_MEMORY_BUDGET` (bytes, or with a suffix `K`, `M`, `G`, `T` for
    powers of 1024, as in `2G`), read at every call; half the memory available now
    (`MemAvailable` in `/proc/meminfo`, else `os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")`,
    else 4 GiB assumed).
    """
    if _budget is not None:
        return _budget
    if (text := os.environ.get(ENVIRONMENT_VARIABLE)) is not None:
        return _as_bytes(text, ENVIRONMENT_VARIABLE)
    return int(DEFAULT_FRACTION * available_memory())


def set_memory_budget(nbytes: int | None) -> int | None:
    """Set the memory budget to `nbytes` bytes (`None`: back to the environment or the default).

    Returns the previous setting (None if there was none).

    **Example**: `convdot.set_memory_budget(2**30)` refuses any call estimated above 1 GiB.
    """
    global _budget
    previous = _budget
    _budget = None if nbytes is None else _as_bytes(nbytes, "nbytes")
    return previous


@contextlib.contextmanager
def memory_budget(nbytes: int | None):
    """Within the `with` block, the budget is `nbytes` bytes; the previous setting comes back after.

    ```python
    >>> import convdot
    >>> with convdot.memory_budget(10**6):
    ...     convdot.get_memory_budget()
    1000000

    ```
    """
    previous = set_memory_budget(nbytes)
    try:
        yield
    finally:
        set_memory_budget(previous)


Sizes = list[tuple[str, int]]
"""`(what, bytes)` for each array a call would allocate."""


def format_bytes(n: float) -> str:
    """`n` bytes in the largest binary unit that keeps it >= 1, e.g. `'60.8 GiB'`."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


def fits(sizes: Sizes) -> bool:
    """Whether the arrays of `sizes` together fit in the budget."""
    return sum(size for _, size in sizes) <= get_memory_budget()


def check_memory(function: str, sizes: Sizes) -> None:
    """Raise {py:class}`MemoryBudgetError` from `function` if the arrays of `sizes` exceed the budget."""
    budget = get_memory_budget()
    total = sum(size for _, size in sizes)
    if total > budget:
        parts = "; ".join(f"{what}: {format_bytes(size)}" for what, size in sizes if size)
        raise MemoryBudgetError(
            f"{function} would allocate about {format_bytes(total)} ({parts}), more than the memory "
            f"budget of {format_bytes(budget)}; use smaller inputs or another method, or raise the budget "
            f"with convdot.set_memory_budget(nbytes) or the environment variable {ENVIRONMENT_VARIABLE}"
        )


def array_bytes(shape: tuple[int, ...], itemsize: int) -> int:
    """Bytes of an array of `shape` with entries of `itemsize` bytes (Python ints: no overflow)."""
    n = itemsize
    for s in shape:
        n *= int(s)
    return n
