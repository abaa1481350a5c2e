"""Properties of the engine over generated definitions and answers (hypothesis)."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.engine import compile, score, validate

from .builders import definition

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

OPS = ["=", "!=", ">", ">=", "<", "<="]

json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


def option_values(item: dict[str, Any]) -> list[Any]:
    if item["type"] == "boolean":
        return [False, True]
    return [option["value"] for option in item["options"]]


def numeric(value: Any) -> float:
    return float(int(value)) if isinstance(value, bool) else float(value)


@st.composite
def item_lists(draw: st.DrawFn, *, gates: bool = True) -> list[dict[str, Any]]:
    """1-6 items; choice options are arithmetic progressions, so every value has its mirror."""
    items: list[dict[str, Any]] = []
    for i in range(draw(st.integers(1, 6))):
        item: dict[str, Any] = {"link_id": f"i{i}", "text": f"Item {i}"}
        if draw(st.booleans()):
            item["type"] = "boolean"
        else:
            start = draw(st.integers(-2, 3))
            step = draw(st.sampled_from([1, 2, 0.5]))
            count = draw(st.integers(2, 5))
            item["type"] = "choice"
            item["options"] = [
                {"code": f"o{j}", "label": f"Option {j}", "value": start + step * j}
                for j in range(count)
            ]
        if gates and items and draw(st.integers(0, 3)) == 0:
            gate = draw(st.sampled_from(items))
            if gate["type"] == "boolean":
                item["enable_when"] = {"item": gate["link_id"], "op": "=", "value": True}
            else:
                threshold = draw(st.sampled_from(option_values(gate)))
                item["enable_when"] = {"item": gate["link_id"], "op": ">=", "value": threshold}
        items.append(item)
    return items


@st.composite
def instruments(
    draw: st.DrawFn,
    *,
    methods: tuple[str, ...] = ("sum", "mean", "count"),
    reverse: bool = True,
    gates: bool = True,
) -> dict[str, Any]:
    items = draw(item_lists(gates=gates))
    link_ids = [item["link_id"] for item in items]
    method = draw(st.sampled_from(methods))
    total: dict[str, Any] = {"id": "total", "title": "Total", "method": method, "items": link_ids}
    if reverse:
        total["reverse_items"] = draw(st.lists(st.sampled_from(link_ids), unique=True))
    if method == "count":
        total["count_threshold"] = draw(st.integers(-2, 6))
    if draw(st.booleans()):
        total["missing"] = {"rule": "refuse"}
    else:
        total["missing"] = {"rule": "prorate", "min_answered": draw(st.integers(1, len(items)))}
    defn = definition(items=items, scales=[total])
    assert validate(defn) == [], validate(defn)
    return defn


@st.composite
def answer_sets(draw: st.DrawFn, defn: dict[str, Any], *, complete: bool = False) -> dict[str, Any]:
    answers = {}
    for item in defn["items"]:
        if complete or draw(st.booleans()):
            answers[item["link_id"]] = draw(st.sampled_from(option_values(item)))
    return answers


@st.composite
def scored(draw: st.DrawFn, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    defn = draw(instruments(**kwargs))
    return defn, draw(answer_sets(defn))


@given(scored())
@SETTINGS
def test_scores_stay_within_the_derived_range(case: tuple[dict, dict]) -> None:
    defn, answers = case
    total = score(defn, answers).scales["total"]
    low, high = total.range
    assert total.score is None or low <= total.score <= high


def mirror(item: dict[str, Any], value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    values = option_values(item)
    return min(values) + max(values) - value


@st.composite
def mirrored_cases(draw: st.DrawFn) -> tuple[dict, dict, str]:
    defn = draw(instruments(methods=("sum", "mean", "count"), reverse=False, gates=False))
    answers = draw(answer_sets(defn))
    return defn, answers, draw(st.sampled_from(defn["items"]))["link_id"]


@given(mirrored_cases())
@SETTINGS
def test_reverse_coding_an_item_equals_answering_its_mirror_value(case: tuple) -> None:
    defn, answers, link_id = case
    reversed_defn = copy.deepcopy(defn)
    reversed_defn["scales"][0]["reverse_items"] = [link_id]
    item = next(i for i in defn["items"] if i["link_id"] == link_id)
    mirrored = dict(answers)
    if link_id in answers:
        mirrored[link_id] = mirror(item, answers[link_id])
    assert score(reversed_defn, answers).scales == score(defn, mirrored).scales


@given(mirrored_cases())
@SETTINGS
def test_reversing_every_item_of_mirrored_answers_gives_the_original_score(case: tuple) -> None:
    defn, answers, _ = case
    all_reversed = copy.deepcopy(defn)
    all_reversed["scales"][0]["reverse_items"] = list(defn["scales"][0]["items"])
    by_id = {item["link_id"]: item for item in defn["items"]}
    mirrored = {link_id: mirror(by_id[link_id], value) for link_id, value in answers.items()}
    assert score(all_reversed, mirrored).scales == score(defn, answers).scales


@st.composite
def raised_answers(draw: st.DrawFn) -> tuple[dict, dict, dict]:
    defn = draw(instruments(methods=("sum",), reverse=False, gates=False))
    answers = draw(answer_sets(defn))
    answered = sorted(answers)
    if not answered:
        return defn, answers, answers
    link_id = draw(st.sampled_from(answered))
    item = next(i for i in defn["items"] if i["link_id"] == link_id)
    higher = [v for v in option_values(item) if numeric(v) >= numeric(answers[link_id])]
    return defn, answers, answers | {link_id: draw(st.sampled_from(higher))}


@given(raised_answers())
@SETTINGS
def test_a_sum_never_decreases_when_one_answer_increases(case: tuple) -> None:
    defn, before, after = case
    low, high = score(defn, before).scales["total"], score(defn, after).scales["total"]
    assert (low.score is None) == (high.score is None)
    assert low.score is None or low.score <= high.score


def item_expressions(items: list[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Expressions over items only, without `answered` / `unanswered`."""

    def compare(item: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
        values = [numeric(v) for v in option_values(item)]
        return st.builds(
            lambda op, value: {"compare": {"item": item["link_id"], "op": op, "value": value}},
            st.sampled_from(OPS),
            st.sampled_from(values),
        )

    def at_least(of: list[str]) -> st.SearchStrategy[dict[str, Any]]:
        return st.builds(
            lambda n, value: {"at_least": {"n": n, "of": of, "value": value}},
            st.integers(1, len(of)),
            st.integers(-1, 3),
        )

    link_ids = [item["link_id"] for item in items]
    leaves = st.one_of(
        st.sampled_from(items).flatmap(compare),
        st.lists(st.sampled_from(link_ids), min_size=1, unique=True).flatmap(at_least),
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"all": xs}),
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"any": xs}),
            inner.map(lambda x: {"not": x}),
        ),
        max_leaves=6,
    )


