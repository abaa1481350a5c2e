"""Small, valid instrument definitions for engine tests; each test changes only what it tests."""

from __future__ import annotations

import copy
from typing import Any

FREQUENCY = [
    {"code": "never", "label": "Not at all", "value": 0},
    {"code": "some", "label": "Several days", "value": 1},
    {"code": "half", "label": "More than half the days", "value": 2},
    {"code": "daily", "label": "Nearly every day", "value": 3},
]


def choice(link_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "link_id": link_id,
        "text": f"Question {link_id}",
        "type": "choice",
        "options": "freq",
    } | extra


def boolean(link_id: str, **extra: Any) -> dict[str, Any]:
    return {"link_id": link_id, "text": f"Question {link_id}", "type": "boolean"} | extra


def band(low: float, high: float, code: str) -> dict[str, Any]:
    return {"min": low, "max": high, "code": code, "label": code.title()}


def scale(
    scale_id: str = "total",
    items: list[str] | None = None,
    method: str = "sum",
    missing: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "id": scale_id,
        "title": f"Scale {scale_id}",
        "method": method,
        "items": items if items is not None else ["q1", "q2", "q3", "q4"],
        "missing": missing if missing is not None else {"rule": "refuse"},
    } | extra


def rule(rule_id: str, when: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "id": rule_id,
        "condition": "depression",
        "severity": "review",
        "when": when,
        "message": f"{rule_id} fired, for clinician review",
    } | extra


def definition(**overrides: Any) -> dict[str, Any]:
    """Four 0-3 frequency items q1..q4 summed into `total` (0-12) with two bands."""
    base: dict[str, Any] = {
        "schema_version": 1,
        "code": "test-instrument",
        "version": "1.0.0",
        "title": "Test instrument",
        "short_title": "TEST",
        "description": "An instrument for engine tests.",
        "publisher": "Engine tests",
        "citation": "None",
        "licence": "Test data only",
        "validated": False,
        "language": "en",
        "codes": [],
        "option_sets": {"freq": copy.deepcopy(FREQUENCY)},
        "items": [choice("q1"), choice("q2"), choice("q3"), choice("q4")],
        "scales": [scale(bands=[band(0, 5, "low"), band(6, 12, "high")])],
        "rules": [],
        "examples": [],
    }
    base.update(copy.deepcopy(overrides))
    return base
