"""External SDC Questionnaires -> draft definitions, starting with NLM LHC-Forms' PHQ-9."""

from __future__ import annotations

import copy
import random
from decimal import Decimal
from typing import Any

import pytest

from screening.engine import compile, run_examples, score, validate
from screening.fhir import (
    QuestionnaireImportError,
    definition_from_questionnaire,
    fhirpath,
    link_id_map,
    questionnaire_from_definition,
)
from screening.fhir.questionnaire_import import link_id_for

from .helpers import (
    BASE_URL,
    LHC_PHQ9,
    LIBRARY_FILES,
    WEIGHT,
    calculated,
    choice_item,
    coding_option,
    library,
    load,
    questionnaire,
    resolved_options,
    value_of,
)

PHQ9_ITEMS = [
    "44250-9",
    "44255-8",
    "44259-0",
    "44254-1",
    "44251-7",
    "44258-2",
    "44252-5",
    "44253-3",
    "44260-8",
]


def codes(found: list[Any]) -> set[str]:
    return {w.code for w in found}


@pytest.fixture(scope="module")
def lhc() -> dict[str, Any]:
    return load(LHC_PHQ9)


@pytest.fixture(scope="module")
def imported(lhc: dict[str, Any]) -> tuple[dict[str, Any], list[Any]]:
    return definition_from_questionnaire(lhc)


# --- the LHC-Forms PHQ-9 ------------------------------------------------------------------------


def test_lhc_phq9_imports_as_a_valid_unvalidated_draft(imported: Any) -> None:
    definition, warnings = imported
    assert validate(definition) == []
    assert all(w.severity == "warning" for w in warnings)
    assert definition["validated"] is False
    assert definition["code"] == "phq-9-quick-depression-assessment-panel"
    assert definition["title"] == "PHQ-9 quick depression assessment panel"
    assert definition["codes"] == [
        {
            "system": "http://loinc.org",
            "code": "44249-1",
            "display": "PHQ-9 quick depression assessment panel",
        }
    ]
    assert "http://loinc.org|44249-1" in definition["citation"]
    assert definition["rules"] == []  # flags are ours to add after review


def test_lhc_phq9_items_options_and_values(imported: Any) -> None:
    definition, _ = imported
    items = {i["link_id"]: i for i in definition["items"]}
    assert list(items) == [*PHQ9_ITEMS, "69722-7"]
    for link_id in PHQ9_ITEMS:
        item = items[link_id]
        assert item["codes"][0] == {
            "system": "http://loinc.org",
            "code": link_id,
            "display": item["codes"][0]["display"],
        }
        options = resolved_options(definition, item)
        assert [(o["code"], o["label"], o["value"]) for o in options] == [
            ("LA6568-5", "Not at all", 0),
            ("LA6569-3", "Several days", 1),
            ("LA6570-1", "More than half the days", 2),
            ("LA6571-9", "Nearly every day", 3),
        ]
        assert all("system" not in o for o in options)  # the fixture's Codings carry none
        assert item["scored"] is True
    assert items["44250-9"]["required"] is True
    assert items["44260-8"]["required"] is False  # as in the fixture (ours requires item 9)
    difficulty = items["69722-7"]
    assert difficulty["scored"] is False
    assert [o["code"] for o in resolved_options(definition, difficulty)] == [
        "LA6572-7",
        "LA6573-5",
        "LA6575-0",
        "LA6574-3",
    ]
    (total,) = definition["scales"]
    assert total["id"] == "total"
    assert total["method"] == "sum"
    assert total["items"] == PHQ9_ITEMS
    assert total["codes"][0]["code"] == "44261-6"
    assert "reverse_items" not in total


