"""The CNN layer: `conv2d` with channels, batches, stride, padding, dilation and groups, and what is built on it.

`conv2d` checks and pads its arguments once (`convdot.layer._checks`, `convdot.layer._padding`),
then hands a valid correlation of the padded input to the kernel of one form of
{py:data}`convdot.layer.LAYER_FORMS`; `method="auto"` follows {py:func}`convdot.layer.choose_layer_method`.
Built on the same pieces: the gradients (`convdot.conv2d_backward`), the transposed convolution
(`convdot.conv_transpose2d`) and the cost counts (`convdot.conv2d_cost`). `conv2d` and
`conv2d_output_shape` are importable from here but documented as {py:func}`convdot.conv2d`
and {py:func}`convdot.conv2d_output_shape`, the names users call them by.
"""

from ._checks import PADDING_MODES
from ._checks import conv2d_output_shape as conv2d_output_shape
from .conv import choose_layer_method, layer_methods
from .conv import conv2d as conv2d
from .counts import Conv2dCost as Conv2dCost
from .counts import conv2d_cost as conv2d_cost
from .grad import conv2d_backward as conv2d_backward
from .methods import (
    LAYER_FORMS,
    conv2d_dot,
    conv2d_fft,
    conv2d_im2col,
    conv2d_loops,
    conv2d_matrix,
    layer_im2col,
    layer_matrix,
    weight_matrix,
)
from .pool import avg_pool2d as avg_pool2d  # documented as convdot.avg_pool2d and so on
from .pool import avg_pool2d_backward as avg_pool2d_backward
from .pool import max_pool2d as max_pool2d
from .pool import max_pool2d_backward as max_pool2d_backward
from .transpose import conv_transpose2d as conv_transpose2d

__all__ = [
    "LAYER_FORMS",
    "PADDING_MODES",
    "choose_layer_method",
    "conv2d_dot",
    "conv2d_fft",
    "conv2d_im2col",
    "conv2d_loops",
    "conv2d_matrix",
    "layer_im2col",
    "layer_matrix",
    "layer_methods",
    "weight_matrix",
]
