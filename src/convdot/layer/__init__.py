"""The CNN layer: `conv2d` with channels, batches, stride, padding, dilation and groups.

`conv2d` checks and pads its arguments once (`convdot.layer._prepare`), then hands a valid
correlation of the padded input to one form of {py:data}`LAYER_FORMS`; `method="auto"`
follows {py:func}`choose_layer_method`.
"""

from ._prepare import PADDING_MODES, conv2d_output_shape
from .conv import conv2d, layer_methods
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

__all__ = [
    "LAYER_FORMS",
    "PADDING_MODES",
    "choose_layer_method",
    "conv2d",
    "conv2d_dot",
    "conv2d_fft",
    "conv2d_im2col",
    "conv2d_loops",
    "conv2d_matrix",
    "conv2d_output_shape",
    "layer_im2col",
    "layer_matrix",
    "layer_methods",
    "weight_matrix",
]
