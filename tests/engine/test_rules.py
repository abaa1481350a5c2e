"""Flag rules: every expression node kind, evidence, message templates, ordering."""

from __future__ import annotations

from typing import Any

import pytest

from screening.engine import ItemEvidence, ScaleEvidence, score

from .builders import band, boolean, choice, definition, rule, scale

ALL_ONES = {"q1": 1, "q2": 1, "q3": 1, "q4": 1}


def fired(when: dict[str, Any], answers: dict[str, Any], **defn: Any) -> bool:
    result = score(definition(rules=[rule("r", when)], **defn), answers)
    return [flag.rule_id for flag in result.flags] == ["r"]


def test_a_scale_comparison_fires_at_the_cut_off() -> None:
    when = {"compare": {"scale": "total", "op": ">=", "value": 4}}
    assert fired(when, ALL_ONES)


def test_a_scale_comparison_does_not_fire_below_the_cut_off() -> None:
    when = {"compare": {"scale": "total", "op": ">=", "value": 5}}
    assert not fired(when, ALL_ONES)


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("=", 2, True),
        ("=", 1, False),
        ("!=", 1, True),
        ("!=", 2, False),
        (">", 1, True),
        (">", 2, False),
        (">=", 2, True),
        (">=", 3, False),
        ("<", 3, True),
        ("<", 2, False),
        ("<=", 2, True),
        ("<=", 1, False),
    ],
)
def test_an_item_comparison_applies_its_operator(op: str, value: int, expected: bool) -> None:
    when = {"compare": {"item": "q1", "op": op, "value": value}}
    assert fired(when, ALL_ONES | {"q1": 2}) is expected


def test_an_item_comparison_on_an_unanswered_item_does_not_fire() -> None:
    when = {"compare": {"item": "q1", "op": "<", "value": 2}}
    assert not fired(when, {"q2": 0})


def test_not_over_an_unanswered_item_does_not_fire() -> None:
    when = {"not": {"compare": {"item": "q1", "op": ">", "value": 0}}}
    assert not fired(when, {"q2": 0})


def test_not_fires_when_its_answered_operand_is_false() -> None:
    when = {"not": {"compare": {"item": "q1", "op": ">", "value": 0}}}
    assert fired(when, {"q1": 0})


def test_a_comparison_on_an_unscoreable_scale_does_not_fire_while_undetermined() -> None:
    when = {"not": {"compare": {"scale": "total", "op": ">=", "value": 5}}}
    assert not fired(when, {"q1": 0})  # the total can still reach 0 to 9


def test_a_negated_comparison_fires_when_no_completion_reaches_the_cut_off() -> None:
    when = {"not": {"compare": {"scale": "total", "op": ">=", "value": 10}}}
    assert fired(when, {"q1": 0})  # at most 9 whatever q2-q4 would be


def test_all_fires_only_when_every_part_holds() -> None:
    first = {"compare": {"item": "q1", "op": ">", "value": 0}}
    second = {"compare": {"item": "q2", "op": ">", "value": 1}}
    assert fired({"all": [first, second]}, ALL_ONES | {"q2": 2})
    assert not fired({"all": [first, second]}, ALL_ONES)


def test_any_fires_when_one_part_holds() -> None:
    first = {"compare": {"item": "q1", "op": ">", "value": 2}}
    second = {"compare": {"item": "q2", "op": ">", "value": 0}}
    assert fired({"any": [first, second]}, ALL_ONES)
    assert not fired({"any": [first, second]}, ALL_ONES | {"q2": 0})


def test_any_fires_on_an_answered_part_despite_an_unanswered_one() -> None:
    first = {"compare": {"item": "q1", "op": ">", "value": 2}}
    second = {"compare": {"item": "q2", "op": ">", "value": 0}}
    assert fired({"any": [first, second]}, {"q2": 1})


def test_at_least_fires_when_n_items_reach_the_value() -> None:
    when = {"at_least": {"n": 2, "of": ["q1", "q2", "q3"], "value": 2}}
    assert fired(when, {"q1": 2, "q2": 3, "q3": 0})


