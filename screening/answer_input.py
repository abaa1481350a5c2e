"""Answers as API clients send them, turned into what the engine scores.

Clients send a list of `{"link_id": ..., "value": ...}` (the option's numeric value, or true/false)
or `{"link_id": ..., "code": ...}` (the option's code). The engine takes {link_id: value}. Every
problem is reported at once, keyed by the answer's position: `answers.3.value`.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from config.errors import InvalidAnswers
from screening import engine


def answers_to_values(
    compiled: engine.CompiledInstrument, answers: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """Resolve codes to values and check each answer against the version; raise on any problem."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    position: dict[str, int] = {}
    for index, answer in enumerate(answers):
        link_id = answer.get("link_id")
        item = compiled.item_by_id.get(link_id)
        if item is None:
            errors[f"answers.{index}.link_id"] = [f"No item {link_id!r} in this instrument."]
            continue
        if link_id in position:
            errors[f"answers.{index}.link_id"] = [f"Item {link_id!r} is answered twice."]
            continue
        position[link_id] = index
        has_value, has_code = "value" in answer, "code" in answer
        if has_value == has_code:
            errors[f"answers.{index}"] = ["Give exactly one of `value` or `code`."]
            continue
        if has_code:
            option = next((o for o in item.options if o.code == answer["code"]), None)
            if option is None:
                codes = ", ".join(o.code for o in item.options) or "none: answer true/false"
                errors[f"answers.{index}.code"] = [
                    f"{answer['code']!r} is no option of {link_id!r} (options: {codes})."
                ]
                continue
            values[link_id] = option.value
        else:
            values[link_id] = answer["value"]
    for problem in engine.check_answers(compiled, values):
        index = position.get(problem.link_id or "")
        key = f"answers.{index}.value" if index is not None else "answers"
        errors.setdefault(key, []).append(f"{problem.link_id}: {problem.message}")
    if errors:
        raise InvalidAnswers(fields=errors)
    return values


def submit_problems(compiled: engine.CompiledInstrument, values: Mapping[str, Any]) -> None:
    """Raise when answers that are each valid cannot be submitted (required items, missing data)."""
    errors: dict[str, list[str]] = {}
    for problem in engine.check_answers(compiled, values, for_submit=True):
        if problem.code in {"required", "insufficient_answers"}:
            errors.setdefault("answers", []).append(
                f"{problem.link_id or problem.scale}: {problem.message}"
            )
    if errors:
        raise InvalidAnswers(fields=errors)
