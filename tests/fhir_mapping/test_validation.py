"""`validate_resource`: R4B models from fhir.resources, plus the Questionnaire rules we rely on."""

from __future__ import annotations

from typing import Any

import pytest

from screening.fhir import FhirValidationError, resource_issues, validate_resource

from .helpers import LHC_PHQ9, load


def minimal(**extra: Any) -> dict[str, Any]:
    return {
        "resourceType": "Questionnaire",
        "status": "active",
        "item": [
            {"linkId": "a", "text": "A?", "type": "boolean"},
            {
                "linkId": "b",
                "text": "B?",
                "type": "choice",
                "answerOption": [{"valueCoding": {"code": "x"}}],
                "enableWhen": [{"question": "a", "operator": "=", "answerBoolean": True}],
            },
        ],
    } | extra


def paths(resource: Any) -> list[str]:
    return [issue.path for issue in resource_issues(resource)]


def test_a_valid_questionnaire_passes() -> None:
    validate_resource(minimal())
    validate_resource({"resourceType": "Patient", "id": "p1", "gender": "female"})


def test_errors_name_the_element_path() -> None:
    with pytest.raises(FhirValidationError) as info:
        validate_resource(load(LHC_PHQ9))  # the real-world fixture is not strictly valid
    error = info.value
    assert error.resource_type == "Questionnaire"
    assert "Questionnaire.item[2].answerOption[1].extension[0].valueString" in str(error)
    assert any(i.path == "Questionnaire.item[9].extension[3].valueExpression.name"
               for i in error.issues)  # fmt: skip


def test_structure_and_types() -> None:
    assert paths(minimal(bogus=1)) == ["Questionnaire.bogus"]
    assert paths(minimal(id="has space")) == ["Questionnaire.id"]
    assert paths(minimal(date="2025-01-01T10:00:00")) == ["Questionnaire.date"]
    assert paths({"resourceType": "Questionnaire"}) == ["Questionnaire.status"]
    assert paths({"resourceType": "Nonsense"}) == ["resourceType"]
    assert paths({"status": "active"}) == ["resourceType"]
    assert paths([]) == ["$"]


def test_questionnaire_bindings_and_invariants() -> None:
    bad = minimal(status="published")
    bad["item"][0]["type"] = "yesno"
    bad["item"][1]["enableWhen"].append({"question": "zz", "operator": "~", "answerBoolean": True})
    bad["item"].append({"linkId": "a", "text": "again", "type": "display"})
    bad["item"].append({"linkId": "g", "type": "group"})
    assert paths(bad) == [
        "Questionnaire.status",
        "Questionnaire.item[2].linkId",
        "Questionnaire.item[0].type",
        "Questionnaire.item[1]",  # two enableWhen and no enableBehavior
        "Questionnaire.item[1].enableWhen[1].question",
        "Questionnaire.item[1].enableWhen[1].operator",
        "Questionnaire.item[3]",  # a group without items
    ]
    exists = minimal()
    exists["item"][1]["enableWhen"] = [{"question": "a", "operator": "exists", "answerInteger": 1}]
    assert paths(exists) == ["Questionnaire.item[1].enableWhen[0]"]
