"""score(): methods, reverse coding, missing-data rules, enable-when gating, bands, completeness."""

from __future__ import annotations

import json

import pytest

from screening.engine import InvalidAnswersError, compile, score

from .builders import band, boolean, choice, definition, scale

ALL_ONES = {"q1": 1, "q2": 1, "q3": 1, "q4": 1}


def test_a_sum_scale_adds_the_option_values() -> None:
    result = score(definition(), {"q1": 0, "q2": 1, "q3": 2, "q4": 3})
    assert result.scales["total"].score == 6


def test_a_sum_score_is_an_integer() -> None:
    assert isinstance(score(definition(), ALL_ONES).scales["total"].score, int)


def test_a_mean_scale_averages_the_answered_values() -> None:
    defn = definition(scales=[scale(method="mean")])
    assert score(defn, {"q1": 1, "q2": 2, "q3": 2, "q4": 3}).scales["total"].score == 2.0


def test_a_mean_is_rounded_to_two_decimals() -> None:
    defn = definition(scales=[scale(method="mean", items=["q1", "q2", "q3"])])
    assert score(defn, {"q1": 1, "q2": 1, "q3": 2}).scales["total"].score == 1.33


def test_a_mean_rounds_half_up_not_half_even() -> None:
    items = [choice(f"q{i}") for i in range(1, 9)]
    defn = definition(
        items=items, scales=[scale(method="mean", items=[f"q{i}" for i in range(1, 9)])]
    )
    answers = {f"q{i}": 0 for i in range(1, 9)} | {"q1": 1}
    assert score(defn, answers).scales["total"].score == 0.13  # 1/8 = 0.125


def test_a_count_scale_counts_items_at_or_above_the_threshold() -> None:
    defn = definition(scales=[scale(method="count", count_threshold=2)])
    assert score(defn, {"q1": 1, "q2": 2, "q3": 3, "q4": 0}).scales["total"].score == 2


def test_a_count_scale_range_is_zero_to_the_item_count() -> None:
    defn = definition(scales=[scale(method="count", count_threshold=2)])
    assert compile(defn).scale_by_id["total"].range == (0, 4)


def test_a_boolean_item_counts_one_for_true_and_zero_for_false() -> None:
    defn = definition(items=[boolean("q1"), boolean("q2"), choice("q3"), choice("q4")])
    defn["scales"][0]["bands"] = [band(0, 8, "all")]
    assert score(defn, {"q1": True, "q2": False, "q3": 2, "q4": 0}).scales["total"].score == 3


def test_a_reverse_item_scores_min_plus_max_minus_the_answer() -> None:
    defn = definition(scales=[scale(reverse_items=["q2"])])
    assert score(defn, {"q1": 0, "q2": 0, "q3": 0, "q4": 0}).scales["total"].score == 3


def test_reverse_coding_leaves_the_range_unchanged() -> None:
    defn = definition(scales=[scale(reverse_items=["q1", "q2"])])
    assert compile(defn).scale_by_id["total"].range == (0, 12)


def test_a_reverse_boolean_item_counts_one_for_false() -> None:
    defn = definition(items=[boolean("q1"), choice("q2"), choice("q3"), choice("q4")])
    defn["scales"] = [scale(reverse_items=["q1"], bands=[band(0, 10, "all")])]
    assert score(defn, {"q1": False, "q2": 0, "q3": 0, "q4": 0}).scales["total"].score == 1


def test_reverse_coding_applies_before_the_count_threshold() -> None:
    defn = definition(scales=[scale(method="count", count_threshold=3, reverse_items=["q1"])])
    assert score(defn, {"q1": 0, "q2": 0, "q3": 0, "q4": 3}).scales["total"].score == 2


def test_refuse_gives_no_score_when_an_item_is_unanswered() -> None:
    result = score(definition(), {"q1": 3, "q2": 3, "q3": 3}).scales["total"]
    assert (result.score, result.band, result.complete) == (None, None, False)
    assert (result.answered, result.expected) == (3, 4)


