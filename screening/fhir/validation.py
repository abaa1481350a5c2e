"""`validate_resource()`: is a FHIR JSON resource valid? Parsed with the fhir.resources models.

fhir.resources 8.x holds FHIR R5 at its root, R4B under `fhir.resources.R4B` and STU3 under
`fhir.resources.STU3`; it has no R4 (4.0.1) package. R4B (4.3.0) is R4's technical correction: the
resources we exchange (Questionnaire, QuestionnaireResponse, Observation, Patient, Flag,
OperationOutcome, Bundle) have the same elements there, so R4B models check our R4 JSON.

The models check structure and datatypes (unknown elements, wrong types, missing required
elements, id/uri/dateTime formats). They do not check code bindings or invariants, so for a
Questionnaire we add the ones our mapping relies on: required code bindings (`status`,
`item.type`, `enableWhen.operator`, `enableBehavior`), unique linkIds (que-2), enableBehavior when
there are several enableWhen (que-12), answerOption only on choice items (que-5), groups with items
and display items without (que-1, que-6 / que-1a), enableWhen answer types and `exists` with a
boolean (que-7), and enableWhen questions that exist.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fhir.resources.R4B import get_fhir_model_class


@dataclass(frozen=True, slots=True)
class ResourceIssue:
    path: str  # FHIR element path, e.g. "Questionnaire.item[2].answerOption[1].valueCoding"
    message: str


class FhirValidationError(ValueError):
    """A resource is not valid FHIR; `issues` lists every problem with its element path."""

    def __init__(self, resource_type: str, issues: Sequence[ResourceIssue]):
        self.resource_type = resource_type
        self.issues = list(issues)
        lines = "; ".join(f"{i.path}: {i.message}" for i in self.issues[:20])
        more = f" (and {len(self.issues) - 20} more)" if len(self.issues) > 20 else ""
        super().__init__(f"invalid {resource_type}: {lines}{more}")


def resource_issues(resource: object) -> list[ResourceIssue]:
    """Every problem found in `resource` (an empty list: it validates). Never raises."""
    if not isinstance(resource, Mapping):
        return [ResourceIssue("$", "a resource is a JSON object")]
    resource_type = resource.get("resourceType")
    if not isinstance(resource_type, str):
        return [ResourceIssue("resourceType", "missing resourceType")]
    try:
        model = get_fhir_model_class(resource_type)
    except (ValueError, KeyError):
        return [ResourceIssue("resourceType", f"{resource_type!r} is not an R4B resource type")]
    issues: list[ResourceIssue] = []
    try:
        model.model_validate(dict(resource))
    except ValueError as exc:
        # pydantic's ValidationError (a ValueError) lists every problem with its location; it is
        # read through `errors()` so that only fhir.resources is a direct dependency.
        errors = exc.errors() if callable(getattr(exc, "errors", None)) else None
        if not errors:
            issues.append(ResourceIssue(resource_type, str(exc)))
        else:
            issues.extend(
                ResourceIssue(element_path(resource_type, error["loc"]), error["msg"])
                for error in errors
            )
    if resource_type == "Questionnaire":
        issues.extend(_questionnaire_issues(resource))
    return issues


def validate_resource(resource: dict[str, Any]) -> None:
    """Raise FhirValidationError (with each element path) unless `resource` is valid R4(B) JSON."""
    issues = resource_issues(resource)
    if issues:
        resource_type = resource.get("resourceType") if isinstance(resource, Mapping) else None
        raise FhirValidationError(str(resource_type or "resource"), issues)


def element_path(resource_type: str, loc: Sequence[Any]) -> str:
    """("item", 2, "answerOption", 1) -> "Questionnaire.item[2].answerOption[1]"."""
    path = resource_type
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif str(part).startswith("function-"):
            continue  # pydantic's name for a validator, not an element
        else:
            path += f".{part}"
    return path


# --- Questionnaire bindings and invariants ----------------------------------------------------

_STATUS = {"draft", "active", "retired", "unknown"}
_ITEM_TYPES = {
    "group",
    "display",
    "question",
    "boolean",
    "decimal",
    "integer",
    "date",
    "dateTime",
    "time",
    "string",
    "text",
    "url",
    "choice",
    "open-choice",
    "attachment",
    "reference",
    "quantity",
}
_OPERATORS = {"exists", "=", "!=", ">", "<", ">=", "<="}
_ANSWER_KEYS = (
    "answerBoolean",
    "answerDecimal",
    "answerInteger",
    "answerDate",
    "answerDateTime",
    "answerTime",
    "answerString",
    "answerCoding",
    "answerQuantity",
    "answerReference",
)


def _walk(items: object, path: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    if not isinstance(items, list):
        return
    for i, item in enumerate(items):
        if isinstance(item, Mapping):
            where = f"{path}.item[{i}]"
            yield where, item
            yield from _walk(item.get("item"), where)


def _questionnaire_issues(questionnaire: Mapping[str, Any]) -> list[ResourceIssue]:
    issues: list[ResourceIssue] = []
    add = issues.append
    status = questionnaire.get("status")
    if isinstance(status, str) and status not in _STATUS:
        add(ResourceIssue("Questionnaire.status", f"{status!r} is not a publication status"))
    items = list(_walk(questionnaire.get("item"), "Questionnaire"))
    link_ids: dict[str, str] = {}
    for path, item in items:
        link_id = item.get("linkId")
        if isinstance(link_id, str):
            if link_id in link_ids:
                add(ResourceIssue(f"{path}.linkId", f"linkId {link_id!r} repeats (que-2)"))
            link_ids.setdefault(link_id, path)
    for path, item in items:
        kind = item.get("type")
        if isinstance(kind, str) and kind not in _ITEM_TYPES:
            add(ResourceIssue(f"{path}.type", f"{kind!r} is not an item type"))
        if kind == "group" and not item.get("item"):
            add(ResourceIssue(path, "a group item needs child items (que-1)"))
        if kind == "display" and item.get("item"):
            add(ResourceIssue(path, "a display item cannot have child items (que-1)"))
        if item.get("answerOption") and kind not in ("choice", "open-choice"):
            add(
                ResourceIssue(f"{path}.answerOption", "only choice items have answerOption (que-5)")
            )
        conditions = item.get("enableWhen") or []
        if isinstance(conditions, list):
            if len(conditions) > 1 and "enableBehavior" not in item:
                add(ResourceIssue(path, "several enableWhen need an enableBehavior (que-12)"))
            for j, condition in enumerate(conditions):
                if isinstance(condition, Mapping):
                    _check_condition(condition, f"{path}.enableWhen[{j}]", link_ids, add)
        behavior = item.get("enableBehavior")
        if behavior is not None and behavior not in ("all", "any"):
            add(ResourceIssue(f"{path}.enableBehavior", f"{behavior!r} is not all / any"))
    return issues


def _check_condition(
    condition: Mapping[str, Any], path: str, link_ids: Mapping[str, str], add: Any
) -> None:
    question = condition.get("question")
    if isinstance(question, str) and question not in link_ids:
        add(ResourceIssue(f"{path}.question", f"no item with linkId {question!r}"))
    operator = condition.get("operator")
    if isinstance(operator, str) and operator not in _OPERATORS:
        add(ResourceIssue(f"{path}.operator", f"{operator!r} is not an enableWhen operator"))
    answers = [key for key in _ANSWER_KEYS if key in condition]
    if len(answers) != 1:
        add(ResourceIssue(path, "an enableWhen needs exactly one answer[x]"))
    elif operator == "exists" and answers != ["answerBoolean"]:
        add(ResourceIssue(path, "operator 'exists' takes answerBoolean (que-7)"))