@st.composite
def rule_cases(draw: st.DrawFn) -> tuple[dict, dict, str]:
    defn = draw(instruments(gates=False))
    when = draw(item_expressions(defn["items"]))
    defn["rules"] = [
        {"id": "r", "condition": "c", "severity": "review", "when": when, "message": "m"}
    ]
    assert validate(defn) == [], validate(defn)
    answers = draw(answer_sets(defn))
    return defn, answers, draw(st.sampled_from(defn["items"]))["link_id"]


@given(rule_cases())
@SETTINGS
def test_a_rule_firing_with_an_item_unanswered_fires_whatever_its_answer(case: tuple) -> None:
    defn, answers, link_id = case
    answers.pop(link_id, None)
    if not score(defn, answers).flags:
        return
    item = next(i for i in defn["items"] if i["link_id"] == link_id)
    for value in option_values(item):
        assert score(defn, answers | {link_id: value}).flags


@given(rule_cases())
@SETTINGS
def test_scoring_is_deterministic(case: tuple) -> None:
    defn, answers, _ = case
    first = score(compile(defn), answers)
    second = score(compile(copy.deepcopy(defn)), dict(reversed(list(answers.items()))))
    assert first == second
    assert first.to_dict() == second.to_dict()


@given(json_like)
@SETTINGS
def test_validate_returns_errors_for_arbitrary_json(value: Any) -> None:
    errors = validate(value)
    assert errors
    assert "internal_error" not in {error.code for error in errors}


@st.composite
def damaged_definitions(draw: st.DrawFn) -> dict[str, Any]:
    """A valid definition with one value anywhere in it replaced by arbitrary JSON."""
    defn = draw(instruments())
    defn["rules"] = [
        {
            "id": "r",
            "condition": "c",
            "severity": "info",
            "when": {"answered": "i0"},
            "message": "m",
        }
    ]
    defn["examples"] = [{"name": "e", "answers": {"i0": True}, "expect": {"flags": ["r"]}}]
    spots: list[tuple[Any, Any]] = []
    pending: list[Any] = [defn]
    while pending:
        node = pending.pop()
        for key, child in node.items() if isinstance(node, dict) else enumerate(node):
            spots.append((node, key))
            if isinstance(child, dict | list):
                pending.append(child)
    container, key = spots[draw(st.integers(0, len(spots) - 1))]
    container[key] = draw(json_like)
    return defn


@given(damaged_definitions())
@SETTINGS
def test_validate_never_raises_on_a_damaged_definition(defn: dict[str, Any]) -> None:
    assert "internal_error" not in {error.code for error in validate(defn)}
