"""conv2d_cost against counts made another way: array sizes, and conv2d itself run on ones."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import convdot


@st.composite
def layer_config(draw):
    """Small layer shapes with groups, stride, padding (at most the input size) and dilation."""
    groups = draw(st.integers(1, 3))
    c_in, c_out = groups * draw(st.integers(1, 3)), groups * draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    h = draw(st.integers(dilation[0] * (kh - 1) + 1, 7))
    w = draw(st.integers(dilation[1] * (kw - 1) + 1, 7))
    padding = (draw(st.integers(0, h)), draw(st.integers(0, w)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    batch = draw(st.sampled_from([(), (1,), (2,)]))
    geometry = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    return (*batch, c_in, h, w), (c_out, c_in // groups, kh, kw), draw(st.booleans()), geometry


@given(config=layer_config())
def test_output_shape_is_the_shape_conv2d_returns(config):
    input_shape, weight_shape, bias, geometry = config
    y = convdot.conv2d(np.zeros(input_shape), np.zeros(weight_shape), **geometry)
    assert convdot.conv2d_cost(input_shape, weight_shape, bias=bias, **geometry).output_shape == y.shape


@given(config=layer_config())
def test_params_count_the_entries_of_the_weight_and_bias_arrays(config):
    input_shape, weight_shape, bias, geometry = config
    w, b = np.zeros(weight_shape), np.zeros(weight_shape[0])
    expected = w.size + (b.size if bias else 0)
    assert convdot.conv2d_cost(input_shape, weight_shape, bias=bias, **geometry).params == expected


@given(config=layer_config())
def test_macs_equal_the_sum_of_conv2d_of_ones_with_circular_padding(config):
    # With an all-ones input that is padded circularly (every tap reads a 1) and all-ones
    # weights, each output equals the number of multiply-accumulates behind it.
    input_shape, weight_shape, bias, geometry = config
    y = convdot.conv2d(np.ones(input_shape), np.ones(weight_shape), padding_mode="circular", **geometry)
    assert convdot.conv2d_cost(input_shape, weight_shape, bias=bias, **geometry).macs == int(y.sum())


@given(
    c_in=st.integers(1, 64),
    c_out=st.integers(1, 64),
    k=st.integers(1, 7),
    hw=st.integers(7, 40),
    batch=st.integers(1, 4),
)
def test_depthwise_separable_costs_one_over_c_out_plus_one_over_k_squared_of_a_full_convolution(
    c_in, c_out, k, hw, batch
):
    # The ratio given by Howard et al. (2017, MobileNets), with "same" padding and no bias.
    full = convdot.conv2d_cost((batch, c_in, hw, hw), (c_out, c_in, k, k), padding="same", bias=False)
    depthwise = convdot.conv2d_cost((batch, c_in, hw, hw), (c_in, 1, k, k), padding="same", groups=c_in, bias=False)
    pointwise = convdot.conv2d_cost(depthwise.output_shape, (c_out, c_in, 1, 1), bias=False)
    assert pointwise.output_shape == full.output_shape
    ratio = Fraction(1, c_out) + Fraction(1, k * k)
    assert Fraction(depthwise.macs + pointwise.macs, full.macs) == ratio
    assert Fraction(depthwise.params + pointwise.params, full.params) == ratio


@given(groups=st.integers(1, 8), per_group=st.integers(1, 4), k=st.integers(1, 5))
def test_groups_divide_weights_and_macs_by_the_number_of_groups(groups, per_group, k):
    c = groups * per_group * 2
    dense = convdot.conv2d_cost((2, c, 9, 9), (c, c, k, k), bias=False)
    grouped = convdot.conv2d_cost((2, c, 9, 9), (c, c // groups, k, k), groups=groups, bias=False)
    assert dense.params == groups * grouped.params
    assert dense.macs == groups * grouped.macs


BAD_CALLS = [
    (
        "an input_shape of the wrong length",
        lambda: convdot.conv2d_cost((5, 5), (1, 1, 3, 3)),
        TypeError,
        r"input_shape must be a tuple of 3 or 4 ints; got \(5, 5\)",
    ),
    (
        "a weight_shape that holds a float",
        lambda: convdot.conv2d_cost((1, 5, 5), (1, 1, 3.0, 3)),
        TypeError,
        r"weight_shape must be a tuple of 4 ints; got \(1, 1, 3.0, 3\)",
    ),
    (
        "a zero size",
        lambda: convdot.conv2d_cost((1, 0, 5, 5), (1, 1, 3, 3)),
        ValueError,
        r"input_shape must hold positive sizes; got \(1, 0, 5, 5\)",
    ),
    (
        "a non-integer groups",
        lambda: convdot.conv2d_cost((1, 4, 5, 5), (4, 2, 3, 3), groups=2.0),
        TypeError,
        r"groups must be an int; got 2.0",
    ),
    (
        "groups < 1",
        lambda: convdot.conv2d_cost((1, 4, 5, 5), (4, 4, 3, 3), groups=0),
        ValueError,
        r"groups must be >= 1; got 0",
    ),
    (
        "groups not dividing the channels",
        lambda: convdot.conv2d_cost((1, 4, 5, 5), (6, 1, 3, 3), groups=4),
        ValueError,
        r"groups must divide both C_in = 4 \(input_shape\) and C_out = 6 \(weight_shape\); got 4",
    ),
    (
        "a weight_shape[1] that does not match C_in / groups",
        lambda: convdot.conv2d_cost((1, 4, 5, 5), (4, 4, 3, 3), groups=2),
        ValueError,
        r"weight_shape\[1\] must be C_in / groups = 2 for input_shape \(1, 4, 5, 5\) and groups=2; "
        r"got weight_shape \(4, 4, 3, 3\)",
    ),
    (
        "a kernel larger than the padded input",
        lambda: convdot.conv2d_cost((1, 1, 2, 2), (1, 1, 3, 3)),
        ValueError,
        r"the output size must be >= 1 on each axis; got \(0, 0\)",
    ),
]


@pytest.mark.parametrize(("case", "call", "error", "match"), BAD_CALLS, ids=[c[0] for c in BAD_CALLS])
def test_bad_arguments_raise_a_message_naming_the_argument(case, call, error, match):
    with pytest.raises(error, match=match):
        call()
