"""JSON Schema check of a definition, reported as engine errors with `$`-paths.

jsonschema's own messages repeat the whole offending instance and its `oneOf` failures list every
branch; clinicians' admins need one short message pointing at the exact key, so errors are
rewritten here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema import ValidationError as SchemaError

from .paths import Path

SchemaIssue = tuple[Path, str, str]

_TYPE_WORDS = {
    "object": "an object",
    "array": "a list",
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "boolean": "true or false",
    "null": "null",
}


@cache
def load_schema() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("definition.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> Draft202012Validator:
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_issues(definition: object) -> list[SchemaIssue]:
    issues: list[SchemaIssue] = []
    for error in _validator().iter_errors(definition):
        issues.extend(_convert(error))
    return issues


def _path(error: SchemaError) -> Path:
    return tuple(error.absolute_path)


def _convert(error: SchemaError) -> Iterator[SchemaIssue]:
    keyword = error.validator
    path = _path(error)
    value = error.validator_value
    instance = error.instance

    if keyword in ("oneOf", "anyOf"):
        yield from _convert_alternatives(error)
    elif keyword == "required":
        for name in value:
            if isinstance(instance, dict) and name not in instance:
                yield (*path, name), "required", f"'{name}' is required"
    elif keyword == "additionalProperties" and value is False:
        known = error.schema.get("properties", {})
        for name in instance:
            if name not in known:
                yield (*path, name), "unknown_property", f"'{name}' is not a known property here"
    elif keyword == "not" and isinstance(value, dict) and set(value) == {"required"}:
        for name in value["required"]:
            yield (*path, name), "not_allowed", f"'{name}' is not allowed here"
    elif "propertyNames" in error.schema_path:
        yield (*path, str(instance)), "invalid_name", f"{instance!r} is not a valid name"
    else:
        yield path, _code(keyword), _message(keyword, value, error)


def _convert_alternatives(error: SchemaError) -> Iterator[SchemaIssue]:
    path = _path(error)
    if not error.context:
        yield path, "one_of", _exactly_one_message(error.validator_value)
        return
    branches: dict[int, list[SchemaError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    # A branch that failed on the value's type or constant at this very spot does not describe
    # what the author meant; report the errors of the branch that does, if exactly one.
    fitting = [
        subs
        for subs in branches.values()
        if not any(
            not sub.relative_path and sub.validator in ("type", "const", "enum") for sub in subs
        )
    ]
    if len(fitting) == 1:
        for sub in fitting[0]:
            yield from _convert(sub)
    elif not fitting:
        yield path, "type", "is not any of the allowed forms"
    else:
        yield path, "one_of", _exactly_one_message(error.validator_value)


def _exactly_one_message(alternatives: Any) -> str:
    names = [
        name for alt in alternatives if isinstance(alt, dict) for name in alt.get("required", [])
    ]
    if names:
        return "needs exactly one of " + " or ".join(f"'{n}'" for n in names)
    return "matches more than one allowed form"


def _code(keyword: str) -> str:
    return {
        "type": "type",
        "const": "invalid_value",
        "enum": "invalid_value",
        "pattern": "pattern",
        "minLength": "empty",
        "minItems": "too_few",
        "minimum": "too_small",
        "exclusiveMinimum": "too_small",
        "maximum": "too_large",
        "exclusiveMaximum": "too_large",
        "minProperties": "one_key",
        "maxProperties": "one_key",
    }.get(keyword, keyword)


def _message(keyword: str, value: Any, error: SchemaError) -> str:
    if keyword == "type":
        kinds = value if isinstance(value, list) else [value]
        return "must be " + " or ".join(_TYPE_WORDS.get(k, k) for k in kinds)
    if keyword == "const":
        return f"must be {json.dumps(value)}"
    if keyword == "enum":
        return "must be one of " + ", ".join(json.dumps(v) for v in value)
    if keyword == "pattern":
        return f"does not match the pattern {value}"
    if keyword == "exclusiveMinimum":
        return f"must be greater than {value}"
    if keyword == "maximum":
        return f"must be at most {value}"
    if keyword == "exclusiveMaximum":
        return f"must be less than {value}"
    if keyword == "minLength":
        return "must not be empty"
    if keyword == "minItems":
        return f"must have at least {value} entr{'y' if value == 1 else 'ies'}"
    if keyword == "minimum":
        return f"must be at least {value}"
    if keyword in ("minProperties", "maxProperties"):
        return "an expression must have exactly one key (its kind)"
    message = error.message
    return message if len(message) <= 200 else message[:197] + "..."
