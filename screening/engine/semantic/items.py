"""Items and their options: option codes and values, option sets, link ids, enable_when
references, and the non-finite numbers anywhere in a definition."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from ..numbers import Number, to_decimal
from ..paths import Path
from .context import Context, Item, as_list, hashable_str, is_number


def check_non_finite(ctx: Context, value: object, path: Path) -> None:
    # NaN and infinities pass a "number" type check but make every comparison meaningless.
    stack: list[tuple[object, Path]] = [(value, path)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, float) and not math.isfinite(node):
            ctx.add(where, "not_finite", "must be a finite number")
        elif isinstance(node, dict):
            stack.extend((child, (*where, key)) for key, child in node.items())
        elif isinstance(node, list):
            stack.extend((child, (*where, i)) for i, child in enumerate(node))


def _check_options(ctx: Context, options: list[Any], path: Path) -> list[Number] | None:
    """Check one option list; return its values, or None if any value is unusable."""
    codes: set[str] = set()
    values: list[Number] = []
    usable = True
    for j, option in enumerate(options):
        if not isinstance(option, dict):
            usable = False
            continue
        code = hashable_str(option.get("code"))
        if code is not None:
            if code in codes:
                ctx.add(
                    (*path, j, "code"), "duplicate_option_code", f"option code {code!r} repeats"
                )
            codes.add(code)
        value = option.get("value")
        if not is_number(value):
            usable = False
            continue
        # Answers name an option by its value, so two options with one value cannot be told apart.
        if any(to_decimal(value) == to_decimal(seen) for seen in values):
            ctx.add(
                (*path, j, "value"),
                "duplicate_option_value",
                f"option value {value} repeats; answers could not tell these options apart",
            )
        values.append(value)
    return values if usable and values else None


def check_option_sets(ctx: Context, option_sets: dict[Any, Any]) -> None:
    for name, options in option_sets.items():
        if isinstance(name, str) and isinstance(options, list):
            ctx.option_sets[name] = _check_options(ctx, options, ("option_sets", name))
        elif isinstance(name, str):
            ctx.option_sets[name] = None


def check_items(ctx: Context, items: list[Any]) -> None:
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        path: Path = ("items", i)
        kind = item.get("type") if item.get("type") in ("choice", "boolean") else None
        values: list[Number] | None = None
        options = item.get("options")
        if kind == "boolean":
            values = [0, 1]
            if "options" in item:
                ctx.add(
                    (*path, "options"),
                    "boolean_with_options",
                    "a boolean item answers true/false and takes no options",
                )
        elif kind == "choice":
            if "options" not in item:
                ctx.add((*path, "options"), "choice_without_options", "a choice item needs options")
            elif isinstance(options, str):
                if options not in ctx.option_sets:
                    ctx.add((*path, "options"), "unknown_option_set", f"no option set {options!r}")
                values = ctx.option_sets.get(options)
            elif isinstance(options, list):
                values = _check_options(ctx, options, (*path, "options"))
        scored = item.get("scored", True)
        link_id = hashable_str(item.get("link_id"))
        if link_id is None:
            continue
        if link_id in ctx.items:
            ctx.add((*path, "link_id"), "duplicate_link_id", f"link id {link_id!r} repeats")
            continue
        ctx.items[link_id] = Item(i, kind, scored is not False, values, "enable_when" in item)


def check_enable_when(ctx: Context, items: list[Any]) -> None:
    for i, item in enumerate(items):
        if isinstance(item, dict) and "enable_when" in item:
            self_id = hashable_str(item.get("link_id"))
            for path, leaf in _condition_leaves(item["enable_when"], ("items", i, "enable_when")):
                _check_condition_leaf(ctx, leaf, path, i, self_id)


def _condition_leaves(node: object, path: Path) -> Iterator[tuple[Path, dict[Any, Any]]]:
    if not isinstance(node, dict):
        return
    for key in ("all", "any"):
        if key in node:
            for j, child in enumerate(as_list(node[key])):
                yield from _condition_leaves(child, (*path, key, j))
            return
    yield path, node


def _check_condition_leaf(
    ctx: Context, leaf: dict[Any, Any], path: Path, index: int, self_id: str | None
) -> None:
    ref = hashable_str(leaf.get("item"))
    if ref is None:
        return
    where = (*path, "item")
    target = ctx.items.get(ref)
    if ref == self_id:
        ctx.add(where, "self_reference", "an item's enable_when cannot refer to the item itself")
        return
    if target is None:
        ctx.add(where, "unknown_item", f"no item {ref!r}")
        return
    if target.index > index:
        ctx.add(where, "forward_reference", f"item {ref!r} comes later; refer to earlier items")
        return
    op = leaf.get("op")
    if "value" not in leaf or op in ("answered", "unanswered"):
        return
    value = leaf["value"]
    if target.type == "boolean" and (op not in ("=", "!=") or not isinstance(value, bool)):
        ctx.add(
            (*path, "value"),
            "value_type",
            f"item {ref!r} is boolean: compare it with = or != against true or false",
        )
    elif target.type == "choice" and isinstance(value, bool):
        ctx.add((*path, "value"), "value_type", f"item {ref!r} is a choice: compare with a number")


def check_item_ref(ctx: Context, ref: object, path: Path) -> Item | None:
    if not isinstance(ref, str):
        return None
    target = ctx.items.get(ref)
    if target is None:
        ctx.add(path, "unknown_item", f"no item {ref!r}")
    return target
