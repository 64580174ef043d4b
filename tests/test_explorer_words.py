"""The explorer's words: every language's table has exactly the English keys, and nothing stays English.

The widget's words are in conf/explorer/words.mjs (read here in Node), the directive's in
conf/explorer/words.py. A Spanish table with a key missing would show `undefined`, and one
with a key the English lacks would be a word no English reader sees; either fails here.
The messages of arithmetic.mjs, which speaks English, reach a Spanish reader through
words.mjs's translation of them: every message it throws (one call per `fail` in the
module, the build's bad arguments and the refusals of its seeded random cases) must have one.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "conf" / "explorer"))
import arithmetic_check as check
import words

EXPLORER = Path(words.__file__).resolve().parent

# Each table as a tree: a string entry is "string", a function "function/<its arity>".
_SHAPES = """
import { WORDS } from %s;
const shape = (v) => typeof v === "function" ? `function/${v.length}` : typeof v === "string" ? "string"
  : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]));
// every function, called with "§" for each argument, and every string, flattened by key
const texts = (v, key = "") => typeof v === "function" ? [[key, v(...Array(v.length).fill("§"))]]
  : typeof v === "string" ? [[key, v]] : Object.entries(v).flatMap(([k, x]) => texts(x, key ? `${key}.${k}` : k));
const out = {};
for (const [language, table] of Object.entries(WORDS)) out[language] = { shape: shape(table), texts: texts(table) };
console.log(JSON.stringify(out));
"""
# The calls, one JSON list on stdin, each run in arithmetic.mjs; answers its message and the Spanish of it.
_TRANSLATE = """
import * as arithmetic from %s;
import { arithmeticInSpanish } from %s;
let input = "";
for await (const chunk of process.stdin) input += chunk;
const out = JSON.parse(input).map(({ fn, args }) => {
  try {
    arithmetic[fn](...args);
    return { message: null };
  } catch (error) {
    return { message: error.message, spanish: arithmeticInSpanish(error.message) };
  }
});
console.log(JSON.stringify(out));
"""
_A = [[1, 2, 0], [0, 1, 3], [2, 1, 1]]
_X = [_A]
_W = [[[[1, 0], [0, 1]]]]
# A call for each `fail` of arithmetic.mjs that check.BAD_ARGUMENTS does not reach.
MORE_FAULTS = [
    {"fn": "conv2d", "args": ["x", _W, {}]},  # not a nested Array
    {"fn": "conv2d", "args": [[], _W, {}]},  # empty
    {"fn": "conv2d", "args": [_X, _W, {"bias": ["1"]}]},  # bias[0] not a number
    {"fn": "conv2d", "args": [_X, _W, []]},  # options not an object
    {"fn": "conv2d", "args": [_X, _W, {"size": 2}]},  # unknown option
    {"fn": "conv2d", "args": [_X, _W, {"groups": 1.5}]},  # groups not an integer
    {"fn": "conv2d", "args": [[_A, _A], [[[[1]]]] * 3, {"groups": 2}]},  # groups not dividing C_out
    {"fn": "convTranspose2d", "args": [[_A, _A], _W]},  # w.length is not C_in
    {"fn": "convTranspose2d", "args": [_X, [[[[1]]]], {"padding": 2}]},  # empty transposed output
]
ENGLISH = re.compile(r"\b(must|got|needs?|expects?|the|of|on each axis|smaller|larger|than|channels?|kernel|output)\b")


def node_json(script: str, stdin: str = "") -> object:
    done = subprocess.run(
        [check.node_path(), "--input-type=module", "-e", script],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=EXPLORER,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def module(name: str) -> str:
    return json.dumps((EXPLORER / name).as_uri())


@pytest.fixture(scope="module")
def tables() -> dict:
    try:
        check.node_path()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    return node_json(_SHAPES % module("words.mjs"))


def test_every_table_of_words_mjs_has_exactly_the_english_keys(tables: dict) -> None:
    assert set(tables) == {"en", "es"}
    for language, table in tables.items():
        assert table["shape"] == tables["en"]["shape"], f"words.mjs: {language} differs from en in its keys"


def test_every_spanish_entry_is_spanish_and_written(tables: dict) -> None:
    english = dict(tables["en"]["texts"])
    for key, text in tables["es"]["texts"]:
        assert text.strip(" §") or key == "arithmetic", key
        assert "undefined" not in text and "producto punto" not in text, (key, text)
        if key != "arithmetic" and not key.startswith("paddingModes."):  # the modes keep PyTorch's names
            assert text != english[key] or not re.search(r"[a-z]{4}", text), f"{key} is still English: {text!r}"


def test_every_message_of_arithmetic_mjs_has_a_spanish_translation() -> None:
    draw = check.Seeded(20261201)
    cases = [case for _, case, _, _ in check.BAD_ARGUMENTS] + MORE_FAULTS
    cases += [check.draw_case(draw) for _ in range(600)]
    answers = node_json(_TRANSLATE % (module("arithmetic.mjs"), module("words.mjs")), json.dumps(cases))
    refused = [a for a in answers if a["message"] is not None]
    assert len(refused) >= len(check.BAD_ARGUMENTS) + len(MORE_FAULTS)
    for answer in refused:
        assert answer["spanish"], f"words.mjs has no Spanish for arithmetic.mjs's {answer['message']!r}"
        assert not ENGLISH.search(answer["spanish"]), answer


def test_the_directives_words_have_the_english_keys_and_a_title_for_every_preset() -> None:
    presets = json.loads((EXPLORER / "presets.json").read_text(encoding="utf-8"))
    for language, table in words.WORDS.items():
        assert table.keys() == words.WORDS["en"].keys(), language
        if language != "en":
            assert words.PRESET_TITLES[language].keys() == presets.keys(), language
            assert language in words.ALT_TEXTS and language in words.FIGURE_WORDS, language
    assert words.PRESET_TITLES.keys() == words.WORDS.keys() - {"en"}
    assert words.language_of(type("Config", (), {"language": "es_ES"})) == "es"
    assert words.language_of(type("Config", (), {"language": None})) == "en"
    assert words.language_of(type("Config", (), {"language": "fr"})) == "en"


@pytest.mark.parametrize("flip", [False, True])
def test_the_static_figure_of_every_preset_is_described_and_labelled_in_spanish(flip: bool) -> None:
    from matplotlib.text import Text  # the tests session installs the figures extra

    from convdot.figures.explorer import explorer_figure

    presets = json.loads((EXPLORER / "presets.json").read_text(encoding="utf-8"))
    for name, config in presets.items():
        fig, alt = explorer_figure(dict(config, flip=flip and config["mode"] != "transposed"))
        spanish = words.translate_alt(alt, "es")
        assert words.translate_alt(alt, "en") == alt
        assert re.findall(r"-?\d+", spanish) == re.findall(r"-?\d+", alt), name  # the library's numbers
        assert not re.search(r"\b(input|kernel|output|channel|row by row|padded|marked|stride)\b", spanish), spanish
        titles = [words.translate_title(t.get_text(), "es") for t in fig.findobj(Text)]
        assert not any("rotated" in title for title in titles), titles
        if flip and config["mode"] != "transposed":
            assert "w girado[0, 0]" in titles, titles
    with pytest.raises(ValueError, match="ALT_TEXTS"):
        words.translate_alt("A figure described some other way.", "es")
