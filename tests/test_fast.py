"""The fast layer forms (blocked, shifted, winograd, fft_pruned), the auto rule, and the measuring helpers.

The property tests of tests/test_layer.py run every method of LAYER_FORMS, these included; the
tests here add what is particular to them: the flat-shift geometry, block sizes small enough to
split images and rows, Winograd's transforms, pieces, numerics and edge cases, and memory.
"""

from __future__ import annotations

import convdot_bench as bench
import numpy as np
import pytest
import scipy.signal
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from layer_cases import Case, layer_cases, padded_input, reference_conv2d

import convdot
from convdot.layer.blocks import BLOCK, blocks
from convdot.layer.fast import PHASED_BLOWUP, _blocked_phased, conv2d_blocked, conv2d_fft_pruned
from convdot.layer.phases import flat_phases, tap_offsets
from convdot.layer.winograd import A_T, B_T, G, _pieces, conv2d_winograd

FAST = {"blocked": conv2d_blocked, "shifted": convdot.LAYER_FORMS["shifted"], "winograd": conv2d_winograd}
FAST["fft_pruned"] = conv2d_fft_pruned


@pytest.mark.parametrize("method", FAST)
@settings(max_examples=20)
@given(case=layer_cases(max_side=6))
def test_every_fast_form_called_directly_on_the_padded_input_is_conv2d_by_that_method(method, case):
    xp = padded_input(case)
    direct = FAST[method](xp, case.w, case.stride, case.dilation, case.groups)
    through = convdot.conv2d(case.x, case.w, **case.kwargs, method=method)
    assert direct.dtype == through.dtype
    assert np.array_equal(direct, through)


geometry = st.tuples(
    st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(1, 2), st.integers(1, 2)
)


@given(geometry=geometry, extra=st.tuples(st.integers(0, 6), st.integers(0, 6)), channels=st.integers(1, 3))
def test_every_tap_reads_its_window_entry_at_a_constant_offset_from_the_flat_output_position(geometry, extra, channels):
    k_h, k_w, s0, s1, d0, d1 = geometry
    h, w = d0 * (k_h - 1) + 1 + extra[0], d1 * (k_w - 1) + 1 + extra[1]
    xp = np.arange(2 * channels * h * w).reshape(2, channels, h, w)
    h_out, w_out = (h - d0 * (k_h - 1) - 1) // s0 + 1, (w - d1 * (k_w - 1) - 1) // s1 + 1
    flat, w_ph = flat_phases(xp, (s0, s1))
    i, j = np.meshgrid(np.arange(h_out), np.arange(w_out), indexing="ij")
    taps = tap_offsets((k_h, k_w), (s0, s1), (d0, d1), w_ph)
    assert len(taps) == k_h * k_w
    for (u, v), (phase, offset) in zip(np.ndindex(k_h, k_w), taps, strict=True):
        got = flat[phase][:, :, i * w_ph + j + offset]
        assert np.array_equal(got, xp[:, :, s0 * i + d0 * u, s1 * j + d1 * v])


@given(
    x=hnp.arrays(np.int64, st.tuples(st.integers(1, 2), st.integers(1, 2), st.integers(1, 7), st.integers(1, 7))),
    stride=st.tuples(st.integers(1, 3), st.integers(1, 3)),
)
def test_the_phases_hold_every_input_entry_exactly_once_and_pad_with_zeros(x, stride):
    flat, w_ph = flat_phases(x, stride)
    s0, s1 = stride
    phases = flat.reshape(s0, s1, *x.shape[:2], -1, w_ph)
    for p, q in np.ndindex(s0, s1):
        part = x[:, :, p::s0, q::s1]
        assert np.array_equal(phases[p, q][:, :, : part.shape[2], : part.shape[3]], part)
        assert not phases[p, q][:, :, part.shape[2] :].any() and not phases[p, q][..., part.shape[3] :].any()


