"""check_answers(): every problem names its item and has a code."""

from __future__ import annotations

from typing import Any

import pytest

from screening.engine import AnswerError, check_answers

from .builders import boolean, choice, definition, scale

ALL_ONES = {"q1": 1, "q2": 1, "q3": 1, "q4": 1}


def found(answers: Any, defn: dict | None = None, **kwargs: Any) -> list[tuple[str | None, str]]:
    errors = check_answers(defn or definition(), answers, **kwargs)
    return [(error.link_id, error.code) for error in errors]


def gated() -> dict:
    defn = definition(
        items=[
            boolean("gate", scored=False),
            choice("q1"),
            choice("q2"),
            choice("q3"),
            choice("q4"),
        ]
    )
    defn["items"][1]["enable_when"] = {"item": "gate", "op": "=", "value": True}
    return defn


def test_valid_complete_answers_have_no_errors() -> None:
    assert check_answers(definition(), ALL_ONES, for_submit=True) == []


def test_an_unknown_item_is_reported() -> None:
    assert found(ALL_ONES | {"q9": 1}) == [("q9", "unknown_item")]


def test_an_error_carries_a_path_and_message() -> None:
    (error,) = check_answers(definition(), {"q-9": 1})
    assert error == AnswerError("$['q-9']", "unknown_item", "no item 'q-9'", "q-9")


def test_a_value_that_is_no_option_is_reported() -> None:
    assert found({"q2": 5}) == [("q2", "invalid_value")]


@pytest.mark.parametrize("value", [True, False, "1", [1], 1.5, float("nan")])
def test_a_choice_item_rejects_anything_but_an_option_value(value: Any) -> None:
    assert found({"q2": value}) == [("q2", "invalid_value")]


@pytest.mark.parametrize("value", [1, 0, 1.0, "true"])
def test_a_boolean_item_rejects_anything_but_true_or_false(value: Any) -> None:
    assert found({"gate": value}, gated()) == [("gate", "invalid_value")]


def test_an_answer_to_a_disabled_item_is_reported() -> None:
    assert found({"gate": False, "q1": 1}, gated()) == [("q1", "disabled_item")]


def test_an_answer_to_an_enabled_gated_item_is_accepted() -> None:
    assert found({"gate": True, "q1": 1}, gated()) == []


def test_a_none_answer_is_not_an_answer_to_a_disabled_item() -> None:
    assert found({"gate": False, "q1": None}, gated()) == []


def test_missing_required_items_are_reported_only_for_submit() -> None:
    assert found({"q1": 1}) == []
    assert found({"q1": 1}, for_submit=True) == [
        ("q2", "required"),
        ("q3", "required"),
        ("q4", "required"),
    ]


def test_a_disabled_required_item_is_not_required() -> None:
    assert found({"gate": False, "q2": 0, "q3": 0, "q4": 0}, gated(), for_submit=True) == []


def test_an_optional_item_in_a_refusing_scale_is_insufficient_for_submit() -> None:
    defn = definition()
    defn["items"][3]["required"] = False
    errors = check_answers(defn, {"q1": 1, "q2": 1, "q3": 1}, for_submit=True)
    assert [(e.link_id, e.code, e.scale) for e in errors] == [
        ("q4", "insufficient_answers", "total")
    ]


def test_a_prorating_scale_below_min_answered_is_insufficient_for_submit() -> None:
    defn = definition(scales=[scale(missing={"rule": "prorate", "min_answered": 3})])
    for item in defn["items"]:
        item["required"] = False
    assert found({"q1": 1}, defn, for_submit=True) == [
        ("q2", "insufficient_answers"),
        ("q3", "insufficient_answers"),
        ("q4", "insufficient_answers"),
    ]


def test_a_prorating_scale_at_min_answered_is_sufficient_for_submit() -> None:
    defn = definition(scales=[scale(missing={"rule": "prorate", "min_answered": 3})])
    defn["items"][3]["required"] = False
    assert found({"q1": 1, "q2": 1, "q3": 1}, defn, for_submit=True) == []


def test_an_invalid_value_is_not_also_reported_as_required() -> None:
    assert found(ALL_ONES | {"q2": 9}, for_submit=True) == [("q2", "invalid_value")]


@pytest.mark.parametrize("answers", [None, [], "q1=1", 3])
def test_answers_that_are_not_a_mapping_give_one_error(answers: Any) -> None:
    assert found(answers) == [(None, "invalid_answers")]


def test_errors_follow_the_item_order() -> None:
    assert found({"zz": 1, "q3": 7, "q1": 9}) == [
        ("q1", "invalid_value"),
        ("q3", "invalid_value"),
        ("zz", "unknown_item"),
    ]
