"""Our definitions -> SDC Questionnaires: every shipped instrument maps and validates (R4B)."""

from __future__ import annotations

import copy
import itertools
import random
import re
from decimal import Decimal
from typing import Any

import pytest

from screening.engine import DefinitionError, compile, score
from screening.fhir import fhirpath, questionnaire_from_definition, validate_resource
from screening.fhir.constants import (
    CALCULATED_EXPRESSION,
    CQF_CITATION,
    CRITICAL_ITEM,
    ENABLE_WHEN_EXPRESSION,
    INDICATOR,
    VALIDATED_INSTRUMENT,
    VARIABLE,
)
from screening.fhir.questionnaire import fhir_id

from .helpers import (
    BASE_URL,
    LIBRARY_FILES,
    ORDINAL,
    WEIGHT,
    library,
    load,
    random_answers,
    resolved_options,
    response_for,
)

CODES = [path.stem for path in LIBRARY_FILES]


def export(definition: dict[str, Any], status: str = "published", **kw: Any) -> dict[str, Any]:
    kw.setdefault("published_at", "2025-03-01T09:30:00Z" if status != "draft" else None)
    return questionnaire_from_definition(definition, status=status, base_url=BASE_URL, **kw)


def questions(questionnaire: dict[str, Any]) -> list[dict[str, Any]]:
    return [i for i in questionnaire["item"] if i["type"] in ("choice", "boolean")]


def extension(element: dict[str, Any], url: str) -> list[dict[str, Any]]:
    return [e for e in element.get("extension", []) if e["url"] == url]


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("status", ["draft", "published", "retired"])
def test_every_library_instrument_maps_to_a_valid_questionnaire(code: str, status: str) -> None:
    definition = library(code)
    questionnaire = export(definition, status)
    validate_resource(questionnaire)  # raises with the element path on any problem
    assert questionnaire["resourceType"] == "Questionnaire"
    assert questionnaire["id"] == f"{code}-{definition['version']}"
    assert questionnaire["url"] == f"{BASE_URL}/Questionnaire/{code}"
    assert questionnaire["version"] == definition["version"]
    assert re.fullmatch(r"[A-Z][A-Za-z0-9_]{0,254}", questionnaire["name"])
    assert questionnaire["title"] == definition["title"]
    assert questionnaire["status"] == {"draft": "draft", "published": "active"}.get(status, status)
    assert questionnaire["publisher"] == definition["publisher"]
    assert questionnaire["description"] == definition["description"]
    assert questionnaire["copyright"] == definition["licence"]
    assert questionnaire["language"] == definition["language"]
    assert questionnaire.get("code", []) == definition["codes"]
    assert ("date" in questionnaire) == (status != "draft")
    assert extension(questionnaire, CQF_CITATION)[0]["valueString"] == definition["citation"]
    validated = extension(questionnaire, VALIDATED_INSTRUMENT)[0]["valueBoolean"]
    assert validated is definition["validated"]


@pytest.mark.parametrize("code", CODES)
def test_items_options_and_values_match_the_definition(code: str) -> None:
    definition = library(code)
    questionnaire = export(definition)
    mapped = questions(questionnaire)
    assert [i["linkId"] for i in mapped] == [i["link_id"] for i in definition["items"]]
    for item, fhir in zip(definition["items"], mapped, strict=True):
        assert fhir["text"] == item["text"]
        assert fhir["type"] == item["type"]
        assert fhir["required"] is item.get("required", True)
        assert fhir.get("code", []) == item.get("codes", [])
        assert bool(extension(fhir, CRITICAL_ITEM)) is item.get("critical", False)
        indicators = [e["valueCode"] for e in extension(fhir, INDICATOR)]
        assert indicators == item.get("indicators", [])
        if item["type"] == "boolean":
            assert "answerOption" not in fhir
            continue
        options = resolved_options(definition, item)
        assert len(fhir["answerOption"]) == len(options)
        for option, answer in zip(options, fhir["answerOption"], strict=True):
            coding = answer["valueCoding"]
            assert coding["code"] == option["code"]
            assert coding["display"] == option["label"]
            assert coding.get("system") == option.get("system")
            (ordinal,) = extension(answer, ORDINAL)
            (weight,) = extension(answer, WEIGHT)
            assert ordinal["valueDecimal"] == weight["valueDecimal"] == option["value"]


