"""`conv2d`: the CNN layer, one pipeline (check, cast, pad, one form of `LAYER_FORMS`, bias)."""

from __future__ import annotations

import numpy as np

from .._validate import check_choice
from ._prepare import check_conv2d, pad, result_dtype
from .forms import LAYER_FORMS, run_layer_form


def layer_methods() -> tuple[str, ...]:
    """The accepted values of `method=` for the layer: every name in `LAYER_FORMS`, then `"auto"`."""
    return (*LAYER_FORMS, "auto")


def conv2d(
    x: object,
    w: object,
    bias: object = None,
    stride: object = 1,
    padding: object = 0,
    dilation: object = 1,
    groups: int = 1,
    padding_mode: str = "zeros",
    method: str = "auto",
) -> np.ndarray:
    r"""A 2-D convolutional layer, with the semantics of `torch.nn.functional.conv2d` and `torch.nn.Conv2d`.

    $$Y[n, o, i, j] = b[o] + \sum_{c=0}^{C_{in}/g - 1} \sum_{u=0}^{k_H-1} \sum_{v=0}^{k_W-1}
    X_p[n,\; g(o) \tfrac{C_{in}}{g} + c,\; s_0 i + d_0 u,\; s_1 j + d_1 v]\; W[o, c, u, v]$$

    a cross-correlation (what deep learning calls convolution) of the padded input $X_p$,
    summed over the $C_{in}/g$ input channels of output channel $o$'s group
    $g(o) = \lfloor o g / C_{out} \rfloor$.

    **Parameters**

    - `x`: $(N, C_{in}, H, W)$, or unbatched $(C_{in}, H, W)$.
    - `w`: $(C_{out}, C_{in}/g, k_H, k_W)$.
    - `bias`: $(C_{out},)$ or `None`.
    - `stride` $s$, `dilation` $d$: an int or a pair of ints >= 1 (`dilation=1` is a dense kernel).
    - `padding`: an int or a pair of ints >= 0 (that many rows/columns on *each* side), `"valid"`
      (none) or `"same"` (output size = input size; a total of $d(k-1)$ per axis, the odd one
      after, as PyTorch; stride must be 1).
    - `groups` $g$: an int dividing $C_{in}$ and $C_{out}$; $g = C_{in}$ is a depthwise convolution.
    - `padding_mode`: `"zeros"`, `"reflect"` (padding < input size), `"replicate"` or
      `"circular"` (padding <= input size), the padding of `torch.nn.Conv2d`.
    - `method`: a name in {py:data}`convdot.layer.LAYER_FORMS` or `"auto"`
      ({py:func}`convdot.layer.choose_layer_method`).

    **Returns**: $(N, C_{out}, H_{out}, W_{out})$ (unbatched: $(C_{out}, H_{out}, W_{out})$) with
    $H_{out} = \lfloor (H + p_{top} + p_{bottom} - d_0(k_H - 1) - 1)/s_0 \rfloor + 1$, likewise
    $W_{out}$ ({py:func}`convdot.conv2d_output_shape`). Dtype as {py:func}`convdot.correlate2d`:
    floats promote (float32 stays float32), integers give exact int64 or a `ValueError`.

    **Raises**: `ValueError` for wrong ranks or empty arrays, a channel mismatch between `x` and
    `w`, `groups` not dividing the channels, a `bias` of the wrong length, a stride or dilation
    < 1, a negative padding, `"same"` with stride > 1, a padding too large for `"reflect"` or
    `"circular"`, an output size < 1, an unknown `padding_mode` or `method`, integers that could
    overflow int64; `TypeError` for a non-real dtype or a non-integer stride, padding, dilation
    or groups.

    **See also**: the forms {py:func}`convdot.layer.conv2d_loops`, {py:func}`convdot.layer.conv2d_dot`,
    {py:func}`convdot.layer.conv2d_im2col`, {py:func}`convdot.layer.conv2d_matrix`,
    {py:func}`convdot.layer.conv2d_fft`; the gradient {py:func}`convdot.conv2d_backward` and the
    adjoint {py:func}`convdot.conv_transpose2d`.

    **Example**: two input channels, one 1×1 filter: each output is the dot product of a
    pixel's channel vector with the weights.

    ```python
    >>> conv2d([[[1, 2]], [[3, 4]]], [[[[10]], [[1]]]])
    array([[[13, 24]]])

    ```

    since $1 \cdot 10 + 3 \cdot 1 = 13$ and $2 \cdot 10 + 4 \cdot 1 = 24$.
    """
    layer = check_conv2d(x, w, bias, stride, padding, dilation, groups, padding_mode)
    check_choice(method, "method", layer_methods())
    dtype = result_dtype(layer.x, layer.w, layer.bias)
    xp = pad(layer.x.astype(dtype, copy=False), layer.pads, padding_mode)
    w = layer.w.astype(dtype, copy=False)
    y = run_layer_form(method, xp, w, layer.stride, layer.dilation, layer.groups)
    if layer.bias is not None:
        y = y + layer.bias.astype(dtype, copy=False)[:, np.newaxis, np.newaxis]
    return y[0] if layer.unbatched else y
