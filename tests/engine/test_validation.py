"""validate(): every kind of error, each located by its exact JSON path and code."""

from __future__ import annotations

from typing import Any

import pytest

from screening.engine import DefinitionError, ValidationError, compile, validate

from .builders import FREQUENCY, band, boolean, choice, definition, rule, scale


def found(defn: Any) -> list[tuple[str, str]]:
    return [(error.path, error.code) for error in validate(defn)]


def test_the_builder_definition_is_valid() -> None:
    assert validate(definition()) == []


def test_errors_carry_path_code_and_a_readable_message() -> None:
    defn = definition()
    del defn["items"][1]["text"]
    (error,) = validate(defn)
    assert error == ValidationError("$.items[1].text", "required", "'text' is required")


@pytest.mark.parametrize("value", [None, 3, "text", [], [1, 2], True])
def test_a_non_object_definition_is_one_type_error_at_the_root(value: Any) -> None:
    assert found(value) == [("$", "type")]


def test_a_wrongly_typed_field_is_reported_at_its_path() -> None:
    defn = definition()
    defn["items"][2]["required"] = "yes"
    assert found(defn) == [("$.items[2].required", "type")]


def test_an_unknown_property_is_reported_at_that_property() -> None:
    defn = definition()
    defn["scales"][0]["weights"] = [1, 2]
    assert found(defn) == [("$.scales[0].weights", "unknown_property")]


def test_a_bad_link_id_pattern_is_reported() -> None:
    defn = definition()
    defn["items"][0]["link_id"] = "has space"
    assert ("$.items[0].link_id", "pattern") in found(defn)


def test_a_wrong_schema_version_is_reported() -> None:
    assert found(definition(schema_version=2)) == [("$.schema_version", "invalid_value")]


def test_an_expression_with_two_kinds_in_one_node_is_reported() -> None:
    when = {"answered": "q1", "unanswered": "q2"}
    assert found(definition(rules=[rule("r", when)])) == [("$.rules[0].when", "one_key")]


def test_a_compare_naming_both_item_and_scale_is_reported() -> None:
    when = {"compare": {"item": "q1", "scale": "total", "op": ">", "value": 0}}
    assert found(definition(rules=[rule("r", when)])) == [("$.rules[0].when.compare", "one_of")]


def test_an_enable_when_leaf_with_value_on_answered_is_reported() -> None:
    defn = definition()
    defn["items"][1]["enable_when"] = {"item": "q1", "op": "answered", "value": 1}
    assert found(defn) == [("$.items[1].enable_when.value", "not_allowed")]


def test_a_bad_option_inside_an_inline_list_is_reported_at_the_option() -> None:
    defn = definition()
    defn["items"][0]["options"] = [{"code": "a", "label": "A", "value": "zero"}]
    assert found(defn) == [("$.items[0].options[0].value", "type")]


def test_a_non_finite_number_is_reported() -> None:
    defn = definition()
    defn["option_sets"]["freq"][3]["value"] = float("inf")
    assert ("$.option_sets.freq[3].value", "not_finite") in found(defn)


def test_option_set_names_with_hyphens_are_bracketed_in_paths() -> None:
    defn = definition()
    defn["option_sets"]["yes-no"] = [
        {"code": "y", "label": "Yes", "value": 1},
        {"code": "y", "label": "No", "value": 0},
    ]
    assert found(defn) == [("$.option_sets['yes-no'][1].code", "duplicate_option_code")]


def test_a_duplicate_link_id_is_reported() -> None:
    defn = definition()
    defn["items"].append(choice("q2"))
    assert found(defn) == [("$.items[4].link_id", "duplicate_link_id")]


def test_a_duplicate_scale_id_is_reported() -> None:
    defn = definition()
    defn["scales"].append(scale("total", ["q1"]))
    assert found(defn) == [("$.scales[1].id", "duplicate_scale_id")]


def test_a_duplicate_rule_id_is_reported() -> None:
    when = {"answered": "q1"}
    assert found(definition(rules=[rule("r", when), rule("r", when)])) == [
        ("$.rules[1].id", "duplicate_rule_id")
    ]


def test_a_duplicate_option_code_is_reported() -> None:
    defn = definition()
    defn["option_sets"]["freq"][2]["code"] = "never"
    assert found(defn) == [("$.option_sets.freq[2].code", "duplicate_option_code")]


def test_a_duplicate_option_value_is_reported_because_answers_name_options_by_value() -> None:
    defn = definition()
    defn["items"][0]["options"] = [
        {"code": "a", "label": "A", "value": 0},
        {"code": "b", "label": "B", "value": 0.0},
    ]
    defn["items"][0]["scored"] = False
    defn["scales"][0]["items"] = ["q2", "q3", "q4"]
    defn["scales"][0]["bands"] = [band(0, 9, "all")]
    assert found(defn) == [("$.items[0].options[1].value", "duplicate_option_value")]


