"""Small API points: choosers validate array-likes, keyword-only options, empty batches, the layer forms' checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from layer_cases import layer_cases

import convdot
from convdot.layer import LAYER_FORMS


def test_choose_method_takes_array_likes_and_checks_them_as_correlate2d_does():
    assert convdot.choose_method([[1, 2], [3, 4]], [[1]]) == "im2col"
    assert convdot.choose_method(np.ones((64, 64)).tolist(), np.ones((31, 31)).tolist()) == "fft"
    with pytest.raises(ValueError, match="in mode 'valid' the kernel b must fit inside a"):
        convdot.choose_method([[1, 2], [3, 4]], [[1, 2, 3]])
    assert convdot.choose_method([[1, 2], [3, 4]], [[1, 2, 3]], "full") == "im2col"
    with pytest.raises(TypeError, match="b must have a real dtype"):
        convdot.choose_method([[1.0]], [["x"]])


def test_choose_layer_method_takes_array_likes_and_checks_them_as_conv2d_does():
    x, w = np.ones((1, 2, 6, 6)), np.ones((3, 2, 3, 3))
    assert convdot.choose_layer_method(x.tolist(), w.tolist()) == convdot.choose_layer_method(x, w, (1, 1), (1, 1), 1)
    with pytest.raises(ValueError, match="x has C_in=2 channels but w of shape"):
        convdot.choose_layer_method(x, np.ones((3, 1, 3, 3)))
    with pytest.raises(ValueError, match="the output size must be >= 1"):
        convdot.choose_layer_method(x, np.ones((3, 2, 7, 7)))
    padded = convdot.choose_layer_method(np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1))), w)
    assert convdot.choose_layer_method(x, w, padding=1) == padded


@pytest.mark.parametrize(
    "call",
    [
        lambda: convdot.correlate2d(np.ones((3, 3)), np.ones((2, 2)), "valid", "loops"),
        lambda: convdot.convolve2d(np.ones((3, 3)), np.ones((2, 2)), "valid", "loops"),
        lambda: convdot.conv2d(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), None, 1, 0, 1, 1, "zeros"),
        lambda: convdot.conv2d_backward(
            np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), np.ones((1, 1, 2, 2)), 1, 0, 1, 1, "zeros"
        ),
        lambda: convdot.conv_transpose2d(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), None, 1, 0, 0, 1, 1, "loops"),
    ],
)
def test_method_and_padding_mode_are_keyword_only(call):
    with pytest.raises(TypeError, match="positional argument"):
        call()


@pytest.mark.parametrize("method", [*LAYER_FORMS, "auto"])
@settings(max_examples=15)
@given(case=layer_cases(max_side=5))
def test_an_empty_batch_gives_an_empty_result_of_the_right_shape_and_dtype(method, case):
    x = case.x[:0]
    full = convdot.conv2d(case.x, case.w, case.bias, **case.kwargs, method=method)
    y = convdot.conv2d(x, case.w, case.bias, **case.kwargs, method=method)
    assert y.shape == (0, *full.shape[1:]) and y.dtype == full.dtype
    t = convdot.conv_transpose2d(np.zeros((0, *full.shape[1:])), case.w, groups=case.groups, method=method)
    assert t.shape[:2] == (0, case.x.shape[1])
    gx, gw, gb = convdot.conv2d_backward(x, case.w, np.zeros((0, *full.shape[1:])), **case.kwargs, method=method)
    assert gx.shape == x.shape and gw.shape == case.w.shape and gb.shape == (case.w.shape[0],)
    assert not gw.any() and not gb.any()


@pytest.mark.parametrize("method", LAYER_FORMS)
def test_a_layer_form_called_directly_takes_array_likes_and_ints(method):
    x, w = np.arange(32.0).reshape(1, 2, 4, 4), np.ones((2, 2, 2, 2))
    expected = convdot.conv2d(x, w, method="loops")
    assert np.array_equal(LAYER_FORMS[method](x.tolist(), w.tolist(), 1, 1, 1), expected)


@pytest.mark.parametrize("method", LAYER_FORMS)
@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((np.ones((1, 2, 4, 4)), np.ones((2, 3, 2, 2)), 1, 1, 1), ValueError, "xp has C_in=2 channels"),
        ((np.ones((1, 2, 4, 4)), np.ones((2, 2, 2, 2)), 0, 1, 1), ValueError, "stride must be >= 1"),
        ((np.ones((1, 2, 4, 4)), np.ones((2, 2, 2, 2)), 1, 1, 3), ValueError, "groups must divide"),
        ((np.ones((2, 4, 4)), np.ones((2, 2, 2, 2)), 1, 1, 1), ValueError, "xp must be 4-D"),
        ((np.ones((1, 2, 4, 4)), np.ones((2, 2, 5, 5)), 1, 1, 1), ValueError, "the output size must be >= 1"),
        ((np.ones((1, 2, 4, 4)), np.ones((2, 2, 2, 2), complex), 1, 1, 1), TypeError, "w must have a real dtype"),
    ],
)
def test_a_layer_form_called_directly_checks_its_arguments(method, args, error, match):
    with pytest.raises(error, match=match):
        LAYER_FORMS[method](*args)


@pytest.mark.parametrize(
    "a",
    [np.arange(12.0).reshape(3, 4), np.broadcast_to(np.arange(4.0), (3, 4))],
    ids=["an array", "a broadcast view"],
)
@pytest.mark.parametrize("kernel_shape", [(1, 1), (2, 3)])
def test_im2col_is_always_a_new_writeable_array(a, kernel_shape):
    cols = convdot.im2col(a, kernel_shape)
    assert cols.flags.writeable and cols.flags.c_contiguous
    assert not np.shares_memory(cols, a)
    h, w = kernel_shape
    assert np.array_equal(cols[:, 0], a[:h, :w].ravel())


def test_conv2d_cost_accepts_numpy_integers_and_refuses_a_bias_that_is_not_a_flag():
    plain = convdot.conv2d_cost((1, 4, 8, 8), (6, 2, 3, 3), groups=2, stride=2)
    numpy = convdot.conv2d_cost(
        tuple(np.int64(v) for v in (1, 4, 8, 8)), (np.int32(6), 2, 3, 3), groups=np.int64(2), stride=np.int64(2)
    )
    assert numpy == plain and all(type(v) is int for v in numpy.output_shape)
    for bias in (np.ones(6), "yes", None, 1):
        with pytest.raises(TypeError, match="bias must be True or False"):
            convdot.conv2d_cost((1, 4, 8, 8), (6, 2, 3, 3), groups=2, bias=bias)
    assert convdot.conv2d_cost((1, 4, 8, 8), (6, 2, 3, 3), groups=2, bias=np.bool_(False)).params == 6 * 2 * 9
