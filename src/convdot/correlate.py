"""The 2-D API: `correlate2d`, `convolve2d`, and the table of methods behind `method=`."""

from __future__ import annotations

import math

import numpy as np

from ._dtypes import exact_in_float64, fft_fits_range
from ._memory import check_memory, fits
from ._prepare import Prepared, check
from ._validate import check_choice
from .forms import FORM_KERNELS, fft_shape

METHODS: tuple[str, ...] = (*FORM_KERNELS, "auto")
"""The accepted values of `method=`: every form, then `"auto"`."""

FFT_CROSSOVER = 3.0
"""`"auto"` prefers the FFT when the direct cost exceeds this many times its estimate."""


def _choose(p: Prepared) -> str:
    """The rule of {py:func}`choose_method` on checked arguments (see there)."""
    h, w = p.b.shape
    (H, W), (H_out, W_out) = p.padded_shape, p.out_shape
    n = math.prod(fft_shape((H, W)))
    fft_cheaper = h * w * H_out * W_out > FFT_CROSSOVER * n * math.log2(max(n, 2))
    if fft_cheaper:
        if p.a.dtype.kind == "f":
            safe = fft_fits_range(p.a, p.b, p.a.dtype, n)
        else:
            safe = exact_in_float64(p.a, p.b, "fft", points=n)
        fft_cheaper = safe
    order = ("fft", "im2col", "dot") if fft_cheaper else ("im2col", "dot")
    for method in order:
        if fits(p.sizes(FORM_KERNELS[method][1])):
            return method
    return order[0]


def choose_method(a: object, b: object, mode: str = "valid") -> str:
    r"""The method `"auto"` uses for `correlate2d(a, b, mode)`.

    The arguments are checked as {py:func}`correlate2d` checks them (array-likes are accepted).
    With the direct cost $h w \, H_{out} W_{out}$ and the FFT cost $N_0 N_1 \log_2(N_0 N_1)$ of
    the padded input, the FFT is *preferred* when the direct cost exceeds `FFT_CROSSOVER`
    times the FFT's and the FFT is safe:

    - float input: every entry finite (a NaN or inf would spread to every output), and
      $N_0 N_1 \|A\|_1 \|B\|_1$ below half the dtype's largest number, so that no spectrum
      or partial sum of the inverse transform can overflow (finite data never becomes inf);
    - integer input: rounding a float64 FFT is exact ({py:func}`convdot.forms.fft_is_exact_for_integers`).

    The candidates are then tried in order, `"fft"` (if preferred), `"im2col"`, `"dot"`, and
    the first whose estimated allocation fits the memory budget ({py:func}`convdot.set_memory_budget`)
    is chosen: `"dot"` needs no more than the output, so a NaN never leads to a huge im2col
    matrix. If none fits, the first candidate is returned (and `correlate2d` refuses it).

    The crossover is an operation count, not a timing, so the choice is the same on every
    machine with the same budget; near it both methods take similar time.

    **Raises**: as {py:func}`correlate2d`.
    """
    return _choose(check(a, b, mode))


def _run(p: Prepared, method: str, function: str) -> np.ndarray:
    check_choice(method, "method", METHODS)
    if method == "auto":
        check_memory(function, p.sizes())  # before _choose reads the arrays: the padding alone may not fit
        method = _choose(p)
    valid, work = FORM_KERNELS[method]
    check_memory(f"{function}(method={method!r})", p.sizes(work))
    return valid(p.padded(), p.b)