def test_an_unknown_option_set_is_reported() -> None:
    defn = definition()
    defn["items"][2]["options"] = "frequency"
    assert ("$.items[2].options", "unknown_option_set") in found(defn)


def test_a_choice_item_without_options_is_reported() -> None:
    defn = definition()
    del defn["items"][1]["options"]
    assert ("$.items[1].options", "choice_without_options") in found(defn)


def test_a_boolean_item_with_options_is_reported() -> None:
    defn = definition()
    defn["items"][1]["type"] = "boolean"
    errors = found(defn)
    assert ("$.items[1].options", "boolean_with_options") in errors
    assert ("$.items[1].options", "not_allowed") not in errors


def test_a_scale_naming_an_unknown_item_is_reported() -> None:
    defn = definition()
    defn["scales"][0]["items"][2] = "q9"
    assert found(defn) == [("$.scales[0].items[2]", "unknown_item")]


def test_a_scale_naming_an_unscored_item_is_reported() -> None:
    defn = definition()
    defn["items"][3]["scored"] = False
    assert found(defn) == [("$.scales[0].items[3]", "unscored_item")]


def test_a_scale_listing_an_item_twice_is_reported() -> None:
    defn = definition()
    defn["scales"][0]["items"][3] = "q1"
    assert ("$.scales[0].items[3]", "duplicate_item") in found(defn)


def test_reverse_items_outside_the_scale_items_are_reported() -> None:
    defn = definition()
    defn["scales"].append(scale("sub", ["q1", "q2"], reverse_items=["q2", "q3"]))
    assert found(defn) == [("$.scales[1].reverse_items[1]", "reverse_not_in_items")]


def test_a_missing_total_scale_is_reported() -> None:
    defn = definition()
    defn["scales"][0]["id"] = "overall"
    assert found(defn) == [("$.scales", "missing_total")]


def test_a_count_scale_without_count_threshold_is_reported() -> None:
    defn = definition()
    defn["scales"].append(scale("n", ["q1", "q2"], method="count"))
    assert found(defn) == [("$.scales[1].count_threshold", "count_threshold_required")]


def test_count_threshold_on_a_sum_scale_is_reported() -> None:
    defn = definition()
    defn["scales"][0]["count_threshold"] = 2
    assert found(defn) == [("$.scales[0].count_threshold", "count_threshold_not_allowed")]


def test_prorate_min_answered_above_the_item_count_is_reported() -> None:
    defn = definition()
    defn["scales"][0]["missing"] = {"rule": "prorate", "min_answered": 5}
    assert found(defn) == [("$.scales[0].missing.min_answered", "min_answered_exceeds_items")]


def test_prorate_without_min_answered_is_reported() -> None:
    defn = definition()
    defn["scales"][0]["missing"] = {"rule": "prorate"}
    assert found(defn) == [("$.scales[0].missing.min_answered", "required")]


def test_overlapping_bands_are_reported() -> None:
    defn = definition()
    defn["scales"][0]["bands"] = [band(0, 6, "low"), band(6, 12, "high")]
    assert found(defn) == [("$.scales[0].bands[1]", "band_overlap")]


def test_a_band_nested_inside_another_is_an_overlap() -> None:
    defn = definition()
    defn["scales"][0]["bands"] = [band(0, 12, "all"), band(3, 4, "inner")]
    assert ("$.scales[0].bands[1]", "band_overlap") in found(defn)


def test_a_gap_between_bands_is_reported() -> None:
    defn = definition()
    defn["scales"][0]["bands"] = [band(0, 5, "low"), band(7, 12, "high")]
    assert found(defn) == [("$.scales[0].bands[1].min", "band_gap")]


def test_bands_not_reaching_the_top_of_the_range_are_reported() -> None:
    defn = definition()
    defn["scales"][0]["bands"] = [band(0, 5, "low"), band(6, 11, "high")]
    assert found(defn) == [("$.scales[0].bands[1].max", "band_coverage")]


def test_bands_not_starting_at_the_bottom_of_the_range_are_reported() -> None:
    defn = definition()
    defn["scales"][0]["bands"] = [band(1, 5, "low"), band(6, 12, "high")]
    assert found(defn) == [("$.scales[0].bands[0].min", "band_coverage")]


def test_a_band_with_min_above_max_is_reported() -> None:
    defn = definition()
    defn["scales"][0]["bands"] = [band(0, 5, "low"), band(12, 6, "high")]
    assert found(defn) == [("$.scales[0].bands[1]", "band_min_gt_max")]


