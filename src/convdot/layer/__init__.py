"""The CNN layer: `conv2d` with channels, batches, stride, padding, dilation and groups.

`conv2d` checks and pads its arguments once (`convdot.layer._prepare`), then hands a valid
correlation of the padded input to one form of {py:data}`convdot.layer.LAYER_FORMS`;
`method="auto"` follows {py:func}`convdot.layer.choose_layer_method`. `conv2d` and
`conv2d_output_shape` are importable from here but documented as {py:func}`convdot.conv2d`
and {py:func}`convdot.conv2d_output_shape`, the names users call them by.
"""

from ._prepare import PADDING_MODES
from ._prepare import conv2d_output_shape as conv2d_output_shape
from .conv import conv2d as conv2d
from .conv import layer_methods
from .forms import (
    LAYER_FORMS,
    choose_layer_method,
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
