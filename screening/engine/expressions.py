"""Flag-rule expressions and enable-when conditions, compiled to closures.

Evaluation is three-valued: True, False, or None for "unknown". A comparison on an unanswered item
or an unscoreable scale is unknown rather than false, and `not` keeps unknown as unknown; a rule
fires only when its expression is True. This is what makes "unanswered answers never fire a rule
unless the rule says so with `unanswered`" hold even under `not` (with plain booleans,
`not (item > 0)` would fire on an unanswered item). `answered` / `unanswered` are always definite.

A test takes `values` (link id -> the answer's canonical numeric value, booleans as bools; absent
when unanswered or disabled) and `scores` (scale id -> score, None when unscoreable).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

Values = Mapping[str, Any]
Scores = Mapping[str, Any] | None
Test = Callable[[Values, Scores], bool | None]

OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


class References:
    """Items and scales an expression mentions, in order of first mention (for evidence)."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.scales: list[str] = []
        # Whether `answered`/`unanswered` appear (they read the response, not a completion).
        self.presence = False

    def item(self, link_id: str) -> None:
        if link_id not in self.items:
            self.items.append(link_id)

    def scale(self, scale_id: str) -> None:
        if scale_id not in self.scales:
            self.scales.append(scale_id)


def compile_condition(node: Mapping[str, Any], refs: References | None = None) -> Test:
    """Compile an enable-when condition (leaf `{item, op, value}` or `all` / `any`)."""
    refs = refs if refs is not None else References()
    if "all" in node:
        return _all([compile_condition(child, refs) for child in node["all"]])
    if "any" in node:
        return _any([compile_condition(child, refs) for child in node["any"]])
    link_id = node["item"]
    refs.item(link_id)
    op = node["op"]
    if op == "answered":
        return _answered(link_id)
    if op == "unanswered":
        return _unanswered(link_id)
    return _compare_item(link_id, OPERATORS[op], node["value"])


def compile_expression(node: Mapping[str, Any], refs: References | None = None) -> Test:
    """Compile a flag-rule expression (exactly one key per node)."""
    refs = refs if refs is not None else References()
    (kind, body), *_ = node.items()
    if kind == "compare":
        if "scale" in body:
            refs.scale(body["scale"])
            return _compare_scale(body["scale"], OPERATORS[body["op"]], body["value"])
        refs.item(body["item"])
        return _compare_item(body["item"], OPERATORS[body["op"]], body["value"])
    if kind == "all":
        return _all([compile_expression(child, refs) for child in body])
    if kind == "any":
        return _any([compile_expression(child, refs) for child in body])
    if kind == "not":
        return _not(compile_expression(body, refs))
    if kind == "at_least":
        for link_id in body["of"]:
            refs.item(link_id)
        return _at_least(body["n"], tuple(body["of"]), body["value"])
    if kind == "answered":
        refs.item(body)
        refs.presence = True
        return _answered(body)
    if kind == "unanswered":
        refs.item(body)
        refs.presence = True
        return _unanswered(body)
    raise ValueError(f"unknown expression kind {kind!r}")


def _compare_item(link_id: str, op: Callable[[Any, Any], bool], constant: Any) -> Test:
    def test(values: Values, scores: Scores) -> bool | None:
        value = values.get(link_id)
        return None if value is None else op(value, constant)

    return test


def _compare_scale(scale_id: str, op: Callable[[Any, Any], bool], constant: Any) -> Test:
    def test(values: Values, scores: Scores) -> bool | None:
        score = scores.get(scale_id) if scores is not None else None
        return None if score is None else op(score, constant)

    return test


def _answered(link_id: str) -> Test:
    def test(values: Values, scores: Scores) -> bool | None:
        return link_id in values

    return test


def _unanswered(link_id: str) -> Test:
    def test(values: Values, scores: Scores) -> bool | None:
        return link_id not in values

    return test


def _not(child: Test) -> Test:
    def test(values: Values, scores: Scores) -> bool | None:
        result = child(values, scores)
        return None if result is None else not result

    return test


def _all(children: Sequence[Test]) -> Test:
    children = tuple(children)

    def test(values: Values, scores: Scores) -> bool | None:
        unknown = False
        for child in children:
            result = child(values, scores)
            if result is False:
                return False
            if result is None:
                unknown = True
        return None if unknown else True

    return test


def _any(children: Sequence[Test]) -> Test:
    children = tuple(children)

    def test(values: Values, scores: Scores) -> bool | None:
        unknown = False
        for child in children:
            result = child(values, scores)
            if result is True:
                return True
            if result is None:
                unknown = True
        return None if unknown else False

    return test


def _at_least(n: int, link_ids: tuple[str, ...], threshold: Any) -> Test:
    def test(values: Values, scores: Scores) -> bool | None:
        met = 0
        unknown = 0
        for link_id in link_ids:
            value = values.get(link_id)
            if value is None:
                unknown += 1
            elif value >= threshold:
                met += 1
        if met >= n:
            return True
        # Still reachable if the unanswered items were answered: unknown, not false.
        return None if met + unknown >= n else False

    return test
