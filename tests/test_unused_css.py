"""conf/unused_css.py drops exactly the CSS rules that need a class the site never names."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "conf"))
import unused_css

CSS = (
    '@charset "UTF-8";/*! licence */.a{color:red}.b,.a .c{margin:0}@media (min-width:9px){.d{x:1}.a{y:2}}'
    '@font-face{font-family:f;src:url("x{.woff")}@keyframes k{0%{opacity:0}}.a:not(.z){t:1}:is(.z,.a){u:1}'
    ".e\\:f{v:1}.bs-tooltip-auto .g{w:1}"
)


def test_a_rule_that_needs_an_unused_class_goes_and_the_rest_stays() -> None:
    out = unused_css.prune(CSS, {"a"})
    assert out == (
        '@charset "UTF-8";/*! licence */.a{color:red}@media (min-width:9px){.a{y:2}}'
        '@font-face{font-family:f;src:url("x{.woff")}@keyframes k{0%{opacity:0}}.a:not(.z){t:1}:is(.z,.a){u:1}'
        ".e\\:f{v:1}"
    )


def test_a_selector_list_keeps_only_its_usable_selectors() -> None:
    assert unused_css.prune(".b,.a .c,.a{m:0}", {"a", "c"}) == ".a .c,.a{m:0}"


names = st.sampled_from(["a", "b", "c", "d"])
rules = st.lists(st.tuples(st.lists(names, min_size=1, max_size=3), st.sampled_from(["", " p", ":hover"])), max_size=8)


@given(rules, st.sets(names))
def test_pruning_keeps_every_rule_whose_classes_are_all_used_and_no_other(drawn, used) -> None:
    css = "".join("." + ".".join(classes) + tail + "{k:v}" for classes, tail in drawn)
    out = unused_css.prune(css, used)
    kept = [rule for rule in re.findall(r"[^{}]+\{k:v\}", css) if set(re.findall(r"\.([\w-]+)", rule)) <= used]
    assert out == "".join(kept)
    assert unused_css.prune(out, used) == out
    assert unused_css.prune(css, {"a", "b", "c", "d"}) == css
