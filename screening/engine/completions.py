"""What every completion of a partial response can still give: the `View` rules are judged on.

Items are walked in order. An item's state is *fixed* when no completion can change it (answered
and surely enabled, or surely disabled), *missing* when it is surely enabled but unanswered (any of
its options), and *uncertain* when its enable-when reads an item that is not fixed (any option, or
no value at all). Scales then get the range [min, max] of the score over those possibilities.
Independent choices per item make these ranges exact for a sum or count of fixed-enabled items and
a sound superset otherwise (correlated gates).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .bounds import ScaleBounds, View
from .compiled import CompiledInstrument, CompiledScale
from .numbers import divide, round_cents, round_integer, to_decimal

FIXED, MISSING, UNCERTAIN, STUCK = "fixed", "missing", "uncertain", "stuck"
MAY_STICK = "may-stick"


def item_states(
    compiled: CompiledInstrument,
    values: Mapping[str, Any],
    disabled: frozenset[str],
    pending: frozenset[str],
) -> dict[str, str]:
    """link id -> FIXED, MISSING, UNCERTAIN (see the module docstring), STUCK: an item whose
    enable-when reads a surely disabled item stays undecided in every completion, and scoring
    counts it as missing (so a scale holding it may go unscored whatever is answered), or
    MAY_STICK: uncertain, and some completion may leave it undecided like that."""
    states: dict[str, str] = {}
    for item in compiled.items:
        link_id = item.link_id
        refs = [ref for ref in item.gate_refs if ref in states]
        if item.enable_when is not None and any(states[ref] != FIXED for ref in refs):
            # If every ref surely has a value in each completion, the gate is decided there
            # (enabled or disabled); otherwise some completion may leave it undecided (STUCK).
            settles = all(
                states[ref] == MISSING or (states[ref] == FIXED and ref in values) for ref in refs
            )
            states[link_id] = UNCERTAIN if settles else MAY_STICK
        elif link_id in pending:
            states[link_id] = STUCK
        elif link_id in values or link_id in disabled:
            states[link_id] = FIXED
        else:
            states[link_id] = MISSING
    return states


def build_view(
    compiled: CompiledInstrument, values: Mapping[str, Any], states: Mapping[str, str]
) -> View:
    items: dict[str, tuple[Any, ...]] = {}
    for item in compiled.items:
        state = states[item.link_id]
        if state in (FIXED, STUCK):
            items[item.link_id] = (values.get(item.link_id),)
        elif state == MISSING:
            items[item.link_id] = item.answer_values
        else:
            items[item.link_id] = (*item.answer_values, None)
    scales = {scale.id: scale_bounds(scale, values, states) for scale in compiled.scales}
    return View(items=items, scales=scales, present=values)


def scale_bounds(
    scale: CompiledScale, values: Mapping[str, Any], states: Mapping[str, str]
) -> ScaleBounds:
    fixed: list[Any] = []
    required: list[tuple[Any, Any]] = []
    optional: list[tuple[Any, Any]] = []
    for link_id, contributions in scale.entries:
        state = states[link_id]
        if state == FIXED:
            value = values.get(link_id)
            if value is not None:
                fixed.append(contributions[value])
            continue
        if state in (STUCK, MAY_STICK):
            return ScaleBounds(None, None, maybe_unscored=True)
        span = (min(contributions.values()), max(contributions.values()))
        (required if state == MISSING else optional).append(span)
    if scale.method == "mean":
        return _mean_bounds(fixed, required, optional)
    zero = 0
    low = sum(fixed, zero) + sum(lo for lo, _ in required) + sum(min(lo, 0) for lo, _ in optional)
    high = sum(fixed, zero) + sum(hi for _, hi in required) + sum(max(hi, 0) for _, hi in optional)
    if not scale.exact_integers:
        low, high = round_integer(low), round_integer(high)
    return ScaleBounds(low, high)


def _mean_bounds(
    fixed: list[Any], required: list[tuple[Any, Any]], optional: list[tuple[Any, Any]]
) -> ScaleBounds:
    count = len(fixed) + len(required)
    if count == 0:
        # Every value is optional: some completion may leave the mean without items (no score).
        if not optional:
            return ScaleBounds(None, None, maybe_unscored=True)
        return ScaleBounds(
            round_cents(min(lo for lo, _ in optional)),
            round_cents(max(hi for _, hi in optional)),
            maybe_unscored=True,
        )
    base = sum((to_decimal(v) for v in fixed), Decimal(0))
    low_total = base + sum((to_decimal(lo) for lo, _ in required), Decimal(0))
    high_total = base + sum((to_decimal(hi) for _, hi in required), Decimal(0))
    # An optional item lowers the lowest mean only if its lowest value is below that mean, so
    # take them lowest first while they do (and the mirror image for the highest mean).
    low_count = high_count = count
    for lo in sorted(to_decimal(lo) for lo, _ in optional):
        if lo * low_count < low_total:
            low_total, low_count = low_total + lo, low_count + 1
    for hi in sorted((to_decimal(hi) for _, hi in optional), reverse=True):
        if hi * high_count > high_total:
            high_total, high_count = high_total + hi, high_count + 1
    return ScaleBounds(
        round_cents(divide(low_total, low_count)), round_cents(divide(high_total, high_count))
    )
