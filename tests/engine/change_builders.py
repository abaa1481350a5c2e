"""A PHQ-9-shaped definition (nine 0-3 items, total 0-27) with a `change` block."""

from __future__ import annotations

from typing import Any

from .builders import choice, definition, scale

ITEMS = [f"q{n}" for n in range(1, 10)]

# The values NHS Talking Therapies publishes for the PHQ-9, and the usual response and remission.
NHS_PHQ9_CHANGE: dict[str, Any] = {
    "direction": "higher_is_worse",
    "reliable_change": {"points": 6, "source": "NHS Talking Therapies manual"},
    "response": {"percent": 50, "source": "a 50% reduction from baseline"},
    "remission": {"op": "<", "value": 5, "source": "PHQ-9 below 5"},
    "caseness": {"op": ">=", "value": 10, "source": "NHS Talking Therapies manual"},
}


def nine_item(change: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    scale_extra: dict[str, Any] = dict(extra)
    if change is not None:
        scale_extra["change"] = change
    return definition(
        items=[choice(link_id) for link_id in ITEMS],
        scales=[scale(items=ITEMS, **scale_extra)],
    )


def totals(*scores: float | None) -> list[dict[str, float | None]]:
    return [{"total": value} for value in scores]
