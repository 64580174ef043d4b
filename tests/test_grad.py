"""conv2d_backward against central finite differences, the adjoint identity and linearity."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from layer_cases import layer_cases, per_side_padding

import convdot
from convdot.layer import layer_methods


def loss(case, x, w, bias, target):
    """A loss that is not linear in its arguments: 0.5 |Y|^2 - <target, Y>, with dL/dY = Y - target."""
    y = convdot.conv2d(x, w, bias, **case.kwargs, method="im2col")
    return 0.5 * np.sum(y * y) - np.sum(target * y), y - target


def central_differences(f, a, h=1e-4):
    """dF/da entry by entry, (F(a + h e_k) - F(a - h e_k)) / 2h."""
    grad = np.zeros_like(a)
    for k in np.ndindex(a.shape):
        step = np.zeros_like(a)
        step[k] = h
        grad[k] = (f(a + step) - f(a - step)) / (2 * h)
    return grad


@settings(max_examples=15)
@given(case=layer_cases(max_channels=2, max_side=5, max_batch=1))
def test_gradients_match_central_finite_differences_in_float64(case):
    bias = np.zeros(case.w.shape[0]) if case.bias is None else case.bias
    target = np.random.default_rng(0).normal(size=convdot.conv2d(case.x, case.w, **case.kwargs).shape)
    _, grad_out = loss(case, case.x, case.w, bias, target)
    grad_x, grad_w, grad_bias = convdot.conv2d_backward(case.x, case.w, grad_out, **case.kwargs)
    # The loss is quadratic, so central differences are exact up to round-off.
    scale = 1e-6 * max(1.0, float(np.abs(grad_out).max()) * 100)
    fd_x = central_differences(lambda x: loss(case, x, case.w, bias, target)[0], case.x)
    fd_w = central_differences(lambda w: loss(case, case.x, w, bias, target)[0], case.w)
    fd_b = central_differences(lambda b: loss(case, case.x, case.w, b, target)[0], bias)
    np.testing.assert_allclose(grad_x, fd_x, rtol=1e-6, atol=scale)
    np.testing.assert_allclose(grad_w, fd_w, rtol=1e-6, atol=scale)
    np.testing.assert_allclose(grad_bias, fd_b, rtol=1e-6, atol=scale)


@settings(max_examples=40)
@given(case=layer_cases(max_channels=3))
def test_grad_x_is_the_adjoint_of_conv2d_in_every_padding_mode(case):
    # conv2d is linear in x, so for every y: <conv2d(x), y> = <x, grad_x(y)>, and likewise in w.
    y = np.random.default_rng(1).normal(size=convdot.conv2d(case.x, case.w, **case.kwargs).shape)
    grad_x, grad_w, grad_bias = convdot.conv2d_backward(case.x, case.w, y, **case.kwargs)
    forward = np.sum(convdot.conv2d(case.x, case.w, **case.kwargs) * y)
    atol = 1e-10 * max(1.0, float(np.abs(case.x).sum() * np.abs(case.w).sum() * np.abs(y).max()))
    np.testing.assert_allclose(np.sum(case.x * grad_x), forward, rtol=1e-10, atol=atol)
    np.testing.assert_allclose(np.sum(case.w * grad_w), forward, rtol=1e-10, atol=atol)
    np.testing.assert_allclose(grad_bias, y.sum(axis=(0, 2, 3)), rtol=1e-12, atol=1e-12 * y.size)
    assert grad_x.shape == case.x.shape
    assert grad_w.shape == case.w.shape


@pytest.mark.parametrize("method", layer_methods())
@settings(max_examples=15)
@given(case=layer_cases(max_channels=2, max_side=6))
def test_every_method_gives_the_same_gradients_as_the_literal_loops(method, case):
    y = np.random.default_rng(2).normal(size=convdot.conv2d(case.x, case.w, **case.kwargs).shape)
    expected = convdot.conv2d_backward(case.x, case.w, y, **case.kwargs, method="loops")
    got = convdot.conv2d_backward(case.x, case.w, y, **case.kwargs, method=method)
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-10 * max(1.0, float(np.abs(e).max())))


@settings(max_examples=30)
@given(case=layer_cases())
def test_zeros_padded_grad_x_is_conv_transpose2d_of_grad_out(case):
    pads = per_side_padding(case.padding, case.w.shape[-2:], case.dilation)
    assume(all(before == after for before, after in pads))  # conv_transpose2d pads symmetrically
    padding = (pads[0][0], pads[1][0])
    case = case._replace(padding_mode="zeros", padding=padding)
    y = np.random.default_rng(3).normal(size=convdot.conv2d(case.x, case.w, **case.kwargs).shape)
    grad_x = convdot.conv2d_backward(case.x, case.w, y, **case.kwargs)[0]
    # output_padding picks, among the input sizes conv2d maps to y's size, the one x has.
    sizes = zip(case.x.shape[-2:], padding, case.dilation, case.w.shape[-2:], case.stride, strict=True)
    output_padding = tuple((n + 2 * p - d * (k - 1) - 1) % s for n, p, d, k, s in sizes)
    transposed = convdot.conv_transpose2d(
        y, case.w, None, case.stride, padding, output_padding, case.groups, case.dilation
    )
    np.testing.assert_array_equal(grad_x, transposed)


def test_reflect_padding_sends_the_border_gradient_back_to_the_mirrored_pixels():
    # 1x1 kernel of weight 1, reflect padding 1: the padded row is [x1, x0, x1, x2, x1].
    x = np.array([[[[0.0, 0.0, 0.0]]]])
    w = np.ones((1, 1, 1, 1))
    grad_out = np.array([[[[1.0, 10.0, 100.0, 1000.0, 10000.0]]]])
    grad_x = convdot.conv2d_backward(x, w, grad_out, padding=(0, 1), padding_mode="reflect")[0]
    np.testing.assert_array_equal(grad_x, [[[[10.0, 1.0 + 100.0 + 10000.0, 1000.0]]]])


@pytest.mark.parametrize("padding_mode", ["zeros", "reflect", "replicate", "circular"])
def test_integer_gradients_are_exact(padding_mode):
    rng = np.random.default_rng(4)
    x = rng.integers(-50, 50, size=(2, 4, 6, 5))
    w = rng.integers(-50, 50, size=(4, 2, 3, 2))
    kwargs = {"stride": (2, 1), "padding": (2, 1), "groups": 2, "padding_mode": padding_mode}
    y = rng.integers(-50, 50, size=convdot.conv2d(x, w, **kwargs).shape)
    got = convdot.conv2d_backward(x, w, y, **kwargs)
    expected = convdot.conv2d_backward(x.astype(float), w.astype(float), y.astype(float), **kwargs, method="loops")
    for g, e in zip(got, expected, strict=True):
        assert g.dtype == np.int64
        np.testing.assert_array_equal(g, e)  # float64 is exact on these small integers


def test_unbatched_gradients_drop_the_batch_axis_of_x_only():
    rng = np.random.default_rng(5)
    x, w = rng.normal(size=(3, 5, 5)), rng.normal(size=(2, 3, 2, 2))
    y = rng.normal(size=(2, 4, 4))
    grad_x, grad_w, grad_bias = convdot.conv2d_backward(x, w, y)
    batched = convdot.conv2d_backward(x[None], w, y[None])
    np.testing.assert_array_equal(grad_x, batched[0][0])
    np.testing.assert_array_equal(grad_w, batched[1])
    np.testing.assert_array_equal(grad_bias, batched[2])
