"""FHIRPath for the Questionnaire mapping: writing expressions, and evaluating them with fhirpathpy.

Writing (export): our scales and enable-when conditions are data in a small closed language, so the
FHIRPath we emit for them is generated from a few fixed templates here. Every answer value is read
the SDC way: a choice answer's number is the `ordinalValue` extension of the answerOption whose
code matches the answer, looked up in `%questionnaire`; a boolean answer counts 1 for true.

Evaluating (import, tests): `calculate()` runs every calculatedExpression in a Questionnaire over a
QuestionnaireResponse with fhirpathpy (a real FHIRPath engine; nothing here parses FHIRPath), with
the SDC environment (`%resource`, `%questionnaire`, `%context`) and the `variable` extensions in
scope (the root's, then each ancestor item's, then the item's own, in document order).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import fhirpathpy
from fhirpathpy.engine.evaluators import evaluators as _evaluators
from fhirpathpy.models import models as fhirpath_models

from .constants import CALCULATED_EXPRESSIONS, FHIRPATH, ORDINAL_VALUE, VARIABLE

R4_MODEL = fhirpath_models["r4"]

# Guard rails for evaluating expressions from untrusted Questionnaires.
MAX_EXPRESSION_LENGTH = 20_000


class FhirPathError(ValueError):
    """An expression could not be evaluated (unsupported language, syntax, runtime failure)."""


class FhirPathTooCostly(FhirPathError):
    """The evaluations inside a `step_budget` walked more expression nodes than it allows."""


# Evaluation steps left to the evaluations of the current `step_budget` (None: no budget). An
# untrusted Questionnaire's expression can cost seconds for one evaluation (each `where` walks
# every item, and a sum may repeat it per item), so the budget is counted in the engine itself:
# every FHIRPath node it evaluates is one step, and the step past the budget stops it at once.
_steps_left: ContextVar[list[int] | None] = ContextVar("fhirpath_steps_left", default=None)


def _counted(evaluator: Callable[..., Any]) -> Callable[..., Any]:
    def counted(ctx: Any, data: Any, node: Any) -> Any:
        left = _steps_left.get()
        if left is not None:
            left[0] -= 1
            if left[0] < 0:
                raise FhirPathTooCostly("the expressions need more evaluation steps than allowed")
        return evaluator(ctx, data, node)

    counted.__wrapped__ = evaluator  # type: ignore[attr-defined]
    return counted


# fhirpathpy dispatches every node through this one table (engine.do_eval), so wrapping its
# entries counts every step; done once, however often this module is reloaded.
for _name, _evaluator in list(_evaluators.items()):
    if not hasattr(_evaluator, "__wrapped__"):
        _evaluators[_name] = _counted(_evaluator)


@contextmanager
def step_budget(steps: int) -> Iterator[Callable[[], int]]:
    """Evaluations inside may take `steps` FHIRPath steps in all, then raise FhirPathTooCostly.
    Yields a function telling how many they have taken so far."""
    left = [steps]
    token = _steps_left.set(left)
    try:
        yield lambda: steps - left[0]
    finally:
        _steps_left.reset(token)


# --------------------------------------------------------------------------------------------
# Writing expressions
# --------------------------------------------------------------------------------------------


def string_literal(text: str) -> str:
    """A FHIRPath string literal (single quotes; backslash and quote escaped)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def number_literal(value: int | float | Decimal) -> str:
    """A FHIRPath number literal; negative numbers are parenthesised."""
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if number == number.to_integral_value():
        text = str(int(number))
    else:
        text = format(number.normalize(), "f")
    return f"({text})" if text.startswith("-") else text


def answer_path(link_id: str) -> str:
    """The answers given to the item `link_id` in the response being filled in (flat form)."""
    return f"%resource.item.where(linkId = {string_literal(link_id)}).answer"


_OPERATORS = {"=": "=", "!=": "!=", ">": ">", ">=": ">=", "<": "<", "<=": "<="}


def _variable(name: str, description: str, expression: str) -> dict[str, Any]:
    return {
        "url": VARIABLE,
        "valueExpression": {
            "name": name,
            "description": description,
            "language": FHIRPATH,
            "expression": expression,
        },
    }


