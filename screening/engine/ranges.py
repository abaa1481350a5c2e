"""Derived score ranges: shared by validation (band coverage) and compilation (result ranges)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from .numbers import Number, round_cents, round_integer, to_decimal

INTEGER_METHODS = frozenset({"sum", "count"})


def item_bounds(values: Sequence[Number]) -> tuple[Decimal, Decimal]:
    """Lowest and highest numeric value an item can take (a boolean item is [0, 1])."""
    decimals = [to_decimal(v) for v in values]
    return min(decimals), max(decimals)


def scale_range(method: str, bounds: Sequence[tuple[Decimal, Decimal]]) -> tuple[Number, Number]:
    """The range a scale's score can take, rounded the way its scores are."""
    if method == "count":
        return 0, len(bounds)
    if method == "mean":
        return round_cents(min(lo for lo, _ in bounds)), round_cents(max(hi for _, hi in bounds))
    low = sum((lo for lo, _ in bounds), Decimal(0))
    high = sum((hi for _, hi in bounds), Decimal(0))
    return round_integer(low), round_integer(high)
