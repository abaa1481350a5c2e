"""Shared data and small builders for the FHIR mapping tests (pure: no database, no client)."""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from screening.engine import CompiledInstrument, score

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = ROOT / "screening" / "library"
LIBRARY_FILES = sorted(LIBRARY.glob("*.json"))
LHC_PHQ9 = ROOT / "tests" / "fixtures" / "fhir" / "lhcforms-phq9-questionnaire.json"
BASE_URL = "https://screening.example.org/fhir"
ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
CALC = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression"


def load(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


def library(code: str) -> dict[str, Any]:
    return load(LIBRARY / f"{code}.json")


def resolved_options(definition: Mapping[str, Any], item: Mapping[str, Any]) -> list[Any]:
    options = item["options"]
    return definition["option_sets"][options] if isinstance(options, str) else options


def random_answers(
    compiled: CompiledInstrument, rng: random.Random, *, skip: float = 0.0
) -> dict[str, Any]:
    """Random valid answers (each item left out with probability `skip`), none to disabled items."""
    answers: dict[str, Any] = {}
    for item in compiled.items:
        if rng.random() < skip:
            continue
        if item.type == "boolean":
            answers[item.link_id] = rng.choice([True, False])
        else:
            answers[item.link_id] = rng.choice(item.options).value
    disabled = set(score(compiled, answers).disabled_items)
    return {k: v for k, v in answers.items() if k not in disabled}


def response_for(compiled: CompiledInstrument, answers: Mapping[str, Any]) -> dict[str, Any]:
    """A flat QuestionnaireResponse answering our exported Questionnaire with `answers`."""
    items = []
    for item in compiled.items:
        if item.link_id not in answers:
            continue
        value = answers[item.link_id]
        if item.type == "boolean":
            answer: dict[str, Any] = {"valueBoolean": value}
        else:
            (option,) = [o for o in item.options if o.value == value]
            coding = {"code": option.code, "display": option.label}
            if option.system:
                coding["system"] = option.system
            answer = {"valueCoding": coding}
        items.append({"linkId": item.link_id, "answer": [answer]})
    return {"resourceType": "QuestionnaireResponse", "status": "completed", "item": items}


def coding_option(code: str, value: float | None, *, url: str = ORDINAL, on_coding: bool = False):
    """An answerOption with a Coding, its number in the extension `url` (None: no number)."""
    option: dict[str, Any] = {"valueCoding": {"system": "urn:test", "code": code, "display": code}}
    if value is not None:
        extension = [{"url": url, "valueDecimal": value}]
        if on_coding:
            option["valueCoding"]["extension"] = extension
        else:
            option["extension"] = extension
    return option


def choice_item(link_id: str, values: list[float | None] | None = None, **extra: Any):
    values = [0, 1, 2, 3] if values is None else values
    return {
        "linkId": link_id,
        "text": f"Question {link_id}",
        "type": "choice",
        "required": True,
        "answerOption": [coding_option(f"{link_id}-{i}", v) for i, v in enumerate(values)],
    } | extra


def calculated(link_id: str, expression: str, **extra: Any) -> dict[str, Any]:
    return {
        "linkId": link_id,
        "text": f"Score {link_id}",
        "type": "decimal",
        "readOnly": True,
        "extension": [
            {
                "url": CALC,
                "valueExpression": {"language": "text/fhirpath", "expression": expression},
            }
        ],
    } | extra


def value_of(link_id: str) -> str:
    """FHIRPath for the ordinal value chosen for `link_id` in a flat Questionnaire."""
    return (
        f"%questionnaire.item.where(linkId = '{link_id}').answerOption.where(valueCoding.code = "
        f"%resource.item.where(linkId = '{link_id}').answer.valueCoding.code)"
        f".extension.where(url = '{ORDINAL}').valueDecimal"
    )


def questionnaire(*items: Any, **extra: Any) -> dict[str, Any]:
    return {
        "resourceType": "Questionnaire",
        "id": "test-q",
        "url": "http://example.org/fhir/Questionnaire/test-q",
        "version": "2.0",
        "name": "TestQ",
        "title": "A test questionnaire",
        "status": "active",
        "language": "en",
        "publisher": "Tests",
        "copyright": "Free to use in tests.",
        "item": list(items),
    } | extra