@pytest.mark.parametrize("code", CODES)
def test_instructions_come_first_as_a_display_item(code: str) -> None:
    definition = library(code)
    first = export(definition)["item"][0]
    if definition.get("instructions"):
        assert first["type"] == "display"
        assert first["text"] == definition["instructions"]
        assert first["linkId"] not in {i["link_id"] for i in definition["items"]}
    else:
        assert first["type"] != "display"


def test_phq9_item_9_is_marked_critical_and_its_loinc_codes_are_kept() -> None:
    questionnaire = export(library("phq9"))
    by_id = {i["linkId"]: i for i in questionnaire["item"]}
    assert extension(by_id["phq9-9"], CRITICAL_ITEM) == [
        {"url": CRITICAL_ITEM, "valueBoolean": True}
    ]
    assert by_id["phq9-9"]["code"][0]["code"] == "44260-8"
    assert questionnaire["code"][0]["code"] == "44249-1"
    assert by_id["phq9-1"]["answerOption"][0]["valueCoding"] == {
        "system": "http://loinc.org",
        "code": "LA6568-5",
        "display": "Not at all",
    }
    assert by_id["score-total"]["code"][0]["code"] == "44261-6"


def test_pc_ptsd_5_enable_when_maps_to_a_boolean_condition_on_the_trauma_question() -> None:
    questionnaire = export(library("pc-ptsd-5"))
    by_id = {i["linkId"]: i for i in questionnaire["item"]}
    assert "enableWhen" not in by_id["pcptsd5-trauma"]
    for n in range(1, 6):
        item = by_id[f"pcptsd5-{n}"]
        assert item["enableWhen"] == [
            {"question": "pcptsd5-trauma", "operator": "=", "answerBoolean": True}
        ]
        assert "enableBehavior" not in item
        assert not extension(item, ENABLE_WHEN_EXPRESSION)


@pytest.mark.parametrize(
    ("status", "expected"), [("draft", "draft"), ("published", "active"), ("retired", "retired")]
)
def test_status_mapping(status: str, expected: str) -> None:
    assert export(library("gad7"), status)["status"] == expected


def test_bad_arguments_are_refused() -> None:
    definition = library("gad7")
    with pytest.raises(ValueError, match="status"):
        questionnaire_from_definition(definition, status="active", base_url=BASE_URL)
    with pytest.raises(ValueError, match="base_url"):
        questionnaire_from_definition(definition, status="draft", base_url="screening/fhir")
    with pytest.raises(ValueError, match="published_at"):
        export(definition, published_at="2025-03-01T09:30:00")  # a time needs a zone
    broken = copy.deepcopy(definition)
    broken["scales"] = []
    with pytest.raises(DefinitionError):
        export(broken)


def test_base_url_trailing_slash_and_fhir_id_rules() -> None:
    questionnaire = questionnaire_from_definition(
        library("phq9"), status="draft", base_url=BASE_URL + "/", published_at=None
    )
    assert questionnaire["url"] == f"{BASE_URL}/Questionnaire/phq9"
    assert fhir_id("phq9-1.0.0") == "phq9-1.0.0"
    assert fhir_id("a b/c_d+1") == "a-b-c-d-1"
    assert len(fhir_id("x" * 100)) == 64


# --- scores as calculatedExpression -------------------------------------------------------------


def score_items(questionnaire: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["linkId"]: i for i in questionnaire["item"] if extension(i, CALCULATED_EXPRESSION)}


def test_which_scales_become_calculated_items() -> None:
    emitted = {code: sorted(score_items(export(library(code)))) for code in CODES}
    assert emitted["phq9"] == ["score-total"]
    assert emitted["pc-ptsd-5"] == ["score-total"]
    assert emitted["pcl5"] == sorted(["score-total", "score-b", "score-c", "score-d", "score-e"])
    if "hisi" in emitted:
        assert emitted["hisi"] == []  # prorated scales are left to the Observations
    for code in CODES:
        for item in score_items(export(library(code))).values():
            assert item["readOnly"] is True
            assert item["type"] == "decimal"
            assert item["required"] is False


