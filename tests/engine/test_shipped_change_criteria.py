"""The change criteria shipped in PHQ-9, GAD-7 and PCL-5 1.1.0 (screening/library/)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from screening.engine import IMPROVED, NO_RELIABLE_CHANGE, NOT_DEFINED, compare, compile

from .change_builders import totals

LIBRARY = Path(__file__).resolve().parents[2] / "screening" / "library"


def shipped(code: str) -> Any:
    return compile(json.loads((LIBRARY / f"{code}.json").read_text("utf-8")))


def test_shipped_phq9_18_then_7_is_a_reliable_improvement_and_a_response() -> None:
    outcome = compare(shipped("phq9"), totals(18, 7))["total"]
    assert (outcome.reliable_change, outcome.response, outcome.remission) == (IMPROVED, True, False)
    assert outcome.recovery is True  # from 18 (a case: >= 10) to 7 (not a case)


def test_shipped_phq9_18_7_then_4_is_in_remission() -> None:
    assert compare(shipped("phq9"), totals(18, 7, 4))["total"].remission is True


def test_shipped_phq9_18_then_15_is_no_reliable_change() -> None:
    outcome = compare(shipped("phq9"), totals(18, 15))["total"]
    assert (outcome.reliable_change, outcome.response, outcome.recovery) == (
        NO_RELIABLE_CHANGE,
        False,
        False,
    )


def test_shipped_gad7_needs_4_points_for_a_reliable_change_and_counts_8_as_a_case() -> None:
    assert compare(shipped("gad7"), totals(12, 8))["total"].reliable_change == IMPROVED
    assert compare(shipped("gad7"), totals(12, 9))["total"].reliable_change == NO_RELIABLE_CHANGE
    assert compare(shipped("gad7"), totals(12, 8))["total"].recovery is False  # 8 is still a case
    assert compare(shipped("gad7"), totals(12, 7))["total"].recovery is True


def test_shipped_gad7_declares_no_response_or_remission() -> None:
    outcome = compare(shipped("gad7"), totals(15, 3))["total"]
    assert (outcome.response, outcome.remission) == (None, None)


def test_shipped_pcl5_declares_a_direction_but_no_reliable_change_criterion() -> None:
    outcome = compare(shipped("pcl5"), [{"total": 60}, {"total": 20}])["total"]
    assert outcome.change_since_baseline == -40
    assert outcome.reliable_change == NOT_DEFINED
    assert (outcome.response, outcome.remission, outcome.recovery) == (None, None, None)


def test_every_shipped_criterion_names_its_source() -> None:
    for code in ("phq9", "gad7", "pcl5"):
        for scale in shipped(code).scales:
            criteria = scale.change
            assert criteria is not None, f"{code} {scale.id} declares no direction"
            for name, value in criteria.to_dict().items():
                if isinstance(value, dict):
                    assert value.get("source"), f"{code} {scale.id} {name} has no source"


def test_hisi_declares_no_change_criteria() -> None:
    assert all(scale.change is None for scale in shipped("hisi").scales)
