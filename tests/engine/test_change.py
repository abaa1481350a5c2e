"""compare(): reliable change, response, remission, recovery; the sources' worked examples."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from screening.engine import (
    DETERIORATED,
    IMPROVED,
    NO_RELIABLE_CHANGE,
    NOT_DEFINED,
    compare,
    compile,
    jacobson_truax_threshold,
)

from .change_builders import NHS_PHQ9_CHANGE, nine_item, totals

PHQ9 = compile(nine_item(NHS_PHQ9_CHANGE))


def total(*scores: float | None):
    return compare(PHQ9, totals(*scores))["total"]


def test_phq9_18_then_7_is_a_reliable_improvement_and_a_response() -> None:
    outcome = total(18, 7)
    assert outcome.reliable_change == IMPROVED
    assert outcome.response is True
    assert outcome.change_since_baseline == -11
    assert outcome.remission is False


def test_phq9_18_then_7_then_4_is_in_remission() -> None:
    outcome = total(18, 7, 4)
    assert outcome.remission is True
    assert outcome.reliable_change == IMPROVED
    assert (outcome.change_since_baseline, outcome.change_since_previous) == (-14, -3)
    assert outcome.reliable_change_since_previous == NO_RELIABLE_CHANGE


def test_phq9_18_then_15_is_no_reliable_change() -> None:
    outcome = total(18, 15)
    assert outcome.reliable_change == NO_RELIABLE_CHANGE
    assert outcome.response is False


def test_a_change_of_exactly_the_published_points_is_reliable() -> None:
    # NHS Talking Therapies: a reduction of 6 or more points on the PHQ-9.
    assert total(18, 12).reliable_change == IMPROVED
    assert total(18, 13).reliable_change == NO_RELIABLE_CHANGE


def test_a_rise_of_the_published_points_is_a_reliable_deterioration() -> None:
    assert total(8, 14).reliable_change == DETERIORATED


def test_moving_from_caseness_to_below_it_is_recovery() -> None:
    assert total(12, 9).recovery is True
    assert total(12, 10).recovery is False


def test_recovery_does_not_apply_to_a_client_who_was_not_a_case_at_baseline() -> None:
    assert total(8, 2).recovery is None


def test_a_response_is_half_the_baseline_or_more() -> None:
    assert total(18, 9).response is True
    assert total(18, 10).response is False


def test_a_baseline_of_zero_leaves_response_undefined() -> None:
    assert total(0, 0).response is None


def test_the_baseline_is_the_first_scored_entry_and_previous_the_last_scored_before() -> None:
    outcomes = compare(PHQ9, totals(None, 20, 16, None, 10))
    outcome = outcomes["total"]
    assert (outcome.baseline, outcome.previous, outcome.latest) == (1, 2, 4)
    assert (outcome.change_since_baseline, outcome.change_since_previous) == (-10, -6)


def test_a_latest_entry_without_a_score_has_no_outcome() -> None:
    assert compare(PHQ9, totals(20, None)) == {}


def test_a_single_screening_has_no_outcome() -> None:
    assert compare(PHQ9, totals(20)) == {}


def test_the_outcome_names_the_criteria_it_used_with_their_sources() -> None:
    criteria = total(18, 7).to_dict()["criteria"]
    assert criteria["reliable_change"] == {
        "method": "points",
        "threshold": 6,
        "source": "NHS Talking Therapies manual",
    }
    assert criteria["response"]["percent"] == 50
    assert criteria["remission"] == {"op": "<", "value": 5, "source": "PHQ-9 below 5"}
    assert criteria["caseness"]["value"] == 10


def test_changes_of_whole_scores_are_integers() -> None:
    data = total(18, 7).to_dict()
    assert isinstance(data["change_since_baseline"], int)


def test_jacobson_truax_threshold_matches_the_formula() -> None:
    # Worked example: the LDQ norms (SD 7.6, test-retest r 0.95; Raistrick et al. 1994) give
    # SE = 7.6 x sqrt(0.05) = 1.70, S_diff = sqrt(2 x 1.70^2) = 2.40, threshold 1.96 x 2.40 = 4.71.
    threshold = jacobson_truax_threshold(7.6, 0.95)
    assert round(threshold, 2) == Decimal("4.71")


def test_a_scale_with_norms_classifies_by_the_computed_index() -> None:
    change = copy.deepcopy(NHS_PHQ9_CHANGE)
    change["reliable_change"] = {"sd": 7.6, "reliability": 0.95, "source": "norms"}
    compiled = compile(nine_item(change))
    # 4.71 points is the threshold: a change of 5 exceeds it, a change of 4 does not.
    assert compare(compiled, totals(20, 15))["total"].reliable_change == IMPROVED
    assert compare(compiled, totals(20, 16))["total"].reliable_change == NO_RELIABLE_CHANGE
    assert compare(compiled, totals(15, 20))["total"].reliable_change == DETERIORATED
    criteria = compare(compiled, totals(20, 15))["total"].to_dict()["criteria"]["reliable_change"]
    assert criteria == {
        "method": "jacobson_truax",
        "sd": 7.6,
        "reliability": 0.95,
        "threshold": 4.71,
        "source": "norms",
    }


def test_on_a_higher_is_better_scale_a_rise_is_the_improvement() -> None:
    change = {
        "direction": "higher_is_better",
        "reliable_change": {"points": 6, "source": "test"},
        "remission": {"op": ">=", "value": 20, "source": "test"},
        "caseness": {"op": "<", "value": 10, "source": "test"},
    }
    compiled = compile(nine_item(change))
    outcome = compare(compiled, totals(5, 21))["total"]
    assert outcome.reliable_change == IMPROVED
    assert (outcome.remission, outcome.recovery) == (True, True)


def test_a_scale_without_a_change_block_is_never_classified() -> None:
    outcome = compare(compile(nine_item()), totals(27, 0))["total"]
    assert outcome.reliable_change == NOT_DEFINED
    assert outcome.reliable_change_since_previous == NOT_DEFINED
    assert (outcome.response, outcome.remission, outcome.recovery, outcome.criteria) == (
        None,
        None,
        None,
        None,
    )
    assert outcome.change_since_baseline == -27


@pytest.mark.parametrize(
    ("missing", "field", "undefined"),
    [
        ("reliable_change", "reliable_change", NOT_DEFINED),
        ("response", "response", None),
        ("remission", "remission", None),
        ("caseness", "recovery", None),
    ],
)
def test_a_criterion_left_out_leaves_only_its_own_classification_undefined(
    missing: str, field: str, undefined: object
) -> None:
    change = copy.deepcopy(NHS_PHQ9_CHANGE)
    del change[missing]
    outcome = compare(compile(nine_item(change)), totals(18, 4))["total"].to_dict()
    assert outcome[field] == undefined
    others = {"reliable_change": IMPROVED, "response": True, "remission": True, "recovery": True}
    del others[field]
    assert {key: outcome[key] for key in others} == others
