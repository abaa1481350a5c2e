"""Checks a JSON Schema cannot express: cross-references, uniqueness, band coverage.

Every check reads the definition defensively (it may be structurally broken, or not even a dict):
a value of the wrong type is skipped here because the schema check already reports it, so as many
checks as possible still run and `validate()` never raises.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .labels import VERSION_LABEL_MESSAGE, is_version_label
from .numbers import Number, to_decimal
from .paths import Path
from .ranges import INTEGER_METHODS, item_bounds, scale_range
from .semantic_change import check_change
from .templates import KINDS, placeholders

Issue = tuple[Path, str, str]


def _is_number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and (not isinstance(value, float) or math.isfinite(value))
    )


def _as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _as_dict(value: object) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def _hashable_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


@dataclass
class _Item:
    index: int
    type: str | None
    scored: bool
    # Numeric values the item can take; None when its options could not be resolved.
    values: list[Number] | None
    gated: bool


@dataclass
class _Context:
    issues: list[Issue] = field(default_factory=list)
    option_sets: dict[str, list[Number] | None] = field(default_factory=dict)
    items: dict[str, _Item] = field(default_factory=dict)
    scales: dict[str, list[Any]] = field(default_factory=dict)  # id -> band codes
    rules: set[str] = field(default_factory=set)

    def add(self, path: Path, code: str, message: str) -> None:
        self.issues.append((path, code, message))


def semantic_issues(definition: object) -> list[Issue]:
    ctx = _Context()
    _check_non_finite(ctx, definition, ())
    if not isinstance(definition, dict):
        return ctx.issues
    label = definition.get("version")
    if isinstance(label, str) and not is_version_label(label):
        ctx.add(("version",), "bad_version_label", VERSION_LABEL_MESSAGE)
    _check_option_sets(ctx, _as_dict(definition.get("option_sets")))
    items = _as_list(definition.get("items"))
    _check_items(ctx, items)
    _check_enable_when(ctx, items)
    _check_scales(ctx, definition.get("scales"))
    _check_rules(ctx, _as_list(definition.get("rules")))
    _check_quality(ctx, definition.get("response_quality"))
    _check_examples(ctx, _as_list(definition.get("examples")))
    return ctx.issues


def _check_non_finite(ctx: _Context, value: object, path: Path) -> None:
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


def _check_options(ctx: _Context, options: list[Any], path: Path) -> list[Number] | None:
    """Check one option list; return its values, or None if any value is unusable."""
    codes: set[str] = set()
    values: list[Number] = []
    usable = True
    for j, option in enumerate(options):
        if not isinstance(option, dict):
            usable = False
            continue
        code = _hashable_str(option.get("code"))
        if code is not None:
            if code in codes:
                ctx.add(
                    (*path, j, "code"), "duplicate_option_code", f"option code {code!r} repeats"
                )
            codes.add(code)
        value = option.get("value")
        if not _is_number(value):
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


def _check_option_sets(ctx: _Context, option_sets: dict[Any, Any]) -> None:
    for name, options in option_sets.items():
        if isinstance(name, str) and isinstance(options, list):
            ctx.option_sets[name] = _check_options(ctx, options, ("option_sets", name))
        elif isinstance(name, str):
            ctx.option_sets[name] = None


def _check_items(ctx: _Context, items: list[Any]) -> None:
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
        link_id = _hashable_str(item.get("link_id"))
        if link_id is None:
            continue
        if link_id in ctx.items:
            ctx.add((*path, "link_id"), "duplicate_link_id", f"link id {link_id!r} repeats")
            continue
        ctx.items[link_id] = _Item(i, kind, scored is not False, values, "enable_when" in item)


def _check_enable_when(ctx: _Context, items: list[Any]) -> None:
    for i, item in enumerate(items):
        if isinstance(item, dict) and "enable_when" in item:
            self_id = _hashable_str(item.get("link_id"))
            for path, leaf in _condition_leaves(item["enable_when"], ("items", i, "enable_when")):
                _check_condition_leaf(ctx, leaf, path, i, self_id)


def _condition_leaves(node: object, path: Path) -> Iterator[tuple[Path, dict[Any, Any]]]:
    if not isinstance(node, dict):
        return
    for key in ("all", "any"):
        if key in node:
            for j, child in enumerate(_as_list(node[key])):
                yield from _condition_leaves(child, (*path, key, j))
            return
    yield path, node


def _check_condition_leaf(
    ctx: _Context, leaf: dict[Any, Any], path: Path, index: int, self_id: str | None
) -> None:
    ref = _hashable_str(leaf.get("item"))
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


def _check_scales(ctx: _Context, scales: object) -> None:
    if not isinstance(scales, list):
        return
    for i, scale in enumerate(scales):
        if not isinstance(scale, dict):
            continue
        path: Path = ("scales", i)
        scale_id = _hashable_str(scale.get("id"))
        if scale_id is not None:
            if scale_id in ctx.scales:
                ctx.add((*path, "id"), "duplicate_scale_id", f"scale id {scale_id!r} repeats")
            else:
                bands = _as_list(scale.get("bands"))
                ctx.scales[scale_id] = [b.get("code") for b in bands if isinstance(b, dict)]
        _check_scale(ctx, scale, path)
    if "total" not in ctx.scales:
        ctx.add(("scales",), "missing_total", "a scale with id 'total' is required")


def _check_scale(ctx: _Context, scale: dict[Any, Any], path: Path) -> None:
    method = scale.get("method")
    if method == "count" and "count_threshold" not in scale:
        ctx.add(
            (*path, "count_threshold"),
            "count_threshold_required",
            "a count scale needs count_threshold",
        )
    elif method in ("sum", "mean") and "count_threshold" in scale:
        ctx.add(
            (*path, "count_threshold"),
            "count_threshold_not_allowed",
            "count_threshold applies only to count scales",
        )

    items = _as_list(scale.get("items"))
    members: list[str] = []
    bounds: list[tuple[Decimal, Decimal]] | None = []
    gated: list[bool] = []
    for j, ref in enumerate(items):
        ref = _hashable_str(ref)
        if ref is None:
            bounds = None
            continue
        target = ctx.items.get(ref)
        where = (*path, "items", j)
        if ref in members:
            ctx.add(where, "duplicate_item", f"item {ref!r} is listed twice")
            continue
        members.append(ref)
        if target is None:
            ctx.add(where, "unknown_item", f"no item {ref!r}")
            bounds = None
        elif not target.scored:
            ctx.add(where, "unscored_item", f"item {ref!r} is marked scored: false")
        if target is None or target.values is None:
            bounds = None
        elif bounds is not None:
            bounds.append(item_bounds(target.values))
            gated.append(target.gated)

    for j, ref in enumerate(_as_list(scale.get("reverse_items"))):
        if isinstance(ref, str) and ref not in members:
            ctx.add(
                (*path, "reverse_items", j),
                "reverse_not_in_items",
                f"reverse item {ref!r} is not one of the scale's items",
            )

    missing = _as_dict(scale.get("missing"))
    min_answered = missing.get("min_answered")
    if (
        missing.get("rule") == "prorate"
        and _is_number(min_answered)
        and items
        and min_answered > len(items)
    ):
        ctx.add(
            (*path, "missing", "min_answered"),
            "min_answered_exceeds_items",
            f"min_answered {min_answered} is more than the scale's {len(items)} items",
        )

    known_range = None
    if bounds and method in ("sum", "mean", "count"):
        known_range = scale_range(method, bounds, gated)
    if known_range is not None and isinstance(scale.get("bands"), list):
        _check_bands(ctx, scale["bands"], (*path, "bands"), method, *known_range)
    check_change(ctx.add, scale.get("change"), (*path, "change"), known_range)


def _check_bands(
    ctx: _Context, bands: list[Any], path: Path, method: str, low: Number, high: Number
) -> None:
    integer = method in INTEGER_METHODS
    usable: list[tuple[Number, Number, int]] = []
    # Each band is checked on its own first; how bands fit together is only judged when every
    # band is well-formed, or one bad band would also be reported as gaps and overlaps.
    broken = False
    for k, band in enumerate(bands):
        lo, hi = _as_dict(band).get("min"), _as_dict(band).get("max")
        if not (_is_number(lo) and _is_number(hi)):
            broken = True
            continue
        where = (*path, k)
        if integer and (lo != int(lo) or hi != int(hi)):
            ctx.add(
                where, "band_not_integer", f"{method} scores are whole numbers; use whole bounds"
            )
            broken = True
        elif lo > hi:
            ctx.add(where, "band_min_gt_max", f"min {lo} is greater than max {hi}")
            broken = True
        elif hi < low or lo > high:
            ctx.add(where, "band_unreachable", f"[{lo}, {hi}] lies outside the range {low}-{high}")
        usable.append((lo, hi, k))
    if broken or not usable:
        return

    usable.sort()
    # `reach` is the highest max so far, so a band nested inside a wide one counts as overlap.
    reach = usable[0][1]
    for lo, hi, k in usable[1:]:
        expected = reach + 1 if integer else reach
        if lo < expected:
            ctx.add((*path, k), "band_overlap", f"starts at {lo}, inside a band before it")
        elif lo > expected:
            ctx.add((*path, k, "min"), "band_gap", f"starts at {lo}; expected {expected}")
        reach = max(reach, hi)
    if not integer:
        # Mean bands are [min, max) except the last, so a band of width 0 can never be reached.
        for lo, hi, k in usable[:-1]:
            if lo == hi:
                ctx.add((*path, k), "band_unreachable", "an empty [min, max) band is unreachable")
    first_lo, _, first = usable[0]
    _, last_hi, last = usable[-1]
    if first_lo != low:
        ctx.add(
            (*path, first, "min"),
            "band_coverage",
            f"the lowest band starts at {first_lo}; the scale's range starts at {low}",
        )
    if last_hi != high:
        ctx.add(
            (*path, last, "max"),
            "band_coverage",
            f"the highest band ends at {last_hi}; the scale's range ends at {high}",
        )


def _check_rules(ctx: _Context, rules: list[Any]) -> None:
    for i, rule in enumerate(rules):
        if not isinstance(rule, dict):
            continue
        path: Path = ("rules", i)
        rule_id = _hashable_str(rule.get("id"))
        if rule_id is not None:
            if rule_id in ctx.rules:
                ctx.add((*path, "id"), "duplicate_rule_id", f"rule id {rule_id!r} repeats")
            ctx.rules.add(rule_id)
        if "when" in rule:
            _check_expression(ctx, rule["when"], (*path, "when"))
        message = rule.get("message")
        if isinstance(message, str):
            _check_template(ctx, message, (*path, "message"))


def _check_quality(ctx: _Context, block: object) -> None:
    """Opposite pairs name two different choice items (a boolean has no degrees to contradict)."""
    if not isinstance(block, dict):
        return
    for i, pair in enumerate(_as_list(block.get("opposite_pairs"))):
        if not isinstance(pair, dict):
            continue
        refs = _as_list(pair.get("items"))
        for j, ref in enumerate(refs):
            path: Path = ("response_quality", "opposite_pairs", i, "items", j)
            target = _check_item_ref(ctx, ref, path)
            if target is not None and target.type != "choice":
                ctx.add(path, "not_a_choice_item", f"item {ref!r} is not a choice item")
        if len(refs) == 2 and refs[0] == refs[1]:
            ctx.add(
                ("response_quality", "opposite_pairs", i, "items"),
                "same_item_twice",
                "an opposite pair names two different items",
            )


def _check_item_ref(ctx: _Context, ref: object, path: Path) -> _Item | None:
    if not isinstance(ref, str):
        return None
    target = ctx.items.get(ref)
    if target is None:
        ctx.add(path, "unknown_item", f"no item {ref!r}")
    return target


def _check_expression(ctx: _Context, node: object, path: Path) -> None:
    if not isinstance(node, dict) or len(node) != 1:
        return
    ((kind, body),) = node.items()
    where = (*path, kind)
    if kind in ("all", "any"):
        for j, child in enumerate(_as_list(body)):
            _check_expression(ctx, child, (*where, j))
    elif kind == "not":
        _check_expression(ctx, body, where)
    elif kind in ("answered", "unanswered"):
        _check_item_ref(ctx, body, where)
    elif kind == "compare" and isinstance(body, dict):
        if "scale" in body:
            scale = body["scale"]
            if isinstance(scale, str) and scale not in ctx.scales:
                ctx.add((*where, "scale"), "unknown_scale", f"no scale {scale!r}")
            if isinstance(body.get("value"), bool):
                ctx.add((*where, "value"), "value_type", "a scale score compares with a number")
        target = _check_item_ref(ctx, body.get("item"), (*where, "item"))
        if target is not None and target.type == "choice" and isinstance(body.get("value"), bool):
            ctx.add((*where, "value"), "value_type", "a choice item compares with a number")
    elif kind == "at_least" and isinstance(body, dict):
        of = _as_list(body.get("of"))
        for j, ref in enumerate(of):
            _check_item_ref(ctx, ref, (*where, "of", j))
        n = body.get("n")
        if isinstance(n, int) and not isinstance(n, bool) and of and (n < 1 or n > len(of)):
            ctx.add(
                (*where, "n"),
                "at_least_n_out_of_range",
                f"n must be between 1 and the {len(of)} listed items",
            )


def _check_template(ctx: _Context, message: str, path: Path) -> None:
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


def _check_examples(ctx: _Context, examples: list[Any]) -> None:
    names: set[str] = set()
    for i, example in enumerate(examples):
        if not isinstance(example, dict):
            continue
        path: Path = ("examples", i)
        name = _hashable_str(example.get("name"))
        if name is not None:
            if name in names:
                ctx.add((*path, "name"), "duplicate_example_name", f"example {name!r} repeats")
            names.add(name)
        for link_id, value in _as_dict(example.get("answers")).items():
            _check_example_answer(ctx, link_id, value, (*path, "answers", link_id))
        expect = _as_dict(example.get("expect"))
        for scale_id, expected in _as_dict(expect.get("scales")).items():
            where = (*path, "expect", "scales", scale_id)
            if scale_id not in ctx.scales:
                ctx.add(where, "unknown_scale", f"no scale {scale_id!r}")
                continue
            band = _as_dict(expected).get("band")
            if isinstance(band, str) and band not in ctx.scales[scale_id]:
                ctx.add(
                    (*where, "band"), "unknown_band", f"scale {scale_id!r} has no band {band!r}"
                )
        for key in ("flags", "determined_from_partial"):
            for j, rule_id in enumerate(_as_list(expect.get(key))):
                if isinstance(rule_id, str) and rule_id not in ctx.rules:
                    ctx.add((*path, "expect", key, j), "unknown_rule", f"no rule {rule_id!r}")


def _check_example_answer(ctx: _Context, link_id: object, value: object, path: Path) -> None:
    target = ctx.items.get(link_id) if isinstance(link_id, str) else None
    if target is None:
        ctx.add(path, "unknown_item", f"no item {link_id!r}")
        return
    if target.type == "boolean" and not isinstance(value, bool):
        ctx.add(path, "invalid_value", "a boolean item is answered true or false")
    elif (
        target.type == "choice"
        and target.values is not None
        and (not _is_number(value) or all(value != v for v in target.values))
    ):
        allowed = ", ".join(str(v) for v in target.values)
        ctx.add(path, "invalid_value", f"{value!r} is no option value ({allowed})")
