"""The layer against PyTorch itself: torch.nn.Conv2d, conv_transpose2d and autograd as the oracle.

PyTorch is not a dependency: `nox -s oracle` installs the CPU build into its own environment
and runs this file; everywhere else these tests are skipped.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
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


@st.composite
def pool_oracle_cases(draw, dilation=True):
    """Pooling arguments PyTorch accepts (padding <= kernel_size // 2) on a float64 input."""
    k = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    d = (draw(st.integers(1, 3)), draw(st.integers(1, 3))) if dilation else (1, 1)
    p = tuple(draw(st.integers(0, kk // 2)) for kk in k)
    s = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 9)), draw(st.integers(1, 9)))
    x = np.random.default_rng(draw(st.integers(0, 2**32 - 1))).integers(-3, 4, size=shape).astype(np.float64)
    return x, dict(kernel_size=k, stride=s, padding=p, ceil_mode=draw(st.booleans())), d


def accepted(pool, *args, **kwargs):
    """The library's result, or None where it refuses (an output size < 1, a window all padding)."""
    try:
        return pool(*args, **kwargs)
    except ValueError:
        return None


@settings(max_examples=150)
@given(case=pool_oracle_cases(), seed=st.integers(0, 2**32 - 1))
def test_max_pool2d_values_indices_and_gradient_match_torch(case, seed):
    x, kwargs, d = case
    got = accepted(convdot.max_pool2d, x, **kwargs, dilation=d, return_indices=True)
    assume(got is not None)
    xt = torch.from_numpy(x).requires_grad_()
    y, idx = torch.nn.functional.max_pool2d(xt, **kwargs, dilation=d, return_indices=True)
    np.testing.assert_array_equal(got[0], y.detach().numpy())  # small ints: ties, and the tie rule
    np.testing.assert_array_equal(got[1], idx.numpy())
    g = np.random.default_rng(seed).standard_normal(got[0].shape)
    y.backward(torch.from_numpy(g))
    grad = convdot.max_pool2d_backward(x, g, **kwargs, dilation=d)
    np.testing.assert_allclose(grad, xt.grad.numpy(), rtol=1e-12, atol=1e-12)


@settings(max_examples=150)
@given(
    case=pool_oracle_cases(dilation=False),
    include=st.booleans(),
    override=st.sampled_from([None, 1, 5]),
    seed=st.integers(0, 2**32 - 1),
)
def test_avg_pool2d_and_its_gradient_match_torch(case, include, override, seed):
    x, kwargs, _ = case
    got = accepted(convdot.avg_pool2d, x, **kwargs, count_include_pad=include, divisor_override=override)
    assume(got is not None)
    xt = torch.from_numpy(x).requires_grad_()
    y = torch.nn.functional.avg_pool2d(xt, **kwargs, count_include_pad=include, divisor_override=override)
    np.testing.assert_allclose(got, y.detach().numpy(), rtol=1e-12, atol=1e-12)
    g = np.random.default_rng(seed).standard_normal(got.shape)
    y.backward(torch.from_numpy(g))
    grad = convdot.avg_pool2d_backward(x, g, **kwargs, count_include_pad=include, divisor_override=override)
    np.testing.assert_allclose(grad, xt.grad.numpy(), rtol=1e-12, atol=1e-12)


@settings(max_examples=40)
@given(case=pool_oracle_cases())
def test_pooling_refuses_exactly_what_torch_refuses_for_padding_and_output_size(case):
    x, kwargs, d = case
    big = dict(kwargs, padding=tuple(k // 2 + 1 for k in kwargs["kernel_size"]))
    with pytest.raises(RuntimeError, match="pad should be"):
        torch.nn.functional.max_pool2d(torch.from_numpy(x), **big, dilation=d)
    with pytest.raises(ValueError, match="padding must be at most half the kernel size"):
        convdot.max_pool2d(x, **big, dilation=d)


@settings(max_examples=20)
@given(case=pool_oracle_cases(dilation=False))
def test_unbatched_pooling_matches_torch(case):
    x, kwargs, _ = case
    got = accepted(convdot.max_pool2d, x[0], **kwargs)
    assume(got is not None)
    np.testing.assert_array_equal(got, torch.nn.functional.max_pool2d(torch.from_numpy(x[0]), **kwargs).numpy())
    want = torch.nn.functional.avg_pool2d(torch.from_numpy(x[0]), **kwargs).numpy()
    np.testing.assert_allclose(convdot.avg_pool2d(x[0], **kwargs), want, rtol=1e-12, atol=1e-12)
