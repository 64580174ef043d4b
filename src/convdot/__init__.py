"""convdot: 2-D convolution and cross-correlation in every equivalent form.

The forms (literal loops, sums of element-wise products, dot products of flattened
windows, im2col and one matrix product, the convolution matrix, the FFT) return the
same numbers; {py:func}`correlate2d` and {py:func}`convolve2d` select one with `method=`.
"""

from . import numerics
from ._explain import explain
from ._version import __version__
from .correlate import METHODS, choose_method, convolve2d, correlate2d
from .counts import Conv2dCost, conv2d_cost
from .forms import (
    conv_matrix,
    correlate_dot,
    correlate_fft,
    correlate_hadamard,
    correlate_im2col,
    correlate_loops,
    correlate_matrix,
    im2col,
)
from .grad import conv2d_backward
from .layer import LAYER_FORMS, PADDING_MODES, choose_layer_method
from .layer._prepare import conv2d_output_shape  # from the defining modules, so that the API reference
from .layer.conv import conv2d  # documents them as convdot.conv2d and convdot.conv2d_output_shape
from .layer.pool import avg_pool2d, avg_pool2d_backward, max_pool2d, max_pool2d_backward
from .transpose import conv_transpose2d

__all__ = [
    "LAYER_FORMS",
    "METHODS",
    "PADDING_MODES",
    "Conv2dCost",
    "__version__",
    "avg_pool2d",
    "avg_pool2d_backward",
    "choose_layer_method",
    "choose_method",
    "conv2d",
    "conv2d_backward",
    "conv2d_cost",
    "conv2d_output_shape",
    "conv_matrix",
    "conv_transpose2d",
    "convolve2d",
    "correlate2d",
    "correlate_dot",
    "correlate_fft",
    "correlate_hadamard",
    "correlate_im2col",
    "correlate_loops",
    "correlate_matrix",
    "explain",
    "im2col",
    "max_pool2d",
    "max_pool2d_backward",
    "numerics",
]
