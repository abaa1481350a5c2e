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


def scale_range(
    method: str,
    bounds: Sequence[tuple[Decimal, Decimal]],
    gated: Sequence[bool] | None = None,
) -> tuple[Number, Number]:
    """The range a scale's score can take, rounded the way its scores are.

    `gated[i]` says item i has an enable-when. A disabled item adds nothing to a sum, so for a sum
    such an item spans 0 as well as its options (a scale whose items are all disabled scores 0,
    even when every option value is above 0). A mean or count leaves disabled items out, so gating
    does not widen their range.
    """
    if method == "count":
        return 0, len(bounds)
    if method == "mean":
        return round_cents(min(lo for lo, _ in bounds)), round_cents(max(hi for _, hi in bounds))
    gated = gated if gated is not None else [False] * len(bounds)
    zero = Decimal(0)
    low = sum((min(lo, zero) if g else lo for (lo, _), g in zip(bounds, gated, strict=True)), zero)
    high = sum((max(hi, zero) if g else hi for (_, hi), g in zip(bounds, gated, strict=True)), zero)
    return round_integer(low), round_integer(high)
