"""`compile()`: a validated definition turned into an immutable, precomputed form.

Everything `score()` would otherwise recompute per call is done here once: option lookups, each
item's contribution to each scale (reverse coding and count thresholds applied), ranges, band
tables, rule closures, parsed message templates.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from .bounds import BoundsTest, compile_bounds
from .canonical import canonical_json
from .change_criteria import ChangeCriteria, compile_change
from .criteria import Criterion, collect, describe
from .errors import DefinitionError
from .expressions import References, Test, compile_condition, compile_expression
from .numbers import Number, to_decimal
from .quality import QualityChecks, compile_quality
from .ranges import item_bounds, scale_range
from .result import Band, ItemEvidence
from .templates import Part, parse
from .validate import validate

SEVERITY_ORDER = {"urgent": 0, "review": 1, "info": 2}

# How boolean answers read in messages and evidence; booleans carry no option labels.
BOOLEAN_LABELS: Mapping[bool, str] = MappingProxyType({True: "Yes", False: "No"})


@dataclass(frozen=True, slots=True)
class Option:
    code: str
    label: str
    value: Number
    system: str | None = None


@dataclass(frozen=True, slots=True)
class CompiledItem:
    index: int
    link_id: str
    text: str
    type: str
    required: bool
    scored: bool
    critical: bool
    options: tuple[Option, ...]
    indicators: tuple[str, ...]
    # Answer value -> the option's own value (so 1.0 and 1 both read as the option's 1);
    # None for boolean items, whose answers are the bools themselves.
    canonical: Mapping[Number, Number] | None
    labels: Mapping[Any, str]
    enable_when: Test | None
    # The evidence record for each possible answer (key None: unanswered), built once because
    # flags on long instruments cite many items and evidence is immutable.
    evidence: Mapping[Any, ItemEvidence]
    # The item's codings (e.g. LOINC), as in the definition.
    codes: tuple[Mapping[str, Any], ...] = ()
    # Every answer value the item takes (what a completion of a partial response may fill in).
    answer_values: tuple[Any, ...] = ()
    # The items its enable-when reads.
    gate_refs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CompiledScale:
    id: str
    title: str
    method: str
    items: tuple[str, ...]
    reverse_items: frozenset[str]
    count_threshold: Number | None
    missing_rule: str
    min_answered: int | None
    range: tuple[Number, Number]
    bands: tuple[Band, ...]
    bands_provisional: bool
    # (link id, answer value -> contribution): reverse coding and the count threshold applied.
    entries: tuple[tuple[str, Mapping[Any, Number | Decimal]], ...]
    # True when every contribution is an int, so sums need no Decimal arithmetic.
    exact_integers: bool
    # The declared criteria for change between screenings (None: the scale declares none).
    change: ChangeCriteria | None = None

    def band_for(self, score: Number | None) -> Band | None:
        if score is None:
            return None
        if self.method != "mean":
            for band in self.bands:
                if band.min <= score <= band.max:
                    return band
            return None
        last = len(self.bands) - 1
        for position, band in enumerate(self.bands):
            if band.min <= score < band.max or (position == last and score == band.max):
                return band
        return None


@dataclass(frozen=True, slots=True)
class CompiledRule:
    id: str
    condition: str
    severity: str
    message: tuple[Part, ...]
    follow_up: str | None
    follow_up_note: str | None
    source: str | None
    # The flag's display label, naming a *possible* pattern (None: the service derives one).
    label: str | None
    test: Test
    item_refs: tuple[str, ...]
    scale_refs: tuple[str, ...]
    # The same rule judged over every completion of a partial response (bounds.py).
    bounds: BoundsTest
    # Every item whose answer the rule depends on: the items it names and those of its scales.
    inputs: tuple[str, ...]
    # `answered`/`unanswered` read the response itself, so completions cannot be enumerated.
    reads_presence: bool
    # What the rule asks of each item and scale (evidence "threshold" and "met"), and the whole
    # rule in words.
    item_criteria: Mapping[str, tuple[Criterion, ...]]
    scale_criteria: Mapping[str, tuple[Criterion, ...]]
    criteria: str


@dataclass(frozen=True, slots=True)
class CompiledInstrument:
    """A definition ready to score many times; build it with `compile()`.

    Immutable and safe to share between threads. `rules` are ordered by severity (urgent first)
    and then definition order, which is the order flags are reported in.
    """

    code: str
    version: str
    title: str
    short_title: str
    validated: bool
    checksum: str
    items: tuple[CompiledItem, ...]
    scales: tuple[CompiledScale, ...]
    rules: tuple[CompiledRule, ...]
    item_by_id: Mapping[str, CompiledItem]
    scale_by_id: Mapping[str, CompiledScale]
    required_items: tuple[str, ...]
    has_enable_when: bool
    canonical: str
    # The declared response-quality checks (None: the instrument declares none).
    quality: QualityChecks | None = None
    # Items that belong to at least one scale.
    scored_items: frozenset[str] = frozenset()

    def definition(self) -> dict[str, Any]:
        """A fresh copy of the definition this was compiled from."""
        copy: dict[str, Any] = json.loads(self.canonical)
        return copy


def compile(definition: Mapping[str, Any]) -> CompiledInstrument:
    """Validate and precompute `definition`; raise DefinitionError listing every error."""
    errors = validate(definition)
    if errors:
        raise DefinitionError(errors)
    canonical = canonical_json(definition)
    return _build(definition, canonical)


def _build(definition: Mapping[str, Any], canonical: str) -> CompiledInstrument:
    option_sets = definition["option_sets"]
    items = tuple(
        _compile_item(index, item, option_sets) for index, item in enumerate(definition["items"])
    )
    item_by_id = {item.link_id: item for item in items}
    scales = tuple(_compile_scale(scale, item_by_id) for scale in definition["scales"])
    scale_by_id = {scale.id: scale for scale in scales}
    rules = sorted(
        (_compile_rule(rule, item_by_id, scale_by_id) for rule in definition["rules"]),
        key=lambda rule: SEVERITY_ORDER[rule.severity],
    )
    return CompiledInstrument(
        code=definition["code"],
        version=definition["version"],
        title=definition["title"],
        short_title=definition["short_title"],
        validated=definition["validated"],
        checksum=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        items=items,
        scales=scales,
        rules=tuple(rules),
        item_by_id=MappingProxyType(item_by_id),
        scale_by_id=MappingProxyType(scale_by_id),
        required_items=tuple(item.link_id for item in items if item.required),
        has_enable_when=any(item.enable_when is not None for item in items),
        canonical=canonical,
        quality=compile_quality(
            definition.get("response_quality"),
            tuple(item.link_id for item in items if item.type == "choice"),
        ),
        scored_items=frozenset(link_id for scale in scales for link_id in scale.items),
    )


def _compile_item(
    index: int, item: Mapping[str, Any], option_sets: Mapping[str, Any]
) -> CompiledItem:
    options: tuple[Option, ...] = ()
    canonical: Mapping[Number, Number] | None = None
    if item["type"] == "choice":
        raw = item["options"]
        raw = option_sets[raw] if isinstance(raw, str) else raw
        options = tuple(
            Option(code=o["code"], label=o["label"], value=o["value"], system=o.get("system"))
            for o in raw
        )
        canonical = MappingProxyType({o.value: o.value for o in options})
        labels: Mapping[Any, str] = MappingProxyType({o.value: o.label for o in options})
    else:
        labels = BOOLEAN_LABELS
    condition = item.get("enable_when")
    critical = item.get("critical", False)
    evidence: dict[Any, ItemEvidence] = {
        value: ItemEvidence(item["link_id"], item["text"], True, value, label, critical)
        for value, label in labels.items()
    }
    evidence[None] = ItemEvidence(item["link_id"], item["text"], False, None, None, critical)
    gate_refs = References()
    if condition is not None:
        compile_condition(condition, gate_refs)
    return CompiledItem(
        index=index,
        link_id=item["link_id"],
        text=item["text"],
        type=item["type"],
        required=item.get("required", True),
        scored=item.get("scored", True),
        critical=critical,
        options=options,
        indicators=tuple(item.get("indicators", ())),
        canonical=canonical,
        labels=labels,
        enable_when=compile_condition(condition) if condition is not None else None,
        evidence=MappingProxyType(evidence),
        codes=tuple(MappingProxyType(dict(code)) for code in item.get("codes", ())),
        answer_values=tuple(labels),
        gate_refs=tuple(gate_refs.items),
    )


def _answer_values(item: CompiledItem) -> list[Any]:
    if item.type == "boolean":
        return [False, True]
    return [option.value for option in item.options]


def _compile_scale(
    scale: Mapping[str, Any], item_by_id: Mapping[str, CompiledItem]
) -> CompiledScale:
    method = scale["method"]
    reverse = frozenset(scale.get("reverse_items", ()))
    threshold = scale.get("count_threshold")
    members = tuple(scale["items"])
    bounds = [
        item_bounds([int(v) if isinstance(v, bool) else v for v in _answer_values(item_by_id[m])])
        for m in members
    ]

    entries = []
    for link_id, (low, high) in zip(members, bounds, strict=True):
        contributions: dict[Any, Number | Decimal] = {}
        for value in _answer_values(item_by_id[link_id]):
            number = to_decimal(int(value) if isinstance(value, bool) else value)
            if link_id in reverse:
                number = low + high - number
            if method == "count":
                contributions[value] = 1 if number >= to_decimal(threshold) else 0
            else:
                contributions[value] = number
        entries.append((link_id, contributions))
    exact = all(
        value == value.to_integral_value()
        for _, contributions in entries
        for value in contributions.values()
        if isinstance(value, Decimal)
    )
    # Integer contributions are stored as ints so the common case sums without Decimal.
    entries = [
        (
            link_id,
            MappingProxyType(
                {k: int(v) if exact else v for k, v in contributions.items()},
            ),
        )
        for link_id, contributions in entries
    ]

    missing = scale["missing"]
    bands = tuple(
        Band(
            code=b["code"],
            label=b["label"],
            min=b["min"],
            max=b["max"],
            interpretation=b.get("interpretation"),
            source=b.get("source"),
        )
        for b in sorted(scale.get("bands", ()), key=lambda b: (b["min"], b["max"]))
    )
    return CompiledScale(
        id=scale["id"],
        title=scale["title"],
        method=method,
        items=members,
        reverse_items=reverse,
        count_threshold=threshold,
        missing_rule=missing["rule"],
        min_answered=missing.get("min_answered"),
        range=scale_range(method, bounds, [item_by_id[m].enable_when is not None for m in members]),
        bands=bands,
        bands_provisional=scale.get("bands_provisional", False),
        entries=tuple(entries),
        exact_integers=exact,
        change=compile_change(scale.get("change")),
    )


def _compile_rule(
    rule: Mapping[str, Any],
    item_by_id: Mapping[str, CompiledItem],
    scale_by_id: Mapping[str, CompiledScale],
) -> CompiledRule:
    refs = References()
    when = rule["when"]
    test = compile_expression(when, refs)
    inputs = list(refs.items)
    for scale_id in refs.scales:
        inputs.extend(link_id for link_id in scale_by_id[scale_id].items if link_id not in inputs)
    item_criteria, scale_criteria = collect(when)

    def label(link_id: str, value: Any) -> str | None:
        item = item_by_id.get(link_id)
        return item.labels.get(value) if item is not None and item.canonical else None

    return CompiledRule(
        id=rule["id"],
        condition=rule["condition"],
        severity=rule["severity"],
        message=parse(rule["message"]),
        follow_up=rule.get("follow_up"),
        follow_up_note=rule.get("follow_up_note"),
        source=rule.get("source"),
        label=rule.get("label"),
        test=test,
        item_refs=tuple(refs.items),
        scale_refs=tuple(refs.scales),
        bounds=compile_bounds(when),
        inputs=tuple(inputs),
        reads_presence=refs.presence,
        item_criteria=MappingProxyType({k: tuple(v) for k, v in item_criteria.items()}),
        scale_criteria=MappingProxyType({k: tuple(v) for k, v in scale_criteria.items()}),
        criteria=describe(when, label, lambda scale_id: scale_by_id[scale_id].title),
    )


_CACHE_SIZE = 64
_cache: OrderedDict[str, CompiledInstrument] = OrderedDict()
_cache_lock = threading.Lock()


def ensure_compiled(definition: CompiledInstrument | Mapping[str, Any]) -> CompiledInstrument:
    """Return `definition` compiled, reusing an earlier compilation of identical content.

    Keyed by canonical JSON (not by object identity), so a dict mutated after an earlier call is
    never scored with its stale compilation. Computing the key costs a JSON dump per call: hot
    paths should compile once and pass the CompiledInstrument.
    """
    if isinstance(definition, CompiledInstrument):
        return definition
    try:
        canonical = canonical_json(definition)
    except (TypeError, ValueError):
        return compile(definition)  # not JSON at all: let validation explain why
    with _cache_lock:
        hit = _cache.get(canonical)
        if hit is not None:
            _cache.move_to_end(canonical)
            return hit
    errors = validate(definition)
    if errors:
        raise DefinitionError(errors)
    compiled = _build(definition, canonical)
    with _cache_lock:
        _cache[canonical] = compiled
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return compiled
