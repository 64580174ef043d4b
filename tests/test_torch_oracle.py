"""The layer against PyTorch itself: torch.nn.Conv2d, conv_transpose2d and autograd as the oracle.

PyTorch is not a dependency: `nox -s oracle` installs the CPU build into its own environment
and runs this file; everywhere else these tests are skipped.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from layer_cases import bound, layer_cases, transpose_cases

import convdot
from convdot.layer import layer_methods

torch = pytest.importorskip(
    "torch", reason="PyTorch is the optional oracle for the layer: `nox -s oracle` installs it and runs these tests"
)
torch.set_num_threads(1)  # tiny tensors; threads would only compete for the shared cores


def torch_layer(case, dtype):
    """torch.nn.Conv2d with the case's configuration and weights (padding_mode handled by PyTorch)."""
    layer = torch.nn.Conv2d(
        case.x.shape[1],
        case.w.shape[0],
        case.w.shape[-2:],
        stride=case.stride,
        padding=case.padding,
        dilation=case.dilation,
        groups=case.groups,
        bias=case.bias is not None,
        padding_mode=case.padding_mode,
        dtype=dtype,
    )
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(case.w))
        if case.bias is not None:
            layer.bias.copy_(torch.from_numpy(case.bias))
    return layer


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("method", layer_methods())
@settings(max_examples=40)
@given(case=layer_cases())
def test_conv2d_matches_torch_nn_conv2d_in_float64(method, case):
    expected = torch_layer(case, torch.float64)(torch.from_numpy(case.x)).detach().numpy()
    got = convdot.conv2d(case.x, case.w, case.bias, **case.kwargs, method=method)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12 * max(1.0, bound(case)))


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("method", layer_methods())
@settings(max_examples=20)
@given(case=layer_cases(dtype=np.float32))
def test_conv2d_matches_torch_in_float32(method, case):
    expected = torch_layer(case, torch.float32)(torch.from_numpy(case.x)).detach().numpy()
    got = convdot.conv2d(case.x, case.w, case.bias, **case.kwargs, method=method)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5 * max(1.0, bound(case)))


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@settings(max_examples=20)
@given(case=layer_cases())
def test_unbatched_input_matches_torch(case):
    expected = torch_layer(case, torch.float64)(torch.from_numpy(case.x[0])).detach().numpy()
    got = convdot.conv2d(case.x[0], case.w, case.bias, **case.kwargs)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12 * max(1.0, bound(case)))


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@settings(max_examples=40)
@given(case=layer_cases(max_channels=3))
def test_conv2d_backward_matches_torch_autograd(case):
    layer = torch_layer(case, torch.float64)
    x = torch.from_numpy(case.x).requires_grad_(True)
    y = layer(x)
    grad_out = np.random.default_rng(0).normal(size=tuple(y.shape))
    y.backward(torch.from_numpy(grad_out))
    grad_x, grad_w, grad_bias = convdot.conv2d_backward(case.x, case.w, grad_out, **case.kwargs)
    scale = 1e-12 * max(1.0, float(np.abs(grad_out).sum()) * max(float(np.abs(case.x).max()), 1.0))
    np.testing.assert_allclose(grad_x, x.grad.numpy(), rtol=1e-10, atol=scale * float(np.abs(case.w).sum()))
    np.testing.assert_allclose(grad_w, layer.weight.grad.numpy(), rtol=1e-10, atol=scale)
    if case.bias is not None:
        np.testing.assert_allclose(grad_bias, layer.bias.grad.numpy(), rtol=1e-12, atol=scale)


@pytest.mark.parametrize("method", layer_methods())
@settings(max_examples=25)
@given(case=transpose_cases())
def test_conv_transpose2d_matches_torch(method, case):
    x, w, bias, kwargs = case
    as_tensor = None if bias is None else torch.from_numpy(bias)
    expected = torch.nn.functional.conv_transpose2d(torch.from_numpy(x), torch.from_numpy(w), as_tensor, **kwargs)
    got = convdot.conv_transpose2d(x, w, bias, **kwargs, method=method)
    assert got.shape == tuple(expected.shape)
    scale = max(1.0, float(np.abs(x).max() * np.abs(w).sum()))
    np.testing.assert_allclose(got, expected.numpy(), rtol=1e-12, atol=1e-12 * scale)
