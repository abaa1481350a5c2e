"""Properties of compare() over generated scores (hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from screening.engine import (
    DETERIORATED,
    IMPROVED,
    NO_RELIABLE_CHANGE,
    NOT_DEFINED,
    compare,
    compile,
)

from .change_builders import NHS_PHQ9_CHANGE, nine_item, totals

PHQ9 = compile(nine_item(NHS_PHQ9_CHANGE))
BETTER = compile(
    nine_item({"direction": "higher_is_better", "reliable_change": {"points": 6, "source": "test"}})
)
NORMS = compile(
    nine_item(
        {
            "direction": "higher_is_worse",
            "reliable_change": {"sd": 5.5, "reliability": 0.84, "source": "test"},
        }
    )
)
UNDECLARED = compile(nine_item())
MIRROR = {IMPROVED: DETERIORATED, DETERIORATED: IMPROVED, NO_RELIABLE_CHANGE: NO_RELIABLE_CHANGE}

score = st.integers(min_value=0, max_value=27)


@given(score, score)
def test_swapping_baseline_and_latest_swaps_improvement_and_deterioration(a: int, b: int) -> None:
    for compiled in (PHQ9, NORMS, BETTER):
        forward = compare(compiled, totals(a, b))["total"].reliable_change
        backward = compare(compiled, totals(b, a))["total"].reliable_change
        assert backward == MIRROR[forward]


@given(score, score)
def test_reversing_the_direction_swaps_improvement_and_deterioration(a: int, b: int) -> None:
    worse = compare(PHQ9, totals(a, b))["total"].reliable_change
    better = compare(BETTER, totals(a, b))["total"].reliable_change
    assert better == MIRROR[worse]


@given(score, score)
def test_an_improvement_is_a_fall_of_at_least_the_threshold(a: int, b: int) -> None:
    outcome = compare(PHQ9, totals(a, b))["total"]
    assert (outcome.reliable_change == IMPROVED) == (a - b >= 6)
    assert (outcome.reliable_change == DETERIORATED) == (b - a >= 6)


@given(st.lists(st.one_of(st.none(), score), min_size=2, max_size=6))
def test_a_scale_that_declares_no_criterion_is_never_classified(series: list) -> None:
    outcome = compare(UNDECLARED, totals(*series)).get("total")
    if outcome is None:
        return
    assert outcome.reliable_change == NOT_DEFINED
    assert outcome.reliable_change_since_previous == NOT_DEFINED
    assert (outcome.response, outcome.remission, outcome.recovery) == (None, None, None)


@given(score, score)
def test_recovery_never_applies_without_caseness_at_baseline(a: int, b: int) -> None:
    outcome = compare(PHQ9, totals(a, b))["total"]
    if a < 10:
        assert outcome.recovery is None
    else:
        assert outcome.recovery is (b < 10)
