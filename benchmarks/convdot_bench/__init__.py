r"""Measuring the layer's methods: FLOP counts, interleaved timings, peak memory, the machine.

Used by `benchmarks/bench_conv2d.py` (`nox -s bench`) and by the performance page, so that
both measure the same way. Timings are medians of interleaved repeats: every round calls each
contender once, in turn, so that a burst of load from elsewhere on the machine slows all of them
alike, and ratios measured in the same run are what we compare. PyTorch, when installed, is
only the yardstick; convdot itself never imports it.
"""

from __future__ import annotations

import gc
import os
import platform
import time
import tracemalloc
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from convdot import conv2d, conv2d_cost


class LayerShape(NamedTuple):
    """One layer of a benchmark table: square input and kernel, symmetric padding."""

    n: int
    c_in: int
    hw: int
    c_out: int
    k: int
    stride: int = 1
    padding: int = 0
    groups: int = 1

    @property
    def input_shape(self) -> tuple[int, int, int, int]:
        """$(N, C_{in}, H, W)$."""
        return (self.n, self.c_in, self.hw, self.hw)

    @property
    def weight_shape(self) -> tuple[int, int, int, int]:
        """$(C_{out}, C_{in}/g, k, k)$."""
        return (self.c_out, self.c_in // self.groups, self.k, self.k)

    @property
    def kwargs(self) -> dict:
        """The keyword arguments of {py:func}`convdot.conv2d` (and of `torch.nn.functional.conv2d`)."""
        return {"stride": self.stride, "padding": self.padding, "groups": self.groups}

    @property
    def label(self) -> str:
        """A short name such as `8x64x56 k3 s1 p1 -> 64` (with ` g128` for groups)."""
        g = f" g{self.groups}" if self.groups > 1 else ""
        return f"{self.n}x{self.c_in}x{self.hw} k{self.k} s{self.stride} p{self.padding}{g} -> {self.c_out}"


ISSUE_TABLE: tuple[LayerShape, ...] = (
    LayerShape(8, 64, 56, 64, 3, 1, 1),
    LayerShape(8, 128, 28, 128, 3, 1, 1),
    LayerShape(8, 256, 14, 256, 3, 1, 1),
    LayerShape(8, 64, 56, 256, 1, 1, 0),
    LayerShape(8, 3, 224, 64, 7, 2, 3),
    LayerShape(8, 128, 28, 128, 3, 2, 1),
    LayerShape(8, 128, 28, 128, 3, 1, 1, 128),
    LayerShape(1, 16, 128, 16, 11, 1, 5),
)
"""The layers of the speed goal: ResNet-style 3×3 layers, a 1×1 layer, a 7×7 stem, a strided and
a depthwise layer, and a large kernel."""


SHORT_TABLE: tuple[LayerShape, ...] = (
    *(shape._replace(n=1) for shape in ISSUE_TABLE[:-1]),
    ISSUE_TABLE[-1]._replace(hw=64),
)
"""The table cut down to run in a few seconds (for the performance page): one image instead of 8,
and the 11×11 layer on a 64×64 input."""


class Counts(NamedTuple):
    """The arithmetic of one layer (float32 unless stated)."""

    flops: int
    """$2 \\times$ multiply-accumulates ({py:func}`convdot.conv2d_cost`)."""
    input_bytes: int
    weight_bytes: int
    output_bytes: int
    im2col_bytes: int
    """Size of the full im2col matrix, $N\\, C_{in} k^2 H_{out} W_{out}$ entries."""
    gemm: tuple[int, int, int, int]
    """The matrix product the layer is: $g$ products of shape $(C_{out}/g) \\times (C_g k^2)$ times
    $(C_g k^2) \\times (N H_{out} W_{out})$, as `(g, M, K, P)`."""

    @property
    def blowup(self) -> float:
        """im2col bytes / input bytes: how many copies of the input im2col makes."""
        return self.im2col_bytes / self.input_bytes

    @property
    def intensity(self) -> float:
        """FLOPs per byte of the least traffic possible (input, weights and output, each once)."""
        return self.flops / (self.input_bytes + self.weight_bytes + self.output_bytes)


def counts(shape: LayerShape, itemsize: int = 4) -> Counts:
    """FLOPs, sizes in bytes and the equivalent matrix product of `shape`."""
    cost = conv2d_cost(shape.input_shape, shape.weight_shape, bias=False, **shape.kwargs)
    n, c_out, h_out, w_out = cost.output_shape
    depth = shape.c_in // shape.groups * shape.k**2
    return Counts(
        flops=2 * cost.macs,
        input_bytes=itemsize * int(np.prod(shape.input_shape)),
        weight_bytes=itemsize * int(np.prod(shape.weight_shape)),
        output_bytes=itemsize * n * c_out * h_out * w_out,
        im2col_bytes=itemsize * n * shape.c_in * shape.k**2 * h_out * w_out,
        gemm=(shape.groups, c_out // shape.groups, depth, n * h_out * w_out),
    )


def layer_arrays(shape: LayerShape, dtype=np.float32, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A standard-normal input and weight of `shape`, scaled so outputs are of order 1."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape.input_shape).astype(dtype)
    w = (rng.standard_normal(shape.weight_shape) / np.sqrt(np.prod(shape.weight_shape[1:]))).astype(dtype)
    return x, w


def interleaved_times(
    contenders: dict[str, Callable[[], object]], repeats: int, warmup: int = 1, burst: int = 3, settle: float = 0.0
) -> dict:
    """Seconds of each zero-argument callable in each of `repeats` interleaved rounds.

    Each round gives every contender, in order, `settle` seconds of idle time, one untimed call
    and then `burst` timed calls back to back, and records the median of those: each contender
    is timed in its steady state (its thread pool awake, its data in cache), as when a network
    calls its layers one after another. The idle time lets the previous contender's thread pool
    stop spinning: OpenBLAS's threads keep a core busy for a while after a product, which halves
    the speed of a PyTorch call that follows at once. `warmup` rounds are run first and dropped.
    Returns `{name: [seconds in round 1, round 2, ...]}`.
    """
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for round_ in range(warmup + repeats):
        for name, call in contenders.items():
            if settle:
                time.sleep(settle)
            call()
            elapsed = []
            for _ in range(burst):
                start = time.perf_counter()
                call()
                elapsed.append(time.perf_counter() - start)
            if round_ >= warmup:
                times[name].append(float(np.median(elapsed)))
    return times


def median_ratio(numerator: list[float], denominator: list[float]) -> float:
    """The median over rounds of `numerator[r] / denominator[r]`.

    A ratio of two timings taken in the same round, a fraction of a second apart, cancels most of
    a slowdown caused by other work on the machine; the median then drops the rounds it did not.
    """
    return float(np.median(np.asarray(numerator) / np.asarray(denominator)))


def peak_extra_bytes(call: Callable[[], np.ndarray]) -> int:
    """Peak memory `call()` allocates beyond its own result, as numpy reports it to tracemalloc.

    numpy registers its data buffers with `tracemalloc`, so the traced peak covers every temporary
    array; the result's size is subtracted, since any method must return it.
    """
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return max(0, peak - result.nbytes)


def gemm_call(shape: LayerShape, dtype=np.float32) -> Callable[[], np.ndarray]:
    """A call of numpy's matrix product of the layer's size (see {py:attr}`Counts.gemm`), operands ready."""
    g, m, k, p = counts(shape).gemm
    rng = np.random.default_rng(1)
    a = rng.standard_normal((g, m, k)).astype(dtype)
    b = rng.standard_normal((g, k, p)).astype(dtype)
    return lambda: np.matmul(a, b)


def torch_call(x: np.ndarray, w: np.ndarray, shape: LayerShape) -> Callable[[], object] | None:
    """`torch.nn.functional.conv2d` on the same arrays, or None if PyTorch is not installed."""
    try:
        import torch
    except ImportError:
        return None
    xt, wt = torch.from_numpy(x), torch.from_numpy(w)
    kwargs = shape.kwargs

    def call():
        with torch.no_grad():
            return torch.nn.functional.conv2d(xt, wt, **kwargs)

    return call


def machine(torch: bool = True) -> dict:
    """Where the numbers come from: CPU model, cores, numpy, BLAS library and its threads (and PyTorch's, if asked)."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    blas = []
    try:
        from threadpoolctl import threadpool_info

        for pool in threadpool_info():
            if pool.get("user_api") == "blas":
                path = str(pool.get("filepath", ""))
                blas.append(
                    {
                        "loaded_by": next((m for m in ("numpy", "scipy") if f"{m}.libs" in path), "other"),
                        "library": pool.get("internal_api"),
                        "version": pool.get("version"),
                        "kernel": pool.get("architecture"),
                        "threads": pool.get("num_threads"),
                    }
                )
    except ImportError:
        pass
    info = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": blas,
        "openblas_env": {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ},
    }
    if torch:
        try:
            import torch as yardstick

            info["torch"] = yardstick.__version__
            info["torch_threads"] = yardstick.get_num_threads()
        except ImportError:
            pass
    return info


def measure(
    shape: LayerShape,
    methods: tuple[str, ...],
    *,
    repeats: int = 5,
    dtype=np.float32,
    memory: bool = True,
    torch: bool = True,
    burst: int = 3,
    settle: float = 0.0,
) -> list[dict]:
    """Time every method of `methods` on `shape`, with the same-size GEMM and PyTorch in the same rounds.

    Returns one record per method: `ms` and `gflops` (from the median time), `vs_gemm` and
    `vs_torch` (the method's speed over the GEMM's and PyTorch's, or None without PyTorch: medians
    of the ratios within each round, {py:func}`median_ratio`), `peak_mb` (extra memory beyond the
    output, or None), `ratio_memory` (that peak over input plus output bytes) and `gemm_vs_torch`
    (the GEMM's speed over PyTorch's: the `vs_torch` of a method exactly as fast as the GEMM).
    """
    x, w = layer_arrays(shape, dtype)
    c = counts(shape, np.dtype(dtype).itemsize)
    contenders = {"gemm": gemm_call(shape, dtype)}
    reference = torch_call(x, w, shape) if torch else None
    if reference is not None:
        contenders["torch"] = reference
    for method in methods:
        contenders[method] = lambda method=method: conv2d(x, w, **shape.kwargs, method=method)
    rounds = interleaved_times(contenders, repeats, burst=burst, settle=settle)
    seconds = {name: float(np.median(t)) for name, t in rounds.items()}
    records = []
    for method in methods:
        peak = peak_extra_bytes(contenders[method]) if memory else None
        records.append(
            {
                "shape": shape.label,
                "method": method,
                "ms": 1e3 * seconds[method],
                "gflops": c.flops / seconds[method] / 1e9,
                "vs_gemm": median_ratio(rounds["gemm"], rounds[method]),
                "vs_torch": median_ratio(rounds["torch"], rounds[method]) if "torch" in rounds else None,
                "peak_mb": None if peak is None else peak / 2**20,
                "ratio_memory": None if peak is None else peak / (c.input_bytes + c.output_bytes),
                "gemm_gflops": c.flops / seconds["gemm"] / 1e9,
                "torch_gflops": c.flops / seconds["torch"] / 1e9 if "torch" in seconds else None,
                "gemm_vs_torch": median_ratio(rounds["torch"], rounds["gemm"]) if "torch" in rounds else None,
            }
        )
    return records


def float32_errors(shape: LayerShape, methods: tuple[str, ...], seed: int = 0) -> dict[str, float]:
    r"""Each method's float32 error on `shape`, relative to the largest output: $\max|y_{32} - y| / \max|y|$.

    The reference $y$ is the same layer computed in float64 by `"im2col"` from the same (float32)
    numbers, so the error is the method's float32 arithmetic alone.
    """
    x, w = layer_arrays(shape, np.float32, seed)
    exact = conv2d(x.astype(np.float64), w.astype(np.float64), **shape.kwargs, method="im2col")
    scale = float(np.abs(exact).max())
    return {
        method: float(np.abs(conv2d(x, w, **shape.kwargs, method=method) - exact).max()) / scale for method in methods
    }
