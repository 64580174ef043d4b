"""Benchmark conv2d's methods on the issue's layer table against numpy GEMM and PyTorch (CPU).

Run it with `nox -s bench` (which installs PyTorch's CPU build and threadpoolctl, and unsets
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, which slow current numpy), or directly:

    python benchmarks/bench_conv2d.py --repeats 9 --json build/bench/conv2d.json

For every layer and method it prints milliseconds, GFLOP/s, the ratio to a numpy matrix product
of the same size and to `torch.nn.functional.conv2d` (both timed in the same interleaved rounds:
the median over rounds of the ratio within each round), and the peak extra memory beyond the
output, as tracemalloc sees numpy's allocations.
A benchmark, not a test: it asserts nothing; the tests check correctness only.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import sys
from pathlib import Path

import convdot_bench as bench  # benchmarks/convdot_bench, beside this script

FAST = ("auto", "blocked", "shifted", "winograd", "fft_pruned", "im2col", "fft")
"""Methods timed on the whole table."""

SLOW = {
    "loops": "Python loops, about 1 µs per multiply-add: hours per layer of the table",
    "dot": "one Python-level dot product per output value: minutes per layer of the table",
    "matrix": "the sparse convolution matrix holds C_out·H_out·W_out·C_g·k² entries, over 1 GB here",
}
"""Methods timed only on `TINY`, and why they are not run on the table."""

TINY = bench.LayerShape(1, 4, 12, 4, 3, 1, 1)
"""A layer small enough for the slow methods."""


def geometric_mean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


def summary(records: list[dict], method: str = "auto") -> dict:
    """The goal's numbers for `method`: geometric mean and minimum of the ratio to PyTorch, and the 3×3 GEMM ratios."""
    rows = [r for r in records if r["method"] == method and r["shape"] != TINY.label]
    out = {"method": method}
    if rows and all(r["vs_torch"] for r in rows):
        ratios = [r["vs_torch"] for r in rows]
        out["torch_geomean"] = geometric_mean(ratios)
        out["torch_min"] = min(ratios)
        bound = [r["gemm_vs_torch"] for r in rows]
        out["gemm_vs_torch"] = [round(b, 3) for b in bound]
        out["gemm_vs_torch_geomean"] = geometric_mean(bound)
    three = [r for r in rows if " k3 " in r["shape"] and " g" not in r["shape"].split("->")[0]]
    out["gemm_3x3"] = [round(r["vs_gemm"], 3) for r in three]
    out["memory_max"] = max((r["ratio_memory"] for r in rows if r["ratio_memory"] is not None), default=None)
    return out


def print_table(records: list[dict]) -> None:
    columns = ("method", "ms", "GFLOP/s", "xGEMM", "xtorch", "peak MB", "/(in+out)")
    widths = (10, 9, 8, 6, 7, 8, 9)
    header = f"{'layer':34} " + " ".join(f"{name:>{width}}" for name, width in zip(columns, widths, strict=True))
    print(header)
    print("-" * len(header))
    last = None
    for r in records:
        if last is not None and r["shape"] != last:
            print()
        last = r["shape"]
        torch = f"{r['vs_torch']:7.2f}" if r["vs_torch"] is not None else "      -"
        peak = f"{r['peak_mb']:8.1f} {r['ratio_memory']:9.2f}" if r["peak_mb"] is not None else f"{'-':>8} {'-':>9}"
        print(
            f"{r['shape']:34} {r['method']:>10} {r['ms']:9.2f} {r['gflops']:8.1f} {r['vs_gemm']:6.2f} {torch} {peak}",
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9, help="interleaved rounds per layer (medians taken)")
    parser.add_argument("--methods", default=",".join(FAST), help="comma-separated methods for the table")
    parser.add_argument("--layers", default="", help="comma-separated row numbers of the table (default: all)")
    parser.add_argument("--json", type=Path, default=Path("build/bench/conv2d.json"), help="where to write results")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc peak-memory measurement")
    parser.add_argument("--burst", type=int, default=3, help="back-to-back timed calls per contender and round")
    parser.add_argument(
        "--settle", type=float, default=0.2, help="idle seconds before each contender's calls (threads stop spinning)"
    )
    args = parser.parse_args(argv)

    methods = tuple(m for m in args.methods.split(",") if m)
    rows = [int(i) for i in args.layers.split(",")] if args.layers else range(len(bench.ISSUE_TABLE))
    machine = bench.machine()
    print("machine:", json.dumps(machine))
    if "torch" not in machine:
        print("PyTorch is not installed: no ratios to torch (nox -s bench installs it)")

    records = []
    for shape in [TINY] + [bench.ISSUE_TABLE[i] for i in rows]:
        names = (*methods, *SLOW) if shape == TINY else methods
        records += bench.measure(
            shape, names, repeats=args.repeats, memory=not args.no_memory, burst=args.burst, settle=args.settle
        )
    print()
    print_table(records)
    print()
    for name, why in SLOW.items():
        print(f"{name}: timed on {TINY.label} only; {why}")

    results = {method: summary(records, method) for method in methods}
    print()
    for method, s in results.items():
        if "torch_geomean" in s:
            print(
                f"{method:>10}: vs torch geometric mean {s['torch_geomean']:.2f}x, lowest {s['torch_min']:.2f}x; "
                f"3x3 rows vs same-size GEMM {s['gemm_3x3']}; peak extra memory <= {s['memory_max']:.2f} (in+out)"
                if s["memory_max"] is not None
                else f"{method:>10}: vs torch geometric mean {s['torch_geomean']:.2f}x, lowest {s['torch_min']:.2f}x"
            )
    bound = next((s for s in results.values() if "gemm_vs_torch" in s), None)
    if bound is not None:
        print(
            f"{'GEMM':>10}: vs torch geometric mean {bound['gemm_vs_torch_geomean']:.2f}x, per layer "
            f"{bound['gemm_vs_torch']} (numpy's matrix product of each layer's size: what a method "
            "exactly as fast as it would reach)"
        )

    args.json.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "repeats": args.repeats,
        "burst": args.burst,
        "settle": args.settle,
        "records": records,
        "skipped": SLOW,
        "summary": results,
    }
    args.json.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