class ExpressionWriter:
    """Writes FHIRPath for our conditions and scales over one instrument's items.

    Each item read is given a Questionnaire-level SDC `variable` (`%v1`, `%v2`, ... in item
    order) holding its answer as a number, empty when unanswered; expressions then read the
    variables, so each answer is looked up once per evaluation rather than once per mention.
    `variables()` gives the extensions to put on the Questionnaire, for the items used so far.
    """

    def __init__(self, items: Sequence[Mapping[str, Any]]):
        self.items = {item["link_id"]: item for item in items}
        self.order = {item["link_id"]: i + 1 for i, item in enumerate(items)}
        self.used: set[str] = set()

    def number(self, link_id: str) -> str:
        self.used.add(link_id)
        return f"%v{self.order[link_id]}"

    def variables(self) -> list[dict[str, Any]]:
        out = []
        for link_id in sorted(self.used, key=self.order.__getitem__):
            item = self.items[link_id]
            n = self.order[link_id]
            if item["type"] == "boolean":
                out.append(
                    _variable(
                        f"v{n}",
                        f"answer to {link_id} as a number (1 if true, 0 if false)",
                        f"{answer_path(link_id)}.valueBoolean.select(iif($this, 1, 0))",
                    )
                )
                continue
            # The chosen code first, so the option lookup reads it once, not once per option.
            out.append(
                _variable(
                    f"c{n}",
                    f"code of the answer to {link_id}",
                    f"{answer_path(link_id)}.valueCoding.code",
                )
            )
            out.append(
                _variable(
                    f"v{n}",
                    f"answer to {link_id} as a number (the chosen option's ordinal value)",
                    f"%questionnaire.item.where(linkId = {string_literal(link_id)}).answerOption"
                    f".where(valueCoding.code = %c{n})"
                    f".extension.where(url = {string_literal(ORDINAL_VALUE)}).valueDecimal",
                )
            )
        return out

    def condition(self, node: Mapping[str, Any]) -> str:
        """FHIRPath for an enable-when condition, with the engine's three-valued logic.

        A comparison on an unanswered item is empty (unknown), and FHIRPath's `and` / `or` treat
        empty exactly as the engine treats unknown; an enableWhenExpression that gives empty does
        not enable the item.
        """
        if "all" in node:
            return "(" + " and ".join(self.condition(c) for c in node["all"]) + ")"
        if "any" in node:
            return "(" + " or ".join(self.condition(c) for c in node["any"]) + ")"
        value = self.number(node["item"])
        op = node["op"]
        if op == "answered":
            return f"{value}.exists()"
        if op == "unanswered":
            return f"{value}.exists().not()"
        constant = node["value"]
        if isinstance(constant, bool):
            constant = 1 if constant else 0
        return f"({value} {_OPERATORS[op]} {number_literal(constant)})"

    def scale(self, scale: Mapping[str, Any], bounds: Mapping[str, tuple[Decimal, Decimal]]) -> str:
        """FHIRPath computing a `sum` or `count` scale with the `refuse` missing-data rule.

        Mirrors the engine: a disabled item (its enable-when false) is not applicable and adds 0;
        the score is empty when any enabled item of the scale is unanswered, or when an item's
        enable-when is unknown because it waits on an unanswered item. `bounds` gives
        each item's (min, max) option value, for reverse coding.
        """
        method = scale["method"]
        if method not in ("sum", "count") or scale["missing"]["rule"] != "refuse":
            raise ValueError("only sum and count scales with the refuse rule have an expression")
        reverse = set(scale.get("reverse_items", ()))
        guards: list[str] = []
        terms: list[str] = []
        for link_id in scale["items"]:
            value = self.number(link_id)
            term = value
            if link_id in reverse:
                low, high = bounds[link_id]
                term = f"({number_literal(low + high)} - {value})"
            if method == "count":
                term = f"iif({term} >= {number_literal(scale['count_threshold'])}, 1, 0)"
            condition = self.items[link_id].get("enable_when")
            if condition is None:
                guards.append(f"{value}.exists()")
                terms.append(term)
            else:
                enabled = self.condition(condition)
                # `(unknown).not()` stays empty, so an undecided gate leaves the score empty.
                guards.append(f"({value}.exists() or ({enabled}).not())")
                terms.append(f"iif({enabled}, {term}, 0)")
        return f"iif({' and '.join(guards)}, {' + '.join(terms)}, {{}})"


