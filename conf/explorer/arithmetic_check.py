"""The explorer's arithmetic (arithmetic.mjs, run in Node) checked against convdot.

Run by the build (conf/explorer/directive.py starts it when the build starts and fails the
build on any mismatch) and by tests/test_explorer_arithmetic.py (with hypothesis-drawn cases):

    PYTHONPATH=src python conf/explorer/arithmetic_check.py [--cases N] [--seed S]

A *case* is one call of one of the module's five functions; `draw_case` builds it from any
source of random choices, so the build's seeded generator and hypothesis share one
definition of what is checked: every function, every mode and padding mode, groups,
transposed convolutions, settings that must be refused (the output would be empty,
reflect or circular padding too large), and `BAD_ARGUMENTS`, single faults whose messages
must name the argument on both sides. Values are small integers or quarters, which both
sides add exactly, so results are compared for equality.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DRIVER = HERE / "check.mjs"
NODE_HINT = "install Node.js (Debian: apt-get install nodejs) so that /usr/bin/node or `node` on PATH exists"
PADDING_MODES = ("zeros", "reflect", "replicate", "circular")
FUNCTIONS = ("correlate2d", "convolve2d", "conv2d", "convTranspose2d", "terms")


def node_path() -> str:
    """The Node executable, or a RuntimeError that says how to install it."""
    found = shutil.which("node") or ("/usr/bin/node" if os.path.exists("/usr/bin/node") else None)
    if not found:
        raise RuntimeError(f"Node.js is needed to check conf/explorer/arithmetic.mjs: {NODE_HINT}")
    return found


class Node:
    """One Node process running check.mjs; `call(case)` sends a case and returns its answer."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [node_path(), str(DRIVER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def call(self, case: dict) -> dict:
        self.process.stdin.write(json.dumps({"fn": case["fn"], "args": case["args"]}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"node stopped while running {case['fn']}")
        return json.loads(line)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)

    def __enter__(self) -> Node:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- drawing cases -------------------------------------------------------------------------