def test_lhc_phq9_warnings_say_what_differs(imported: Any) -> None:
    _, warnings = imported
    found = codes(warnings)
    # The fixture is not strictly valid R4 (an integer valueString, underscores in variable
    # names), has no version, language or copyright, and counts unanswered items as 0.
    assert {"not_valid_fhir", "link_ids_renamed", "values_by_position"} <= found
    assert {"version", "language", "licence", "missing_data_differs"} <= found
    assert "calculation_disagrees" not in found
    by_code = {w.code: w for w in warnings}
    assert by_code["values_by_position"].link_id == "/69722-7"
    assert "Questionnaire.item[2].answerOption[1]" in by_code["not_valid_fhir"].message


def test_lhc_phq9_examples_hold(imported: Any) -> None:
    """The sample answer sets carry the fixture's own calculation, and our engine agrees."""
    definition, _ = imported
    names = [e["name"] for e in definition["examples"]]
    assert names[:2] == [
        "questionnaire calculation: all lowest answers",
        "questionnaire calculation: all highest answers",
    ]
    assert len(names) >= 6
    expected = {e["name"]: e["expect"]["scales"]["total"]["score"] for e in definition["examples"]}
    assert expected[names[0]] == 0
    assert expected[names[1]] == 27
    assert run_examples(definition) == []


def test_lhc_phq9_scores_exactly_like_our_phq9(imported: Any) -> None:
    """Over many answer sets, complete or not, the import's total is our shipped PHQ-9's."""
    definition, _ = imported
    ours = library("phq9")
    theirs = compile(definition)
    shipped = compile(ours)
    # Shipped link id -> imported link id, matched through the LOINC item codes.
    by_loinc = {i["codes"][0]["code"]: i["link_id"] for i in definition["items"]}
    link = {i["link_id"]: by_loinc[i["codes"][0]["code"]] for i in ours["items"]}
    # (shipped link id, value) -> imported value, matched through the LOINC answer codes.
    value = {}
    for item in ours["items"]:
        imported_item = next(
            i for i in definition["items"] if i["link_id"] == link[item["link_id"]]
        )
        by_code = {o["code"]: o["value"] for o in resolved_options(definition, imported_item)}
        for option in resolved_options(ours, item):
            value[item["link_id"], option["value"]] = by_code[option["code"]]
    rng = random.Random(44249)
    complete = 0
    for n in range(400):
        answers = {
            item.link_id: rng.choice(item.options).value
            for item in shipped.items
            if n % 4 or rng.random() > 0.1  # every 4th set leaves some items out
        }
        mapped = {link[k]: value[k, v] for k, v in answers.items()}
        expected = score(shipped, answers).scales["total"]
        got = score(theirs, mapped).scales["total"]
        assert got.score == expected.score, answers
        assert got.complete == expected.complete
        complete += expected.score is not None
    assert complete > 250


def test_lhc_phq9_calculated_expression_agrees_with_our_total(
    lhc: dict[str, Any], imported: Any
) -> None:
    """fhirpathpy runs the fixture's own calculatedExpression; it matches our total."""
    definition, _ = imported
    compiled = compile(definition)
    rng = random.Random(9)
    mapping = link_id_map(lhc)
    back = {ours: fhir for fhir, ours in mapping.items()}
    for _ in range(25):
        answers = {
            item.link_id: rng.choice(item.options).value for item in compiled.items
        }  # complete: the fixture scores incomplete responses, we do not
        response_items = []
        for item in compiled.items:
            (option,) = [o for o in item.options if o.value == answers[item.link_id]]
            response_items.append(
                {"linkId": back[item.link_id], "answer": [{"valueCoding": {"code": option.code}}]}
            )
        response = {
            "resourceType": "QuestionnaireResponse",
            "status": "completed",
            "item": response_items,
        }
        result = fhirpath.calculate(lhc, response)["/44261-6"]
        assert fhirpath.single_number(result) == Decimal(
            score(compiled, answers).scales["total"].score
        )