# --------------------------------------------------------------------------------------------
# Evaluating expressions
# --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=512)
def _compiled(expression: str) -> Callable[..., list[Any]]:
    return fhirpathpy.compile(expression, R4_MODEL)


def evaluate(expression: str, node: Any, environment: Mapping[str, Any]) -> list[Any]:
    """Evaluate `expression` on `node` with `%`-variables from `environment`."""
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise FhirPathError(f"expression longer than {MAX_EXPRESSION_LENGTH} characters")
    try:
        function = _compiled(expression)
    except Exception as exc:  # the parser raises assorted exception types
        raise FhirPathError(f"cannot parse FHIRPath: {exc}") from exc
    try:
        return function(node, dict(environment))
    except FhirPathTooCostly:
        raise
    except RecursionError as exc:
        raise FhirPathError("expression nests too deeply") from exc
    except Exception as exc:  # fhirpathpy raises assorted exception types at run time
        raise FhirPathError(f"{type(exc).__name__}: {exc}") from exc


@dataclass
class CalculatedItem:
    """An item carrying a calculatedExpression, with the variables in its scope."""

    link_id: str
    expression: str
    item: Mapping[str, Any]
    # (owner link id or None for the root, variable name, expression), in scope order.
    variables: list[tuple[str | None, str, str]] = field(default_factory=list)


def _expression_of(extension: Mapping[str, Any], what: str) -> tuple[str | None, str]:
    value = extension.get("valueExpression")
    if not isinstance(value, Mapping):
        raise FhirPathError(f"{what}: no valueExpression")
    language = value.get("language")
    expression = value.get("expression")
    if language != FHIRPATH:
        raise FhirPathError(f"{what}: language {language!r} is not supported (only {FHIRPATH})")
    if not isinstance(expression, str) or not expression.strip():
        raise FhirPathError(f"{what}: no expression text (references are not supported)")
    name = value.get("name")
    return (name if isinstance(name, str) else None), expression


def _variables(owner: Mapping[str, Any], owner_id: str | None) -> list[tuple[str | None, str, str]]:
    found = []
    for extension in owner.get("extension") or ():
        if isinstance(extension, Mapping) and extension.get("url") == VARIABLE:
            where = f"variable on {owner_id!r}" if owner_id else "variable on the Questionnaire"
            name, expression = _expression_of(extension, where)
            if not name:
                raise FhirPathError(f"{where}: a variable needs a name")
            found.append((owner_id, name, expression))
    return found


def calculation_of(item: Mapping[str, Any]) -> str | None:
    """The calculatedExpression FHIRPath text of a Questionnaire item, or None if it has none.

    Raises FhirPathError when the item has one that cannot be evaluated (another language).
    """
    for extension in item.get("extension") or ():
        if isinstance(extension, Mapping) and extension.get("url") in CALCULATED_EXPRESSIONS:
            _, expression = _expression_of(extension, f"calculatedExpression on {item['linkId']!r}")
            return expression
    return None


def calculated_items(questionnaire: Mapping[str, Any]) -> list[CalculatedItem]:
    """Every item with a calculatedExpression, in document order, with its variables in scope."""
    root = _variables(questionnaire, None)
    found: list[CalculatedItem] = []

    def walk(items: Sequence[Any], scope: list[tuple[str | None, str, str]]) -> None:
        for item in items:
            if not isinstance(item, Mapping):
                continue
            link_id = item.get("linkId")
            own = [*scope, *_variables(item, link_id)]
            expression = calculation_of(item)
            if expression is not None:
                found.append(CalculatedItem(link_id, expression, item, own))
            walk(item.get("item") or (), own)

    walk(questionnaire.get("item") or (), root)
    return found


