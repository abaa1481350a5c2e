"""Our instrument definition -> an SDC Questionnaire (FHIR R4 JSON). Pure: dicts in, dict out.

See docs/fhir.md ("Questionnaire mapping") for the decisions; in short:
- canonical `url` `{base_url}/Questionnaire/{code}`, one resource per version (`id`
  `{code}-{version}`), `status` draft/active/retired from our draft/published/retired;
- choice items carry `answerOption.valueCoding` with the `ordinalValue` extension (R4 name) and the
  `itemWeight` extension (its R5 / SDC 3+ name) holding the option's value;
- enable-when maps to `enableWhen` (+ `enableBehavior`) whenever FHIR's flat form says exactly what
  ours does, otherwise to an SDC `enableWhenExpression`;
- each `sum` / `count` scale with the `refuse` rule and whole-number values becomes a read-only
  `decimal` item with an SDC `calculatedExpression` computing the same score as our engine, so SDC
  form fillers can show it; the authoritative scores remain our engine's (returned as
  Observations), and answers to these items are never read back as input.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from screening.engine import DefinitionError, validate

from . import fhirpath
from .constants import (
    CALCULATED_EXPRESSION,
    CQF_CITATION,
    CRITICAL_ITEM,
    ENABLE_WHEN_EXPRESSION,
    FHIRPATH,
    INDICATOR,
    ITEM_WEIGHT,
    ORDINAL_VALUE,
    VALIDATED_INSTRUMENT,
)

STATUS = {"draft": "draft", "published": "active", "retired": "retired"}

_ID_INVALID = re.compile(r"[^A-Za-z0-9.-]+")
_DATE_TIME = re.compile(
    r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?)?)?$"
)
_BASE_URL = re.compile(r"^https?://[^\s?#]+$")
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value))


def fhir_id(text: str) -> str:
    """`text` made into a FHIR id: `[A-Za-z0-9-.]{1,64}`, other characters become `-`."""
    cleaned = _ID_INVALID.sub("-", text).strip("-.") or "x"
    return cleaned[:64].rstrip("-.") or "x"


def computable_name(definition: Mapping[str, Any]) -> str:
    """A Questionnaire.name matching `[A-Z][A-Za-z0-9_]{0,254}` (FHIR invariant que-0).

    From the short title ("PHQ-9" -> "PHQ9", "PC-PTSD-5" -> "PCPTSD5"), falling back to the code.
    """
    for source in (definition.get("short_title", ""), definition["code"]):
        parts = re.findall(r"[A-Za-z0-9]+", source)
        name = "".join(p[:1].upper() + p[1:] for p in parts)
        if name:
            return (name if name[0].isalpha() else "Q" + name)[:255]
    return "Questionnaire"


def canonical_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/Questionnaire/{code}"


def questionnaire_from_definition(
    definition: Mapping[str, Any],
    *,
    status: str,
    base_url: str,
    published_at: str | None = None,
) -> dict[str, Any]:
    """An SDC Questionnaire (FHIR R4 JSON) for one instrument version.

    - `definition`: a valid instrument definition (raises `DefinitionError` if it is not);
    - `status`: our version status, `draft` / `published` / `retired` (ValueError otherwise);
    - `base_url`: the FHIR base our resources live under, e.g. `https://screening.example.org/fhir`
      (the canonical URL is `{base_url}/Questionnaire/{code}`);
    - `published_at`: FHIR dateTime of publication (`Questionnaire.date`), or None (drafts).
    """
    errors = validate(definition)
    if errors:
        raise DefinitionError(errors)
    if status not in STATUS:
        raise ValueError(f"status must be one of {sorted(STATUS)}, not {status!r}")
    if not isinstance(base_url, str) or not _BASE_URL.match(base_url):
        raise ValueError(f"base_url must be an absolute http(s) URL, not {base_url!r}")
    if published_at is not None and not _DATE_TIME.match(published_at):
        raise ValueError(
            f"published_at must be a FHIR dateTime (with a time zone when it has a time), "
            f"not {published_at!r}"
        )

    items = _resolved_items(definition)
    by_id = {item["link_id"]: item for item in items}
    questionnaire: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": fhir_id(f"{definition['code']}-{definition['version']}"),
        "language": definition["language"],
        "extension": [
            {"url": CQF_CITATION, "valueString": definition["citation"]},
            {"url": VALIDATED_INSTRUMENT, "valueBoolean": definition["validated"]},
        ],
        "url": canonical_url(base_url, definition["code"]),
        "version": definition["version"],
        "name": computable_name(definition),
        "title": definition["title"],
        "status": STATUS[status],
        "subjectType": ["Patient"],
        "publisher": definition["publisher"],
        "description": definition["description"],
        "copyright": definition["licence"],
    }
    if published_at is not None:
        questionnaire["date"] = published_at
    if definition["codes"]:
        questionnaire["code"] = [_coding(c) for c in definition["codes"]]

    fhir_items: list[dict[str, Any]] = []
    taken = set(by_id)
    if definition.get("instructions"):
        fhir_items.append(
            {
                "linkId": _unique("instructions", taken),
                "text": definition["instructions"],
                "type": "display",
            }
        )
    writer = fhirpath.ExpressionWriter(items)
    for item in items:
        question = _question(item, by_id, writer)
        if item.get("lead_in"):
            fhir_items.append(_lead_in(item, question, taken))
        fhir_items.append(question)
    bounds = {item["link_id"]: _bounds(item) for item in items}
    for scale in definition["scales"]:
        if _expressible(scale, by_id):
            fhir_items.append(_score_item(scale, writer, bounds, taken))
    questionnaire["extension"].extend(writer.variables())
    questionnaire["item"] = fhir_items
    return questionnaire


def _lead_in(
    item: Mapping[str, Any], question: Mapping[str, Any], taken: set[str]
) -> dict[str, Any]:
    """The stem shown just before `item` (its `lead_in`), as a display item shown exactly when
    the question is: it carries the question's enable condition. The import reads a display item
    named `<linkId>-lead-in` back as that question's lead-in."""
    display: dict[str, Any] = {}
    conditions = [e for e in question.get("extension", ()) if e["url"] == ENABLE_WHEN_EXPRESSION]
    if conditions:
        display["extension"] = conditions
    display["linkId"] = _unique(f"{item['link_id']}-lead-in", taken)
    display["text"] = item["lead_in"]
    display["type"] = "display"
    for key in ("enableWhen", "enableBehavior"):
        if key in question:
            display[key] = question[key]
    return display