def test_prorate_scales_the_mean_of_answered_items_to_all_enabled_items() -> None:
    defn = definition(scales=[scale(missing={"rule": "prorate", "min_answered": 3})])
    result = score(defn, {"q1": 1, "q2": 2, "q3": 2}).scales["total"]
    assert (result.score, result.prorated, result.complete) == (7, True, False)  # 5/3*4 = 6.67


def test_prorate_rounds_half_up() -> None:
    items = [choice(f"q{i}") for i in range(1, 7)]
    prorate = {"rule": "prorate", "min_answered": 4}
    defn = definition(
        items=items, scales=[scale(items=[f"q{i}" for i in range(1, 7)], missing=prorate)]
    )
    answers = {"q1": 1, "q2": 1, "q3": 1, "q4": 0}
    assert score(defn, answers).scales["total"].score == 5  # 3/4*6 = 4.5


def test_prorate_refuses_below_min_answered() -> None:
    defn = definition(scales=[scale(missing={"rule": "prorate", "min_answered": 3})])
    result = score(defn, {"q1": 1, "q2": 2}).scales["total"]
    assert (result.score, result.prorated) == (None, False)


def test_prorate_of_a_mean_is_the_mean_of_answered_items() -> None:
    defn = definition(scales=[scale(method="mean", missing={"rule": "prorate", "min_answered": 2})])
    assert score(defn, {"q1": 1, "q2": 2}).scales["total"].score == 1.5


def test_a_complete_scale_is_not_marked_prorated() -> None:
    defn = definition(scales=[scale(missing={"rule": "prorate", "min_answered": 3})])
    result = score(defn, ALL_ONES).scales["total"]
    assert (result.score, result.prorated, result.complete) == (4, False, True)


def test_a_prorated_score_is_held_within_the_range() -> None:
    wide = [{"code": str(v), "label": str(v), "value": v} for v in range(11)]
    defn = definition(
        items=[choice("q1", options=wide), boolean("q2")],
        scales=[scale(items=["q1", "q2"], missing={"rule": "prorate", "min_answered": 1})],
    )
    result = score(defn, {"q1": 10}).scales["total"]
    assert (result.score, result.range) == (11, (0, 11))  # 10*2 = 20 exceeds the range


def test_non_integer_option_values_sum_exactly_and_round_half_up() -> None:
    halves = [{"code": "a", "label": "A", "value": 0.5}, {"code": "b", "label": "B", "value": 1.5}]
    defn = definition(
        items=[
            choice("q1", options=halves),
            choice("q2", options=halves),
            choice("q3", options=halves),
        ],
        scales=[scale(items=["q1", "q2", "q3"])],
    )
    assert score(defn, {"q1": 1.5, "q2": 0.5, "q3": 0.5}).scales["total"].score == 3  # 2.5


def test_a_float_answer_equal_to_an_option_value_scores_as_that_option() -> None:
    result = score(definition(), {"q1": 1.0, "q2": 1, "q3": 1, "q4": 1})
    assert result.scales["total"].score == 4
    assert isinstance(result.scales["total"].score, int)


def test_a_none_answer_counts_as_unanswered() -> None:
    result = score(definition(), {"q1": None, "q2": 1, "q3": 1, "q4": 1})
    assert result.scales["total"].answered == 3


def test_answers_to_unknown_items_are_ignored() -> None:
    assert score(definition(), ALL_ONES | {"zz": 9, "q9": "x"}) == score(definition(), ALL_ONES)


def test_a_value_that_is_no_option_raises_invalid_answers() -> None:
    with pytest.raises(InvalidAnswersError) as caught:
        score(definition(), ALL_ONES | {"q2": 7})
    assert [(e.link_id, e.code) for e in caught.value.errors] == [("q2", "invalid_value")]


def test_a_boolean_answer_to_a_choice_item_raises_invalid_answers() -> None:
    with pytest.raises(InvalidAnswersError):
        score(definition(), ALL_ONES | {"q1": True})


