"""Unscored items reported with a result (PHQ-9 question 10, the GAD-7 difficulty question).

An item with `scored: false` is asked for the clinician's benefit (how much the problems get in
the way of daily life), not for a score. Its answer is returned with the result and as its own
FHIR Observation, and no scale or flag ever reads it from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .compiled import CompiledInstrument


def reported_items(compiled: CompiledInstrument, values: Mapping[str, Any]) -> tuple[dict, ...]:
    """The answered, enabled unscored items, in definition order, each with its answer."""
    reported = []
    for item in compiled.items:
        if item.scored:
            continue
        value = values.get(item.link_id)
        if value is None:
            continue
        option = next((o for o in item.options if o.value == value), None)
        reported.append(
            {
                "link_id": item.link_id,
                "text": item.text,
                "codes": [dict(code) for code in item.codes],
                "value": value,
                "label": item.labels[value],
                "option": (
                    {"code": option.code, "system": option.system} if option is not None else None
                ),
                "scored": False,
            }
        )
    return tuple(reported)
