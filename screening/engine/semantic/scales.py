"""Scales: their ids, members, reverse items, missing-data rule, and bands that cover the
scale's reachable range without gaps or overlaps."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..numbers import Number
from ..paths import Path
from ..ranges import INTEGER_METHODS, item_bounds, scale_range
from ..semantic_change import check_change
from .context import Context, as_dict, as_list, hashable_str, is_number


def check_scales(ctx: Context, scales: object) -> None:
    if not isinstance(scales, list):
        return
    for i, scale in enumerate(scales):
        if not isinstance(scale, dict):
            continue
        path: Path = ("scales", i)
        scale_id = hashable_str(scale.get("id"))
        if scale_id is not None:
            if scale_id in ctx.scales:
                ctx.add((*path, "id"), "duplicate_scale_id", f"scale id {scale_id!r} repeats")
            else:
                bands = as_list(scale.get("bands"))
                ctx.scales[scale_id] = [b.get("code") for b in bands if isinstance(b, dict)]
        _check_scale(ctx, scale, path)
    if "total" not in ctx.scales:
        ctx.add(("scales",), "missing_total", "a scale with id 'total' is required")


def _check_scale(ctx: Context, scale: dict[Any, Any], path: Path) -> None:
    method = scale.get("method")
    if method == "count" and "count_threshold" not in scale:
        ctx.add(
            (*path, "count_threshold"),
            "count_threshold_required",
            "a count scale needs count_threshold",
        )
    elif method in ("sum", "mean") and "count_threshold" in scale:
        ctx.add(
            (*path, "count_threshold"),
            "count_threshold_not_allowed",
            "count_threshold applies only to count scales",
        )

    items = as_list(scale.get("items"))
    members: list[str] = []
    bounds: list[tuple[Decimal, Decimal]] | None = []
    gated: list[bool] = []
    for j, ref in enumerate(items):
        ref = hashable_str(ref)
        if ref is None:
            bounds = None
            continue
        target = ctx.items.get(ref)
        where = (*path, "items", j)
        if ref in members:
            ctx.add(where, "duplicate_item", f"item {ref!r} is listed twice")
            continue
        members.append(ref)
        if target is None:
            ctx.add(where, "unknown_item", f"no item {ref!r}")
            bounds = None
        elif not target.scored:
            ctx.add(where, "unscored_item", f"item {ref!r} is marked scored: false")
        if target is None or target.values is None:
            bounds = None
        elif bounds is not None:
            bounds.append(item_bounds(target.values))
            gated.append(target.gated)

    for j, ref in enumerate(as_list(scale.get("reverse_items"))):
        if isinstance(ref, str) and ref not in members:
            ctx.add(
                (*path, "reverse_items", j),
                "reverse_not_in_items",
                f"reverse item {ref!r} is not one of the scale's items",
            )

    missing = as_dict(scale.get("missing"))
    min_answered = missing.get("min_answered")
    if (
        missing.get("rule") == "prorate"
        and is_number(min_answered)
        and items
        and min_answered > len(items)
    ):
        ctx.add(
            (*path, "missing", "min_answered"),
            "min_answered_exceeds_items",
            f"min_answered {min_answered} is more than the scale's {len(items)} items",
        )

    known_range = None
    if bounds and method in ("sum", "mean", "count"):
        known_range = scale_range(method, bounds, gated)
    if known_range is not None and isinstance(scale.get("bands"), list):
        _check_bands(ctx, scale["bands"], (*path, "bands"), method, *known_range)
    check_change(ctx.add, scale.get("change"), (*path, "change"), known_range)


def _check_bands(
    ctx: Context, bands: list[Any], path: Path, method: str, low: Number, high: Number
) -> None:
    integer = method in INTEGER_METHODS
    usable: list[tuple[Number, Number, int]] = []
    # Each band is checked on its own first; how bands fit together is only judged when every
    # band is well-formed, or one bad band would also be reported as gaps and overlaps.
    broken = False
    for k, band in enumerate(bands):
        lo, hi = as_dict(band).get("min"), as_dict(band).get("max")
        if not (is_number(lo) and is_number(hi)):
            broken = True
            continue
        where = (*path, k)
        if integer and (lo != int(lo) or hi != int(hi)):
            ctx.add(
                where, "band_not_integer", f"{method} scores are whole numbers; use whole bounds"
            )
            broken = True
        elif lo > hi:
            ctx.add(where, "band_min_gt_max", f"min {lo} is greater than max {hi}")
            broken = True
        elif hi < low or lo > high:
            ctx.add(where, "band_unreachable", f"[{lo}, {hi}] lies outside the range {low}-{high}")
        usable.append((lo, hi, k))
    if broken or not usable:
        return

    usable.sort()
    # `reach` is the highest max so far, so a band nested inside a wide one counts as overlap.
    reach = usable[0][1]
    for lo, hi, k in usable[1:]:
        expected = reach + 1 if integer else reach
        if lo < expected:
            ctx.add((*path, k), "band_overlap", f"starts at {lo}, inside a band before it")
        elif lo > expected:
            ctx.add((*path, k, "min"), "band_gap", f"starts at {lo}; expected {expected}")
        reach = max(reach, hi)
    if not integer:
        # Mean bands are [min, max) except the last, so a band of width 0 can never be reached.
        for lo, hi, k in usable[:-1]:
            if lo == hi:
                ctx.add((*path, k), "band_unreachable", "an empty [min, max) band is unreachable")
    first_lo, _, first = usable[0]
    _, last_hi, last = usable[-1]
    if first_lo != low:
        ctx.add(
            (*path, first, "min"),
            "band_coverage",
            f"the lowest band starts at {first_lo}; the scale's range starts at {low}",
        )
    if last_hi != high:
        ctx.add(
            (*path, last, "max"),
            "band_coverage",
            f"the highest band ends at {last_hi}; the scale's range ends at {high}",
        )
