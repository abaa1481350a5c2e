"""Rules on partial responses: a flag fires when it holds for every completion of the missing
answers (issue 13), says so, and never fires on "unknown"."""

from __future__ import annotations

from screening.engine import score

from .builders import band, boolean, choice, definition, rule, scale

TOTAL_AT_LEAST_10 = {"compare": {"scale": "total", "op": ">=", "value": 10}}


def nine_items(**extra: object) -> dict:
    """A PHQ-9-like instrument: nine 0-3 items summed, refused when any is missing."""
    items = [choice(f"q{n}") for n in range(1, 10)]
    total = scale(items=[f"q{n}" for n in range(1, 10)], bands=[band(0, 27, "all")])
    return definition(items=items, scales=[total], **extra)


def test_a_total_already_certain_to_reach_the_cut_off_flags_from_a_partial_response() -> None:
    answers = {"q2": 2, "q3": 2, "q4": 2, "q5": 2, "q6": 2, "q7": 2, "q8": 2, "q9": 0}  # 14
    result = score(nine_items(rules=[rule("depression", TOTAL_AT_LEAST_10)]), answers)
    (flag,) = result.flags
    assert flag.determined_from_partial is True
    assert flag.unanswered == ("q1",)
    assert "Determined from a partial response" in flag.message
    assert result.scales["total"].score is None  # the missing-data rule still refuses to score
    assert (result.complete, result.missing_items) == (False, ("q1",))


def test_partial_scale_evidence_states_the_reachable_range_and_that_it_met_the_threshold() -> None:
    answers = {"q2": 2, "q3": 2, "q4": 2, "q5": 2, "q6": 2, "q7": 2, "q8": 2, "q9": 0}
    (flag,) = score(nine_items(rules=[rule("r", TOTAL_AT_LEAST_10)]), answers).flags
    evidence = flag.scales[0]
    assert (evidence.reachable, evidence.met, evidence.threshold) == ((14, 17), True, ">= 10")


def test_a_total_that_could_still_fall_below_the_cut_off_does_not_flag() -> None:
    answers = {"q2": 1, "q3": 1, "q4": 1, "q5": 1, "q6": 1, "q7": 1, "q8": 2, "q9": 0}  # 8..11
    assert score(nine_items(rules=[rule("r", TOTAL_AT_LEAST_10)]), answers).flags == ()


def test_a_rule_whose_inputs_are_all_answered_is_not_marked_partial() -> None:
    urgent = rule("harm", {"compare": {"item": "q9", "op": ">", "value": 0}}, severity="urgent")
    (flag,) = score(nine_items(rules=[urgent]), {"q9": 2}).flags
    assert flag.determined_from_partial is False
    assert "partial" not in flag.message


def test_a_prorated_score_is_not_taken_as_certain_for_rules() -> None:
    prorate = scale(missing={"rule": "prorate", "min_answered": 3}, bands=[band(0, 12, "all")])
    defn = definition(
        scales=[prorate], rules=[rule("r", {"compare": {"scale": "total", "op": ">=", "value": 9}})]
    )
    result = score(defn, {"q1": 3, "q2": 3, "q3": 1})
    assert result.scales["total"].score == 9  # prorated 7 x 4 / 3, as the instrument allows
    assert result.flags == ()  # but the total could be 7 to 10


def test_an_undecided_gate_leaves_gated_items_unknown() -> None:
    items = [
        boolean("trauma"),
        *(
            boolean(f"q{n}", enable_when={"item": "trauma", "op": "=", "value": True})
            for n in range(1, 5)
        ),
    ]
    total = scale(
        method="count", items=["q1", "q2", "q3", "q4"], count_threshold=1, bands=[band(0, 4, "all")]
    )
    defn = definition(
        items=items,
        scales=[total],
        rules=[rule("r", {"compare": {"scale": "total", "op": ">=", "value": 0}})],
    )
    # Any total is >= 0, but a "no" to the gate also gives 0: the rule holds in every completion.
    (flag,) = score(defn, {}).flags
    assert flag.determined_from_partial is True
    at_least_one = rule("r", {"compare": {"scale": "total", "op": ">=", "value": 1}})
    assert score(definition(items=items, scales=[total], rules=[at_least_one]), {}).flags == ()


def test_correlated_parts_are_settled_by_trying_each_completion() -> None:
    # q1 in {0, 1} makes the second part true, q1 in {2, 3} makes the total >= 5: always true,
    # though each part alone is undetermined.
    when = {
        "any": [
            {"compare": {"scale": "total", "op": ">=", "value": 5}},
            {"compare": {"item": "q1", "op": "<", "value": 2}},
        ]
    }
    defn = definition(rules=[rule("r", when)])
    answers = {"q2": 3, "q3": 0, "q4": 0}
    assert [flag.rule_id for flag in score(defn, answers).flags] == ["r"]
    assert score(defn, answers, completion_limit=0).flags == ()


def test_a_mean_scale_range_covers_every_completion() -> None:
    mean = scale(method="mean", bands=[band(0, 3, "all")])
    above = rule("r", {"compare": {"scale": "total", "op": ">", "value": 1.5}})
    defn = definition(scales=[mean], rules=[above])
    assert score(defn, {"q1": 3, "q2": 3, "q3": 3}).flags  # at least 2.25
    assert score(defn, {"q1": 3, "q2": 3}).flags == ()  # could be 1.5