def correlate2d(a: object, b: object, mode: str = "valid", *, method: str = "auto") -> np.ndarray:
    r"""Cross-correlate a 2-D array with a 2-D kernel: the operation a CNN layer calls convolution.

    $$C[m, n] = \sum_{u=0}^{h-1} \sum_{v=0}^{w-1} A[m+u,\, n+v]\, B[u, v]$$

    with $A$ zero outside its bounds. Output positions and alignment are those of
    `scipy.signal.correlate2d` with zero fill.

    **Parameters**

    - `a`: array of shape (H, W), the input (image).
    - `b`: array of shape (h, w), the kernel.
    - `mode`: `"valid"` (only windows fully inside `a`; the kernel must fit), `"same"`
      (output shaped like `a`; pads $\lfloor (h-1)/2 \rfloor$ above and $\lfloor h/2 \rfloor$
      below, likewise for columns), or `"full"` (every overlap).
    - `method` (keyword-only): one of {py:data}`METHODS`; `"auto"` follows {py:func}`choose_method`.

    **Returns**: array of shape $(H-h+1, W-w+1)$, $(H, W)$ or $(H+h-1, W+w-1)$ for the three
    modes. Dtype: if either input is floating, numpy's promotion of the two (float32 with
    float32 stays float32; float64 wins); if both are bool or integer, int64 with exact
    values (no wrap-around: `uint8` images are safe).

    **Raises**: `TypeError` for complex, object, string, float16 or longdouble input, or a masked
    array (pass `a.filled(...)`: the mask would be lost); `ValueError` for an input that is not
    2-D or is empty, an unknown `mode` or `method`, a kernel larger than `a` in `"valid"` mode, or
    integer inputs whose result could leave the int64 range; {py:class}`convdot.MemoryBudgetError`
    (a `MemoryError` and a `ValueError`) when the padded input, the output and the method's work
    arrays would exceed the memory budget ({py:func}`convdot.set_memory_budget`), before allocating.

    **Numerics**: NaN and inf propagate as IEEE arithmetic says: an output is NaN when its
    window holds a NaN (even under a zero weight, since $0 \cdot \mathrm{NaN} = \mathrm{NaN}$)
    or meets $\infty \cdot 0$ or $\infty - \infty$. Method `"fft"` instead spreads a
    non-finite value to every output, and can overflow on finite data near the dtype's range,
    which is why `"auto"` avoids it then.

    **See also**: {py:func}`convolve2d`; the forms {py:func}`convdot.forms.correlate_loops`,
    {py:func}`~convdot.forms.correlate_hadamard`, {py:func}`~convdot.forms.correlate_dot`,
    {py:func}`~convdot.forms.correlate_im2col`, {py:func}`~convdot.forms.correlate_matrix`,
    {py:func}`~convdot.forms.correlate_fft`.

    **Example**

    ```python
    >>> correlate2d([[1, 2, 0], [0, 1, 3]], [[1, 0], [0, 1]])
    array([[2, 5]])

    ```

    since $1 \cdot 1 + 1 \cdot 1 = 2$ and $2 \cdot 1 + 3 \cdot 1 = 5$.
    """
    return _run(check(a, b, mode), method, "correlate2d")


def convolve2d(a: object, b: object, mode: str = "valid", *, method: str = "auto") -> np.ndarray:
    r"""Convolve a 2-D array with a 2-D kernel: the correlation with the kernel rotated 180°.

    $$(A * B)[m, n] = \sum_{u=0}^{h-1} \sum_{v=0}^{w-1} A[m-u,\, n-v]\, B[u, v]$$

    indexed as `scipy.signal.convolve2d` indexes it; in every mode
    `convolve2d(a, b, mode) == correlate2d(a, b[::-1, ::-1], mode)` except that in
    `"same"` mode with an even kernel size the extra padding row (column) goes above (left)
    instead of below (right), as in scipy.

    Parameters, returns, raises and numerics as {py:func}`correlate2d`.

    **Example**

    ```python
    >>> convolve2d([[1, 2, 0], [0, 1, 3]], [[1, 0], [0, 1]])
    array([[2, 5]])

    ```

    (a kernel unchanged by the rotation gives the same result as `correlate2d`).
    """
    return _run(check(a, b, mode, flip=True), method, "convolve2d")
