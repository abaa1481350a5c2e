"""`score()`: answers in, scale scores, bands and flags for clinician review out.

Pure and deterministic. It expects answers already passed through `check_answers()`:
- answers to unknown link ids are ignored (never an error here);
- answers to disabled items are ignored (the item is not applicable);
- a None value means unanswered;
- a value that is no valid answer for a known item raises InvalidAnswersError, because a wrong
  value must never turn into a plausible-looking score.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .answers import invalid_value_error, resolve
from .bounds import View, scale_verdict
from .compiled import CompiledInstrument, CompiledRule, CompiledScale, ensure_compiled
from .completions import FIXED, STUCK, build_view, item_states
from .criteria import threshold_text
from .errors import InvalidAnswersError
from .numbers import Number, divide, multiply, plain, round_cents, round_integer
from .quality import check_quality
from .reported import reported_items
from .result import Flag, ScaleEvidence, ScaleResult, ScoreResult
from .templates import Placeholder

# A rule over a partial response that the ranges leave undecided is settled by trying every
# completion of the answers it depends on, up to this many (PHQ-9 with one blank: 4).
COMPLETION_LIMIT = 4096


def score(
    definition_or_compiled: CompiledInstrument | Mapping[str, Any],
    answers: Mapping[str, Any],
    *,
    completion_limit: int = COMPLETION_LIMIT,
) -> ScoreResult:
    """Score `answers` (link id -> option value, or True/False for boolean items).

    Rules fire when they hold for every completion of the missing answers (never on unknown);
    `completion_limit` bounds the exact enumeration that backs up the range check (0: ranges only).
    """
    compiled = ensure_compiled(definition_or_compiled)
    values, disabled, invalid, pending = resolve(compiled, answers)
    if invalid:
        raise InvalidAnswersError(
            [invalid_value_error(item, answers[item.link_id]) for item in invalid]
        )
    # Pending items (their enable-when waits on an unanswered item) count as missing.
    skip = frozenset(disabled) - pending if pending else frozenset(disabled)

    scores: dict[str, Number | None] = {}
    results: dict[str, ScaleResult] = {}
    complete = True
    for scale in compiled.scales:
        result = _score_scale(scale, values, skip)
        scores[scale.id] = result.score
        results[scale.id] = result
        complete = complete and result.complete
    if complete:
        for link_id in compiled.required_items:
            if link_id not in values and link_id not in skip:
                complete = False
                break

    quality = check_quality(compiled.quality, values, compiled.item_by_id)
    missing = tuple(
        item.link_id
        for item in compiled.items
        if item.link_id not in values
        and (item.link_id not in skip)
        and (item.required or item.link_id in compiled.scored_items)
    )
    states = None
    if pending or len(values) + len(disabled) < len(compiled.items):
        states = item_states(compiled, values, frozenset(disabled), pending)
    flags = _evaluate_rules(
        compiled, answers, values, scores, results, quality, states, completion_limit
    )
    return ScoreResult(
        instrument=compiled.code,
        version=compiled.version,
        checksum=compiled.checksum,
        scales=results,
        flags=flags,
        complete=complete,
        disabled_items=tuple(disabled),
        response_quality=quality,
        reported_items=reported_items(compiled, values),
        missing_items=missing,
    )


def _evaluate_rules(
    compiled: CompiledInstrument,
    answers: Mapping[str, Any],
    values: Mapping[str, Any],
    scores: Mapping[str, Number | None],
    results: Mapping[str, ScaleResult],
    quality: dict[str, Any],
    states: Mapping[str, str] | None,
    completion_limit: int,
) -> tuple[Flag, ...]:
    """The flags of every rule that holds, in rule order (urgent first)."""
    if states is None:
        # Nothing is missing: the plain three-valued test is exact.
        return tuple(
            _flag(rule, compiled, values, results, quality, None)
            for rule in compiled.rules
            if rule.test(values, scores) is True
        )
    view: View | None = None
    flags = []
    for rule in compiled.rules:
        open_inputs = tuple(link_id for link_id in rule.inputs if states[link_id] != FIXED)
        if not open_inputs:
            if rule.test(values, scores) is True:
                flags.append(_flag(rule, compiled, values, results, quality, None))
            continue
        if view is None:
            view = build_view(compiled, values, states)
        surely_true, surely_false = rule.bounds(view)
        if not surely_true and not surely_false and not rule.reads_presence:
            surely_true = _every_completion(compiled, rule, answers, states, completion_limit)
        if surely_true:
            unanswered = tuple(link_id for link_id in open_inputs if link_id not in values)
            flags.append(
                _flag(rule, compiled, values, results, quality, view, unanswered or open_inputs)
            )
    return tuple(flags)


def _every_completion(
    compiled: CompiledInstrument,
    rule: CompiledRule,
    answers: Mapping[str, Any],
    states: Mapping[str, str],
    limit: int,
) -> bool:
    """Whether `rule` holds for every completion of the unanswered items it depends on (and of
    the items gating them), tried one by one; False when there are more than `limit`."""
    free: list[str] = []
    pending = [link_id for link_id in rule.inputs if states[link_id] not in (FIXED, STUCK)]
    while pending:
        link_id = pending.pop()
        if link_id in free:
            continue
        if answers.get(link_id) is None:
            free.append(link_id)
        pending.extend(compiled.item_by_id[link_id].gate_refs)
    choices = [compiled.item_by_id[link_id].answer_values for link_id in free]
    if math.prod(len(c) for c in choices) > limit:
        return False
    for combination in itertools.product(*choices):
        completed = dict(answers)
        completed.update(zip(free, combination, strict=True))
        values, disabled, _, pending_items = resolve(compiled, completed)
        skip = frozenset(disabled) - pending_items
        scores = {
            scale_id: _score_scale(compiled.scale_by_id[scale_id], values, skip).score
            for scale_id in rule.scale_refs
        }
        if rule.test(values, scores) is not True:
            return False
    return True


def _score_scale(
    scale: CompiledScale, values: Mapping[str, Any], skip: frozenset[str]
) -> ScaleResult:
    total: Any = 0
    answered = 0
    get = values.get
    if skip:
        expected = 0
        for link_id, contributions in scale.entries:
            if link_id not in skip:
                expected += 1
                value = get(link_id)
                if value is not None:
                    answered += 1
                    total += contributions[value]
    else:
        # The common case (nothing disabled) skips the per-item membership test.
        expected = len(scale.entries)
        for link_id, contributions in scale.entries:
            value = get(link_id)
            if value is not None:
                answered += 1
                total += contributions[value]

    method = scale.method
    prorated = False
    score: Number | None
    if answered == expected:
        if method == "mean":
            score = round_cents(divide(total, answered)) if answered else None
        else:
            # All items disabled leaves total at 0: "not applicable" scores 0 for sum/count.
            score = total if scale.exact_integers else round_integer(total)
    elif scale.missing_rule == "refuse" or answered < (scale.min_answered or 0):
        score = None
    else:
        prorated = True
        if method == "mean":
            score = round_cents(divide(total, answered))
        else:
            score = round_integer(divide(multiply(total, expected), answered))
            # Items with unequal ranges can prorate past the derived range; a score outside
            # the range would match no band, so it is held at the range's ends.
            low, high = scale.range
            score = min(max(score, low), high)

    return ScaleResult(
        id=scale.id,
        title=scale.title,
        method=method,
        score=score,
        band=scale.band_for(score),
        bands_provisional=scale.bands_provisional,
        complete=answered == expected,
        prorated=prorated,
        answered=answered,
        expected=expected,
        range=scale.range,
    )


def _flag(
    rule: CompiledRule,
    compiled: CompiledInstrument,
    values: Mapping[str, Any],
    results: Mapping[str, ScaleResult],
    quality: dict[str, Any],
    view: View | None,
    unanswered: tuple[str, ...] = (),
) -> Flag:
    item_by_id = compiled.item_by_id
    items = []
    for link_id in rule.item_refs:
        value = values.get(link_id)
        criteria = rule.item_criteria.get(link_id, ())
        items.append(
            replace(
                item_by_id[link_id].evidence[value],
                met=any(criterion.holds(value) for criterion in criteria),
                threshold=threshold_text(list(criteria), _label(compiled), link_id),
            )
        )
    scales = []
    for scale_id in rule.scale_refs:
        result = results[scale_id]
        band = result.band.code if result.band is not None else None
        criteria = rule.scale_criteria.get(scale_id, ())
        reachable = None
        if view is not None and not result.complete:
            bounds = view.scales[scale_id]
            reachable = None if bounds.maybe_unscored else (bounds.low, bounds.high)
            met = any(scale_verdict(bounds, c.op, c.value)[0] for c in criteria)
        else:
            met = any(criterion.holds(result.score) for criterion in criteria)
        scales.append(
            ScaleEvidence(
                scale_id,
                result.title,
                result.score,
                band,
                met=met,
                threshold=threshold_text(list(criteria), None, scale_id),
                reachable=reachable,
            )
        )
    message = _render(rule, compiled, values, results)
    if unanswered:
        message += (
            f" Determined from a partial response: {len(unanswered)} item(s) this rule depends "
            f"on are unanswered ({', '.join(unanswered)}), and it holds whatever they would be."
        )
    return Flag(
        rule_id=rule.id,
        condition=rule.condition,
        severity=rule.severity,
        message=message,
        follow_up=rule.follow_up,
        follow_up_note=rule.follow_up_note,
        source=rule.source,
        items=tuple(items),
        scales=tuple(scales),
        label=rule.label,
        instrument_validated=compiled.validated,
        response_quality=quality,
        criteria=rule.criteria,
        determined_from_partial=bool(unanswered),
        unanswered=unanswered,
    )


def _label(compiled: CompiledInstrument) -> Any:
    def label(link_id: str, value: Any) -> str | None:
        item = compiled.item_by_id.get(link_id)
        return item.labels.get(value) if item is not None and item.canonical else None

    return label


def _render(
    rule: CompiledRule,
    compiled: CompiledInstrument,
    values: Mapping[str, Any],
    results: Mapping[str, ScaleResult],
) -> str:
    out = []
    for part in rule.message:
        if isinstance(part, Placeholder):
            out.append(_placeholder_text(part, compiled, values, results))
        else:
            out.append(part)
    return "".join(out)


def _placeholder_text(
    part: Placeholder,
    compiled: CompiledInstrument,
    values: Mapping[str, Any],
    results: Mapping[str, ScaleResult],
) -> str:
    if part.kind == "scale":
        result = results[part.key]
        if result.score is None:
            return "not scored"
        return f"{result.score:.2f}" if result.method == "mean" else str(result.score)
    value = values.get(part.key)
    if value is None:
        return "unanswered"
    if part.kind == "item_label":
        return compiled.item_by_id[part.key].labels[value]
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(plain(value))