def test_a_number_answer_to_a_boolean_item_raises_invalid_answers() -> None:
    defn = definition(items=[boolean("q1"), choice("q2"), choice("q3"), choice("q4")])
    defn["scales"][0]["bands"] = [band(0, 10, "all")]
    with pytest.raises(InvalidAnswersError):
        score(defn, ALL_ONES)


def trauma_gated() -> dict:
    """PC-PTSD-5-like: a yes/no trauma gate enables five yes/no symptom items, counted."""
    symptoms = [f"s{i}" for i in range(1, 6)]
    gate = {"item": "trauma", "op": "=", "value": True}
    return definition(
        items=[boolean("trauma", scored=False)] + [boolean(s, enable_when=gate) for s in symptoms],
        scales=[
            scale(
                items=symptoms,
                method="count",
                count_threshold=1,
                bands=[band(0, 3, "negative"), band(4, 5, "positive")],
            )
        ],
    )


def test_a_trauma_gate_answered_no_disables_the_gated_items() -> None:
    result = score(trauma_gated(), {"trauma": False})
    assert result.disabled_items == ("s1", "s2", "s3", "s4", "s5")


def test_a_trauma_gate_answered_no_scores_zero_and_is_complete() -> None:
    result = score(trauma_gated(), {"trauma": False})
    total = result.scales["total"]
    assert (total.score, total.band.code, total.complete) == (0, "negative", True)
    assert (total.answered, total.expected, result.complete) == (0, 0, True)


def test_a_trauma_gate_answered_yes_counts_the_symptoms() -> None:
    answers = {"trauma": True, "s1": True, "s2": True, "s3": True, "s4": True, "s5": False}
    result = score(trauma_gated(), answers)
    assert (result.scales["total"].score, result.scales["total"].band.code) == (4, "positive")
    assert result.disabled_items == ()


def test_an_unanswered_gate_leaves_the_gated_items_disabled() -> None:
    assert score(trauma_gated(), {}).disabled_items == ("s1", "s2", "s3", "s4", "s5")


def test_an_unanswered_gate_leaves_the_scale_unscored_not_a_complete_zero() -> None:
    total = score(trauma_gated(), {}).scales["total"]
    assert (total.score, total.band, total.complete) == (None, None, False)
    assert (total.answered, total.expected) == (0, 5)


def test_answers_to_disabled_items_are_ignored_by_score() -> None:
    answers = {"trauma": False, "s1": True, "s2": True, "s3": True, "s4": True}
    assert score(trauma_gated(), answers).scales["total"].score == 0


def test_an_answer_to_a_disabled_item_never_enables_a_later_item() -> None:
    defn = definition()
    defn["items"][1]["enable_when"] = {"item": "q1", "op": ">", "value": 0}
    defn["items"][2]["enable_when"] = {"item": "q2", "op": "answered"}
    result = score(defn, {"q1": 0, "q2": 3, "q3": 3, "q4": 1})
    assert result.disabled_items == ("q2", "q3")
    assert result.scales["total"].score == 1


def test_a_mean_scale_with_all_items_disabled_has_no_score() -> None:
    defn = trauma_gated()
    defn["scales"] = [scale(items=["s1", "s2"], method="mean")]
    total = score(defn, {"trauma": False}).scales["total"]
    assert (total.score, total.complete) == (None, True)


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"q1": 0, "q2": 0, "q3": 0, "q4": 0}, "low"),
        ({"q1": 3, "q2": 2, "q3": 0, "q4": 0}, "low"),
        ({"q1": 3, "q2": 3, "q3": 0, "q4": 0}, "high"),
        ({"q1": 3, "q2": 3, "q3": 3, "q4": 3}, "high"),
    ],
)
def test_integer_bands_include_both_ends(answers: dict, expected: str) -> None:
    assert score(definition(), answers).scales["total"].band.code == expected


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"q1": 1, "q2": 1, "q3": 1, "q4": 2}, "low"),  # 1.25
        ({"q1": 1, "q2": 2, "q3": 1, "q4": 2}, "high"),  # 1.5 opens the next band
        ({"q1": 3, "q2": 3, "q3": 3, "q4": 3}, "high"),  # 3 closes the last band
    ],
)
def test_mean_bands_are_half_open_except_the_last(answers: dict, expected: str) -> None:
    defn = definition(
        scales=[scale(method="mean", bands=[band(0, 1.5, "low"), band(1.5, 3, "high")])]
    )
    assert score(defn, answers).scales["total"].band.code == expected


