"""Response quality: answer sets that may not reflect the person's experience (issue 13).

Two checks, each declared by the instrument (`response_quality` in the definition), because what
counts as careless depends on the instrument: the same answer to every PHQ-9 item is a plausible
"Not at all", while the same answer to every statement of an inventory with reverse-worded items
cannot be consistent.

- `straight_lining`: every answered choice item has the same value, with at least `min_answered`
  answered.
- `opposite_pairs`: a forward-worded item and a reverse-worded one that say opposite things (hisi-8
  "I insist on handling things myself" and hisi-15 "When people offer, I let them") are both
  answered at or above `at_least` (raw values).

A warning never blocks scoring and never fires or suppresses a flag: it is shown with the result
and repeated on every flag, for the clinician to check with the person before relying on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .numbers import Number, plain


@dataclass(frozen=True, slots=True)
class OppositePair:
    items: tuple[str, str]
    at_least: Number


@dataclass(frozen=True, slots=True)
class QualityChecks:
    straight_lining_min: int | None
    pairs: tuple[OppositePair, ...]
    # The choice items straight-lining looks at, in definition order.
    choice_items: tuple[str, ...]


def compile_quality(
    block: Mapping[str, Any] | None, choice_items: tuple[str, ...]
) -> QualityChecks | None:
    if not block:
        return None
    straight = block.get("straight_lining")
    pairs = tuple(
        OppositePair(items=(pair["items"][0], pair["items"][1]), at_least=pair["at_least"])
        for pair in block.get("opposite_pairs", ())
    )
    return QualityChecks(
        straight_lining_min=straight["min_answered"] if straight else None,
        pairs=pairs,
        choice_items=choice_items,
    )


def check_quality(
    checks: QualityChecks | None, values: Mapping[str, Any], items: Mapping[str, Any]
) -> dict[str, Any]:
    """`{"checked": bool, "warnings": [{code, message, items}]}` for the answers `values`;
    `items` maps link ids to compiled items (for their answer labels)."""
    if checks is None:
        return {"checked": False, "warnings": []}
    warnings: list[dict[str, Any]] = []
    if checks.straight_lining_min is not None:
        answered = [link_id for link_id in checks.choice_items if values.get(link_id) is not None]
        distinct = {values[link_id] for link_id in answered}
        if len(answered) >= checks.straight_lining_min and len(distinct) == 1:
            label = items[answered[0]].labels[values[answered[0]]]
            warnings.append(
                {
                    "code": "straight_lining",
                    "message": f"Every one of the {len(answered)} answered statements got the "
                    f"same answer ({label}), including statements worded in opposite directions: "
                    "the answers may not reflect the person's experience. Check with them before "
                    "relying on the scores or flags.",
                    "items": answered,
                }
            )
    contradicted = []
    for pair in checks.pairs:
        first, second = (values.get(link_id) for link_id in pair.items)
        if first is not None and second is not None and min(first, second) >= pair.at_least:
            contradicted.append(pair)
    if contradicted:
        described = "; ".join(
            f"{a} ({items[a].labels[values[a]]}) and {b} ({items[b].labels[values[b]]})"
            for a, b in (pair.items for pair in contradicted)
        )
        lowest = min(plain(pair.at_least) for pair in contradicted)
        warnings.append(
            {
                "code": "reverse_contradiction",
                "message": f"Statements that say opposite things were both endorsed (value "
                f"{lowest} or more): {described}. The answers may be careless or misread; check "
                "with the person before relying on the scores or flags.",
                "items": [link_id for pair in contradicted for link_id in pair.items],
            }
        )
    return {"checked": True, "warnings": warnings}
