"""Unscored items (PHQ-9 question 10) are reported with the result and never scored."""

from __future__ import annotations

from screening import engine
from tests.engine.builders import choice, definition

DIFFICULTY = choice(
    "q5",
    scored=False,
    required=False,
    codes=[{"system": "http://loinc.org", "code": "69722-7"}],
)


def test_an_answered_unscored_item_is_reported_with_its_answer_and_codes():
    result = engine.score(
        definition(items=[*definition()["items"], DIFFICULTY]),
        {"q1": 0, "q2": 0, "q3": 0, "q4": 0, "q5": 2},
    )
    (reported,) = result.reported_items
    assert reported["link_id"] == "q5"
    assert reported["label"] == "More than half the days"
    assert reported["codes"] == [{"system": "http://loinc.org", "code": "69722-7"}]
    assert reported["scored"] is False


def test_an_unscored_item_never_changes_the_score():
    base = {"q1": 1, "q2": 1, "q3": 1, "q4": 1}
    with_difficulty = definition(items=[*definition()["items"], DIFFICULTY])
    low = engine.score(with_difficulty, {**base, "q5": 0})
    high = engine.score(with_difficulty, {**base, "q5": 3})
    assert low.scales["total"].score == high.scales["total"].score == 4


def test_an_unanswered_unscored_item_is_not_reported():
    result = engine.score(
        definition(items=[*definition()["items"], DIFFICULTY]),
        {"q1": 0, "q2": 0, "q3": 0, "q4": 0},
    )
    assert result.reported_items == ()