def test_at_least_does_not_fire_below_n() -> None:
    when = {"at_least": {"n": 2, "of": ["q1", "q2", "q3"], "value": 2}}
    assert not fired(when, {"q1": 2, "q2": 1, "q3": 0})


def test_at_least_fires_with_unanswered_items_once_n_are_met() -> None:
    when = {"at_least": {"n": 2, "of": ["q1", "q2", "q3"], "value": 2}}
    assert fired(when, {"q1": 2, "q2": 3})


def test_not_at_least_does_not_fire_while_unanswered_items_could_still_reach_n() -> None:
    when = {"not": {"at_least": {"n": 2, "of": ["q1", "q2", "q3"], "value": 2}}}
    assert not fired(when, {"q1": 2})


def test_answered_fires_for_an_answered_item() -> None:
    assert fired({"answered": "q3"}, {"q3": 0})
    assert not fired({"answered": "q3"}, {"q1": 0})


def test_unanswered_fires_for_an_unanswered_item() -> None:
    assert fired({"unanswered": "q3"}, {"q1": 0})
    assert not fired({"unanswered": "q3"}, {"q3": 0})


def test_a_boolean_item_compares_as_one_or_zero() -> None:
    items = [boolean("q1"), choice("q2"), choice("q3"), choice("q4")]
    scales = [scale(bands=[band(0, 10, "all")])]
    when = {"compare": {"item": "q1", "op": ">", "value": 0}}
    assert fired(when, {"q1": True}, items=items, scales=scales)
    assert not fired(when, {"q1": False}, items=items, scales=scales)


def test_evidence_lists_each_referenced_item_with_its_answer_and_label() -> None:
    when = {"any": [{"compare": {"item": "q2", "op": ">", "value": 1}}, {"answered": "q4"}]}
    defn = definition(rules=[rule("r", when)])
    (flag,) = score(defn, {"q1": 0, "q2": 3, "q3": 0}).flags
    assert flag.items == (
        ItemEvidence(
            "q2", "Question q2", True, 3, "Nearly every day", False, True, "> 1 (Several days)"
        ),
        ItemEvidence("q4", "Question q4", False, None, None, False, False, "answered"),
    )


def test_evidence_lists_each_referenced_scale_with_its_score_and_band() -> None:
    when = {"compare": {"scale": "total", "op": ">=", "value": 6}}
    (flag,) = score(definition(rules=[rule("r", when)]), {"q1": 3, "q2": 3, "q3": 1, "q4": 0}).flags
    assert flag.scales == (ScaleEvidence("total", "Scale total", 7, "high", True, ">= 6"),)


def test_evidence_marks_critical_items() -> None:
    defn = definition(rules=[rule("r", {"compare": {"item": "q4", "op": ">", "value": 0}})])
    defn["items"][3]["critical"] = True
    (flag,) = score(defn, ALL_ONES).flags
    assert flag.items[0].critical is True


def test_a_flag_carries_the_rule_condition_severity_and_follow_up() -> None:
    r = rule(
        "r",
        {"answered": "q1"},
        severity="urgent",
        condition="self-harm-risk",
        follow_up="cssrs",
        follow_up_note="Consider a structured risk assessment.",
        source="Tests 2024",
    )
    (flag,) = score(definition(rules=[r]), ALL_ONES).flags
    assert (flag.rule_id, flag.condition, flag.severity) == ("r", "self-harm-risk", "urgent")
    assert (flag.follow_up, flag.follow_up_note, flag.source) == (
        "cssrs",
        "Consider a structured risk assessment.",
        "Tests 2024",
    )


def test_flags_are_ordered_urgent_then_review_then_info() -> None:
    rules = [
        rule("info", {"answered": "q1"}, severity="info"),
        rule("review", {"answered": "q1"}, severity="review"),
        rule("urgent", {"answered": "q1"}, severity="urgent"),
        rule("review-2", {"answered": "q1"}, severity="review"),
    ]
    result = score(definition(rules=rules), ALL_ONES)
    assert [flag.rule_id for flag in result.flags] == ["urgent", "review", "review-2", "info"]