class Seeded:
    """Random choices from a seeded numpy generator (the build's check)."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def integer(self, low: int, high: int) -> int:
        return int(self.rng.integers(low, high + 1))

    def choice(self, options):
        return options[int(self.rng.integers(len(options)))]


def _values(draw, shape: tuple[int, ...]):
    """Small integers, or (one case in four) quarters: sums both sides compute exactly."""
    quarters = draw.integer(0, 3) == 0
    flat = [draw.integer(-4, 4) for _ in range(int(np.prod(shape)))]
    arr = np.array(flat, dtype=float) / 4 if quarters else np.array(flat, dtype=np.int64)
    return arr.reshape(shape).tolist()


def _pair_or_int(draw, low: int, high: int):
    first = draw.integer(low, high)
    return first if draw.integer(0, 2) else [first, draw.integer(low, high)]


def draw_case(draw) -> dict:
    """One call of one function of arithmetic.mjs, drawn with `draw.integer` and `draw.choice`."""
    fn = draw.choice(FUNCTIONS)
    if fn in ("correlate2d", "convolve2d"):
        shape_a = (draw.integer(1, 6), draw.integer(1, 6))
        shape_b = (draw.integer(1, 4), draw.integer(1, 4))
        mode = draw.choice(("valid", "same", "full"))
        return {"fn": fn, "args": [_values(draw, shape_a), _values(draw, shape_b), mode]}
    groups = draw.choice((1, 1, 2, 3))
    c_in = groups * draw.integer(1, 2)
    c_out = groups * draw.integer(1, 2)
    size = (draw.integer(1, 6), draw.integer(1, 6))
    kernel = (draw.integer(1, 3), draw.integer(1, 3))
    stride = _pair_or_int(draw, 1, 3)
    dilation = _pair_or_int(draw, 1, 2)
    bias = _values(draw, (c_out,)) if draw.integer(0, 1) else None
    x = _values(draw, (c_in, *size))
    if fn == "convTranspose2d":
        w = _values(draw, (c_in, c_out // groups, *kernel))
        s = stride if isinstance(stride, list) else [stride, stride]
        d = dilation if isinstance(dilation, list) else [dilation, dilation]
        output_padding = [draw.integer(0, max(s[0], d[0]) - 1), draw.integer(0, max(s[1], d[1]) - 1)]
        options = {
            "bias": bias,
            "stride": stride,
            "padding": _pair_or_int(draw, 0, 2),
            "outputPadding": output_padding,
            "dilation": dilation,
            "groups": groups,
        }
        return {"fn": fn, "args": [x, w, options]}
    w = _values(draw, (c_out, c_in // groups, *kernel))
    padding = draw.choice(("int", "int", "pair", "same", "valid"))
    if padding == "int":
        padding = draw.integer(0, 3)
    elif padding == "pair":
        padding = [draw.integer(0, 3), draw.integer(0, 3)]
    elif padding == "same":
        stride = 1
    options = {
        "bias": bias,
        "stride": stride,
        "padding": padding,
        "dilation": dilation,
        "groups": groups,
        "paddingMode": draw.choice(PADDING_MODES),
    }
    if fn == "conv2d":
        return {"fn": fn, "args": [x, w, options]}
    # terms: an output position, out of range one time in eight (it must be refused)
    position = [draw.integer(0, c_out - 1), draw.integer(0, 3), draw.integer(0, 3)]
    if draw.integer(0, 7) == 0:
        position[draw.integer(0, 2)] = draw.choice((-1, 9))
    return {"fn": fn, "args": [x, w, options, position]}


# Single faults: (what is wrong, the call, a word the Python message holds, one the JS message holds).
_A = [[1, 2, 0], [0, 1, 3], [2, 1, 1]]
_X = [_A]
_W = [[[[1, 0], [0, 1]]]]
BAD_ARGUMENTS: list[tuple[str, dict, str, str]] = [
    ("unknown mode", {"fn": "correlate2d", "args": [_A, [[1]], "wide"]}, "mode", "mode"),
    (
        "kernel larger than a in valid mode",
        {"fn": "convolve2d", "args": [[[1, 2]], [[1], [1]]]},
        "kernel b",
        "kernel b",
    ),
    ("ragged a", {"fn": "correlate2d", "args": [[[1, 2], [3]], [[1]]]}, "a must", "a must"),
    ("numeric string in a", {"fn": "correlate2d", "args": [[["1", "2"]], [[1]]]}, "a must", "a[0][0]"),
    ("empty b", {"fn": "correlate2d", "args": [_A, [[]]]}, "b must", "b must"),
    ("stride 0", {"fn": "conv2d", "args": [_X, _W, {"stride": 0}]}, "stride", "stride"),
    ("fractional stride", {"fn": "conv2d", "args": [_X, _W, {"stride": 1.5}]}, "stride", "stride"),
    ("stride as a string", {"fn": "conv2d", "args": [_X, _W, {"stride": "2"}]}, "stride", "stride"),
    ("dilation 0", {"fn": "conv2d", "args": [_X, _W, {"dilation": [1, 0]}]}, "dilation", "dilation"),
    ("negative padding", {"fn": "conv2d", "args": [_X, _W, {"padding": -1}]}, "padding", "padding"),
    ("unknown padding word", {"fn": "conv2d", "args": [_X, _W, {"padding": "full"}]}, "padding", "padding"),
    ("same with stride 2", {"fn": "conv2d", "args": [_X, _W, {"padding": "same", "stride": 2}]}, "same", "same"),
    (
        "unknown padding mode",
        {"fn": "conv2d", "args": [_X, _W, {"paddingMode": "mirror"}]},
        "padding_mode",
        "paddingMode",
    ),
    (
        "reflect padding as large as the input",
        {"fn": "conv2d", "args": [_X, _W, {"padding": 3, "paddingMode": "reflect"}]},
        "reflect",
        "reflect",
    ),
    (
        "circular padding larger than the input",
        {"fn": "conv2d", "args": [_X, _W, {"padding": 4, "paddingMode": "circular"}]},
        "circular",
        "circular",
    ),
    ("groups 0", {"fn": "conv2d", "args": [_X, _W, {"groups": 0}]}, "groups", "groups"),
    (
        "groups not dividing C_in",
        {"fn": "conv2d", "args": [[_A, _A, _A], [[[[1]]]] * 2, {"groups": 2}]},
        "groups",
        "groups",
    ),
    ("w with the wrong C_in", {"fn": "conv2d", "args": [[_A, _A], _W]}, "C_in", "C_in"),
    ("bias of the wrong length", {"fn": "conv2d", "args": [_X, _W, {"bias": [1, 2]}]}, "bias", "bias"),
    (
        "kernel larger than the padded input",
        {"fn": "conv2d", "args": [_X, [[[[1] * 4] * 4]]]},
        "output size",
        "output size",
    ),
    (
        "output padding as large as the stride",
        {"fn": "convTranspose2d", "args": [_X, _W, {"stride": 2, "outputPadding": 2}]},
        "output_padding",
        "outputPadding",
    ),
    (
        "padding word in convTranspose2d",
        {"fn": "convTranspose2d", "args": [_X, _W, {"padding": "same"}]},
        "padding",
        "padding",
    ),
    (
        "transposed groups not dividing C_in",
        {"fn": "convTranspose2d", "args": [_X, _W, {"groups": 2}]},
        "groups",
        "groups",
    ),
    ("position outside the output", {"fn": "terms", "args": [_X, _W, {}, [0, 2, 0]]}, "position", "position"),
    ("position not three integers", {"fn": "terms", "args": [_X, _W, {}, [0, 1]]}, "position", "position"),
]


# --- what convdot says ---------------------------------------------------------------------


def _layer_kwargs(options: dict, transposed: bool) -> dict:
    names = {"paddingMode": "padding_mode", "outputPadding": "output_padding"}
    kwargs = {names.get(k, k): v for k, v in options.items()}
    return kwargs


def expected_terms(x, w, options: dict, position) -> list[dict]:
    """The products of conv2d's output `position`, from numpy.pad of the index image (not from the JS rules)."""
    import convdot
    from convdot.layer._checks import as_padding
    from convdot.layer._padding import pad_sources

    o, i, j = position
    y = convdot.conv2d(x, w, **_layer_kwargs(options, False))  # checks every argument
    x, w = np.asarray(x), np.asarray(w)
    if not (0 <= o < y.shape[0] and 0 <= i < y.shape[1] and 0 <= j < y.shape[2]):
        raise ValueError(f"position must index the output of shape {y.shape}; got {position!r}")
    pair = lambda v: (v, v) if isinstance(v, int) else tuple(v)  # noqa: E731
    stride, dilation = pair(options.get("stride", 1)), pair(options.get("dilation", 1))
    groups = options.get("groups", 1)
    pads = as_padding(options.get("padding", 0), w.shape[-2:], stride, dilation)
    sources = pad_sources(x.shape[-2:], pads, options.get("paddingMode", "zeros"))
    c_g, k_h, k_w = w.shape[1:]
    t = o // (w.shape[0] // groups)
    found = []
    for c in range(t * c_g, (t + 1) * c_g):
        for u in range(k_h):
            for v in range(k_w):
                src = int(sources[stride[0] * i + dilation[0] * u, stride[1] * j + dilation[1] * v])
                row, col = divmod(src, x.shape[2]) if src >= 0 else (None, None)
                value = x[c, row, col].item() if src >= 0 else 0
                found.append(
                    {"c": c, "u": u, "v": v, "row": row, "col": col, "x": value, "w": w[o, c - t * c_g, u, v].item()}
                )
    total = sum(term["x"] * term["w"] for term in found)
    bias = options.get("bias")
    assert total + (bias[o] if bias is not None else 0) == y[o, i, j], "the products do not sum to conv2d's output"
    return found


