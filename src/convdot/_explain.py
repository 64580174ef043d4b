"""One output of a correlation, written out term by term."""

from __future__ import annotations

import numpy as np

from ._prepare import prepare
from ._validate import as_pair


def _number(x: np.generic) -> str:
    value = x.item()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def explain(a: object, b: object, m: int, n: int, mode: str = "valid") -> str:
    r"""Write output $C[m, n]$ of `correlate2d(a, b, mode)` as its sum of products.

    $$C[m, n] = \sum_{u=0}^{h-1} \sum_{v=0}^{w-1} A[m+u,\, n+v]\, B[u, v]$$

    Terms appear in row-major order of $(u, v)$, each as `(A×B)`, followed by `=` and the
    value; entries from the zero padding of `"same"` or `"full"` appear as `0`. Integral
    float values are shown without a decimal point.

    **Raises**: as {py:func}`convdot.correlate2d`, and `ValueError` if `(m, n)` is not an
    output position of `mode`.

    **Example**

    ```python
    >>> explain([[1, 2], [3, 4]], [[1, 0], [0, 1]], 0, 0)
    '(1×1)+(2×0)+(3×0)+(4×1) = 5'

    ```
    """
    a, b = prepare(a, b, mode, function="explain")
    (m, n) = as_pair((m, n), "(m, n)", minimum=0)
    h, w = b.shape
    out_shape = (a.shape[0] - h + 1, a.shape[1] - w + 1)
    if m >= out_shape[0] or n >= out_shape[1]:
        raise ValueError(f"(m, n) must index the {mode!r} output of shape {out_shape}; got {(m, n)!r}")
    window = a[m : m + h, n : n + w]
    terms = "+".join(f"({_number(x)}×{_number(y)})" for x, y in zip(window.ravel(), b.ravel(), strict=True))
    return f"{terms} = {_number(np.sum(window * b))}"
