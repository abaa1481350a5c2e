"""A scale's declared change criteria (its optional `change` block), compiled once.

Each criterion carries the source it rests on, so every classification the engine makes can say
which published rule it applied. The Jacobson & Truax (1991) reliable change threshold is computed
here from the declared norms: 1.96 x SD x sqrt(2) x sqrt(1 - r), the smallest difference between
two scores that measurement error alone would exceed less than 5% of the time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .numbers import Number, multiply, plain, round_cents, square_root, to_decimal

HIGHER_IS_WORSE = "higher_is_worse"
HIGHER_IS_BETTER = "higher_is_better"

# The two-tailed 95% point of the normal distribution Jacobson & Truax compare the index with.
_Z_95 = Decimal("1.96")


@dataclass(frozen=True, slots=True)
class ScoreCriterion:
    """A condition on one score (`remission`: total < 5; `caseness`: total >= 10)."""

    op: str
    value: Number
    source: str

    def holds(self, score: Number) -> bool:
        left, right = to_decimal(score), to_decimal(self.value)
        if self.op == "<":
            return left < right
        if self.op == "<=":
            return left <= right
        if self.op == ">":
            return left > right
        return left >= right

    def to_dict(self) -> dict[str, Any]:
        return {"op": self.op, "value": self.value, "source": self.source}


@dataclass(frozen=True, slots=True)
class ReliableChangeCriterion:
    """Either a published threshold in points (`method` "points": a change of at least `points`
    is reliable) or the Jacobson & Truax index from norms (`method` "jacobson_truax": a change
    greater than the computed threshold is reliable, as their RC > 1.96)."""

    method: str
    threshold: Decimal
    source: str
    sd: Number | None = None
    reliability: Number | None = None

    def is_reliable(self, magnitude: Decimal) -> bool:
        if self.method == "points":
            return magnitude >= self.threshold
        return magnitude > self.threshold

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"method": self.method}
        if self.method == "points":
            data["threshold"] = plain(self.threshold)
        else:
            data["sd"] = self.sd
            data["reliability"] = self.reliability
            # Shown to 2 decimals; classification uses the exact value.
            data["threshold"] = round_cents(self.threshold)
        data["source"] = self.source
        return data


@dataclass(frozen=True, slots=True)
class ChangeCriteria:
    direction: str
    reliable_change: ReliableChangeCriterion | None
    response_percent: Number | None
    response_source: str | None
    remission: ScoreCriterion | None
    caseness: ScoreCriterion | None

    def to_dict(self) -> dict[str, Any]:
        response = None
        if self.response_percent is not None:
            response = {"percent": self.response_percent, "source": self.response_source}
        return {
            "direction": self.direction,
            "reliable_change": (
                self.reliable_change.to_dict() if self.reliable_change is not None else None
            ),
            "response": response,
            "remission": self.remission.to_dict() if self.remission is not None else None,
            "caseness": self.caseness.to_dict() if self.caseness is not None else None,
        }


def jacobson_truax_threshold(sd: Number, reliability: Number) -> Decimal:
    """1.96 x SD x sqrt(2) x sqrt(1 - r): the reliable change threshold in score points."""
    error_of_difference = square_root(multiply(2, Decimal(1) - to_decimal(reliability)))
    return multiply(multiply(_Z_95, sd), error_of_difference)


def compile_change(block: Mapping[str, Any] | None) -> ChangeCriteria | None:
    """The compiled criteria of a validated `change` block (None when the scale has none)."""
    if block is None:
        return None
    reliable = None
    raw = block.get("reliable_change")
    if raw is not None:
        if "points" in raw:
            reliable = ReliableChangeCriterion("points", to_decimal(raw["points"]), raw["source"])
        else:
            reliable = ReliableChangeCriterion(
                "jacobson_truax",
                jacobson_truax_threshold(raw["sd"], raw["reliability"]),
                raw["source"],
                sd=raw["sd"],
                reliability=raw["reliability"],
            )
    response = block.get("response")
    return ChangeCriteria(
        direction=block["direction"],
        reliable_change=reliable,
        response_percent=response["percent"] if response else None,
        response_source=response["source"] if response else None,
        remission=_criterion(block.get("remission")),
        caseness=_criterion(block.get("caseness")),
    )


def _criterion(raw: Mapping[str, Any] | None) -> ScoreCriterion | None:
    if raw is None:
        return None
    return ScoreCriterion(raw["op"], raw["value"], raw["source"])