def _resolved_items(definition: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Items with `options` resolved from option sets (a copy; the definition is untouched)."""
    option_sets = definition["option_sets"]
    resolved = []
    for item in definition["items"]:
        copy = dict(item)
        if item["type"] == "choice":
            options = item["options"]
            copy["options"] = option_sets[options] if isinstance(options, str) else options
        resolved.append(copy)
    return resolved


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate)
    return candidate


def _coding(coding: Mapping[str, Any]) -> dict[str, Any]:
    out = {"system": coding["system"], "code": coding["code"]}
    if coding.get("display"):
        out["display"] = coding["display"]
    return out


def _option_coding(option: Mapping[str, Any]) -> dict[str, Any]:
    # An option without a system is one of our own codes: the Coding carries no system either
    # (FHIR allows it), so a response echoing the coding matches the option by code.
    coding: dict[str, Any] = {}
    if option.get("system"):
        coding["system"] = option["system"]
    coding["code"] = option["code"]
    coding["display"] = option["label"]
    return coding


def _answer_option(option: Mapping[str, Any]) -> dict[str, Any]:
    value = option["value"]
    return {
        "extension": [
            {"url": ORDINAL_VALUE, "valueDecimal": value},
            {"url": ITEM_WEIGHT, "valueDecimal": value},
        ],
        "valueCoding": _option_coding(option),
    }


def _question(
    item: Mapping[str, Any],
    by_id: Mapping[str, Mapping[str, Any]],
    writer: fhirpath.ExpressionWriter,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    extensions: list[dict[str, Any]] = []
    if item.get("critical"):
        extensions.append({"url": CRITICAL_ITEM, "valueBoolean": True})
    extensions.extend({"url": INDICATOR, "valueCode": code} for code in item.get("indicators", ()))
    condition = item.get("enable_when")
    enable_when = _enable_when(condition, by_id) if condition is not None else None
    if condition is not None and enable_when is None:
        extensions.append(
            {
                "url": ENABLE_WHEN_EXPRESSION,
                "valueExpression": {
                    "language": FHIRPATH,
                    "expression": writer.condition(condition),
                },
            }
        )
    if extensions:
        out["extension"] = extensions
    out["linkId"] = item["link_id"]
    if item.get("codes"):
        out["code"] = [_coding(c) for c in item["codes"]]
    out["text"] = item["text"]
    out["type"] = item["type"]
    if enable_when is not None:
        conditions, behavior = enable_when
        out["enableWhen"] = conditions
        if len(conditions) > 1:
            out["enableBehavior"] = behavior
    out["required"] = item.get("required", True)
    if item["type"] == "choice":
        out["answerOption"] = [_answer_option(o) for o in item["options"]]
    return out


# --- enable-when ------------------------------------------------------------------------------
#
# FHIR's enableWhen is a flat list joined by one enableBehavior (all / any); ours nests. A leaf on
# a choice item is "the answer is one of these options" (the options whose value satisfies the
# comparison), which FHIR says exactly with `=` answerCoding conditions joined by `any`; a leaf
# on a boolean item is one `=` answerBoolean condition (`!= true` is `= false`: FHIR's `!=` is
# also true when unanswered, ours is not). Anything that does not flatten exactly (a nested
# condition, an `all` of multi-option leaves, a comparison no option satisfies) becomes an SDC
# enableWhenExpression instead.


def _enable_when(
    condition: Mapping[str, Any], by_id: Mapping[str, Mapping[str, Any]]
) -> tuple[list[dict[str, Any]], str] | None:
    if "all" in condition or "any" in condition:
        behavior = "all" if "all" in condition else "any"
        leaves = condition[behavior]
        if any("all" in leaf or "any" in leaf for leaf in leaves):
            return None
        mapped = [_leaf(leaf, by_id) for leaf in leaves]
        if any(m is None for m in mapped):
            return None
        if behavior == "all" and any(len(m) != 1 for m in mapped if m is not None):
            return None
        return [c for m in mapped if m is not None for c in m], behavior
    mapped = _leaf(condition, by_id)
    if mapped is None:
        return None
    return mapped, "any"


def _leaf(
    leaf: Mapping[str, Any], by_id: Mapping[str, Mapping[str, Any]]
) -> list[dict[str, Any]] | None:
    """FHIR conditions that hold when any of them holds (None: no exact flat form)."""
    link_id, op = leaf["item"], leaf["op"]
    if op in ("answered", "unanswered"):
        return [{"question": link_id, "operator": "exists", "answerBoolean": op == "answered"}]
    target = by_id[link_id]
    value = leaf["value"]
    if target["type"] == "boolean":
        wanted = value if op == "=" else not value
        return [{"question": link_id, "operator": "=", "answerBoolean": wanted}]
    compare = _COMPARE[op]
    matching = [o for o in target["options"] if compare(_decimal(o["value"]), _decimal(value))]
    if not matching:
        return None
    if len(matching) == len(target["options"]):
        return [{"question": link_id, "operator": "exists", "answerBoolean": True}]
    return [
        {"question": link_id, "operator": "=", "answerCoding": _option_coding(o)} for o in matching
    ]


# --- scores -----------------------------------------------------------------------------------


def _bounds(item: Mapping[str, Any]) -> tuple[Decimal, Decimal]:
    if item["type"] == "boolean":
        return Decimal(0), Decimal(1)
    values = [_decimal(o["value"]) for o in item["options"]]
    return min(values), max(values)


def _expressible(scale: Mapping[str, Any], by_id: Mapping[str, Mapping[str, Any]]) -> bool:
    """Whether FHIRPath can compute exactly the engine's score for this scale."""
    if scale["method"] not in ("sum", "count") or scale["missing"]["rule"] != "refuse":
        return False
    # The engine rounds sums to whole numbers; FHIRPath would not, so only whole values qualify.
    for link_id in scale["items"]:
        item = by_id[link_id]
        if item["type"] == "choice" and any(_decimal(o["value"]) % 1 for o in item["options"]):
            return False
    return True


def _score_item(
    scale: Mapping[str, Any],
    writer: fhirpath.ExpressionWriter,
    bounds: Mapping[str, tuple[Decimal, Decimal]],
    taken: set[str],
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "extension": [
            {
                "url": CALCULATED_EXPRESSION,
                "valueExpression": {
                    "description": f"{scale['title']} ({scale['method']} of the item values)",
                    "language": FHIRPATH,
                    "expression": writer.scale(scale, bounds),
                },
            }
        ],
        "linkId": _unique(f"score-{scale['id']}", taken),
    }
    if scale.get("codes"):
        out["code"] = [_coding(c) for c in scale["codes"]]
    out["text"] = scale["title"]
    out["type"] = "decimal"
    out["required"] = False
    out["readOnly"] = True
    return out
