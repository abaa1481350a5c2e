"""`validate(definition)`: every problem in a definition at once, each with its JSON path."""

from __future__ import annotations

from .errors import ValidationError
from .paths import Path, format_path, sort_key
from .schema_check import schema_issues
from .semantic import semantic_issues

# Deeper than any sensible definition, shallow enough that recursive checks cannot overflow.
MAX_DEPTH = 64


def validate(definition: object) -> list[ValidationError]:
    """Return every error in `definition`; an empty list means it is valid.

    Never raises, whatever it is given: this is the entry point for untrusted drafts.
    """
    if _too_deep(definition):
        return [ValidationError("$", "too_deep", f"nesting deeper than {MAX_DEPTH} levels")]
    try:
        semantic = semantic_issues(definition)
        structural = schema_issues(definition)
    except Exception as exc:
        # A checker bug must not turn an admin's draft into a server error.
        return [ValidationError("$", "internal_error", f"could not check: {type(exc).__name__}")]
    # A semantic error names the problem more precisely than a schema error at the same spot
    # (e.g. `choice_without_options` rather than "'options' is required"), so it wins.
    semantic_paths = {path for path, _, _ in semantic}
    issues = semantic + [issue for issue in structural if issue[0] not in semantic_paths]
    unique: dict[tuple[Path, str, str], None] = dict.fromkeys(issues)
    ordered = sorted(unique, key=lambda issue: (sort_key(issue[0]), issue[1], issue[2]))
    return [ValidationError(format_path(path), code, message) for path, code, message in ordered]


def _too_deep(value: object) -> bool:
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
    return False