@given(n=st.integers(1, 5), h_out=st.integers(1, 9), per_row=st.integers(1, 50), block=st.integers(1, 400))
def test_blocks_cover_every_row_of_every_image_once_within_the_block(n, h_out, per_row, block):
    seen = []
    for n0, images, i0, rows in blocks(n, h_out, per_row, block):
        assert images == 1 or rows == h_out  # whole images, or rows of one image
        assert images * rows * per_row <= max(block, per_row)
        seen += [(m, i) for m in range(n0, n0 + images) for i in range(i0, i0 + rows)]
    assert sorted(seen) == [(m, i) for m in range(n) for i in range(h_out)]


@pytest.mark.parametrize("method", FAST)
@pytest.mark.parametrize("block", [1, 97, BLOCK])
@settings(max_examples=12)
@given(case=layer_cases(max_channels=3))
def test_fast_forms_match_the_scipy_reference_whatever_the_block_size(method, block, case):
    case = case._replace(bias=None)
    got = FAST[method](padded_input(case), case.w, case.stride, case.dilation, case.groups, block=block)
    expected = reference_conv2d(case)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12 * max(1.0, float(np.abs(expected).max())))


@st.composite
def strided_large_kernel_cases(draw):
    """Valid layers with kernels up to 6x6, strides up to 3 and up to 4 images: the regimes where
    blocked builds im2col from the phases and shifted interleaves a block of images."""
    groups, c_g, per = draw(st.integers(1, 2)), draw(st.integers(1, 4)), draw(st.integers(1, 3))
    kernel = (draw(st.integers(1, 6)), draw(st.integers(1, 6)))
    stride, dilation = (
        draw(st.tuples(st.integers(1, 3), st.integers(1, 3))),
        draw(st.tuples(st.integers(1, 2), st.integers(1, 2))),
    )
    sides = [d * (k - 1) + 1 + draw(st.integers(0, 9)) for k, d in zip(kernel, dilation, strict=True)]
    elements = st.floats(-10, 10)
    x = draw(hnp.arrays(np.float64, (draw(st.integers(1, 4)), groups * c_g, *sides), elements=elements))
    w = draw(hnp.arrays(np.float64, (groups * per, c_g, *kernel), elements=elements))
    return Case(x, w, None, stride, 0, dilation, groups, "zeros")


@pytest.mark.parametrize("method", ["blocked", "shifted", "fft_pruned"])
@settings(max_examples=40)
@given(case=strided_large_kernel_cases())
def test_fast_forms_match_the_scipy_reference_on_large_kernels_strides_and_batches(method, case):
    got = FAST[method](padded_input(case), case.w, case.stride, case.dilation, case.groups)
    expected = reference_conv2d(case)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-11, atol=1e-11 * max(1.0, float(np.abs(expected).max())))


def test_blocked_builds_im2col_from_the_phases_only_where_it_is_several_times_the_input():
    rng = np.random.default_rng(0)
    xp, w = rng.standard_normal((2, 3, 21, 21)), rng.standard_normal((4, 3, 7, 7))
    assert 7 * 7 >= PHASED_BLOWUP * 2 * 2 > 3 * 3
    y = conv2d_blocked(xp, w, (2, 2), (1, 1), 1)
    assert np.array_equal(y, _blocked_phased(xp, w, (2, 2), (1, 1), 1, np.empty_like(y), BLOCK))
    expected = convdot.LAYER_FORMS["im2col"](xp, w, (2, 2), (1, 1), 1)
    np.testing.assert_allclose(y, expected, rtol=1e-12, atol=1e-12)
    assert _blocked_phased(xp, w, (2, 2), (1, 1), 1, np.empty_like(y), 10) is None  # one image does not fit


def test_f23_computes_two_outputs_of_a_three_tap_correlation_from_four_products():
    rng = np.random.default_rng(0)
    for _ in range(20):
        d, g = rng.integers(-9, 10, 4), rng.integers(-9, 10, 3)
        products = (G @ g) * (B_T @ d)  # the only 4 multiplications that involve d
        assert products.shape == (4,)
        assert np.array_equal(A_T @ products, [d[:3] @ g, d[1:] @ g])


def test_f2x2_3x3_on_one_tile_is_the_valid_correlation_of_the_tile():
    rng = np.random.default_rng(1)
    for _ in range(20):
        d, g = rng.integers(-9, 10, (4, 4)), rng.integers(-9, 10, (3, 3))
        y = A_T @ ((G @ g @ G.T) * (B_T @ d @ B_T.T)) @ A_T.T
        assert np.array_equal(y, scipy.signal.correlate2d(d, g, "valid"))


