"""The 2-D API: `correlate2d`, `convolve2d`, and the table of methods behind `method=`."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ._prepare import prepare
from ._validate import check_choice
from .forms import (
    correlate_dot,
    correlate_fft,
    correlate_hadamard,
    correlate_im2col,
    correlate_loops,
    correlate_matrix,
)
from .forms.fft import fft_is_exact_for_integers, fft_shape

FORMS: dict[str, Callable[..., np.ndarray]] = {
    "loops": correlate_loops,
    "hadamard": correlate_hadamard,
    "dot": correlate_dot,
    "im2col": correlate_im2col,
    "matrix": correlate_matrix,
    "fft": correlate_fft,
}
"""Each method name and the public function that computes it."""

METHODS: tuple[str, ...] = (*FORMS, "auto")
"""The accepted values of `method=`: every form, then `"auto"`."""

FFT_CROSSOVER = 3.0
"""`"auto"` prefers the FFT when the direct cost exceeds this many times its estimate."""


def choose_method(a: np.ndarray, b: np.ndarray) -> str:
    r"""The method `"auto"` uses for a valid correlation of prepared arrays `a` and `b`.

    The rule, in order:

    | condition | method |
    |---|---|
    | a NaN or inf in a float input | `"im2col"` (the FFT would spread it to every output) |
    | integer input too large for an exact float64 FFT | `"im2col"` |
    | direct cost $h w \, H_{out} W_{out}$ > `FFT_CROSSOVER` $\times$ FFT cost $N_0 N_1 \log_2(N_0 N_1)$ | `"fft"` |
    | otherwise | `"im2col"` |

    The crossover is an operation count, not a timing, so the choice is the same on every
    machine; near it both methods take similar time.
    """
    if a.dtype.kind == "f":
        if not (np.isfinite(a).all() and np.isfinite(b).all()):
            return "im2col"
    elif not fft_is_exact_for_integers(a, b):
        return "im2col"
    h, w = b.shape
    direct = h * w * (a.shape[0] - h + 1) * (a.shape[1] - w + 1)
    n = math.prod(fft_shape(a.shape))
    return "fft" if direct > FFT_CROSSOVER * n * math.log2(max(n, 2)) else "im2col"


def correlate2d(a: object, b: object, mode: str = "valid", method: str = "auto") -> np.ndarray:
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
    - `method`: one of {py:data}`METHODS`; `"auto"` follows {py:func}`choose_method`.

    **Returns**: array of shape $(H-h+1, W-w+1)$, $(H, W)$ or $(H+h-1, W+w-1)$ for the three
    modes. Dtype: if either input is floating, numpy's promotion of the two (float32 with
    float32 stays float32; float64 wins); if both are bool or integer, int64 with exact
    values (no wrap-around: `uint8` images are safe).

    **Raises**: `TypeError` for complex, object, string, float16 or longdouble input;
    `ValueError` for an input that is not 2-D or is empty, an unknown `mode` or `method`,
    a kernel larger than `a` in `"valid"` mode, or integer inputs whose result could leave
    the int64 range.

    **Numerics**: NaN and inf propagate as IEEE arithmetic says: an output is NaN when its
    window holds a NaN (even under a zero weight, since $0 \cdot \mathrm{NaN} = \mathrm{NaN}$)
    or meets $\infty \cdot 0$ or $\infty - \infty$. Method `"fft"` instead spreads a
    non-finite value to every output, which is why `"auto"` avoids it then.

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
    a, b = prepare(a, b, mode)
    check_choice(method, "method", METHODS)
    if method == "auto":
        method = choose_method(a, b)
    return FORMS[method](a, b)


def convolve2d(a: object, b: object, mode: str = "valid", method: str = "auto") -> np.ndarray:
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
    a, b = prepare(a, b, mode, flip=True)
    return correlate2d(a, b, "valid", method)