def message(template: str, answers: dict[str, Any], **defn: Any) -> str:
    (flag,) = score(
        definition(rules=[rule("r", {"answered": "q1"}, message=template)], **defn), answers
    ).flags
    return flag.message


def test_a_message_fills_in_the_scale_score() -> None:
    assert message("Total {scale:total} of 12.", ALL_ONES) == "Total 4 of 12."


def test_a_message_fills_in_an_item_value_and_its_label() -> None:
    text = message("Item 2: {item:q2} ({item_label:q2}).", ALL_ONES | {"q2": 2})
    assert text == "Item 2: 2 (More than half the days)."


def test_a_message_says_unanswered_and_not_scored_when_values_are_missing() -> None:
    assert (
        message("{item:q2}/{item_label:q2}/{scale:total}", {"q1": 1})
        == "unanswered/unanswered/not scored"
    )


def test_a_message_shows_a_mean_score_with_two_decimals() -> None:
    text = message("Mean {scale:total}", ALL_ONES | {"q4": 2}, scales=[scale(method="mean")])
    assert text == "Mean 1.25"
    assert message("Mean {scale:total}", ALL_ONES, scales=[scale(method="mean")]) == "Mean 1.00"


def test_a_message_shows_boolean_answers_as_yes_and_no() -> None:
    items = [choice("q1"), boolean("q2", scored=False), choice("q3"), choice("q4")]
    scales = [scale(items=["q1", "q3", "q4"], bands=[band(0, 9, "all")])]
    text = message("{item:q2} / {item_label:q2}", {"q1": 0, "q2": True}, items=items, scales=scales)
    assert text == "yes / Yes"


def test_a_message_leaves_other_braces_alone() -> None:
    assert message("{not a placeholder} {scale:total}", ALL_ONES) == "{not a placeholder} 4"


def test_the_flag_serialises_with_its_evidence() -> None:
    when = {"all": [{"compare": {"scale": "total", "op": ">", "value": 0}}, {"answered": "q1"}]}
    (flag,) = score(definition(rules=[rule("r", when)]), ALL_ONES).flags
    assert flag.to_dict()["evidence"] == {
        "criteria": "Scale total > 0 and q1 answered",
        "determined_from_partial": False,
        "unanswered": [],
        "items": [
            {
                "link_id": "q1",
                "text": "Question q1",
                "answered": True,
                "value": 1,
                "label": "Several days",
                "critical": False,
                "met": True,
                "threshold": "answered",
            }
        ],
        "scales": [
            {
                "id": "total",
                "title": "Scale total",
                "score": 4,
                "band": "low",
                "met": True,
                "threshold": "> 0",
                "reachable": None,
            }
        ],
    }


def test_evidence_marks_which_items_met_the_threshold_and_which_did_not() -> None:
    when = {"at_least": {"n": 2, "of": ["q1", "q2", "q3"], "value": 2}}
    (flag,) = score(definition(rules=[rule("r", when)]), {"q1": 2, "q2": 0, "q3": 3}).flags
    assert [(item.link_id, item.met) for item in flag.items] == [
        ("q1", True),
        ("q2", False),
        ("q3", True),
    ]
    assert {item.threshold for item in flag.items} == {">= 2 (More than half the days)"}
    assert flag.criteria == "at least 2 of q1, q2, q3 at >= 2 (More than half the days)"


def test_evidence_of_a_negated_comparison_states_the_inverted_threshold() -> None:
    when = {"not": {"compare": {"item": "q1", "op": ">", "value": 0}}}
    (flag,) = score(definition(rules=[rule("r", when)]), ALL_ONES | {"q1": 0}).flags
    assert (flag.items[0].threshold, flag.items[0].met) == ("<= 0 (Not at all)", True)
