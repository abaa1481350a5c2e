"""`compare(instrument, series)`: change, reliable change, response, remission and recovery.

Pure: it reads scores, never a database. `series` is one client's completed screenings of one
instrument in the order they were given, each as {scale id: score or None}. For every scale whose
last entry is scored and that was scored at least once before, the outcome compares the last score
(latest) with the first scored one (baseline) and with the scored one just before (previous), by
the criteria the scale declares in its `change` block (docs/instrument-format.md). The criteria
come from the instrument passed in: callers pass the version the latest screening was given with.

Reliable change, response and recovery are judged against the baseline (as NHS Talking Therapies
and the measurement-based care literature report them); reliable change since the previous
screening is given too, for session-by-session review. A scale that declares no criterion is
never classified: `not_defined` / None, never a guess.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .change_criteria import HIGHER_IS_WORSE, ChangeCriteria
from .compiled import CompiledInstrument, ensure_compiled
from .numbers import Number, multiply, plain, to_decimal

IMPROVED = "improved"
NO_RELIABLE_CHANGE = "no_reliable_change"
DETERIORATED = "deteriorated"
NOT_DEFINED = "not_defined"
RELIABLE_CHANGE_VALUES = (IMPROVED, NO_RELIABLE_CHANGE, DETERIORATED, NOT_DEFINED)

Scores = Mapping[str, Number | None]


@dataclass(slots=True)
class ScaleChange:
    """One scale's outcome. Indexes point into the series given to `compare()`.

    `response` is None when no response criterion is declared or the baseline leaves no room to
    improve by a share of it (0 on a higher-is-worse scale); `remission` None when no remission
    criterion is declared; `recovery` None unless a caseness criterion is declared and the baseline
    met it (recovery means moving from caseness to non-caseness, so it does not apply otherwise).
    """

    scale: str
    baseline: int
    previous: int
    latest: int
    baseline_score: Number
    previous_score: Number
    latest_score: Number
    change_since_baseline: Number
    change_since_previous: Number
    reliable_change: str
    reliable_change_since_previous: str
    response: bool | None
    remission: bool | None
    recovery: bool | None
    criteria: ChangeCriteria | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "scale": self.scale,
            "baseline_score": self.baseline_score,
            "previous_score": self.previous_score,
            "latest_score": self.latest_score,
            "change_since_baseline": self.change_since_baseline,
            "change_since_previous": self.change_since_previous,
            "reliable_change": self.reliable_change,
            "reliable_change_since_previous": self.reliable_change_since_previous,
            "response": self.response,
            "remission": self.remission,
            "recovery": self.recovery,
            "criteria": self.criteria.to_dict() if self.criteria is not None else None,
        }


def compare(
    instrument: CompiledInstrument | Mapping[str, Any], series: Sequence[Scores]
) -> dict[str, ScaleChange]:
    """Per scale (in the instrument's scale order), the latest score against the earlier ones.

    Scales absent from the result could not be compared: the latest entry has no score for them,
    or no earlier entry has.
    """
    compiled = ensure_compiled(instrument)
    if len(series) < 2:
        return {}
    latest_index = len(series) - 1
    outcomes: dict[str, ScaleChange] = {}
    for scale in compiled.scales:
        latest = series[latest_index].get(scale.id)
        if latest is None:
            continue
        earlier = [
            (i, value)
            for i in range(latest_index)
            if (value := series[i].get(scale.id)) is not None
        ]
        if not earlier:
            continue
        outcomes[scale.id] = _outcome(
            scale.id, scale.change, earlier[0], earlier[-1], (latest_index, latest)
        )
    return outcomes


def _outcome(
    scale_id: str,
    criteria: ChangeCriteria | None,
    baseline: tuple[int, Number],
    previous: tuple[int, Number],
    latest: tuple[int, Number],
) -> ScaleChange:
    return ScaleChange(
        scale=scale_id,
        baseline=baseline[0],
        previous=previous[0],
        latest=latest[0],
        baseline_score=baseline[1],
        previous_score=previous[1],
        latest_score=latest[1],
        change_since_baseline=plain(_difference(baseline[1], latest[1])),
        change_since_previous=plain(_difference(previous[1], latest[1])),
        reliable_change=classify_reliable_change(criteria, baseline[1], latest[1]),
        reliable_change_since_previous=classify_reliable_change(criteria, previous[1], latest[1]),
        response=_response(criteria, baseline[1], latest[1]),
        remission=criteria.remission.holds(latest[1])
        if criteria is not None and criteria.remission is not None
        else None,
        recovery=_recovery(criteria, baseline[1], latest[1]),
        criteria=criteria,
    )


def _difference(before: Number, after: Number) -> Decimal:
    return to_decimal(after) - to_decimal(before)


def _improvement(criteria: ChangeCriteria, before: Number, after: Number) -> Decimal:
    """How far the score moved in the better direction (negative: it moved the worse way)."""
    change = _difference(before, after)
    return -change if criteria.direction == HIGHER_IS_WORSE else change


def classify_reliable_change(criteria: ChangeCriteria | None, before: Number, after: Number) -> str:
    """`improved`, `deteriorated` or `no_reliable_change` by the declared criterion; else
    `not_defined`."""
    if criteria is None or criteria.reliable_change is None:
        return NOT_DEFINED
    improvement = _improvement(criteria, before, after)
    if not criteria.reliable_change.is_reliable(abs(improvement)):
        return NO_RELIABLE_CHANGE
    return IMPROVED if improvement > 0 else DETERIORATED


def _response(criteria: ChangeCriteria | None, baseline: Number, latest: Number) -> bool | None:
    if criteria is None or criteria.response_percent is None:
        return None
    # The share is of the baseline score's distance from 0; a baseline of 0 or below (nothing to
    # reduce on a higher-is-worse scale) has no response to speak of.
    if to_decimal(baseline) <= 0:
        return None
    improvement = _improvement(criteria, baseline, latest)
    return multiply(improvement, 100) >= multiply(criteria.response_percent, baseline)


def _recovery(criteria: ChangeCriteria | None, baseline: Number, latest: Number) -> bool | None:
    if criteria is None or criteria.caseness is None:
        return None
    if not criteria.caseness.holds(baseline):
        return None
    return not criteria.caseness.holds(latest)
