"""Checks a JSON Schema cannot express: cross-references, uniqueness, band coverage.

Every check reads the definition defensively (it may be structurally broken, or not even a dict):
a value of the wrong type is skipped here because the schema check already reports it, so as many
checks as possible still run and `validate()` never raises.

Each part of a definition has its module (`items`, `scales`, `rules`, `examples`); `context`
holds what they share.
"""

from __future__ import annotations

from ..labels import VERSION_LABEL_MESSAGE, is_version_label
from .context import Context, Issue, as_dict, as_list
from .examples import check_examples
from .items import check_enable_when, check_items, check_non_finite, check_option_sets
from .rules import check_quality, check_rules
from .scales import check_scales

__all__ = ["Issue", "semantic_issues"]


def semantic_issues(definition: object) -> list[Issue]:
    ctx = Context()
    check_non_finite(ctx, definition, ())
    if not isinstance(definition, dict):
        return ctx.issues
    label = definition.get("version")
    if isinstance(label, str) and not is_version_label(label):
        ctx.add(("version",), "bad_version_label", VERSION_LABEL_MESSAGE)
    check_option_sets(ctx, as_dict(definition.get("option_sets")))
    items = as_list(definition.get("items"))
    check_items(ctx, items)
    check_enable_when(ctx, items)
    check_scales(ctx, definition.get("scales"))
    check_rules(ctx, as_list(definition.get("rules")))
    check_quality(ctx, definition.get("response_quality"))
    check_examples(ctx, as_list(definition.get("examples")))
    return ctx.issues
