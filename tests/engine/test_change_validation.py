"""validate() on a scale's `change` block: each mistake at its path, with its code."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from screening.engine import validate

from .change_builders import NHS_PHQ9_CHANGE, nine_item


def found(change: Any) -> list[tuple[str, str]]:
    return [(error.path, error.code) for error in validate(nine_item(change))]


def with_(**parts: Any) -> dict[str, Any]:
    change = copy.deepcopy(NHS_PHQ9_CHANGE)
    for key, value in parts.items():
        if value is None:
            del change[key]
        else:
            change[key] = value
    return change


AT = "$.scales[0].change"


def test_a_full_change_block_is_valid() -> None:
    assert found(NHS_PHQ9_CHANGE) == []


def test_a_direction_alone_is_valid() -> None:
    assert found({"direction": "higher_is_worse"}) == []


def test_norms_are_a_valid_reliable_change_criterion() -> None:
    norms = {"sd": 5.5, "reliability": 0.84, "source": "norms study"}
    assert found(with_(reliable_change=norms)) == []


def test_the_direction_is_required() -> None:
    change = {"reliable_change": {"points": 6, "source": "x"}}
    assert found(change) == [(f"{AT}.direction", "required")]


def test_an_unknown_direction_is_reported() -> None:
    assert found({"direction": "down"}) == [(f"{AT}.direction", "invalid_value")]


@pytest.mark.parametrize("criterion", ["reliable_change", "response", "remission", "caseness"])
def test_every_criterion_needs_its_source(criterion: str) -> None:
    change = copy.deepcopy(NHS_PHQ9_CHANGE)
    del change[criterion]["source"]
    assert found(change) == [(f"{AT}.{criterion}.source", "required")]


def test_points_and_norms_together_are_refused() -> None:
    both = {"points": 6, "sd": 5.5, "reliability": 0.84, "source": "x"}
    assert found(with_(reliable_change=both)) == [(f"{AT}.reliable_change", "reliable_change_form")]


def test_an_sd_without_a_reliability_is_refused() -> None:
    assert found(with_(reliable_change={"sd": 5.5, "source": "x"})) == [
        (f"{AT}.reliable_change", "reliable_change_form")
    ]


@pytest.mark.parametrize(
    ("key", "value", "code"),
    [("points", 0, "too_small"), ("sd", -1, "too_small"), ("reliability", 1, "too_large")],
)
def test_impossible_norms_and_thresholds_are_refused(key: str, value: float, code: str) -> None:
    reliable = (
        {"points": 6, "source": "x"}
        if key == "points"
        else {
            "sd": 5.5,
            "reliability": 0.84,
            "source": "x",
        }
    )
    reliable[key] = value
    assert (f"{AT}.reliable_change.{key}", code) in found(with_(reliable_change=reliable))


def test_a_threshold_wider_than_the_scale_is_refused() -> None:
    assert found(with_(reliable_change={"points": 28, "source": "x"})) == [
        (f"{AT}.reliable_change.points", "criterion_out_of_range")
    ]


def test_a_response_above_100_percent_is_refused() -> None:
    assert found(with_(response={"percent": 150, "source": "x"})) == [
        (f"{AT}.response.percent", "too_large")
    ]


def test_remission_at_a_high_score_on_a_higher_is_worse_scale_is_refused() -> None:
    assert found(with_(remission={"op": ">", "value": 20, "source": "x"})) == [
        (f"{AT}.remission.op", "criterion_direction")
    ]


def test_caseness_at_a_low_score_on_a_higher_is_worse_scale_is_refused() -> None:
    assert found(with_(caseness={"op": "<", "value": 10, "source": "x"})) == [
        (f"{AT}.caseness.op", "criterion_direction")
    ]


def test_a_criterion_value_outside_the_scale_range_is_refused() -> None:
    assert found(with_(caseness={"op": ">=", "value": 30, "source": "x"})) == [
        (f"{AT}.caseness.value", "criterion_out_of_range")
    ]


def test_an_unknown_key_in_the_change_block_is_reported() -> None:
    assert found(with_(minimal_important_difference=5)) == [
        (f"{AT}.minimal_important_difference", "unknown_property")
    ]