def test_a_band_reports_its_label_and_interpretation() -> None:
    defn = definition()
    defn["scales"][0]["bands"][1] |= {"interpretation": "Consider review.", "source": "Tests 2024"}
    high = score(defn, {"q1": 3, "q2": 3, "q3": 3, "q4": 3}).scales["total"].band
    assert (high.label, high.interpretation, high.source) == (
        "High",
        "Consider review.",
        "Tests 2024",
    )


def test_provisional_bands_are_marked_in_the_result() -> None:
    defn = definition()
    defn["scales"][0]["bands_provisional"] = True
    assert score(defn, ALL_ONES).scales["total"].bands_provisional is True


def test_a_result_is_incomplete_when_a_required_unscored_item_is_unanswered() -> None:
    defn = definition(
        items=[choice("q1"), choice("q2"), choice("q3"), choice("q4"), choice("x", scored=False)]
    )
    assert score(defn, ALL_ONES).complete is False


def test_an_optional_unscored_item_does_not_make_a_result_incomplete() -> None:
    items = [
        choice("q1"),
        choice("q2"),
        choice("q3"),
        choice("q4"),
        choice("x", scored=False, required=False),
    ]
    assert score(definition(items=items), ALL_ONES).complete is True


def test_scoring_a_dict_and_its_compiled_form_gives_the_same_result() -> None:
    defn = definition()
    assert score(defn, ALL_ONES) == score(compile(defn), ALL_ONES)


def test_a_dict_changed_after_scoring_is_scored_with_its_new_content() -> None:
    defn = definition()
    score(defn, ALL_ONES)
    defn["scales"][0]["reverse_items"] = ["q1"]
    assert score(defn, ALL_ONES).scales["total"].score == 5


def test_the_result_serialises_to_json() -> None:
    result = score(definition(), ALL_ONES).to_dict()
    assert json.loads(json.dumps(result)) == result
    assert result["scales"]["total"] == {
        "id": "total",
        "title": "Scale total",
        "method": "sum",
        "score": 4,
        "band": {
            "code": "low",
            "label": "Low",
            "min": 0,
            "max": 5,
            "interpretation": None,
            "source": None,
        },
        "bands_provisional": False,
        "complete": True,
        "prorated": False,
        "answered": 4,
        "expected": 4,
        "range": {"min": 0, "max": 12},
    }


def test_the_result_names_the_definition_it_was_scored_against() -> None:
    compiled = compile(definition())
    result = score(compiled, ALL_ONES)
    assert (result.instrument, result.version, result.checksum) == (
        "test-instrument",
        "1.0.0",
        compiled.checksum,
    )


def one_to_three_gated() -> dict:
    """A sum over a 1-3 item and a gated 1-3 item: disabling the second can give 1, or 0 if both."""
    ones = [{"code": str(v), "label": str(v), "value": v} for v in (1, 2, 3)]
    gate = {"item": "gate", "op": "=", "value": True}
    return definition(
        items=[
            boolean("gate", scored=False),
            choice("a", options=ones, enable_when=gate),
            choice("b", options=ones, enable_when=gate),
        ],
        scales=[scale(items=["a", "b"], bands=[band(0, 3, "low"), band(4, 6, "high")])],
    )


def test_a_sum_range_includes_zero_for_items_that_can_be_disabled() -> None:
    assert compile(one_to_three_gated()).scale_by_id["total"].range == (0, 6)


def test_a_sum_whose_items_are_all_disabled_scores_zero_within_its_range() -> None:
    total = score(one_to_three_gated(), {"gate": False}).scales["total"]
    assert (total.score, total.band.code) == (0, "low")
