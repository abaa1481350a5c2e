"""Reading answers against a compiled instrument, and `check_answers()` for the API layer.

An answer value of None means "not answered" (a saved-but-cleared answer), everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .compiled import CompiledInstrument, CompiledItem, ensure_compiled
from .errors import AnswerError
from .paths import format_path


def resolve(
    compiled: CompiledInstrument, answers: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str], list[CompiledItem], frozenset[str]]:
    """Walk the items in order; return (values, disabled link ids, items with invalid values,
    pending link ids).

    `values` maps each enabled, validly answered item to its canonical value (the option's own
    value, or the bool). Enable-when conditions see only earlier items' values, so an answer to a
    disabled item never enables a later one. Answers to unknown items are not looked at.

    `pending` is the subset of `disabled` whose condition is unknown because an item it depends
    on is unanswered: such an item may not be answered yet, but it is not "not applicable" either,
    so scales count it as missing (a PC-PTSD-5 with its trauma question unanswered is incomplete,
    not a complete 0).
    """
    values: dict[str, Any] = {}
    disabled: list[str] = []
    pending: list[str] = []
    invalid: list[CompiledItem] = []
    get = answers.get
    for item in compiled.items:
        link_id = item.link_id
        condition = item.enable_when
        if condition is not None:
            enabled = condition(values, None)
            if enabled is not True:
                disabled.append(link_id)
                if enabled is None:
                    pending.append(link_id)
                continue
        value = get(link_id)
        if value is None:
            continue
        canonical = item.canonical
        if canonical is None:
            if value is True or value is False:
                values[link_id] = value
                continue
        elif value.__class__ is not bool:
            # One lookup both validates the value and maps 1.0 to the option's 1.
            try:
                values[link_id] = canonical[value]
                continue
            except (KeyError, TypeError):
                pass
        invalid.append(item)
    return values, disabled, invalid, frozenset(pending)


def invalid_value_error(item: CompiledItem, value: object) -> AnswerError:
    if item.type == "boolean":
        message = f"{value!r} is not an answer to a yes/no item: use true or false"
    else:
        allowed = ", ".join(str(option.value) for option in item.options)
        message = f"{value!r} is not one of the option values ({allowed})"
    return AnswerError(format_path((item.link_id,)), "invalid_value", message, item.link_id)


def check_answers(
    definition_or_compiled: CompiledInstrument | Mapping[str, Any],
    answers: object,
    *,
    for_submit: bool = False,
) -> list[AnswerError]:
    """Every problem with `answers`, each naming its item (`link_id`) and with a `code`.

    Codes: `unknown_item`, `invalid_value`, `disabled_item`; with `for_submit=True` also
    `required` (a required, enabled item is unanswered) and `insufficient_answers` (an enabled
    item is unanswered and a scale holding it cannot be scored under its missing-data rule).
    Never raises for any `answers` (a non-mapping gives one `invalid_answers` error); raises
    DefinitionError only if given an invalid definition.
    """
    compiled = ensure_compiled(definition_or_compiled)
    if not isinstance(answers, Mapping):
        return [AnswerError("$", "invalid_answers", "answers must map link ids to values", None)]

    errors: list[AnswerError] = []
    for key in answers:
        if not isinstance(key, str) or key not in compiled.item_by_id:
            errors.append(
                AnswerError(format_path((str(key),)), "unknown_item", f"no item {key!r}", str(key))
            )

    values, disabled, invalid, _ = resolve(compiled, answers)
    reported = set()
    for item in invalid:
        errors.append(invalid_value_error(item, answers[item.link_id]))
        reported.add(item.link_id)
    for link_id in disabled:
        if answers.get(link_id) is not None:
            errors.append(
                AnswerError(
                    format_path((link_id,)),
                    "disabled_item",
                    "this item is not asked given the earlier answers; remove its answer",
                    link_id,
                )
            )
    if for_submit:
        errors.extend(_submit_errors(compiled, values, set(disabled), reported))
    order = {item.link_id: item.index for item in compiled.items}
    errors.sort(key=lambda e: (order.get(e.link_id or "", len(order)), e.code, e.scale or ""))
    return errors


def _submit_errors(
    compiled: CompiledInstrument, values: dict[str, Any], disabled: set[str], reported: set[str]
) -> list[AnswerError]:
    errors: list[AnswerError] = []
    for link_id in compiled.required_items:
        if link_id not in values and link_id not in disabled and link_id not in reported:
            path = format_path((link_id,))
            errors.append(AnswerError(path, "required", "this item must be answered", link_id))
            reported.add(link_id)
    for scale in compiled.scales:
        enabled = [link_id for link_id in scale.items if link_id not in disabled]
        missing = [link_id for link_id in enabled if link_id not in values]
        if not missing:
            continue
        answered = len(enabled) - len(missing)
        if scale.missing_rule == "refuse":
            reason = f"scale {scale.id!r} is scored only when all its items are answered"
        elif answered < (scale.min_answered or 0):
            reason = (
                f"scale {scale.id!r} needs at least {scale.min_answered} answered items "
                f"({answered} so far)"
            )
        else:
            continue
        for link_id in missing:
            if link_id not in reported:
                errors.append(
                    AnswerError(
                        format_path((link_id,)), "insufficient_answers", reason, link_id, scale.id
                    )
                )
    return errors