@pytest.mark.parametrize("code", CODES)
def test_calculated_expressions_agree_with_the_engine(code: str) -> None:
    """fhirpathpy running our calculatedExpressions gives the engine's score, even incomplete."""
    definition = library(code)
    questionnaire = export(definition)
    emitted = score_items(questionnaire)
    if not emitted:
        pytest.skip("no scale of this instrument is exported as a calculation")
    compiled = compile(definition)
    rng = random.Random(f"export-{code}")
    scored = 0
    for n in range(12):
        answers = random_answers(compiled, rng, skip=0.0 if n % 3 else 0.05)
        results = fhirpath.calculate(questionnaire, response_for(compiled, answers))
        ours = score(compiled, answers).scales
        for link_id, result in results.items():
            scale_id = link_id.removeprefix("score-")
            theirs = fhirpath.single_number(result)
            expected = ours[scale_id].score
            assert theirs == (None if expected is None else Decimal(str(expected))), (n, link_id)
            scored += expected is not None
    assert scored > 0


def test_pc_ptsd_5_calculation_gives_zero_when_the_gate_is_no() -> None:
    definition = library("pc-ptsd-5")
    questionnaire = export(definition)
    compiled = compile(definition)
    no = {"pcptsd5-trauma": False}
    yes_incomplete = {"pcptsd5-trauma": True, "pcptsd5-1": True}
    gate_unanswered: dict = {}
    for answers, expected in ((no, Decimal(0)), (yes_incomplete, None), (gate_unanswered, None)):
        result = fhirpath.calculate(questionnaire, response_for(compiled, answers))["score-total"]
        assert fhirpath.single_number(result) == expected
        engine = score(compiled, answers).scales["total"].score
        assert engine == (None if expected is None else int(expected))


# --- enable-when mapping ------------------------------------------------------------------------

FREQ = [
    {"code": "never", "label": "Never", "value": 0},
    {"code": "some", "label": "Sometimes", "value": 1},
    {"code": "often", "label": "Often", "value": 2},
    {"code": "always", "label": "Always", "value": 3},
]


def gated(condition: dict[str, Any]) -> dict[str, Any]:
    """A definition with a choice gate `g`, a boolean gate `b`, and `t` asked when `condition`."""
    return {
        "schema_version": 1,
        "code": "gates",
        "version": "1",
        "title": "Gates",
        "short_title": "Gates",
        "description": "Test instrument.",
        "publisher": "Tests",
        "citation": "Tests",
        "licence": "Tests",
        "validated": False,
        "language": "en",
        "codes": [],
        "option_sets": {"freq": FREQ},
        "items": [
            {"link_id": "g", "text": "Gate", "type": "choice", "options": "freq"},
            {"link_id": "b", "text": "Yes or no", "type": "boolean", "required": False},
            {"link_id": "t", "text": "Target", "type": "choice", "options": "freq"}
            | {"enable_when": condition},
        ],
        "scales": [
            {
                "id": "total",
                "title": "Total",
                "method": "sum",
                "items": ["g", "t"],
                "missing": {"rule": "refuse"},
            }
        ],
        "rules": [],
        "examples": [],
    }


def fhir_enabled(item: dict[str, Any], answers: dict[str, Any], codes: dict[Any, str]) -> bool:
    """FHIR R4 enableWhen semantics, for the conditions our export writes (= and exists)."""
    results = []
    for condition in item["enableWhen"]:
        answer = answers.get(condition["question"])
        if condition["operator"] == "exists":
            results.append((answer is not None) == condition["answerBoolean"])
        elif "answerBoolean" in condition:
            results.append(answer is not None and answer == condition["answerBoolean"])
        else:
            chosen = codes.get(answer) if answer is not None else None
            results.append(chosen == condition["answerCoding"]["code"])
    behavior = item.get("enableBehavior", "all")
    return all(results) if behavior == "all" else any(results)


