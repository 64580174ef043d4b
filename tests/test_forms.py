"""Properties of the individual forms: im2col layout, the convolution matrix, explain."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import WORKED_A, WORKED_B, image_and_kernel
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import convdot


@given(case=image_and_kernel())
def test_flattened_kernel_times_im2col_is_the_flattened_valid_correlation(case):
    a, b, _ = case
    if b.shape[0] > a.shape[0] or b.shape[1] > a.shape[1]:
        b = b[: a.shape[0], : a.shape[1]]
    got = b.ravel() @ convdot.im2col(a, b.shape)
    np.testing.assert_allclose(got, convdot.correlate2d(a, b, method="loops").ravel(), rtol=1e-12, atol=1e-9)


def test_im2col_columns_are_row_major_windows_in_row_major_output_order():
    a = np.arange(20).reshape(4, 5)
    cols = convdot.im2col(a, (2, 3))
    assert cols.shape == (6, 3 * 3)
    for m in range(3):
        for n in range(3):
            assert cols[:, m * 3 + n].tolist() == a[m : m + 2, n : n + 3].ravel().tolist()


@given(case=image_and_kernel(max_side=7))
def test_conv_matrix_times_flattened_input_is_the_flattened_correlation(case):
    a, b, mode = case
    t = convdot.conv_matrix(b, a.shape, mode)
    np.testing.assert_allclose(
        t @ a.ravel(), convdot.correlate2d(a, b, mode, method="loops").ravel(), rtol=1e-12, atol=1e-9
    )
    assert np.array_equal(convdot.conv_matrix(b, a.shape, mode, sparse=True).toarray(), t)


@given(case=image_and_kernel(max_side=6))
def test_conv_matrix_is_doubly_block_toeplitz(case):
    a, b, mode = case
    H, W = a.shape
    t = convdot.conv_matrix(b, (H, W), mode)
    H_out, W_out = convdot.correlate2d(a, b, mode).shape
    blocks = t.reshape(H_out, W_out, H, W).transpose(0, 2, 1, 3)  # block (m, i) is W_out x W
    for m in range(H_out):
        for i in range(H):
            if m + 1 < H_out and i + 1 < H:
                assert np.array_equal(blocks[m, i], blocks[m + 1, i + 1])  # constant block diagonals
            block = blocks[m, i]
            assert np.array_equal(block[:-1, :-1], block[1:, 1:])  # each block Toeplitz


@given(
    a=hnp.arrays(np.int64, st.tuples(st.integers(3, 6), st.integers(3, 6)), elements=st.integers(-9, 9)),
    b=hnp.arrays(np.int64, st.tuples(st.integers(1, 3), st.integers(1, 3)), elements=st.integers(-9, 9)),
    data=st.data(),
)
def test_explain_lists_every_product_and_sums_to_the_correlation(a, b, data):
    c = convdot.correlate2d(a, b)
    m = data.draw(st.integers(0, c.shape[0] - 1))
    n = data.draw(st.integers(0, c.shape[1] - 1))
    text = convdot.explain(a, b, m, n)
    terms, total = text.split(" = ")
    products = [tuple(int(x) for x in term.strip("()").split("×")) for term in terms.split("+")]
    assert len(products) == b.size
    assert [p[0] for p in products] == a[m : m + b.shape[0], n : n + b.shape[1]].ravel().tolist()
    assert [p[1] for p in products] == b.ravel().tolist()
    assert int(total) == sum(x * y for x, y in products) == c[m, n]


def test_explain_reproduces_the_question_term_by_term():
    assert convdot.explain(WORKED_A, WORKED_B, 0, 0) == "(1×1)+(1×0)+(1×1)+(0×0)+(1×1)+(1×0)+(0×1)+(0×0)+(1×1) = 4"


def test_explain_refuses_a_position_outside_the_output():
    with pytest.raises(ValueError, match=r"\(m, n\) must index the 'valid' output of shape \(3, 3\); got \(3, 0\)"):
        convdot.explain(WORKED_A, WORKED_B, 3, 0)
