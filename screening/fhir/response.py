"""Screening <-> FHIR QuestionnaireResponse (pure: no Django, no HTTP).

Out, `questionnaire_response_resource()`: one QuestionnaireResponse per screening (`id` = the
screening's id), flat like our Questionnaires, one item per answered question with a
`valueCoding` (the option's system when it has one, code, label as display) or `valueBoolean`.
Status: in_progress -> in-progress, completed -> completed, amended (superseded by a newer
revision) -> amended, voided -> entered-in-error; revisions point at each other with our
`replaces` / `superseded-by` extensions.

In, `read_response()` (what to file it under) and `answers_from_response()` (the answers, checked
against the instrument): every problem is reported at once with the FHIRPath of its element.
See docs/fhir.md, "QuestionnaireResponse".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from screening import engine

from .outcome import Issue, ResourceError, error
from .questionnaire_import import link_id_for
from .search import instant
from .systems import REPLACES, STATUS_REASON, SUPERSEDED_BY

ROOT = "QuestionnaireResponse"
STATUS = {
    "in_progress": "in-progress",
    "completed": "completed",
    "amended": "amended",
    "voided": "entered-in-error",
}
# Who answered (QuestionnaireResponse.source's type) -> our screening mode.
MODE_BY_SOURCE = {
    "Patient": "self_report",
    "RelatedPerson": "informant",
    "Practitioner": "clinician",
    "PractitionerRole": "clinician",
}
DEFAULT_MODE = "self_report"
ACCEPTED_STATUSES = ("completed", "in-progress")
MAX_IDENTIFIER = 300


def questionnaire_response_resource(
    screening: Any,
    *,
    compiled: engine.CompiledInstrument,
    questionnaire: str,
    superseded_by: int | None = None,
) -> dict[str, Any]:
    """The QuestionnaireResponse of `screening` (attributes: pk, status, revision,
    supersedes_id, client_id, answers, mode, status_reason, source_identifier, created_at,
    updated_at, submitted_at), answering the Questionnaire `questionnaire` (canonical
    `url|version`) of the instrument `compiled`."""
    response: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": str(screening.pk),
        "meta": {"lastUpdated": instant(screening.updated_at)},
    }
    extensions = []
    if screening.supersedes_id:
        reference = {"reference": f"QuestionnaireResponse/{screening.supersedes_id}"}
        extensions.append({"url": REPLACES, "valueReference": reference})
    if superseded_by:
        reference = {"reference": f"QuestionnaireResponse/{superseded_by}"}
        extensions.append({"url": SUPERSEDED_BY, "valueReference": reference})
    if screening.status_reason:
        extensions.append({"url": STATUS_REASON, "valueString": screening.status_reason})
    if extensions:
        response["extension"] = extensions
    if screening.source_identifier:
        system, _, value = screening.source_identifier.partition("|")
        response["identifier"] = {"system": system, "value": value} if system else {"value": value}
    response["questionnaire"] = questionnaire
    response["status"] = STATUS[screening.status]
    patient = {"reference": f"Patient/{screening.client_id}"}
    response["subject"] = patient
    response["authored"] = instant(screening.submitted_at or screening.created_at)
    if screening.mode == "self_report":
        response["source"] = dict(patient)
    items = []
    for item in compiled.items:
        value = screening.answers.get(item.link_id)
        if value is None:
            continue
        items.append({"linkId": item.link_id, "text": item.text, "answer": [_answer(item, value)]})
    if items:
        response["item"] = items
    return response


def _answer(item: engine.CompiledItem, value: Any) -> dict[str, Any]:
    if item.type == "boolean":
        return {"valueBoolean": bool(value)}
    option = next((o for o in item.options if o.value == value), None)
    if option is None:  # cannot happen for checked answers; say what is stored rather than fail
        return {"valueDecimal": value}
    coding: dict[str, Any] = {}
    if option.system:
        coding["system"] = option.system
    coding["code"] = option.code
    coding["display"] = option.label
    return {"valueCoding": coding}


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResponseHeader:
    """What a QuestionnaireResponse is filed under, before its answers are read."""

    questionnaire: str  # canonical as sent: `url|version` or `url`
    subject: str  # reference as sent: `Patient/12` or `urn:uuid:...`
    status: str  # completed | in-progress
    identifier: str  # `system|value`, or "" when none was sent
    mode: str  # our screening mode, from `source`


def read_response(resource: Any) -> ResponseHeader:
    """The questionnaire, subject, status, identifier and mode of a QuestionnaireResponse;
    raises ResourceError with every problem."""
    if not isinstance(resource, Mapping) or resource.get("resourceType") != ROOT:
        raise ResourceError(
            [error("invalid", "expected a QuestionnaireResponse resource", f"{ROOT}.resourceType")],
            structural=True,
        )
    issues: list[Issue] = []
    questionnaire = resource.get("questionnaire")
    if not isinstance(questionnaire, str) or not questionnaire:
        issues.append(
            error(
                "required",
                "questionnaire (the canonical url|version of a Questionnaire of this server) "
                "is required",
                f"{ROOT}.questionnaire",
            )
        )
    subject = (resource.get("subject") or {}).get("reference")
    if not isinstance(subject, str) or not subject:
        issues.append(
            error(
                "required",
                "subject is required: a reference to a Patient (Patient/{id}, or the "
                "urn:uuid: fullUrl of a Patient in the same transaction)",
                f"{ROOT}.subject",
            )
        )
    status = resource.get("status")
    if status not in ACCEPTED_STATUSES:
        issues.append(
            error(
                "not-supported" if isinstance(status, str) else "required",
                f"status {status!r} cannot be created: send completed (scored at once) or "
                "in-progress (saved unscored)",
                f"{ROOT}.status",
            )
        )
    identifier = _identifier(resource.get("identifier"), issues)
    source = (resource.get("source") or {}).get("reference")
    mode = DEFAULT_MODE
    if isinstance(source, str) and "/" in source:
        mode = MODE_BY_SOURCE.get(source.rsplit("/", 2)[-2], DEFAULT_MODE)
    if issues:
        raise ResourceError(issues)
    return ResponseHeader(questionnaire, subject, status, identifier, mode)


def _identifier(identifier: Any, issues: list[Issue]) -> str:
    if identifier is None:
        return ""
    where = f"{ROOT}.identifier"
    value = identifier.get("value") if isinstance(identifier, Mapping) else None
    system = identifier.get("system") if isinstance(identifier, Mapping) else None
    if not isinstance(value, str) or not value:
        issues.append(error("required", "an identifier needs a value", f"{where}.value"))
        return ""
    text = f"{system or ''}|{value}"
    if len(text) > MAX_IDENTIFIER:
        issues.append(
            error("value", f"system|value is longer than {MAX_IDENTIFIER} characters", where)
        )
    return text


def answers_from_response(
    resource: Mapping[str, Any],
    compiled: engine.CompiledInstrument,
    definition: Mapping[str, Any],
    *,
    submit: bool,
) -> list[dict[str, Any]]:
    """The answers of a QuestionnaireResponse as `[{"link_id", "value"}]`, checked against the
    instrument (with `submit`, also that it can be scored); raises ResourceError with every
    problem.

    - Items nested in groups (and under answers) are flattened; items without answers skipped.
    - A linkId is our link id, or a linkId of the Questionnaire an imported instrument came
      from, renamed as the import renames it (`/44250-9` -> `44250-9`).
    - `valueCoding` is matched by code (and by system when both the Coding and the option
      have one); `valueInteger` / `valueDecimal` give the option's value; `valueBoolean`
      answers a boolean item.
    - Calculated items are ignored: our engine's scores are authoritative. They are our
      `score-{scale}` items, and for imported forms an item answered with a number whose
      (renamed) linkId is the code of one of the instrument's scales (`/44261-6`).
    """
    scale_ids = {f"score-{scale['id']}" for scale in definition.get("scales", ())}
    scale_codes = {
        coding.get("code")
        for scale in definition.get("scales", ())
        for coding in scale.get("codes", ())
    }
    issues: list[Issue] = []
    values: dict[str, Any] = {}
    paths: dict[str, str] = {}
    questionnaire = f"{compiled.code} {compiled.version}"
    for where, node in _answered(resource.get("item")):
        link_id = node.get("linkId")
        answers = node["answer"]
        item = None
        if isinstance(link_id, str):
            item = compiled.item_by_id.get(link_id) or compiled.item_by_id.get(link_id_for(link_id))
        if item is None:
            if isinstance(link_id, str) and (
                link_id in scale_ids
                or (link_id_for(link_id) in scale_codes and _numbers_only(answers))
            ):
                continue  # a calculated score: ours is authoritative
            issues.append(
                error(
                    "invalid",
                    f"no question with linkId {link_id!r} in Questionnaire {questionnaire}",
                    f"{where}.linkId",
                )
            )
            continue
        if item.link_id in paths:
            issues.append(
                error("invalid", f"question {item.link_id!r} is answered twice", f"{where}")
            )
            continue
        paths[item.link_id] = f"{where}.answer[0]"
        if len(answers) > 1:
            issues.append(
                error(
                    "invalid",
                    f"question {item.link_id!r} takes one answer, not {len(answers)}",
                    f"{where}.answer[1]",
                )
            )
            continue
        value = _value(item, answers[0], f"{where}.answer[0]", issues)
        if value is not None:
            values[item.link_id] = value
    if issues:
        raise ResourceError(issues)
    for problem in engine.check_answers(compiled, values, for_submit=submit):
        path = paths.get(problem.link_id or "")
        if problem.code in ("required", "insufficient_answers") or path is None:
            where = f"{ROOT}.item"
            text = f"question {problem.link_id!r}: {problem.message}"
            code = "required"
        else:
            where, text, code = path, f"{problem.link_id}: {problem.message}", "value"
        issues.append(error(code, text, where))
    if issues:
        raise ResourceError(issues)
    return [{"link_id": link_id, "value": value} for link_id, value in values.items()]


def _answered(items: Any, path: str = ROOT) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(FHIRPath, item) for every item with answers, depth first, in document order."""
    if not isinstance(items, list):
        return
    for i, node in enumerate(items):
        if not isinstance(node, Mapping):
            continue
        where = f"{path}.item[{i}]"
        answers = node.get("answer")
        if isinstance(answers, list) and answers:
            yield where, node
            for j, answer in enumerate(answers):
                if isinstance(answer, Mapping):
                    yield from _answered(answer.get("item"), f"{where}.answer[{j}]")
        yield from _answered(node.get("item"), where)