def response_nodes(response: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """QuestionnaireResponse items by linkId (first occurrence), descending into answers."""
    nodes: dict[str, Mapping[str, Any]] = {}

    def walk(items: Sequence[Any]) -> None:
        for node in items:
            nodes.setdefault(node["linkId"], node)
            walk(node.get("item") or ())
            for answer in node.get("answer") or ():
                walk(answer.get("item") or ())

    walk(response.get("item") or ())
    return nodes


def _root_environment(
    questionnaire: Mapping[str, Any],
    response: Mapping[str, Any],
    variables: Sequence[tuple[str | None, str, str]],
) -> dict[str, Any]:
    environment: dict[str, Any] = {
        "resource": response,
        "questionnaire": questionnaire,
        "context": response,
    }
    for owner, name, expression in variables:
        if owner is None:
            environment[name] = evaluate(expression, response, environment)
    return environment


def _run(
    root: Mapping[str, Any],
    response: Mapping[str, Any],
    calculated: CalculatedItem,
    nodes: Mapping[str, Mapping[str, Any]],
) -> list[Any]:
    environment = dict(root)
    for owner, name, expression in calculated.variables:
        if owner is None:
            continue  # the Questionnaire's own variables: already in `root`
        context = nodes.get(owner, response)
        environment["context"] = context
        environment[name] = evaluate(expression, context, environment)
    context = nodes.get(calculated.link_id, response)
    environment["context"] = context
    return evaluate(calculated.expression, context, environment)


def passes(items: Sequence[CalculatedItem]) -> int:
    """How many times `calculate` may evaluate every item: once, or once per calculated item when
    a calculation can read another's answer, which it can only do by naming that item's linkId
    somewhere in its text (or its variables')."""
    chained = any(
        other.link_id in text
        for c in items
        for text in (c.expression, *(v[2] for v in c.variables))
        for other in items
        if other is not c
    )
    return len(items) if chained else 1


def calculate(
    questionnaire: Mapping[str, Any],
    response: Mapping[str, Any],
    items: Sequence[CalculatedItem] | None = None,
) -> dict[str, list[Any]]:
    """Evaluate every calculatedExpression of `questionnaire` over `response`.

    Returns linkId -> the raw FHIRPath result (a list, empty when the expression gives nothing).
    When a calculation reads another calculated item's answer, the results are written into a copy
    of the response as answers and evaluated again, once per calculated item at most, as a form
    filler would. Raises FhirPathError when an expression cannot be evaluated.
    """
    items = calculated_items(questionnaire) if items is None else items
    results: dict[str, list[Any]] = {}
    current = response
    root_variables = items[0].variables if items else []
    for _ in range(passes(items)):
        nodes = response_nodes(current)
        root = _root_environment(questionnaire, current, root_variables)
        new = {c.link_id: _run(root, current, c, nodes) for c in items}
        if new == results:
            break
        results = new
        current = _with_answers(response, results)
    return results


def _with_answers(response: Mapping[str, Any], results: Mapping[str, list[Any]]) -> dict[str, Any]:
    def answer(values: list[Any]) -> list[dict[str, Any]]:
        out = []
        for value in values:
            if isinstance(value, bool):
                out.append({"valueBoolean": value})
            elif isinstance(value, int):
                out.append({"valueInteger": value})
            elif isinstance(value, float | Decimal):
                out.append({"valueDecimal": value})
        return out

    def copy(items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for node in items:
            new = dict(node)
            if "item" in node:
                new["item"] = copy(node["item"])
            if node["linkId"] in results:
                new["answer"] = answer(results[node["linkId"]])
            out.append(new)
        return out

    new = dict(response)
    new["item"] = copy(response.get("item") or ())
    return new


def single_number(result: Sequence[Any]) -> Decimal | None:
    """The one number a calculation gave, None when it gave nothing; FhirPathError otherwise."""
    if len(result) == 0:
        return None
    if len(result) > 1:
        raise FhirPathError(f"gave {len(result)} values, not one number")
    (value,) = result
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise FhirPathError(f"gave {value!r}, not a number")
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


def iter_items(items: Sequence[Any]) -> Iterator[Mapping[str, Any]]:
    """Every Questionnaire item, depth first, in document order."""
    for item in items:
        if isinstance(item, Mapping):
            yield item
            yield from iter_items(item.get("item") or ())