CONDITIONS = [
    {"item": "g", "op": "=", "value": 2},
    {"item": "g", "op": "!=", "value": 2},
    {"item": "g", "op": ">", "value": 1},
    {"item": "g", "op": ">=", "value": 0},
    {"item": "g", "op": "<", "value": 0},
    {"item": "g", "op": "<=", "value": 1},
    {"item": "g", "op": "answered"},
    {"item": "g", "op": "unanswered"},
    {"item": "b", "op": "=", "value": True},
    {"item": "b", "op": "!=", "value": True},
    {"all": [{"item": "g", "op": ">=", "value": 2}, {"item": "b", "op": "=", "value": True}]},
    {"all": [{"item": "g", "op": "=", "value": 3}, {"item": "b", "op": "=", "value": False}]},
    {"any": [{"item": "g", "op": ">=", "value": 2}, {"item": "b", "op": "=", "value": True}]},
    {"any": [{"item": "g", "op": "=", "value": 0}, {"all": [{"item": "b", "op": "answered"}]}]},
]


@pytest.mark.parametrize("condition", CONDITIONS, ids=lambda c: str(c))
def test_enable_when_means_the_same_in_fhir_as_in_the_engine(condition: dict[str, Any]) -> None:
    """Exhaustively over the gate answers: FHIR's reading of what we wrote == the engine's."""
    definition = gated(condition)
    questionnaire = export(definition)
    validate_resource(questionnaire)
    compiled = compile(definition)
    target = next(i for i in questionnaire["item"] if i["linkId"] == "t")
    codes = {o["value"]: o["code"] for o in FREQ}
    for g, b in itertools.product([None, 0, 1, 2, 3], [None, True, False]):
        answers = {k: v for k, v in (("g", g), ("b", b)) if v is not None}
        engine = "t" not in score(compiled, answers).disabled_items
        if "enableWhen" in target:
            assert not extension(target, ENABLE_WHEN_EXPRESSION)
            assert fhir_enabled(target, answers, codes) is engine, answers
        else:
            (expression,) = extension(target, ENABLE_WHEN_EXPRESSION)
            environment = {
                "resource": response_for(compiled, answers),
                "questionnaire": questionnaire,
            }
            for variable in extension(questionnaire, VARIABLE):
                value = variable["valueExpression"]
                environment[value["name"]] = fhirpath.evaluate(
                    value["expression"], environment["resource"], environment
                )
            result = fhirpath.evaluate(
                expression["valueExpression"]["expression"], environment["resource"], environment
            )
            assert (result == [True]) is engine, answers


def test_enable_when_forms() -> None:
    def target(condition: dict[str, Any]) -> dict[str, Any]:
        questionnaire = export(gated(condition))
        return next(i for i in questionnaire["item"] if i["linkId"] == "t")

    greater = target({"item": "g", "op": ">", "value": 1})
    assert greater["enableBehavior"] == "any"
    assert [c["answerCoding"]["code"] for c in greater["enableWhen"]] == ["often", "always"]
    assert all(c["operator"] == "=" for c in greater["enableWhen"])
    # FHIR's != is also true when unanswered; ours is not, so it is written as = false.
    assert target({"item": "b", "op": "!=", "value": True})["enableWhen"] == [
        {"question": "b", "operator": "=", "answerBoolean": False}
    ]
    assert target({"item": "g", "op": "unanswered"})["enableWhen"] == [
        {"question": "g", "operator": "exists", "answerBoolean": False}
    ]
    nested = target(
        {"any": [{"item": "g", "op": "=", "value": 0}, {"all": [{"item": "b", "op": "answered"}]}]}
    )
    assert "enableWhen" not in nested
    assert extension(nested, ENABLE_WHEN_EXPRESSION)


def test_options_without_a_system_are_codings_without_a_system() -> None:
    questionnaire = export(library("pcl5"))
    first = questions(questionnaire)[0]["answerOption"][0]["valueCoding"]
    assert first == {"code": "not-at-all", "display": "Not at all"}


def test_the_definition_is_not_modified() -> None:
    for path in LIBRARY_FILES:
        definition = load(path)
        before = copy.deepcopy(definition)
        export(definition)
        assert definition == before