def test_a_band_outside_the_range_is_unreachable() -> None:
    defn = definition()
    defn["scales"][0]["bands"] = [band(0, 5, "low"), band(6, 12, "high"), band(13, 20, "x")]
    errors = found(defn)
    assert ("$.scales[0].bands[2]", "band_unreachable") in errors


def test_an_empty_non_final_mean_band_is_unreachable() -> None:
    defn = definition()
    defn["scales"][0] = scale(
        method="mean", bands=[band(0, 1.5, "a"), band(1.5, 1.5, "b"), band(1.5, 3, "c")]
    )
    assert found(defn) == [("$.scales[0].bands[1]", "band_unreachable")]


def test_fractional_bounds_on_a_sum_scale_are_reported() -> None:
    defn = definition()
    defn["scales"][0]["bands"] = [band(0, 5.5, "low"), band(6, 12, "high")]
    assert found(defn) == [("$.scales[0].bands[0]", "band_not_integer")]


def test_mean_bands_meet_at_the_same_bound() -> None:
    defn = definition()
    defn["scales"][0] = scale(method="mean", bands=[band(0, 1.5, "low"), band(1.5, 3, "high")])
    assert validate(defn) == []


def test_mean_bands_with_integer_style_bounds_leave_a_gap() -> None:
    defn = definition()
    defn["scales"][0] = scale(method="mean", bands=[band(0, 1, "low"), band(2, 3, "high")])
    assert found(defn) == [("$.scales[0].bands[1].min", "band_gap")]


def test_count_bands_must_cover_zero_to_the_item_count() -> None:
    defn = definition()
    defn["scales"].append(
        scale("n", method="count", count_threshold=2, bands=[band(0, 1, "few"), band(2, 3, "many")])
    )
    assert found(defn) == [("$.scales[1].bands[1].max", "band_coverage")]


def test_enable_when_on_an_unknown_item_is_reported() -> None:
    defn = definition()
    defn["items"][1]["enable_when"] = {"item": "q0", "op": "=", "value": 1}
    assert found(defn) == [("$.items[1].enable_when.item", "unknown_item")]


def test_enable_when_on_a_later_item_is_reported() -> None:
    defn = definition()
    defn["items"][1]["enable_when"] = {"all": [{"item": "q3", "op": ">", "value": 0}]}
    assert found(defn) == [("$.items[1].enable_when.all[0].item", "forward_reference")]


def test_enable_when_on_the_item_itself_is_reported() -> None:
    defn = definition()
    defn["items"][1]["enable_when"] = {"any": [{"item": "q2", "op": "answered"}]}
    assert found(defn) == [("$.items[1].enable_when.any[0].item", "self_reference")]


def test_enable_when_comparing_a_boolean_item_with_a_number_is_reported() -> None:
    defn = definition()
    defn["items"].insert(0, boolean("gate", scored=False))
    defn["items"][1]["enable_when"] = {"item": "gate", "op": "=", "value": 1}
    assert found(defn) == [("$.items[1].enable_when.value", "value_type")]


def test_a_rule_comparing_an_unknown_item_is_reported() -> None:
    when = {"compare": {"item": "q7", "op": ">", "value": 0}}
    assert found(definition(rules=[rule("r", when)])) == [
        ("$.rules[0].when.compare.item", "unknown_item")
    ]


def test_a_rule_comparing_an_unknown_scale_is_reported() -> None:
    when = {"not": {"compare": {"scale": "anxiety", "op": ">", "value": 0}}}
    assert found(definition(rules=[rule("r", when)])) == [
        ("$.rules[0].when.not.compare.scale", "unknown_scale")
    ]


def test_a_rule_naming_an_unknown_item_deep_in_the_tree_is_reported() -> None:
    when = {"any": [{"answered": "q1"}, {"all": [{"unanswered": "qq"}]}]}
    assert found(definition(rules=[rule("r", when)])) == [
        ("$.rules[0].when.any[1].all[0].unanswered", "unknown_item")
    ]


def test_at_least_naming_an_unknown_item_is_reported() -> None:
    when = {"at_least": {"n": 1, "of": ["q1", "nope"], "value": 2}}
    assert found(definition(rules=[rule("r", when)])) == [
        ("$.rules[0].when.at_least.of[1]", "unknown_item")
    ]


def test_at_least_with_n_above_the_listed_items_is_reported() -> None:
    when = {"at_least": {"n": 3, "of": ["q1", "q2"], "value": 2}}
    assert found(definition(rules=[rule("r", when)])) == [
        ("$.rules[0].when.at_least.n", "at_least_n_out_of_range")
    ]


def test_at_least_with_n_below_one_is_reported() -> None:
    when = {"at_least": {"n": 0, "of": ["q1", "q2"], "value": 2}}
    assert found(definition(rules=[rule("r", when)])) == [
        ("$.rules[0].when.at_least.n", "at_least_n_out_of_range")
    ]


