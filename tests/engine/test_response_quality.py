"""Response quality (issue 13): straight-lining and answers contradicting reverse-worded items are
reported with the result and repeated on every flag; nothing is blocked or suppressed."""

from __future__ import annotations

from screening import engine
from tests.engine.builders import definition, rule

CHECKS = {
    "straight_lining": {"min_answered": 4},
    "opposite_pairs": [{"items": ["q1", "q4"], "at_least": 2}],
}
FIRES_AT_4 = rule("r", {"compare": {"scale": "total", "op": ">=", "value": 4}})


def checked(**extra):
    return definition(response_quality=CHECKS, rules=[FIRES_AT_4], **extra)


def warnings(result: engine.ScoreResult) -> list[str]:
    return [warning["code"] for warning in result.response_quality["warnings"]]


def test_the_same_answer_to_every_item_is_reported_as_straight_lining():
    result = engine.score(checked(), {"q1": 1, "q2": 1, "q3": 1, "q4": 1})
    assert warnings(result) == ["straight_lining"]
    assert "Several days" in result.response_quality["warnings"][0]["message"]


def test_straight_lining_needs_the_declared_number_of_answers():
    definition_ = checked(
        items=[
            {"link_id": q, "text": q, "type": "choice", "options": "freq", "required": False}
            for q in ("q1", "q2", "q3", "q4")
        ],
        scales=[
            {
                "id": "total",
                "title": "Total",
                "method": "sum",
                "items": ["q1", "q2", "q3", "q4"],
                "missing": {"rule": "prorate", "min_answered": 3},
            }
        ],
    )
    assert warnings(engine.score(definition_, {"q1": 1, "q2": 1, "q3": 1})) == []


def test_varied_answers_are_not_straight_lining():
    assert warnings(engine.score(checked(), {"q1": 1, "q2": 0, "q3": 1, "q4": 1})) == []


def test_both_statements_of_an_opposite_pair_endorsed_is_a_contradiction():
    result = engine.score(checked(), {"q1": 2, "q2": 0, "q3": 1, "q4": 3})
    assert warnings(result) == ["reverse_contradiction"]
    (warning,) = result.response_quality["warnings"]
    assert warning["items"] == ["q1", "q4"]


def test_one_statement_of_a_pair_below_the_threshold_is_no_contradiction():
    assert warnings(engine.score(checked(), {"q1": 1, "q2": 0, "q3": 1, "q4": 3})) == []


def test_every_flag_repeats_the_results_response_quality():
    result = engine.score(checked(), {"q1": 2, "q2": 2, "q3": 2, "q4": 2})
    assert [flag.rule_id for flag in result.flags] == ["r"]
    (flag,) = result.flags
    assert flag.response_quality == result.response_quality
    assert sorted(warnings(result)) == ["reverse_contradiction", "straight_lining"]
    assert flag.to_dict()["response_quality"]["warnings"]


def test_a_warning_neither_blocks_scoring_nor_suppresses_a_flag():
    result = engine.score(checked(), {"q1": 3, "q2": 3, "q3": 3, "q4": 3})
    assert result.scales["total"].score == 12
    assert [flag.rule_id for flag in result.flags] == ["r"]


def test_an_instrument_without_checks_says_it_was_not_checked():
    result = engine.score(definition(), {"q1": 1, "q2": 1, "q3": 1, "q4": 1})
    assert result.response_quality == {"checked": False, "warnings": []}


def test_an_opposite_pair_naming_an_unknown_item_is_refused():
    bad = definition(response_quality={"opposite_pairs": [{"items": ["q1", "q9"], "at_least": 2}]})
    codes = [(error.path, error.code) for error in engine.validate(bad)]
    assert ("$.response_quality.opposite_pairs[0].items[1]", "unknown_item") in codes


def test_an_opposite_pair_of_one_item_twice_is_refused():
    bad = definition(response_quality={"opposite_pairs": [{"items": ["q1", "q1"], "at_least": 2}]})
    codes = [error.code for error in engine.validate(bad)]
    assert "same_item_twice" in codes


def test_an_example_can_expect_response_quality_warnings():
    example = {
        "name": "straight",
        "answers": {"q1": 0, "q2": 0, "q3": 0, "q4": 0},
        "expect": {"flags": [], "response_quality": ["straight_lining"]},
    }
    assert engine.run_examples(checked(examples=[example])) == []
    example["expect"]["response_quality"] = []
    (failure,) = engine.run_examples(checked(examples=[example]))
    assert "response_quality" in failure.message
