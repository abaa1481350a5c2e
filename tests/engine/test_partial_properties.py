"""Properties of rules on partial responses (issue 13): on small generated instruments, every
completion of random partial answers is tried, and

- a rule that fires holds in every completion (never fires on "unknown"), with or without the
  exact enumeration that backs up the range check;
- a rule that holds in every completion fires;
- the range check alone is exact for single comparisons and `at_least` without enable-when.
"""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st

from screening.engine import CompiledInstrument, compile, score
from screening.engine.answers import resolve

from .test_properties import SETTINGS, answer_sets, instruments, item_expressions, option_values

INEQUALITIES = [">", ">=", "<", "<="]
MAX_COMPLETIONS = 400


def scale_comparisons(defn: dict[str, Any], ops: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    low, high = score(defn, {}).scales["total"].range
    return st.builds(
        lambda op, value: {"compare": {"scale": "total", "op": op, "value": value}},
        st.sampled_from(ops),
        st.integers(int(low) - 1, int(high) + 1) | st.sampled_from([low, high]),
    )


def expressions(defn: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    leaves = item_expressions(defn["items"]) | scale_comparisons(defn, [*INEQUALITIES, "=", "!="])
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"all": xs}),
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"any": xs}),
            inner.map(lambda x: {"not": x}),
        ),
        max_leaves=5,
    )


def with_rule(defn: dict[str, Any], when: dict[str, Any]) -> dict[str, Any]:
    defn["rules"] = [
        {"id": "r", "condition": "c", "severity": "review", "when": when, "message": "m"}
    ]
    return defn


@st.composite
def cases(draw: st.DrawFn, *, gates: bool = True, leaves_only: bool = False) -> tuple:
    defn = draw(instruments(gates=gates))
    if leaves_only:
        items = defn["items"]
        when = draw(
            item_expressions(items).filter(lambda e: next(iter(e)) in ("compare", "at_least"))
            | scale_comparisons(defn, INEQUALITIES)
        )
    else:
        when = draw(expressions(defn))
    return with_rule(defn, when), draw(answer_sets(defn))


def certain(defn: dict[str, Any], answers: dict[str, Any]) -> bool:
    """Whether the rule holds in every completion of `answers`."""
    compiled = compile(defn)
    return all(holds(compiled, completed) for completed in completions(defn, answers))


def completions(defn: dict[str, Any], answers: dict[str, Any]) -> list[dict[str, Any]]:
    """Every way of answering the unanswered items (answers to items that end up disabled are
    ignored by scoring, as they would be by enable-when)."""
    open_items = [item for item in defn["items"] if item["link_id"] not in answers]
    choices = [option_values(item) for item in open_items]
    total = 1
    for values in choices:
        total *= len(values)
    assume(total <= MAX_COMPLETIONS)
    return [
        answers | {item["link_id"]: value for item, value in zip(open_items, combo, strict=True)}
        for combo in itertools.product(*choices)
    ]


def holds(compiled: CompiledInstrument, answers: dict[str, Any]) -> bool:
    """The rule's plain three-valued verdict on one completed answer set."""
    values, _, _, _ = resolve(compiled, answers)
    scores = {sid: s.score for sid, s in score(compiled, answers).scales.items()}
    return compiled.rules[0].test(values, scores) is True


def fires(defn: dict[str, Any], answers: dict[str, Any], **kwargs: Any) -> bool:
    return bool(score(defn, answers, **kwargs).flags)


@given(cases())
@SETTINGS
def test_a_rule_fired_on_a_partial_response_holds_for_every_completion(case: tuple) -> None:
    defn, answers = case
    if fires(defn, answers):
        assert certain(defn, answers)


@given(cases())
@SETTINGS
def test_the_range_check_alone_never_fires_a_rule_some_completion_breaks(case: tuple) -> None:
    defn, answers = case
    if fires(defn, answers, completion_limit=0):
        assert certain(defn, answers)


@given(cases())
@SETTINGS
def test_a_rule_true_for_every_completion_fires(case: tuple) -> None:
    defn, answers = case
    if certain(defn, answers):
        assert fires(defn, answers)


@given(cases(gates=False, leaves_only=True))
@SETTINGS
def test_the_range_check_is_exact_for_a_single_comparison_or_at_least(case: tuple) -> None:
    defn, answers = case
    assert fires(defn, answers, completion_limit=0) is certain(defn, answers)
