"""Checks of a scale's `change` block that a JSON Schema cannot express.

A criterion that contradicts the scale's direction (remission at a high score on a scale where
higher is worse) or lies outside the scale's range would classify every client the same way
whatever happened, so it is refused when the draft is validated, not discovered in a report.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .numbers import Number
from .paths import Path

Add = Callable[[Path, str, str], None]

# The comparison that describes being well (remission) and being a case, per direction.
_WELL_OPS = {"higher_is_worse": ("<", "<="), "higher_is_better": (">", ">=")}
_CASE_OPS = {"higher_is_worse": (">", ">="), "higher_is_better": ("<", "<=")}


def _number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and (not isinstance(value, float) or math.isfinite(value))
    )


def check_change(
    add: Add, change: object, path: Path, scale_range: tuple[Number, Number] | None
) -> None:
    """Report problems of `change` (at `path`); `scale_range` is None when it is unknown."""
    if not isinstance(change, dict):
        return
    direction = change.get("direction")
    reliable = change.get("reliable_change")
    if isinstance(reliable, dict):
        _check_reliable(add, reliable, (*path, "reliable_change"), scale_range)
    for key, ops, meaning in (
        ("remission", _WELL_OPS, "remission describes a better score"),
        ("caseness", _CASE_OPS, "caseness describes a worse score"),
    ):
        criterion = change.get(key)
        if not isinstance(criterion, dict):
            continue
        where = (*path, key)
        op, value = criterion.get("op"), criterion.get("value")
        allowed = ops.get(direction) if isinstance(direction, str) else None
        if allowed is not None and isinstance(op, str) and op not in allowed:
            add(
                (*where, "op"),
                "criterion_direction",
                f"{meaning}: on a {direction} scale use {' or '.join(allowed)}",
            )
        if scale_range is not None and _number(value):
            low, high = scale_range
            if not low <= value <= high:
                add(
                    (*where, "value"),
                    "criterion_out_of_range",
                    f"{value} lies outside the scale's range {low}-{high}",
                )


def _check_reliable(
    add: Add, reliable: dict[str, Any], path: Path, scale_range: tuple[Number, Number] | None
) -> None:
    has_points = "points" in reliable
    norms = [key for key in ("sd", "reliability") if key in reliable]
    if has_points and norms:
        add(
            path,
            "reliable_change_form",
            "give either 'points' (a published threshold) or 'sd' and 'reliability' (norms for "
            "the Jacobson & Truax index), not both",
        )
    elif not has_points and len(norms) != 2:
        add(
            path,
            "reliable_change_form",
            "needs 'points' (a published threshold) or both 'sd' and 'reliability' (norms for "
            "the Jacobson & Truax index)",
        )
    points = reliable.get("points")
    if has_points and not norms and scale_range is not None and _number(points):
        low, high = scale_range
        if points > high - low:
            add(
                (*path, "points"),
                "criterion_out_of_range",
                f"a change of {points} cannot happen on a scale ranging {low}-{high}",
            )
