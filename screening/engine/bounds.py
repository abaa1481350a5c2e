"""Flag rules over a partial response: is a rule true (or false) for *every* completion?

A completion fills each unanswered item with one of its options (and re-applies enable-when). A
rule fires on a partial response only when it is true in every completion, so a missing answer
can never be what makes a rule fire, and a result that is already certain is not left unflagged
(a PHQ-9 with one blank whose answered items sum to 14 is >= 10 whatever the blank would be).

This module evaluates a rule over a `View`: each item's possible values across completions and
each scale's reachable range [min, max]. Every node answers two questions: (true in every
completion, false in every completion). Leaves are exact; `all`/`any`/`not` combine them as if
their parts were independent, which is sound (it never says "every completion" wrongly) but can
miss a rule whose parts are correlated (`scoring.py` then enumerates small cases exactly).

`answered` / `unanswered` read the response as it is, not a completion: "item 9 was skipped" is a
fact about the response, and a completion by definition skips nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .expressions import OPERATORS

# (true in every completion, false in every completion); both False means "unknown".
Verdict = tuple[bool, bool]
UNKNOWN: Verdict = (False, False)


@dataclass(frozen=True, slots=True)
class ScaleBounds:
    """The scores a scale can reach over every completion (`maybe_unscored`: some completion
    leaves it without a score, e.g. a mean whose items may all be disabled)."""

    low: Any
    high: Any
    maybe_unscored: bool = False


@dataclass(frozen=True, slots=True)
class View:
    # link id -> every value the item can have over the completions; None: no value (disabled).
    items: Mapping[str, tuple[Any, ...]]
    scales: Mapping[str, ScaleBounds]
    # The response as it is (answered, enabled items): what `answered`/`unanswered` read.
    present: Mapping[str, Any]


BoundsTest = Callable[[View], Verdict]


def compile_bounds(node: Mapping[str, Any]) -> BoundsTest:
    """Compile a flag-rule expression (the same language as `compile_expression`)."""
    (kind, body), *_ = node.items()
    if kind == "compare":
        op = OPERATORS[body["op"]]
        if "scale" in body:
            return _compare_scale(body["scale"], body["op"], body["value"])
        return _compare_item(body["item"], op, body["value"])
    if kind == "all":
        return _all([compile_bounds(child) for child in body])
    if kind == "any":
        return _any([compile_bounds(child) for child in body])
    if kind == "not":
        child = compile_bounds(body)
        return lambda view: _swap(child(view))
    if kind == "at_least":
        return _at_least(body["n"], tuple(body["of"]), body["value"])
    if kind == "answered":
        return lambda view: _definite(body in view.present)
    if kind == "unanswered":
        return lambda view: _definite(body not in view.present)
    raise ValueError(f"unknown expression kind {kind!r}")


def scale_verdict(bounds: ScaleBounds, op: str, constant: Any) -> Verdict:
    """Whether `score op constant` holds for every reachable score, or for none."""
    if bounds.maybe_unscored or bounds.low is None:
        return UNKNOWN
    low, high = bounds.low, bounds.high
    if op == ">=":
        return low >= constant, high < constant
    if op == ">":
        return low > constant, high <= constant
    if op == "<=":
        return high <= constant, low > constant
    if op == "<":
        return high < constant, low >= constant
    exact = low == high == constant
    outside = constant < low or constant > high
    return (exact, outside) if op == "=" else (outside, exact)


def _definite(value: bool) -> Verdict:
    return value, not value


def _swap(verdict: Verdict) -> Verdict:
    return verdict[1], verdict[0]


def _compare_item(link_id: str, op: Callable[[Any, Any], bool], constant: Any) -> BoundsTest:
    def test(view: View) -> Verdict:
        possible = view.items.get(link_id, (None,))
        if None in possible:
            return UNKNOWN  # some completion leaves it without a value: unknown there
        holds = [op(value, constant) for value in possible]
        return all(holds), not any(holds)

    return test


def _compare_scale(scale_id: str, op: str, constant: Any) -> BoundsTest:
    def test(view: View) -> Verdict:
        return scale_verdict(view.scales[scale_id], op, constant)

    return test


def _all(children: Sequence[BoundsTest]) -> BoundsTest:
    children = tuple(children)

    def test(view: View) -> Verdict:
        verdicts = [child(view) for child in children]
        return all(t for t, _ in verdicts), any(f for _, f in verdicts)

    return test


def _any(children: Sequence[BoundsTest]) -> BoundsTest:
    children = tuple(children)

    def test(view: View) -> Verdict:
        verdicts = [child(view) for child in children]
        return any(t for t, _ in verdicts), all(f for _, f in verdicts)

    return test


def _at_least(n: int, link_ids: tuple[str, ...], threshold: Any) -> BoundsTest:
    # Per completion (see expressions._at_least): true when `met >= n`, false when even the
    # items without a value could not reach n (`met + unknown < n`), else unknown.
    def test(view: View) -> Verdict:
        surely_met = 0
        maybe_met_or_unknown = 0
        for link_id in link_ids:
            possible = view.items.get(link_id, (None,))
            if all(value is not None and value >= threshold for value in possible):
                surely_met += 1
            if any(value is None or value >= threshold for value in possible):
                maybe_met_or_unknown += 1
        return surely_met >= n, maybe_met_or_unknown < n

    return test
