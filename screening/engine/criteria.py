"""What a rule asks of each item and scale, for evidence: "the threshold", and whether it was met.

A clinician reading a flag needs to see which answers met the rule, not only which items it
looked at. Each leaf of a rule gives a criterion on one item or scale (`>= 3`); under `not` the
criterion is inverted, so "met" always means "pointed towards the flag". The whole rule is also
rendered as one sentence (`criteria`), with option labels beside their values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .expressions import OPERATORS
from .numbers import plain

INVERSE = {"=": "!=", "!=": "=", ">": "<=", ">=": "<", "<": ">=", "<=": ">"}


@dataclass(frozen=True, slots=True)
class Criterion:
    """`op` is a comparison operator, or "answered" / "unanswered" (then `value` is None)."""

    op: str
    value: Any

    def holds(self, value: Any) -> bool:
        """Whether an answer (None: unanswered) meets it; an unanswered item meets no threshold."""
        if self.op == "answered":
            return value is not None
        if self.op == "unanswered":
            return value is None
        return value is not None and OPERATORS[self.op](value, self.value)


def collect(
    node: Mapping[str, Any],
) -> tuple[dict[str, list[Criterion]], dict[str, list[Criterion]]]:
    """(item criteria, scale criteria), each keyed by id in order of mention."""
    items: dict[str, list[Criterion]] = {}
    scales: dict[str, list[Criterion]] = {}

    def add(target: dict[str, list[Criterion]], key: str, criterion: Criterion) -> None:
        found = target.setdefault(key, [])
        if criterion not in found:
            found.append(criterion)

    def walk(node: Mapping[str, Any], negated: bool) -> None:
        (kind, body), *_ = node.items()
        if kind == "compare":
            op = INVERSE[body["op"]] if negated else body["op"]
            if "scale" in body:
                add(scales, body["scale"], Criterion(op, body["value"]))
            else:
                add(items, body["item"], Criterion(op, body["value"]))
        elif kind in ("all", "any"):
            for child in body:
                walk(child, negated)
        elif kind == "not":
            walk(body, not negated)
        elif kind == "at_least":
            for link_id in body["of"]:
                add(items, link_id, Criterion("<" if negated else ">=", body["value"]))
        else:  # answered / unanswered
            flipped = {"answered": "unanswered", "unanswered": "answered"}[kind]
            add(items, body, Criterion(flipped if negated else kind, None))

    walk(node, False)
    return items, scales


Label = Callable[[str, Any], str | None]


def threshold_text(criteria: list[Criterion], label: Label | None, key: str) -> str:
    """`>= 3 (Often)`; several criteria on one item (rare) are joined with "or"."""
    return " or ".join(_criterion_text(c, label, key) for c in criteria)


def _criterion_text(criterion: Criterion, label: Label | None, key: str) -> str:
    if criterion.value is None:
        return criterion.op
    if isinstance(criterion.value, bool):
        return f"{criterion.op} {'yes' if criterion.value else 'no'}"
    named = label(key, criterion.value) if label is not None else None
    text = f"{criterion.op} {plain(criterion.value)}"
    return f"{text} ({named})" if named else text


def describe(node: Mapping[str, Any], label: Label, scale_title: Callable[[str], str]) -> str:
    """The rule as one sentence, e.g. `Total score >= 10`, or `at least 2 of hisi-8, hisi-2 at
    >= 3 (Often) and hisi-29 >= 3 (Often)`."""
    (kind, body), *_ = node.items()
    if kind == "compare":
        criterion = Criterion(body["op"], body["value"])
        if "scale" in body:
            return f"{scale_title(body['scale'])} {_criterion_text(criterion, None, '')}"
        return f"{body['item']} {_criterion_text(criterion, label, body['item'])}"
    if kind in ("all", "any"):
        parts = [_nested(child, label, scale_title) for child in body]
        return f" {'and' if kind == 'all' else 'or'} ".join(parts)
    if kind == "not":
        return f"not ({describe(body, label, scale_title)})"
    if kind == "at_least":
        of = body["of"]
        threshold = _criterion_text(Criterion(">=", body["value"]), label, of[0])
        return f"at least {body['n']} of {', '.join(of)} at {threshold}"
    return f"{body} {kind}"


def _nested(node: Mapping[str, Any], label: Label, scale_title: Callable[[str], str]) -> str:
    text = describe(node, label, scale_title)
    return f"({text})" if next(iter(node)) in ("all", "any") else text