@settings(max_examples=30)
@given(
    x=hnp.arrays(np.float64, st.tuples(st.integers(1, 2), st.integers(1, 3), st.integers(3, 10), st.integers(3, 10))),
    data=st.data(),
)
def test_winograd_handles_odd_output_sizes_and_a_single_output(x, data):
    # Tiles are 2x2; an odd H_out or W_out (including 1) leaves the last tile half outside.
    w = data.draw(hnp.arrays(np.float64, (2, x.shape[1], 3, 3), elements=st.floats(-2, 2)))
    x = np.nan_to_num(x, nan=1.0, posinf=1.0, neginf=-1.0).clip(-1e3, 1e3)
    expected = convdot.LAYER_FORMS["im2col"](x, w, (1, 1), (1, 1), 1)
    np.testing.assert_allclose(conv2d_winograd(x, w, (1, 1), (1, 1), 1), expected, rtol=1e-10, atol=1e-9)


@given(geometry=geometry)
def test_winograd_pieces_place_every_tap_once_in_a_3x3_filter_of_its_phase(geometry):
    k_h, k_w, s0, s1, d0, d1 = geometry
    w = np.arange(1, 2 * k_h * k_w + 1, dtype=float).reshape(2, 1, k_h, k_w)
    pieces = {(phase, r0, c0): f for phase, r0, c0, f in _pieces(w, (s0, s1), (d0, d1))}
    assert sum(f.sum() for f in pieces.values()) == w.sum()  # no tap twice, none lost
    for u, v in np.ndindex(k_h, k_w):
        a, b = d0 * u // s0, d1 * v // s1
        piece = pieces[((d0 * u % s0, d1 * v % s1), 3 * (a // 3), 3 * (b // 3))]
        assert piece.shape[-2:] == (3, 3)
        assert np.array_equal(piece[..., a % 3, b % 3], w[..., u, v])


def test_winograd_float32_error_is_within_the_bound_of_its_transforms_and_products():
    # Higham's analysis of a product of matrices, stage by stage: each stage's result has error at
    # most gamma_k times the same stage computed on absolute values. Through the input transform
    # (2 + 2 roundings), the filter transform (4), the product and the sum over C channels (C + 1)
    # and the output transform (2 + 2), the error of each output is at most gamma_{C + 13} times
    # |A^T| [sum_c (|G| |w| |G^T|) * (|B^T| |d| |B|)] |A|: a normwise bound over the tile.
    rng = np.random.default_rng(2)
    c_in = 16
    x = rng.standard_normal((40, c_in, 4, 4))  # one 4 x 4 tile per sample: a 2 x 2 output
    w = rng.standard_normal((8, c_in, 3, 3))
    x32, w32 = x.astype(np.float32), w.astype(np.float32)
    exact = convdot.conv2d(x32.astype(np.float64), w32.astype(np.float64), method="loops")
    got = conv2d_winograd(x32, w32, (1, 1), (1, 1), 1)
    assert got.dtype == np.float32
    a_t, b_t, g = np.abs(A_T), np.abs(B_T), np.abs(G)
    v = np.einsum("ai,ncij,bj->ncab", b_t, np.abs(x32.astype(np.float64)), b_t)
    u = np.einsum("ai,ocij,bj->ocab", g, np.abs(w32.astype(np.float64)), g)
    m = np.einsum("ncab,ocab->noab", v, u)
    bound = convdot.numerics.gamma(c_in + 13, np.float32) * np.einsum("ia,noab,jb->noij", a_t, m, a_t)
    assert np.all(np.abs(got - exact) <= bound)


def test_winograd_integers_are_exact_and_too_large_ones_are_refused():
    rng = np.random.default_rng(3)
    x, w = rng.integers(-1000, 1000, (2, 3, 9, 8)), rng.integers(-1000, 1000, (4, 3, 3, 3))
    got = conv2d_winograd(x, w, (1, 1), (1, 1), 1)
    assert got.dtype == np.int64
    assert np.array_equal(got, convdot.LAYER_FORMS["loops"](x, w, (1, 1), (1, 1), 1))
    big = np.full((1, 1, 6, 6), 2**44)  # 2**44 * 9 fits in int64, but 36 * that exceeds 2**50
    with pytest.raises(ValueError, match=r"method 'winograd' cannot guarantee an exact integer result"):
        convdot.conv2d(big, np.ones((1, 1, 3, 3), dtype=int), method="winograd")


def test_fft_pruned_refuses_integers_too_large_for_an_exact_result():
    x, w = np.full((1, 1, 8, 8), 2**40), np.ones((1, 1, 3, 3), dtype=int)  # fits int64, not a float64 FFT
    with pytest.raises(ValueError, match=r"method 'fft_pruned' cannot guarantee an exact integer result"):
        convdot.conv2d(x, w, method="fft_pruned")


def test_winograd_keeps_a_nan_in_the_windows_that_read_it_but_can_turn_an_inf_into_a_nan():
    # Output row 0 of a tile mixes transformed rows 0-2, which read input rows 0-2 of the tile
    # (its window); output row 1 likewise reads rows 1-3: a NaN stays where a direct sum puts it.
    w = np.ones((1, 1, 3, 3))
    for value in (np.nan, np.inf):
        x = np.ones((1, 1, 12, 12))
        x[0, 0, 5, 6] = value
        direct = convdot.conv2d(x, w, method="blocked")[0, 0]
        with np.errstate(invalid="ignore"):  # the inf - inf that this test is about
            winograd = convdot.conv2d(x, w, method="winograd")[0, 0]
        assert (~np.isfinite(direct)).sum() == 9  # the windows that contain it
        assert np.array_equal(np.isfinite(winograd), np.isfinite(direct))
    assert np.isposinf(direct[~np.isfinite(direct)]).all()
    assert np.isnan(winograd[~np.isfinite(winograd)]).any()  # the transforms subtract: inf - inf


def prepared(shape: bench.LayerShape) -> tuple[np.ndarray, np.ndarray]:
    p = shape.padding
    x = np.zeros((shape.n, shape.c_in, shape.hw + 2 * p, shape.hw + 2 * p), dtype=np.float32)
    return x, np.zeros(shape.weight_shape, dtype=np.float32)


layer_shapes = st.builds(
    bench.LayerShape,
    n=st.integers(1, 2),
    c_in=st.sampled_from([1, 4, 8, 16]),
    hw=st.integers(8, 40),
    c_out=st.sampled_from([1, 4, 16]),
    k=st.sampled_from([1, 3, 5, 21]),
    stride=st.integers(1, 2),
    padding=st.integers(0, 2),
    groups=st.sampled_from([1, 4]),
).filter(lambda s: s.c_in % s.groups == 0 and s.c_out % s.groups == 0 and s.hw + 2 * s.padding >= s.k)


@settings(max_examples=40)
@given(shape=layer_shapes)
def test_auto_takes_the_first_method_of_the_stated_rule_when_the_budget_holds_them_all(shape):
    from convdot.layer.dft import FFT_LAYER_CROSSOVER, fft_flops
    from convdot.layer.methods import SHIFTED_MIN_DEPTH

    xp, w = prepared(shape)
    stride = (shape.stride,) * 2
    with convdot.memory_budget(2**40):
        chosen = convdot.choose_layer_method(xp, w, stride, (1, 1), shape.groups)
    h_out = (xp.shape[2] - shape.k) // shape.stride + 1
    direct = 2 * shape.n * shape.c_out * h_out**2 * w.shape[1] * shape.k**2
    fft = fft_flops(xp.shape, w.shape)
    if direct > fft.matrix + FFT_LAYER_CROSSOVER * fft.spectral:
        assert chosen == "fft_pruned"
    elif shape.stride == 1 and shape.k > 1 and w.shape[1] >= SHIFTED_MIN_DEPTH:
        assert chosen == "shifted"
    else:
        assert chosen == "blocked"


def test_auto_takes_blocked_for_shallow_groups_and_the_fft_for_a_large_kernel_unless_a_nan_would_spread():
    xp, w = prepared(bench.LayerShape(1, 4, 16, 8, 3))
    assert convdot.choose_layer_method(xp, w, (1, 1), (1, 1), 1) == "blocked"  # C_g = 4: too shallow for shifted
    xp, w = prepared(bench.LayerShape(1, 16, 128, 16, 21, 1, 10))
    assert convdot.choose_layer_method(xp, w, (1, 1), (1, 1), 1) == "fft_pruned"
    xp[0, 0, 0, 0] = np.nan
    assert convdot.choose_layer_method(xp, w, (1, 1), (1, 1), 1) == "shifted"


def test_auto_keeps_integers_off_shifted_when_float64_could_not_sum_them_exactly():
    xp = np.full((1, 8, 6, 6), 2**40, dtype=np.int64)
    w = np.full((2, 8, 3, 3), 2**10, dtype=np.int64)  # a sum reaches 72 * 2**50 > 2**53
    assert convdot.choose_layer_method(xp, w, (1, 1), (1, 1), 1) == "blocked"
    with pytest.raises(ValueError, match=r"method 'shifted' cannot guarantee an exact integer result"):
        convdot.conv2d(xp, w, method="shifted")
    assert convdot.choose_layer_method(xp // 2**20, w, (1, 1), (1, 1), 1) == "shifted"
    expected = convdot.conv2d(xp // 2**20, w, method="blocked")
    assert np.array_equal(convdot.conv2d(xp // 2**20, w, method="shifted"), expected)


@pytest.mark.parametrize("method", ["blocked", "shifted", "fft_pruned", "auto"])
def test_the_fast_path_needs_at_most_twice_the_input_plus_output_in_extra_memory(method):
    # A layer whose whole im2col matrix is 9x its input: 2 x 32 x 48 x 48, 3x3, padding 1.
    shape = bench.LayerShape(2, 32, 48, 32, 3, 1, 1)
    x, w = bench.layer_arrays(shape)
    c = bench.counts(shape)
    assert c.blowup == pytest.approx(9.0)
    peak = bench.peak_extra_bytes(lambda: convdot.conv2d(x, w, padding=1, method=method))
    assert peak <= 2 * (c.input_bytes + c.output_bytes)


def test_the_memory_measure_does_see_the_full_im2col_matrix():
    shape = bench.LayerShape(2, 32, 48, 32, 3, 1, 1)
    x, w = bench.layer_arrays(shape)
    peak = bench.peak_extra_bytes(lambda: convdot.conv2d(x, w, padding=1, method="im2col"))
    assert peak >= bench.counts(shape).im2col_bytes


def test_peak_extra_bytes_counts_temporaries_but_not_the_result():
    def temporary():
        np.ones(2**20).sum()  # 8 MiB, freed before returning
        return np.zeros(10)

    assert bench.peak_extra_bytes(temporary) >= 2**23
    assert bench.peak_extra_bytes(lambda: np.ones(2**20)) < 2**16


def test_interleaved_rounds_give_each_contender_a_warm_call_and_a_burst_in_turn():
    calls = []
    contenders = {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}
    times = bench.interleaved_times(contenders, 3, warmup=1, burst=2)
    assert calls == (["a"] * 3 + ["b"] * 3) * 4  # per round: one untimed call, then the timed burst
    assert {name: len(t) for name, t in times.items()} == {"a": 3, "b": 3}  # warm-up round dropped


def test_a_slowdown_common_to_both_timings_of_a_round_cancels_in_the_median_ratio():
    method, torch = [1.0, 3.0, 2.0, 10.0], [2.0, 6.0, 4.0, 1.0]  # round 4: only the method was slowed
    assert bench.median_ratio(torch, method) == 2.0


def test_counts_of_a_resnet_layer_are_twice_its_multiply_adds_and_im2col_copies_the_input_nine_times():
    shape = bench.ISSUE_TABLE[0]  # 8 x 64 x 56 x 56 -> 64, 3x3, padding 1: outputs as large as inputs
    c = bench.counts(shape)
    assert c.flops == 2 * 8 * 64 * 56 * 56 * 64 * 9
    assert c.input_bytes == c.output_bytes == 4 * 8 * 64 * 56 * 56
    assert c.blowup == 9.0
    assert c.gemm == (1, 64, 64 * 9, 8 * 56 * 56)
