"""The explorer's arithmetic module (conf/explorer/arithmetic.mjs, run in Node) agrees with convdot.

The cases are the build's (conf/explorer/arithmetic_check.py `draw_case`), drawn here by hypothesis, so
that a shrunk failure names the smallest disagreeing call. Node is required: CI has it, and a
missing Node fails these tests with the command that installs it rather than skipping them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "conf" / "explorer"))
import arithmetic_check as check


class Drawn:
    """`check.draw_case`'s source of choices, backed by hypothesis's `data.draw`."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data

    def integer(self, low: int, high: int) -> int:
        return self.data.draw(st.integers(low, high))

    def choice(self, options):
        return self.data.draw(st.sampled_from(options))


@pytest.fixture(scope="module")
def node():
    try:
        process = check.Node()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield process
    process.close()


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_every_function_of_arithmetic_mjs_matches_convdot(node, data) -> None:
    case = check.draw_case(Drawn(data))
    js, py = node.call(case), check.convdot_answer(case)
    why = check.mismatch(case, js, py)
    assert why is None, f"{check.describe(case)}: {why}"


@pytest.mark.parametrize(
    ("what", "case", "py_word", "js_word"), check.BAD_ARGUMENTS, ids=[b[0] for b in check.BAD_ARGUMENTS]
)
def test_bad_arguments_are_refused_with_a_message_naming_the_argument(node, what, case, py_word, js_word) -> None:
    js, py = node.call(case), check.convdot_answer(case)
    assert not py["ok"], f"convdot accepted {what}: {py}"
    assert not js["ok"], f"arithmetic.mjs accepted {what}: {js}"
    assert py_word in py["message"], py["message"]
    assert js_word in js["message"], js["message"]
    assert js["error"], "arithmetic.mjs must throw an Error"


def test_the_worked_example_terms_are_the_questions_products(node) -> None:
    a = [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]]
    b = [[1, 0, 1], [0, 1, 0], [1, 0, 1]]
    answer = node.call({"fn": "terms", "args": [[a], [[b]], {}, [0, 0, 0]]})
    assert answer["ok"], answer
    products = [(t["x"], t["w"]) for t in answer["value"]]
    assert products == [(1, 1), (1, 0), (1, 1), (0, 0), (1, 1), (1, 0), (0, 1), (0, 0), (1, 1)]
    assert [(t["row"], t["col"]) for t in answer["value"]][:3] == [(0, 0), (0, 1), (0, 2)]


def test_terms_mark_zero_padding_with_null_and_other_padding_with_the_pixel_read(node) -> None:
    x = [[[1, 2], [3, 4]]]
    w = [[[[1, 1], [1, 1]]]]
    zeros = node.call({"fn": "terms", "args": [x, w, {"padding": 1}, [0, 0, 0]]})["value"]
    assert [(t["row"], t["col"], t["x"]) for t in zeros] == [(None, None, 0)] * 3 + [(0, 0, 1)]
    wrapped = node.call({"fn": "terms", "args": [x, w, {"padding": 1, "paddingMode": "circular"}, [0, 0, 0]]})["value"]
    assert [(t["row"], t["col"], t["x"]) for t in wrapped] == [(1, 1, 4), (1, 0, 3), (0, 1, 2), (0, 0, 1)]