def convdot_answer(case: dict) -> dict:
    """What convdot computes for `case`: {"ok": True, "value": ...} or {"ok": False, "message": ...}."""
    import convdot

    fn, args = case["fn"], case["args"]
    try:
        if fn == "correlate2d":
            value = convdot.correlate2d(args[0], args[1], *args[2:])
        elif fn == "convolve2d":
            value = convdot.convolve2d(args[0], args[1], *args[2:])
        elif fn == "conv2d":
            value = convdot.conv2d(args[0], args[1], **_layer_kwargs(args[2] if len(args) > 2 else {}, False))
        elif fn == "convTranspose2d":
            kwargs = _layer_kwargs(args[2] if len(args) > 2 else {}, True)
            value = convdot.conv_transpose2d(args[0], args[1], **kwargs)
        else:
            position = args[3]
            if not (isinstance(position, list) and len(position) == 3):
                raise ValueError(f"position must be [o, i, j]; got {position!r}")
            return {"ok": True, "value": expected_terms(args[0], args[1], args[2], position)}
    except (ValueError, TypeError) as exc:
        return {"ok": False, "message": str(exc)}
    return {"ok": True, "value": value.tolist()}


def mismatch(case: dict, js: dict, py: dict) -> str | None:
    """Why the two answers to `case` disagree, or None when they agree."""
    if js["ok"] != py["ok"]:
        said = js.get("message") if not js["ok"] else py.get("message")
        who = "arithmetic.mjs" if not js["ok"] else "convdot"
        return f"only {who} refused the call ({said})"
    if not js["ok"]:
        if not js.get("error", True):
            return f"arithmetic.mjs threw something that is not an Error: {js['message']}"
        return None
    if js["value"] != py["value"]:
        return f"arithmetic.mjs gave {js['value']!r}, convdot {py['value']!r}"
    return None


def describe(case: dict) -> str:
    return f"{case['fn']}(*{json.dumps(case['args'])})"


def run(cases: int = 600, seed: int = 20261201) -> tuple[dict, list[str]]:
    """Check `cases` seeded random cases and every bad argument; return counts and failures."""
    draw = Seeded(seed)
    counts = {fn: 0 for fn in FUNCTIONS} | {"refused": 0, "bad arguments": 0}
    failures = []
    with Node() as node:
        for _ in range(cases):
            case = draw_case(draw)
            js, py = node.call(case), convdot_answer(case)
            counts[case["fn"]] += 1
            counts["refused"] += not py["ok"]
            if why := mismatch(case, js, py):
                failures.append(f"{describe(case)}: {why}")
        for what, case, py_word, js_word in BAD_ARGUMENTS:
            js, py = node.call(case), convdot_answer(case)
            counts["bad arguments"] += 1
            if py["ok"] or js["ok"]:
                failures.append(f"{what}: {describe(case)} must be refused; convdot {py}, arithmetic.mjs {js}")
            elif py_word not in py["message"] or js_word not in js["message"]:
                failures.append(
                    f"{what}: the messages must name {py_word!r} / {js_word!r}: {py['message']!r} / {js['message']!r}"
                )
    return counts, failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=600)
    parser.add_argument("--seed", type=int, default=20261201)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    counts, failures = run(args.cases, args.seed)
    seconds = time.perf_counter() - start
    print(f"arithmetic.mjs against convdot: {args.cases} random cases {counts}, {seconds:.1f} s")
    for failure in failures:
        print("MISMATCH", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