def _numbers_only(answers: list[Any]) -> bool:
    keys = {"valueDecimal", "valueInteger", "valueQuantity"}
    return all(isinstance(a, Mapping) and keys & a.keys() for a in answers)


def _value(item: engine.CompiledItem, answer: Any, where: str, issues: list[Issue]) -> Any:
    if not isinstance(answer, Mapping):
        issues.append(error("structure", "an answer is an object", where))
        return None
    kinds = [key for key in answer if key.startswith("value")]
    if len(kinds) != 1:
        issues.append(error("invalid", "an answer needs exactly one value[x]", where))
        return None
    (kind,) = kinds
    raw = answer[kind]
    at = f"{where}.{kind}"
    if item.type == "boolean":
        if kind == "valueBoolean" and isinstance(raw, bool):
            return raw
        issues.append(
            error("value", f"{item.link_id!r} is a yes/no question: use valueBoolean", at)
        )
        return None
    if kind == "valueCoding" and isinstance(raw, Mapping):
        code, system = raw.get("code"), raw.get("system")
        for option in item.options:
            if option.code == code and (not system or not option.system or system == option.system):
                return option.value
        listed = ", ".join(f"{o.code} ({o.label})" for o in item.options)
        issues.append(
            error("code-invalid", f"{code!r} is no option of {item.link_id!r} ({listed})", at)
        )
        return None
    if kind in ("valueInteger", "valueDecimal") and not isinstance(raw, bool):
        if isinstance(raw, int | float | Decimal):
            return raw
        issues.append(error("value", f"{kind} must be a number", at))
        return None
    issues.append(
        error(
            "not-supported",
            f"{kind} cannot answer {item.link_id!r}: use valueCoding (an option's code), or "
            "valueInteger / valueDecimal (an option's value)",
            at,
        )
    )
    return None
