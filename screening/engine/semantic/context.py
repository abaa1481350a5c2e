"""What the semantic checks share: the issues found so far, and what earlier checks learned
about option sets, items, scales and rules for the later ones to refer to.

Values are read defensively: the definition may be structurally broken (the schema check
reports that), so a value of the wrong type is skipped, not an error here."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..numbers import Number
from ..paths import Path

Issue = tuple[Path, str, str]


def is_number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and (not isinstance(value, float) or math.isfinite(value))
    )


def as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def as_dict(value: object) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def hashable_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


@dataclass
class Item:
    index: int
    type: str | None
    scored: bool
    # Numeric values the item can take; None when its options could not be resolved.
    values: list[Number] | None
    gated: bool


@dataclass
class Context:
    issues: list[Issue] = field(default_factory=list)
    option_sets: dict[str, list[Number] | None] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    scales: dict[str, list[Any]] = field(default_factory=dict)  # id -> band codes
    rules: set[str] = field(default_factory=set)

    def add(self, path: Path, code: str, message: str) -> None:
        self.issues.append((path, code, message))