def test_a_message_placeholder_naming_an_unknown_scale_is_reported() -> None:
    r = rule("r", {"answered": "q1"}, message="score {scale:totl}")
    assert found(definition(rules=[r])) == [("$.rules[0].message", "unknown_scale")]


def test_a_message_placeholder_naming_an_unknown_item_is_reported() -> None:
    r = rule("r", {"answered": "q1"}, message="answer {item_label:q9}")
    assert found(definition(rules=[r])) == [("$.rules[0].message", "unknown_item")]


def test_a_misspelt_placeholder_kind_is_reported() -> None:
    r = rule("r", {"answered": "q1"}, message="score {scales:total}")
    assert found(definition(rules=[r])) == [("$.rules[0].message", "unknown_placeholder")]


def test_an_example_answering_an_unknown_item_is_reported() -> None:
    example = {"name": "e", "answers": {"q1": 1, "q-x": 2}, "expect": {}}
    assert found(definition(examples=[example])) == [
        ("$.examples[0].answers['q-x']", "unknown_item")
    ]


def test_an_example_answer_that_is_no_option_value_is_reported() -> None:
    example = {"name": "e", "answers": {"q1": 4}, "expect": {}}
    assert found(definition(examples=[example])) == [("$.examples[0].answers.q1", "invalid_value")]


def test_an_example_expecting_an_unknown_scale_is_reported() -> None:
    example = {"name": "e", "answers": {}, "expect": {"scales": {"anxiety": {"score": 1}}}}
    assert found(definition(examples=[example])) == [
        ("$.examples[0].expect.scales.anxiety", "unknown_scale")
    ]


def test_an_example_expecting_an_unknown_rule_is_reported() -> None:
    example = {"name": "e", "answers": {}, "expect": {"flags": ["nope"]}}
    assert found(definition(examples=[example])) == [
        ("$.examples[0].expect.flags[0]", "unknown_rule")
    ]


def test_an_example_expecting_an_unknown_band_is_reported() -> None:
    example = {"name": "e", "answers": {}, "expect": {"scales": {"total": {"band": "mild"}}}}
    assert found(definition(examples=[example])) == [
        ("$.examples[0].expect.scales.total.band", "unknown_band")
    ]


def test_every_error_is_returned_at_once() -> None:
    defn = definition()
    defn["items"].append(choice("q2"))
    defn["scales"][0]["bands"] = [band(0, 5, "low"), band(7, 12, "high")]
    defn["rules"] = [rule("r", {"compare": {"scale": "x", "op": ">", "value": 1}})]
    codes = {code for _, code in found(defn)}
    assert {"duplicate_link_id", "band_gap", "unknown_scale"} <= codes


def test_semantic_checks_still_run_when_the_schema_fails() -> None:
    defn = definition()
    defn["title"] = 12
    defn["scales"][0]["items"][0] = "q9"
    assert found(defn) == [("$.scales[0].items[0]", "unknown_item"), ("$.title", "type")]


def test_a_definition_of_wrong_types_everywhere_gives_errors_not_exceptions() -> None:
    defn = {
        "items": [1, {"link_id": 3, "options": {}}, {"enable_when": []}],
        "scales": [{"items": 5, "bands": "x", "missing": []}, None],
        "rules": {"r": 1},
        "option_sets": [],
        "examples": [{"answers": [], "expect": {"scales": []}}],
    }
    assert validate(defn)


def test_compile_raises_definition_error_with_every_error() -> None:
    defn = definition()
    defn["items"].append(choice("q2"))
    defn["scales"][0]["id"] = "overall"
    with pytest.raises(DefinitionError) as caught:
        compile(defn)
    assert {e.code for e in caught.value.errors} == {"duplicate_link_id", "missing_total"}


def test_compile_accepts_a_valid_definition() -> None:
    compiled = compile(definition(items=[choice("q1"), choice("q2"), choice("q3"), choice("q4")]))
    assert [item.link_id for item in compiled.items] == ["q1", "q2", "q3", "q4"]
    assert compiled.scale_by_id["total"].range == (0, 12)
    assert [o.value for o in compiled.items[0].options] == [o["value"] for o in FREQUENCY]


def test_bands_must_cover_the_zero_a_disabled_item_allows() -> None:
    ones = [{"code": str(v), "label": str(v), "value": v} for v in (1, 2, 3)]
    defn = definition(
        items=[boolean("gate", scored=False), choice("a", options=ones)],
        scales=[scale(items=["a"], bands=[band(1, 3, "all")])],
    )
    assert validate(defn) == []
    defn["items"][1]["enable_when"] = {"item": "gate", "op": "=", "value": True}
    assert found(defn) == [("$.scales[0].bands[0].min", "band_coverage")]
