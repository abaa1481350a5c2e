"""The definition's worked examples: their answers fit the items, and what they expect names
scales, bands and rules the definition has."""

from __future__ import annotations

from typing import Any

from ..paths import Path
from .context import Context, as_dict, as_list, hashable_str, is_number


def check_examples(ctx: Context, examples: list[Any]) -> None:
    names: set[str] = set()
    for i, example in enumerate(examples):
        if not isinstance(example, dict):
            continue
        path: Path = ("examples", i)
        name = hashable_str(example.get("name"))
        if name is not None:
            if name in names:
                ctx.add((*path, "name"), "duplicate_example_name", f"example {name!r} repeats")
            names.add(name)
        for link_id, value in as_dict(example.get("answers")).items():
            _check_example_answer(ctx, link_id, value, (*path, "answers", link_id))
        expect = as_dict(example.get("expect"))
        for scale_id, expected in as_dict(expect.get("scales")).items():
            where = (*path, "expect", "scales", scale_id)
            if scale_id not in ctx.scales:
                ctx.add(where, "unknown_scale", f"no scale {scale_id!r}")
                continue
            band = as_dict(expected).get("band")
            if isinstance(band, str) and band not in ctx.scales[scale_id]:
                ctx.add(
                    (*where, "band"), "unknown_band", f"scale {scale_id!r} has no band {band!r}"
                )
        for key in ("flags", "determined_from_partial"):
            for j, rule_id in enumerate(as_list(expect.get(key))):
                if isinstance(rule_id, str) and rule_id not in ctx.rules:
                    ctx.add((*path, "expect", key, j), "unknown_rule", f"no rule {rule_id!r}")


def _check_example_answer(ctx: Context, link_id: object, value: object, path: Path) -> None:
    target = ctx.items.get(link_id) if isinstance(link_id, str) else None
    if target is None:
        ctx.add(path, "unknown_item", f"no item {link_id!r}")
        return
    if target.type == "boolean" and not isinstance(value, bool):
        ctx.add(path, "invalid_value", "a boolean item is answered true or false")
    elif (
        target.type == "choice"
        and target.values is not None
        and (not is_number(value) or all(value != v for v in target.values))
    ):
        allowed = ", ".join(str(v) for v in target.values)
        ctx.add(path, "invalid_value", f"{value!r} is no option value ({allowed})")
