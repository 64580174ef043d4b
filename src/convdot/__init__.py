"""convdot: 2-D convolution and cross-correlation in every equivalent form.

The forms (literal loops, sums of element-wise products, dot products of flattened
windows, im2col and one matrix product, the convolution matrix, the FFT) return the
same numbers; {py:func}`correlate2d` and {py:func}`convolve2d` select one with `method=`.

Every function estimates its largest allocations from the shapes before making them and
refuses, with a {py:class}`MemoryBudgetError`, a call beyond the memory budget: by default half
of the memory available (`MemAvailable` in `/proc/meminfo`, else `os.sysconf`, else 4 GiB
assumed), or the environment variable `CONVDOT_MEMORY_BUDGET` (bytes, or e.g. `2G`), or what
{py:func}`set_memory_budget` (or `with` {py:func}`memory_budget`) sets.
"""

from . import numerics
from ._explain import explain
from ._memory import MemoryBudgetError, get_memory_budget, memory_budget, set_memory_budget
from ._version import __version__
from .correlate import METHODS, choose_method, convolve2d, correlate2d
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
from .layer import LAYER_FORMS, PADDING_MODES, choose_layer_method

# From the defining modules, so that the API reference documents them as convdot.conv2d and so on.
from .layer._checks import conv2d_output_shape
from .layer.conv import conv2d
from .layer.counts import Conv2dCost, conv2d_cost
from .layer.grad import conv2d_backward
from .layer.pool import avg_pool2d, avg_pool2d_backward, max_pool2d, max_pool2d_backward
from .layer.transpose import conv_transpose2d

__all__ = [
    "LAYER_FORMS",
    "METHODS",
    "PADDING_MODES",
    "Conv2dCost",
    "MemoryBudgetError",
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
    "get_memory_budget",
    "im2col",
    "max_pool2d",
    "max_pool2d_backward",
    "memory_budget",
    "numerics",
    "set_memory_budget",
]
