"""The memory budget: every public function estimates its allocations from the shapes and refuses before allocating.

Budgets here are small (a few MiB) and the refused calls moderate, so that a broken check would
allocate tens of MiB at most, never a runaway amount. tracemalloc (which sees numpy's
allocations) confirms that a refused call allocated nothing of the size it refused.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import convdot
from convdot import _memory

MIB = 2**20


def peak_bytes(call) -> int:
    """Peak bytes allocated while `call` runs (and raises)."""
    tracemalloc.start()
    try:
        call()
    except MemoryError:
        pass
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


X = np.ones((1, 2, 8, 8))
W = np.ones((3, 2, 3, 3))
G = np.ones((1, 3, 406, 406))  # conv2d's output with padding=200
REFUSED = {
    "conv2d with a huge padding": lambda: convdot.conv2d(X, W, padding=600),
    "conv2d with a huge kernel by im2col": lambda: convdot.conv2d(
        np.ones((1, 8, 64, 64)), np.ones((8, 8, 9, 9)), method="im2col"
    ),
    "conv_transpose2d with a huge stride": lambda: convdot.conv_transpose2d(X, np.ones((2, 3, 3, 3)), stride=200),
    "conv2d_backward with a huge padding": lambda: convdot.conv2d_backward(X, W, G, padding=200),
    "conv_matrix of a large input": lambda: convdot.conv_matrix(np.ones((3, 3)), (200, 200)),
    "conv_matrix, sparse, of a large input": lambda: convdot.conv_matrix(np.ones((9, 9)), (300, 300), sparse=True),
    "layer_matrix of a large input": lambda: convdot.layer.layer_matrix(W, (100, 100)),
    "correlate2d full with a broadcast kernel": lambda: convdot.correlate2d(
        np.ones((4, 4)), np.broadcast_to(1.0, (1000, 1000)), "full"
    ),
    "correlate2d by matrix": lambda: convdot.correlate2d(np.ones((200, 200)), np.ones((9, 9)), method="matrix"),
    "correlate_im2col": lambda: convdot.correlate_im2col(np.ones((200, 200)), np.ones((9, 9))),
    "im2col": lambda: convdot.im2col(np.ones((200, 200)), (9, 9)),
    "layer_im2col": lambda: convdot.layer.layer_im2col(np.ones((1, 8, 64, 64)), (9, 9)),
    "a layer form called directly": lambda: convdot.layer.conv2d_im2col(np.ones((1, 8, 64, 64)), np.ones((8, 8, 9, 9))),
    "explain in full mode with a large kernel": lambda: convdot.explain(
        np.ones((2, 2)), np.ones((300, 300)), 0, 0, "full"
    ),
}


@pytest.mark.parametrize("call", REFUSED.values(), ids=REFUSED.keys())
def test_calls_beyond_the_budget_are_refused_before_allocating_with_the_sizes(call):
    with convdot.memory_budget(MIB):
        with pytest.raises(
            convdot.MemoryBudgetError, match=r"would allocate about [\d.]+ [KMG]iB \(.*\), more than"
        ) as e:
            call()
        assert peak_bytes(call) < MIB
    assert isinstance(e.value, MemoryError) and isinstance(e.value, ValueError)
    assert "memory budget of 1.0 MiB" in str(e.value)


@pytest.mark.parametrize("call", REFUSED.values(), ids=REFUSED.keys())
def test_the_same_calls_are_refused_by_the_environment_variable(call, monkeypatch):
    monkeypatch.setenv("CONVDOT_MEMORY_BUDGET", "1M")
    with pytest.raises(MemoryError, match="CONVDOT_MEMORY_BUDGET"):
        call()


def test_a_nan_does_not_push_auto_into_a_plan_beyond_the_budget():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(120, 120))
    b = rng.normal(size=(60, 60))
    assert convdot.choose_method(a, b) == "fft"
    a[3, 3] = np.nan  # the FFT would spread it: a direct method, but not the 1.3 * 10^7-entry im2col matrix
    with convdot.memory_budget(4 * MIB):
        assert convdot.choose_method(a, b) == "dot"
        got = convdot.correlate2d(a, b)
    expected = convdot.correlate2d(a, b, method="im2col")
    assert np.array_equal(np.isnan(got), np.isnan(expected))
    bound = convdot.numerics.correlate2d_error_bound(np.nan_to_num(a), b)
    finite = ~np.isnan(expected)
    assert np.all(np.abs(got - expected)[finite] <= 2 * bound[finite])


def test_auto_for_the_layer_takes_a_method_that_fits_the_budget():
    rng = np.random.default_rng(1)
    x, w = rng.normal(size=(1, 16, 64, 64)), rng.normal(size=(8, 16, 15, 15))
    assert convdot.choose_layer_method(x, w) == "fft_pruned"
    with convdot.memory_budget(3 * MIB):  # the FFT's spectra need about 5.2 MiB, the shifted products 1.5 MiB
        assert convdot.choose_layer_method(x, w) == "shifted"
        got = convdot.conv2d(x, w)
    bound = convdot.numerics.conv2d_error_bound(x, w)
    assert np.all(np.abs(got - convdot.conv2d(x, w, method="fft_pruned")) <= 2 * bound + 1e-9 * np.abs(got).max())


def test_a_refused_layer_names_the_method_the_arrays_and_the_budget():
    with convdot.memory_budget(MIB):
        with pytest.raises(
            MemoryError, match=r"conv2d\(method='im2col'\) would allocate .*the im2col matrix \(1, 648, 3136\)"
        ):
            convdot.conv2d(np.ones((1, 8, 64, 64)), np.ones((8, 8, 9, 9)), method="im2col")


def test_the_budget_is_set_restored_and_read_from_the_environment(monkeypatch):
    monkeypatch.setattr(_memory, "available_memory", lambda: 3000)
    monkeypatch.delenv("CONVDOT_MEMORY_BUDGET", raising=False)
    assert convdot.get_memory_budget() == 1500  # half the memory available
    monkeypatch.setenv("CONVDOT_MEMORY_BUDGET", "2K")
    assert convdot.get_memory_budget() == 2048
    assert convdot.set_memory_budget(10**6) is None
    assert convdot.get_memory_budget() == 10**6  # set_memory_budget wins over the environment
    with convdot.memory_budget(5):
        assert convdot.get_memory_budget() == 5
    assert convdot.get_memory_budget() == 10**6
    assert convdot.set_memory_budget(None) == 10**6
    assert convdot.get_memory_budget() == 2048


@pytest.mark.parametrize(
    ("value", "match"), [(-1, "nbytes must be an int >= 0"), (1.5, "nbytes must be an int"), ("x", "")]
)
def test_a_bad_budget_is_refused_with_the_argument_named(value, match):
    with pytest.raises(ValueError, match=match):
        convdot.set_memory_budget(value)


def test_a_bad_environment_variable_is_named_in_the_error(monkeypatch):
    monkeypatch.setenv("CONVDOT_MEMORY_BUDGET", "lots")
    with pytest.raises(ValueError, match="CONVDOT_MEMORY_BUDGET must be a number of bytes"):
        convdot.get_memory_budget()


def test_available_memory_is_read_from_the_system_or_falls_back(monkeypatch):
    assert _memory.available_memory() > 0

    def unreadable(*args, **kwargs):
        raise OSError("no such file")

    monkeypatch.setattr("builtins.open", unreadable)
    monkeypatch.setattr(_memory.os, "sysconf", lambda name: (_ for _ in ()).throw(ValueError(name)))
    assert _memory.available_memory() == _memory.FALLBACK_AVAILABLE