def test_link_id_map(lhc: dict[str, Any]) -> None:
    mapping = link_id_map(lhc)
    assert mapping["/44250-9"] == "44250-9"
    assert mapping["/69722-7"] == "69722-7"
    assert "/44261-6" not in mapping  # the calculated total is not a question
    assert link_id_for("/a/b c") == "a.b-c"
    assert link_id_for("///") == "item"


def test_code_can_be_chosen(lhc: dict[str, Any]) -> None:
    definition, _ = definition_from_questionnaire(lhc, code="phq9-lhc", samples=0)
    assert definition["code"] == "phq9-lhc"
    with pytest.raises(QuestionnaireImportError, match="code"):
        definition_from_questionnaire(lhc, code="PHQ 9")


def test_the_questionnaire_is_not_modified(lhc: dict[str, Any]) -> None:
    before = copy.deepcopy(lhc)
    definition_from_questionnaire(lhc, samples=1)
    assert lhc == before


# --- round trip ---------------------------------------------------------------------------------


def comparable(definition: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for item in definition["items"]:
        entry = {k: v for k, v in item.items() if k not in ("options", "scored")}
        entry.setdefault("required", True)
        entry.setdefault("critical", False)
        if item["type"] == "choice":
            entry["options"] = resolved_options(definition, item)
        out.append(entry)
    return out


@pytest.mark.parametrize("path", LIBRARY_FILES, ids=lambda p: p.stem)
def test_round_trip_keeps_items_options_values_and_enable_when(path: Any) -> None:
    original = load(path)
    exported = questionnaire_from_definition(original, status="published", base_url=BASE_URL)
    definition, warnings = definition_from_questionnaire(exported, samples=2)
    assert validate(definition) == []
    assert definition["code"] == original["code"]
    assert definition["version"] == original["version"]
    assert definition.get("instructions") == original.get("instructions")
    assert definition["codes"] == original["codes"]
    assert comparable(definition) == comparable(original)
    assert "link_ids_renamed" not in codes(warnings)
    assert "calculation_disagrees" not in codes(warnings)
    assert run_examples(definition) == []
    total = next(s for s in original["scales"] if s["id"] == "total")
    assert definition["scales"][0]["id"] == "total"
    assert sorted(definition["scales"][0]["items"]) == sorted(total["items"])
    scored = {i["link_id"]: i.get("scored", True) for i in original["items"]}
    if len(definition["scales"]) == len(original["scales"]):  # every scale was a calculation
        assert {i["link_id"]: i["scored"] for i in definition["items"]} == scored


def test_round_trip_of_a_nested_condition_fails_clearly() -> None:
    """A condition FHIR's flat enableWhen cannot say is exported as FHIRPath, not re-imported."""
    original = library("pc-ptsd-5")
    original["items"][1]["enable_when"] = {
        "any": [
            {"item": "pcptsd5-trauma", "op": "unanswered"},
            {"all": [{"item": "pcptsd5-trauma", "op": "=", "value": True}]},
        ]
    }
    exported = questionnaire_from_definition(original, status="draft", base_url=BASE_URL)
    with pytest.raises(QuestionnaireImportError) as info:
        definition_from_questionnaire(exported)
    assert info.value.issues[0].code == "enable_when_expression"
    assert info.value.issues[0].link_id == "pcptsd5-1"


# --- option values, groups, enableWhen, calculations ---------------------------------------------


def test_values_from_item_weight_iso21090_and_coding_extensions() -> None:
    item = choice_item("a")
    item["answerOption"] = [
        coding_option("x", 0, url=WEIGHT),
        coding_option("y", 1, url="http://hl7.org/fhir/StructureDefinition/iso21090-CO-value"),
        coding_option("z", 2, on_coding=True),
        {"valueInteger": 5},  # a valueInteger option without extension counts its integer
    ]
    definition, _ = definition_from_questionnaire(questionnaire(item))
    (imported,) = definition["items"]
    assert [(o["code"], o["value"]) for o in imported["options"]] == [
        ("x", 0),
        ("y", 1),
        ("z", 2),
        ("5", 5),
    ]
    assert definition["scales"][0]["items"] == ["a"]


def test_conflicting_values_are_an_error() -> None:
    item = choice_item("a")
    item["answerOption"][0]["extension"].append({"url": WEIGHT, "valueDecimal": 7})
    with pytest.raises(QuestionnaireImportError) as info:
        definition_from_questionnaire(questionnaire(item))
    assert info.value.issues[0].code == "conflicting_values"
    assert info.value.issues[0].path == "Questionnaire.item[0].answerOption[0]"


def test_choice_items_without_values_are_an_error_naming_the_link_id() -> None:
    source = questionnaire(choice_item("a"), choice_item("b/2", [None, None, None]))
    with pytest.raises(QuestionnaireImportError, match="b/2") as info:
        definition_from_questionnaire(source)
    (issue,) = info.value.issues
    assert (issue.code, issue.link_id, issue.path) == ("no_values", "b/2", "Questionnaire.item[1]")
    # Named as unscored, it imports with values by position, outside the total.
    definition, warnings = definition_from_questionnaire(source, unscored=["b/2"])
    assert definition["scales"][0]["items"] == ["a"]
    assert next(i for i in definition["items"] if i["link_id"] == "b.2")["scored"] is False
    assert "values_by_position" in codes(warnings)


def test_some_options_without_values_are_an_error() -> None:
    with pytest.raises(QuestionnaireImportError) as info:
        definition_from_questionnaire(questionnaire(choice_item("a", [0, None, 2])))
    assert info.value.issues[0].code == "partial_values"
    assert info.value.issues[0].link_id == "a"


def test_a_calculation_using_an_item_without_values_is_an_error() -> None:
    total = calculated(
        "total",
        f"iif(%resource.item.where(linkId = 'b').answer.valueCoding.code = 'b-1', 5, 0)"
        f" + {value_of('a')}",
    )
    source = questionnaire(choice_item("a"), choice_item("b", [None, None]), total)
    with pytest.raises(QuestionnaireImportError) as info:
        definition_from_questionnaire(source)
    assert [(i.code, i.link_id) for i in info.value.issues] == [("no_values", "b")]


def test_groups_are_flattened_keeping_link_ids_and_their_conditions() -> None:
    gate = {"linkId": "gate", "text": "Ever?", "type": "boolean", "required": True}
    group = {
        "linkId": "grp",
        "text": "Section",
        "type": "group",
        "enableWhen": [{"question": "gate", "operator": "=", "answerBoolean": True}],
        "item": [
            {"linkId": "intro", "text": "About the section", "type": "display"},
            choice_item("g.1"),
            choice_item(
                "g.2",
                enableWhen=[{"question": "g.1", "operator": "exists", "answerBoolean": True}],
            ),
        ],
    }
    source = questionnaire(
        {"linkId": "stem", "text": "Please answer.", "type": "display"}, gate, group
    )
    definition, warnings = definition_from_questionnaire(source)
    items = {i["link_id"]: i for i in definition["items"]}
    assert list(items) == ["gate", "g.1", "g.2"]
    assert definition["instructions"] == "Please answer."
    assert items["g.1"]["enable_when"] == {"item": "gate", "op": "=", "value": True}
    assert items["g.2"]["enable_when"] == {
        "all": [
            {"item": "gate", "op": "=", "value": True},
            {"item": "g.1", "op": "answered"},
        ]
    }
    assert {"groups_flattened", "display_dropped"} <= codes(warnings)
    assert definition["scales"][0]["items"] == ["g.1", "g.2"]


def test_enable_when_operators_map_back() -> None:
    def imported_condition(condition: dict[str, Any]) -> Any:
        target = choice_item("t", enableWhen=[condition])
        definition, _ = definition_from_questionnaire(questionnaire(choice_item("a"), target))
        return definition["items"][1]["enable_when"]

    coding = {"system": "urn:test", "code": "a-2"}
    assert imported_condition({"question": "a", "operator": "=", "answerCoding": coding}) == {
        "item": "a",
        "op": "=",
        "value": 2,
    }
    # FHIR's != is true when unanswered: kept as "unanswered or another option".
    assert imported_condition({"question": "a", "operator": "!=", "answerCoding": coding}) == {
        "any": [{"item": "a", "op": "unanswered"}, {"item": "a", "op": "!=", "value": 2}]
    }
    assert imported_condition({"question": "a", "operator": "exists", "answerBoolean": False}) == {
        "item": "a",
        "op": "unanswered",
    }
    assert imported_condition({"question": "a", "operator": ">=", "answerInteger": 2}) == {
        "item": "a",
        "op": ">=",
        "value": 2,
    }
    with pytest.raises(QuestionnaireImportError, match="'zz'"):
        imported_condition({"question": "zz", "operator": "exists", "answerBoolean": True})


def test_calculations_tell_reverse_items_counts_and_unscored_items() -> None:
    reverse = calculated(
        "total", f"{value_of('a')} + (3 - {value_of('b')})", code=[{"system": "urn:s", "code": "T"}]
    )
    source = questionnaire(choice_item("a"), choice_item("b"), choice_item("c"), reverse)
    definition, warnings = definition_from_questionnaire(source)
    (total,) = definition["scales"]
    assert total["items"] == ["a", "b"]
    assert total["reverse_items"] == ["b"]
    assert total["codes"] == [{"system": "urn:s", "code": "T"}]
    assert {i["link_id"]: i["scored"] for i in definition["items"]} == {
        "a": True,
        "b": True,
        "c": False,
    }
    assert "calculation_disagrees" not in codes(warnings)
    assert run_examples(definition) == []

    count = calculated("n", " + ".join(f"iif({value_of(k)} >= 2, 1, 0)" for k in ("a", "b", "c")))
    definition, _ = definition_from_questionnaire(
        questionnaire(choice_item("a"), choice_item("b"), choice_item("c"), count)
    )
    (total,) = definition["scales"]
    assert (total["method"], total["count_threshold"]) == ("count", 2)
    assert run_examples(definition) == []


def test_a_weighted_calculation_cannot_be_imported() -> None:
    weighted = calculated("total", f"{value_of('a')} * 2 + {value_of('b')}")
    with pytest.raises(QuestionnaireImportError) as info:
        definition_from_questionnaire(questionnaire(choice_item("a"), choice_item("b"), weighted))
    assert [(i.code, i.link_id) for i in info.value.issues] == [("calculation_not_a_sum", "a")]


def test_a_disagreeing_calculation_is_reported_and_kept_as_failing_examples() -> None:
    """A constant offset passes the one-item-at-a-time probe but not the sample check."""
    offset = calculated("total", f"{value_of('a')} + {value_of('b')} + 1")
    definition, warnings = definition_from_questionnaire(
        questionnaire(choice_item("a"), choice_item("b"), offset), samples=3
    )
    assert validate(definition) == []  # a usable draft ...
    assert "calculation_disagrees" in codes(warnings)
    assert run_examples(definition)  # ... that cannot be published until corrected


def test_without_a_calculation_the_total_is_assumed_and_said_so() -> None:
    definition, warnings = definition_from_questionnaire(
        questionnaire(
            choice_item("a"), choice_item("b"), {"linkId": "n", "type": "string", "text": "Notes"}
        )
    )
    assert definition["scales"][0]["items"] == ["a", "b"]
    assert definition["examples"] == []
    assert {"total_assumed", "unsupported_item"} <= codes(warnings)


def test_not_a_questionnaire() -> None:
    with pytest.raises(QuestionnaireImportError, match="Questionnaire"):
        definition_from_questionnaire({"resourceType": "Patient"})
    with pytest.raises(QuestionnaireImportError, match="no choice or boolean"):
        definition_from_questionnaire(questionnaire())
