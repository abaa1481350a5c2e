"""Flag rules (their conditions and message templates) and response-quality pairs: every
item, scale and placeholder they name exists."""

from __future__ import annotations

from typing import Any

from ..paths import Path
from ..templates import KINDS, placeholders
from .context import Context, as_list, hashable_str
from .items import check_item_ref


def check_rules(ctx: Context, rules: list[Any]) -> None:
    for i, rule in enumerate(rules):
        if not isinstance(rule, dict):
            continue
        path: Path = ("rules", i)
        rule_id = hashable_str(rule.get("id"))
        if rule_id is not None:
            if rule_id in ctx.rules:
                ctx.add((*path, "id"), "duplicate_rule_id", f"rule id {rule_id!r} repeats")
            ctx.rules.add(rule_id)
        if "when" in rule:
            _check_expression(ctx, rule["when"], (*path, "when"))
        message = rule.get("message")
        if isinstance(message, str):
            _check_template(ctx, message, (*path, "message"))


def check_quality(ctx: Context, block: object) -> None:
    """Opposite pairs name two different choice items (a boolean has no degrees to contradict)."""
    if not isinstance(block, dict):
        return
    for i, pair in enumerate(as_list(block.get("opposite_pairs"))):
        if not isinstance(pair, dict):
            continue
        refs = as_list(pair.get("items"))
        for j, ref in enumerate(refs):
            path: Path = ("response_quality", "opposite_pairs", i, "items", j)
            target = check_item_ref(ctx, ref, path)
            if target is not None and target.type != "choice":
                ctx.add(path, "not_a_choice_item", f"item {ref!r} is not a choice item")
        if len(refs) == 2 and refs[0] == refs[1]:
            ctx.add(
                ("response_quality", "opposite_pairs", i, "items"),
                "same_item_twice",
                "an opposite pair names two different items",
            )


def _check_expression(ctx: Context, node: object, path: Path) -> None:
    if not isinstance(node, dict) or len(node) != 1:
        return
    ((kind, body),) = node.items()
    where = (*path, kind)
    if kind in ("all", "any"):
        for j, child in enumerate(as_list(body)):
            _check_expression(ctx, child, (*where, j))
    elif kind == "not":
        _check_expression(ctx, body, where)
    elif kind in ("answered", "unanswered"):
        check_item_ref(ctx, body, where)
    elif kind == "compare" and isinstance(body, dict):
        if "scale" in body:
            scale = body["scale"]
            if isinstance(scale, str) and scale not in ctx.scales:
                ctx.add((*where, "scale"), "unknown_scale", f"no scale {scale!r}")
            if isinstance(body.get("value"), bool):
                ctx.add((*where, "value"), "value_type", "a scale score compares with a number")
        target = check_item_ref(ctx, body.get("item"), (*where, "item"))
        if target is not None and target.type == "choice" and isinstance(body.get("value"), bool):
            ctx.add((*where, "value"), "value_type", "a choice item compares with a number")
    elif kind == "at_least" and isinstance(body, dict):
        of = as_list(body.get("of"))
        for j, ref in enumerate(of):
            check_item_ref(ctx, ref, (*where, "of", j))
        n = body.get("n")
        if isinstance(n, int) and not isinstance(n, bool) and of and (n < 1 or n > len(of)):
            ctx.add(
                (*where, "n"),
                "at_least_n_out_of_range",
                f"n must be between 1 and the {len(of)} listed items",
            )


def _check_template(ctx: Context, message: str, path: Path) -> None:
    for placeholder in placeholders(message):
        kind, key = placeholder.kind, placeholder.key
        if kind not in KINDS:
            ctx.add(
                path,
                "unknown_placeholder",
                f"{{{kind}:{key}}}: use {{scale:..}}, {{item:..}} or {{item_label:..}}",
            )
        elif kind == "scale" and key not in ctx.scales:
            ctx.add(path, "unknown_scale", f"{{scale:{key}}} names no scale")
        elif kind != "scale" and key not in ctx.items:
            ctx.add(path, "unknown_item", f"{{{kind}:{key}}} names no item")
